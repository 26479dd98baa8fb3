"""Suppression lists: definitions, entries, and their effect on decisions."""

import pytest

from tests.api.conftest import new_email, new_phone
from tests.api.helpers import (
    add_entries,
    assert_error,
    assert_unknown,
    codes,
    consent,
    create_list,
    decide,
    history,
    profile,
    unique,
    written_consent,
)

pytestmark = pytest.mark.dynamodb


def put_list(api, name, kind, key="admin"):
    return api.call("PUT", f"/v1/suppression-lists/{name}", {"kind": kind}, key=key)


def test_create_list_then_again_with_the_same_kind(api):
    name = unique("internal")
    first = put_list(api, name, "internal")
    assert first.status == 201, first.text
    body = first.json()
    assert body["name"] == name and body["kind"] == "internal" and body["created_at"].endswith("Z")
    again = put_list(api, name, "internal")
    assert again.status == 200, again.text
    assert again.json() == body  # same definition, same created_at


def test_a_list_keeps_its_kind(api):
    name = create_list(api, "national")
    assert_error(put_list(api, name, "litigator"), 409, "conflict", "kind")
    number = new_phone()
    add_entries(api, name, add=[number])
    written_consent(api, number, ["call"])
    assert decide(api, number, "call")["decision"] == "allow"  # still a national list: a written consent wins


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "federal"}, "kind"),
        ({}, "kind"),
        ({"kind": None}, "kind"),
        ({"kind": "state", "colour": "red"}, "colour"),
    ],
)
def test_bad_kind_is_a_400(api, body, field):
    assert_error(api.call("PUT", f"/v1/suppression-lists/{unique('x')}", body), 400, "invalid_request", field)


@pytest.mark.parametrize(
    "name", ["bad%20name", "-starts-with-dash", "x" * 65, "semi%3Bcolon", "pct%2525"]
)
def test_bad_name_is_a_400(api, name):
    assert_error(
        api.call("PUT", f"/v1/suppression-lists/{name}", {"kind": "state"}), 400, "invalid_request", "name"
    )


@pytest.mark.parametrize("name", ["dot%2F%2E%2E", "a%2Fb", "%2E%2E", "%2E"])
def test_a_name_that_is_no_single_segment_names_no_route(api, name):
    """Decoded once, these are /v1/suppression-lists/dot/.., .../a/b, .../.. : a dot segment or a
    second segment, no route (404), whatever the key (handlers/routing.py)."""
    for key in ("admin", "dialer", None):
        assert_error(api.call("PUT", f"/v1/suppression-lists/{name}", {"kind": "state"}, key=key), 404, "not_found")


def test_entries_are_added_and_removed_with_counts(api):
    name = create_list(api, "internal")
    a, b, c, email = new_phone(), new_phone(), new_phone(), new_email()
    local_a = f"({a[2:5]}) {a[5:8]}-{a[8:]}"
    result = add_entries(api, name, add=[a, b, local_a, email.upper()])
    assert result == {"list": name, "kind": "internal", "added": 3, "removed": 0, "unchanged": 0}
    result = add_entries(api, name, add=[a], remove=[b, c])
    assert (result["added"], result["removed"], result["unchanged"]) == (0, 1, 2)
    assert "on_suppression_list" in codes(decide(api, a, "call", "informational"))
    assert decide(api, b, "call", "informational")["decision"] == "allow"
    assert "on_suppression_list" in codes(decide(api, email, "email", "informational"))
    assert {"list": name, "kind": "internal"} in profile(api, a)["suppression_lists"]
    assert profile(api, b)["suppression_lists"] == []


def test_removing_restores_the_decision(api):
    name = create_list(api, "litigator")
    number = new_phone()
    consent(api, number, ["call"])
    assert decide(api, number, "call")["decision"] == "allow"
    add_entries(api, name, add=[number])
    decision = decide(api, number, "call")
    assert decision["decision"] == "deny"
    assert decision["reasons"][0] == {
        "code": "on_suppression_list",
        "message": decision["reasons"][0]["message"],
        "list": name,
    }
    add_entries(api, name, remove=[f"1{number[2:]}"])
    assert decide(api, number, "call")["decision"] == "allow"


def test_an_address_on_two_lists_names_both(api):
    first, second = create_list(api, "internal"), create_list(api, "litigator")
    number = new_phone()
    add_entries(api, first, add=[number])
    add_entries(api, second, add=[number])
    listed = sorted(
        r["list"] for r in decide(api, number, "call")["reasons"] if r["code"] == "on_suppression_list"
    )
    assert listed == sorted([first, second])
    add_entries(api, first, remove=[number])
    listed = [r["list"] for r in decide(api, number, "call")["reasons"] if r["code"] == "on_suppression_list"]
    assert listed == [second]


def test_entries_for_an_unknown_list_are_404(api):
    number = new_phone()
    assert_error(
        api.call("POST", f"/v1/suppression-lists/{unique('nope')}/entries", {"add": [number]}),
        404,
        "not_found",
    )
    assert_unknown(api, number)


@pytest.mark.parametrize("bad, field", [("not-a-number", "add[1]"), ("", "add[1]"), (12345, "add[1]")])
def test_an_invalid_entry_applies_nothing(api, bad, field):
    name = create_list(api, "internal")
    good, other = new_phone(), new_phone()
    reply = api.call("POST", f"/v1/suppression-lists/{name}/entries", {"add": [good, bad, other]})
    error = assert_error(reply, 400, None, field)
    assert error["code"] in ("invalid_address", "invalid_request")
    assert_unknown(api, good)
    assert_unknown(api, other)
    assert decide(api, good, "call", "informational")["decision"] == "allow"


def test_an_invalid_removal_applies_nothing(api):
    name = create_list(api, "internal")
    listed, fresh = new_phone(), new_phone()
    add_entries(api, name, add=[listed])
    reply = api.call(
        "POST", f"/v1/suppression-lists/{name}/entries", {"add": [fresh], "remove": [listed, "x@"]}
    )
    assert_error(reply, 400, "invalid_address", "remove[1]")
    assert_unknown(api, fresh)
    assert "on_suppression_list" in codes(decide(api, listed, "call", "informational"))


@pytest.mark.parametrize("kind", ["internal", "litigator"])
def test_history_records_list_changes(api, kind):
    """Internal and litigator lists keep their per-contact history (who added a number, when);
    national and state lists do not (tests/api/test_bulk_lists_api.py)."""
    name = create_list(api, kind)
    number = new_phone()
    add_entries(api, name, add=[number])
    add_entries(api, name, add=[number])  # unchanged: no second entry
    add_entries(api, name, remove=[number])
    entries = history(api, number)
    assert [e["type"] for e in entries] == ["suppression.added", "suppression.removed"]
    assert all(e["data"]["list"] == name and e["data"]["kind"] == kind for e in entries)
    assert all(e["recorded_at"] and e["occurred_at"] for e in entries)


def test_a_thousand_entries_are_within_the_limit(api):
    # (1000 distinct numbers are 1000 transactions: minutes on moto, whose transactions copy the
    # whole table; the limit is on the list as sent, so repeats of one number exercise it)
    name = create_list(api, "internal")
    number, others = new_phone(), [new_phone() for _ in range(20)]
    result = add_entries(api, name, add=[number] * 980 + others)
    assert (result["added"], result["unchanged"]) == (21, 0)
    assert decide(api, number, "call", "informational")["decision"] == "deny"
    assert decide(api, others[-1], "call", "informational")["decision"] == "deny"
    result = add_entries(api, name, remove=[number] * 1000)
    assert result["removed"] == 1


def test_lists_need_the_write_scope(api):
    name = unique("internal")
    assert_error(put_list(api, name, "internal", key="dialer"), 403, "forbidden")
    assert_error(put_list(api, name, "internal", key=None), 401, "unauthorized")
    assert put_list(api, name, "internal", key="writer").status == 201
