"""Issue 7, item 3: instants in a sane range, stored in one fixed-width form, and a stored
record that cannot be read denies that one address (503), never a 400, never its batch.

Every test runs through the Lambda handler and the local server (``both``).
"""
from __future__ import annotations

import json
import os

import pytest

from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import NOON_LA, assert_error, assert_unknown, clean, codes

pytestmark = pytest.mark.dynamodb


OUT_OF_RANGE = [
    "0001-01-01T00:00:00Z",  # the attack: stored as "1-01-01...", then every lookup was 400
    "0999-12-31T23:59:59Z",
    "1969-12-31T23:59:59Z",
    "2100-01-01T00:00:01Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-01:00",  # overflowed on conversion to UTC: 500
    "0001-01-01T00:00:00+01:00",  # overflowed the other way
]


def _consent(address, **extra):
    return {"address": address, "channels": ["call"], "purposes": ["marketing"], "source": "web_form",
            "occurred_at": "2026-11-28T12:00:00Z", **extra}


def _writes(address):
    """(path, body builder(instant), field) for every instant a write takes."""
    return [
        ("/v1/consents", lambda t: _consent(address, occurred_at=t), "occurred_at"),
        ("/v1/consents", lambda t: _consent(address, occurred_at="1970-01-01T00:00:00Z", expires_at=t), "expires_at"),
        ("/v1/opt-outs", lambda t: {"address": address, "channels": ["all"], "purposes": ["all"], "source": "agent",
                                    "occurred_at": t}, "occurred_at"),
        ("/v1/relationships", lambda t: {"address": address, "kind": "transaction", "occurred_at": t}, "occurred_at"),
        ("/v1/attempts", lambda t: {"address": address, "channel": "call", "purpose": "marketing", "occurred_at": t,
                                    "outcome": "answered"}, "occurred_at"),
    ]


@pytest.mark.parametrize("instant", OUT_OF_RANGE)
def test_an_instant_out_of_range_is_400_on_every_write_and_writes_nothing(both, instant):
    phone = new_phone()
    for path, build, field in _writes(phone):
        assert_error(both.call("POST", path, build(instant)), 400, "invalid_request", field)
    reply = both.call("PUT", f"/v1/contacts/{quoted(phone)}/preferences", {"snooze_until": instant})
    assert_error(reply, 400, "invalid_request", "snooze_until")
    assert_unknown(both, phone)


@pytest.mark.parametrize("instant", OUT_OF_RANGE)
def test_an_instant_out_of_range_is_400_in_lookups_and_events(both, instant):
    phone = new_phone()
    assert_error(both.permission(phone, "call", at=instant), 400, "invalid_request", "at")
    batch = {"channel": "call", "purpose": "marketing", "at": instant, "addresses": [phone]}
    assert_error(both.call("POST", "/v1/permissions/batch", batch, key="dialer"), 400, "invalid_request", "at")

    envelope = {"id": f"evt-{phone[1:]}", "type": "opt_out.recorded", "occurred_at": instant, "source": "crm",
                "data": {"address": phone, "channels": ["all"], "purposes": ["all"], "source": "crm"}}
    data_only = {**envelope, "id": f"evt2-{phone[1:]}", "occurred_at": "2026-11-28T12:00:00Z",
                 "data": {**envelope["data"], "occurred_at": instant}}
    reply = both.call("POST", "/v1/events", {"events": [envelope, data_only]})
    assert reply.status == 200, reply.text
    results = clean(reply)["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert [r["error"]["field"] for r in results] == ["occurred_at", "data.occurred_at"]
    assert_unknown(both, phone)


def test_the_range_ends_are_accepted(both):
    phone = new_phone()
    first = both.call("POST", "/v1/consents", _consent(phone, occurred_at="1970-01-01T00:00:00Z",
                                                         expires_at="2100-01-01T00:00:00Z"))
    assert first.status == 201, first.text
    assert clean(first)["occurred_at"] == "1970-01-01T00:00:00Z"  # answers keep the short form
    assert clean(first)["expires_at"] == "2100-01-01T00:00:00Z"
    decision = clean(both.permission(phone, "call", at=NOON_LA))
    assert decision["decision"] == "allow", decision


def test_after_a_refused_ancient_write_the_contact_still_works(both):
    """The attack of item 3: the contact was broken for good (lookup 400, STOP refused, erasure impossible)."""
    phone = new_phone()
    assert_error(both.call("POST", "/v1/consents", _consent(phone, occurred_at="0001-01-01T00:00:00Z")), 400)
    assert both.call("POST", "/v1/consents", _consent(phone)).status == 201
    assert clean(both.permission(phone, "call", at=NOON_LA))["decision"] == "allow"
    stop = both.call("POST", "/v1/opt-outs", {"address": phone, "channels": ["all"], "purposes": ["all"],
                                                "source": "sms_keyword", "occurred_at": "2026-11-29T12:00:00Z"})
    assert stop.status == 201, stop.text
    assert "opted_out" in codes(clean(both.permission(phone, "call", at=NOON_LA)))
    batch = both.call("POST", "/v1/permissions/batch",
                        {"channel": "call", "purpose": "marketing", "at": NOON_LA, "addresses": [phone]}, key="dialer")
    assert batch.status == 200 and clean(batch)["results"][0]["decision"] == "deny", batch.text
    assert both.call("DELETE", f"/v1/contacts/{quoted(phone)}").status == 200


# --- what is stored ------------------------------------------------------------------------------

def _state_item(dynamodb_client, address):
    from registry.services.address_keys import contact_key

    item = dynamodb_client.get_item(TableName=os.environ["REGISTRY_TABLE"], ConsistentRead=True,
                                    Key={"pk": {"S": contact_key(address)}, "sk": {"S": "STATE"}})["Item"]
    return json.loads(item["state"]["S"])


def test_instants_are_stored_in_one_fixed_width_form(both, dynamodb_client):
    phone = new_phone()
    assert both.call("POST", "/v1/consents", _consent(phone, occurred_at="1970-01-01T01:00:00+01:00",
                                                        expires_at="2030-06-01T12:00:00.5-04:00")).status == 201
    assert both.call("PUT", f"/v1/contacts/{quoted(phone)}/preferences",
                       {"snooze_until": "2099-12-31T23:59:59Z"}).status == 201
    state = _state_item(dynamodb_client, phone)
    consent = state["consents"][0]
    assert consent["occurred_at"] == "1970-01-01T00:00:00.000000Z"
    assert consent["expires_at"] == "2030-06-01T16:00:00.500000Z"
    assert state["preferences"]["snooze_until"] == "2099-12-31T23:59:59.000000Z"
    stamps = [consent["occurred_at"], consent["expires_at"], consent["recorded_at"],
              state["preferences"]["snooze_until"]]
    assert {len(s) for s in stamps} == {len("2026-01-01T00:00:00.000000Z")}
    # answers keep the short form
    profile = clean(both.call("GET", f"/v1/contacts/{quoted(phone)}"))
    assert profile["consents"][0]["occurred_at"] == "1970-01-01T00:00:00Z"
    assert profile["consents"][0]["expires_at"] == "2030-06-01T16:00:00.500000Z"


# --- a stored record that cannot be read -----------------------------------------------------------

def _consent_doc(occurred_at="2026-11-28T12:00:00.000000Z", **extra):
    return {"id": "c-1", "channels": ["call", "sms"], "purposes": ["marketing"], "brand": "default",
            "source": "web_form", "occurred_at": occurred_at, "expires_at": None, "evidence": None,
            "recorded_at": "2026-11-28T12:00:00.000000Z", **extra}


CORRUPT_STATES = {
    # what the attack of item 3 left behind: year 1 written without padding
    "year without padding": {"state": {"S": json.dumps({"consents": [_consent_doc("1-01-01T00:00:00Z")]})}},
    "instant out of range": {"state": {"S": json.dumps({"relationships": [
        {"id": "r-1", "kind": "transaction", "brand": "default", "occurred_at": "9999-01-01T00:00:00Z"}]})}},
    "state not JSON": {"state": {"S": "{not json"}},
    "state of the wrong type": {"state": {"N": "7"}},
    "fact missing a field": {"state": {"S": json.dumps({"opt_outs": [{"id": "o-1"}]})}},
    "version not a number": {"version": {"S": "seven"}, "state": {"S": json.dumps({})}},
}


def _plant(dynamodb_client, address, attributes):
    from registry.services.address_keys import contact_key

    item = {"pk": {"S": contact_key(address)}, "sk": {"S": "STATE"}, "address": {"S": address},
            "kind": {"S": "email" if "@" in address else "phone"}, "version": {"N": "1"}, **attributes}
    dynamodb_client.put_item(TableName=os.environ["REGISTRY_TABLE"], Item=item)


def _assert_unavailable_deny(body, address):
    assert body["decision"] == "deny" and body["allowed"] is False, body
    assert [r["code"] for r in body["reasons"]] == ["registry_unavailable"], body
    assert body["address"] == address


@pytest.mark.parametrize("damage", list(CORRUPT_STATES))
def test_an_unreadable_record_denies_that_address_with_503_never_400(both, dynamodb_client, damage):
    phone = new_phone()
    _plant(dynamodb_client, phone, CORRUPT_STATES[damage])

    reply = both.permission(phone, "call", at=NOON_LA)
    assert reply.status == 503, reply.text
    body = clean(reply)
    assert body["error"]["code"] == "registry_unavailable"
    _assert_unavailable_deny(body, phone)

    profile = both.call("GET", f"/v1/contacts/{quoted(phone)}")
    assert_error(profile, 503, "registry_unavailable")
    write = both.call("POST", "/v1/opt-outs", {"address": phone, "channels": ["all"], "purposes": ["all"],
                                                 "source": "agent", "occurred_at": "2026-11-29T12:00:00Z"})
    assert_error(write, 503, "registry_unavailable")  # nothing can be merged into a record nobody can read


@pytest.mark.parametrize("damage", list(CORRUPT_STATES))
def test_an_unreadable_record_never_fails_its_batch_neighbours(both, dynamodb_client, damage):
    broken, allowed, opted_out = new_phone(), new_phone(), new_phone()
    _plant(dynamodb_client, broken, CORRUPT_STATES[damage])
    assert both.call("POST", "/v1/consents", _consent(allowed)).status == 201
    assert both.call("POST", "/v1/opt-outs", {"address": opted_out, "channels": ["all"], "purposes": ["all"],
                                                "source": "agent", "occurred_at": "2026-11-29T12:00:00Z"}).status == 201

    body = {"channel": "call", "purpose": "marketing", "at": NOON_LA,
            "addresses": [allowed, broken, "not-a-number", opted_out]}
    reply = both.call("POST", "/v1/permissions/batch", body, key="dialer")
    assert reply.status == 200, reply.text
    results = clean(reply)["results"]
    assert results[0]["decision"] == "allow", results[0]
    _assert_unavailable_deny(results[1], broken)
    assert results[1]["error"]["code"] == "registry_unavailable"
    assert results[2]["error"]["code"] == "invalid_address" and "decision" not in results[2]
    assert results[3]["decision"] == "deny" and "opted_out" in codes(results[3])


def test_an_unreadable_linked_address_is_never_recommended(both, dynamodb_client):
    phone, broken_email = new_phone(), new_email()
    _plant(dynamodb_client, broken_email, CORRUPT_STATES["state not JSON"])
    assert both.call("PUT", f"/v1/contacts/{quoted(phone)}/preferences",
                       {"linked_addresses": [broken_email], "preferred_channel": "email"}).status == 201
    # the phone itself: no consent for marketing calls, so the only candidate would be the email
    for reply in (both.permission(phone, "call", at=NOON_LA),
                  both.call("POST", "/v1/permissions/batch", {"channel": "call", "purpose": "marketing",
                                                                "at": NOON_LA, "addresses": [phone]}, key="dialer")):
        assert reply.status == 200, reply.text
        body = clean(reply)
        decision = body["results"][0] if "results" in body else body
        assert decision["decision"] == "deny" and decision["recommended_channel"] is None, decision
