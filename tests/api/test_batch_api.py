"""Batch scrub: POST /v1/permissions/batch."""

import pytest

from tests.api.conftest import new_email, new_phone
from tests.api.helpers import (
    LATE_LA,
    NOON_LA,
    add_entries,
    assert_error,
    clean,
    codes,
    consent,
    create_list,
    decide,
    opt_out,
    preferences,
)

pytestmark = pytest.mark.dynamodb


def batch(api, addresses, channel="call", purpose="marketing", at=NOON_LA, key="dialer", status=200, **extra):
    body = {"channel": channel, "purpose": purpose, "addresses": addresses, **extra}
    if at is not None:
        body["at"] = at
    reply = api.call("POST", "/v1/permissions/batch", body, key=key)
    assert reply.status == status, reply.text
    return clean(reply)


def test_order_is_kept_and_bad_addresses_are_isolated(api):
    allowed, denied, opted = new_phone(), new_phone(), new_phone()
    consent(api, allowed, ["call"])
    consent(api, opted, ["call"], occurred_at="2026-11-20T12:00:00Z")
    opt_out(api, opted, ["call"], occurred_at="2026-11-21T12:00:00Z")
    email = new_email()
    addresses = [allowed, "not-a-number", denied, email, "12345", opted]
    results = batch(api, addresses)["results"]
    assert len(results) == len(addresses)
    assert [r.get("decision") for r in results] == ["allow", None, "deny", None, None, "deny"]
    assert results[0]["address"] == allowed
    assert results[1] == {"address": "not-a-number", "error": results[1]["error"]}
    assert results[1]["error"]["code"] == "invalid_address"
    assert results[1]["error"]["message"]
    assert results[3]["address"] == email
    assert results[3]["error"]["code"] == "channel_address_mismatch"
    assert results[4]["error"]["code"] == "invalid_address"
    assert "no_consent" in codes(results[2])
    assert "opted_out" in codes(results[5])


def test_non_string_entries_are_invalid_addresses_not_a_failed_batch(api):
    number = new_phone()
    results = batch(api, [None, 12345, {"a": 1}, number], purpose="informational")["results"]
    assert [r.get("error", {}).get("code") for r in results[:3]] == ["invalid_address"] * 3
    assert results[3]["decision"] == "allow"


def test_results_match_single_lookups(api):
    number, night, listed, email, linked = (
        new_phone(),
        new_phone(),
        new_phone("212"),
        new_email(),
        new_email(),
    )
    consent(api, number, ["call"])
    consent(api, night, ["call"])
    preferences(api, night, preferred_channel="email", linked_addresses=[linked], timezone="America/New_York")
    name = create_list(api, "internal")
    add_entries(api, name, add=[listed])
    at = "2026-12-02T03:00:00Z"  # 19:00 in LA, 22:00 in New York
    addresses = [number, night, listed, new_phone()]
    results = batch(api, addresses, at=at)["results"]
    for address, result in zip(addresses, results, strict=True):
        assert result == decide(api, address, "call", at=at)
    assert results[1]["recommended_channel"] == "email"
    email_results = batch(api, [email], channel="email", at=LATE_LA)["results"]
    assert email_results[0] == decide(api, email, "email", at=LATE_LA)


def test_brand_applies_to_every_address(api):
    number = new_phone()
    consent(api, number, ["call"], brand="acme")
    assert batch(api, [number], brand="acme")["results"][0]["decision"] == "allow"
    result = batch(api, [number], brand="globex")["results"][0]
    assert result["brand"] == "globex" and result["decision"] == "deny"


def test_duplicates_are_each_answered(api):
    number = new_phone()
    consent(api, number, ["call"])
    local = f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    results = batch(api, [number, local, number])["results"]
    assert len(results) == 3
    assert all(r["decision"] == "allow" and r["address"] == number for r in results)


def test_empty_batch_answers_no_results(api):
    assert batch(api, [])["results"] == []


def test_without_at_the_batch_is_for_now(api):
    result = batch(api, [new_email()], channel="email", at=None)["results"][0]
    assert result["evaluated_at"].endswith("Z") and result["evaluated_at"].startswith("20")


def test_a_thousand_addresses_are_allowed(api):
    addresses = [new_phone("646") for _ in range(1000)]
    results = batch(api, addresses, purpose="informational")["results"]
    assert len(results) == 1000
    assert [r["address"] for r in results] == addresses
    assert all(r["decision"] == "allow" for r in results)


def test_a_thousand_and_one_addresses_are_413(api):
    addresses = [new_phone("646") for _ in range(1001)]
    reply = api.call(
        "POST",
        "/v1/permissions/batch",
        {"channel": "call", "purpose": "marketing", "addresses": addresses},
        key="dialer",
    )
    error = assert_error(reply, 413, "payload_too_large", "addresses")
    assert "1000" in error["message"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"channel": "fax", "purpose": "marketing", "addresses": []}, "channel"),
        ({"channel": "call", "purpose": "sales", "addresses": []}, "purpose"),
        ({"channel": "call", "purpose": "marketing"}, "addresses"),
        ({"channel": "call", "purpose": "marketing", "addresses": "+14155550100"}, "addresses"),
        ({"channel": "call", "purpose": "marketing", "addresses": [], "at": "2026-12-01T20:00:00"}, "at"),
        ({"channel": "call", "purpose": "marketing", "addresses": [], "at": "tomorrow"}, "at"),
        ({"channel": "call", "purpose": "marketing", "addresses": [], "colour": "blue"}, "colour"),
    ],
)
def test_a_bad_batch_request_is_a_400(api, body, field):
    reply = api.call("POST", "/v1/permissions/batch", body, key="dialer")
    assert_error(reply, 400, "invalid_request", field)


def test_batch_needs_the_lookup_scope(api):
    body = {"channel": "call", "purpose": "marketing", "addresses": [new_phone()]}
    assert_error(api.call("POST", "/v1/permissions/batch", body, key="writer"), 403, "forbidden")
    assert_error(api.call("POST", "/v1/permissions/batch", body, key=None), 401, "unauthorized")


def _published(text: str) -> dict[str, list[float]]:
    """The metric values of the EMF lines Powertools printed: name -> each value published."""
    import json

    values: dict[str, list[float]] = {}
    for line in text.splitlines():
        if not line.startswith('{"_aws"'):
            continue
        doc = json.loads(line)
        for directive in doc["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                value = doc[metric["Name"]]
                values.setdefault(metric["Name"], []).extend(value if isinstance(value, list) else [value])
    return values


def test_a_batch_publishes_each_metric_once_with_its_total(api, capsys):
    """One metric value per name for the whole batch (not one per address: a batch of 1,000 spent a
    tenth of its time adding and flushing them), with the same totals."""
    allowed, opted, unknown = new_phone(), new_phone(), new_phone()
    consent(api, allowed, ["call"])
    consent(api, opted, ["call"], occurred_at="2026-11-20T12:00:00Z")
    opt_out(api, opted, ["call"], occurred_at="2026-11-21T12:00:00Z")
    capsys.readouterr()
    results = batch(api, [allowed, opted, unknown, allowed])["results"]
    published = _published(capsys.readouterr().out)
    assert published["BatchAddresses"] == [4]
    decisions = {name: values for name, values in published.items() if name.startswith("Decision_")}
    assert all(len(values) == 1 for values in decisions.values()), decisions
    expected: dict[str, int] = {}
    for result in results:
        expected[f"Decision_{result['decision']}"] = expected.get(f"Decision_{result['decision']}", 0) + 1
    assert {name: values[0] for name, values in decisions.items()} == expected
    assert expected["Decision_allow"] == 2
