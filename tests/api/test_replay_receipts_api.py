"""Replay and receipts (contract rev. 2, issue 12 items 4 and 5), through the Lambda handler and the
local server: ``known_at`` on a lookup and a batch limits the decision to the facts recorded by then;
every allow carries ``basis``, every answer the national and state lists checked with their versions."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from registry.domain.timeutil import format_instant, parse_instant
from registry.storage import list_exchanges as lx
from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import (
    assert_error,
    clean,
    codes,
    consent,
    create_list,
    opt_out,
    preferences,
    relationship,
    written_consent,
)

pytestmark = pytest.mark.dynamodb

AT = "2026-12-01T20:00:00Z"  # noon in Los Angeles (the 415 numbers)


def lookup(api, address, channel="call", purpose="marketing", at=AT, known_at=None, **more):
    query = {"address": address, "channel": channel, "purpose": purpose, "at": at, **more}
    if known_at is not None:
        query["known_at"] = known_at
    text = "&".join(f"{k}={quoted(v)}" for k, v in query.items())
    reply = api.call("GET", "/v1/permissions?" + text, key="dialer")
    assert reply.status == 200, reply.text
    return clean(reply)


def batch(api, addresses, known_at=None, status=200, **more):
    body = {"channel": "call", "purpose": "marketing", "at": AT, "addresses": addresses, **more}
    if known_at is not None:
        body["known_at"] = known_at
    reply = api.call("POST", "/v1/permissions/batch", body, key="dialer")
    assert reply.status == status, reply.text
    return clean(reply)


def before(instant: str) -> str:
    return format_instant(parse_instant(instant, "t") - timedelta(microseconds=1))


# --- replay ------------------------------------------------------------------------------------

def test_known_at_before_a_consent_was_recorded_denies_and_after_allows(both):
    number = new_phone()
    recorded = consent(both, number, occurred_at="2026-11-20T12:00:00Z")["recorded_at"]
    earlier = lookup(both, number, known_at=before(recorded))
    assert earlier["decision"] == "deny" and codes(earlier) == ["no_consent"]
    assert earlier["known_at"] == before(recorded)
    then = lookup(both, number, known_at=recorded)
    assert then["decision"] == "allow" and then["known_at"] == recorded
    assert lookup(both, number)["decision"] == "allow"


def test_a_backdated_opt_out_recorded_after_t_does_not_change_the_replay_at_t(both):
    number = new_phone()
    t = consent(both, number, occurred_at="2026-11-20T12:00:00Z")["recorded_at"]
    opt_out(both, number, occurred_at="2026-11-25T12:00:00Z")  # before AT, recorded after t
    assert "opted_out" in codes(lookup(both, number))
    replay = lookup(both, number, known_at=t)
    assert replay["decision"] == "allow", replay
    assert [r["decision"] for r in batch(both, [number], known_at=t)["results"]] == ["allow"]
    assert [r["decision"] for r in batch(both, [number])["results"]] == ["deny"]


def test_preferences_are_replayed_as_they_stood(both):
    number = new_phone()
    consent(both, number, occurred_at="2026-11-20T12:00:00Z")
    t = preferences(both, number, timezone="America/Los_Angeles")["recorded_at"]
    preferences(both, number, timezone="America/New_York", snooze_until="2026-12-10T00:00:00Z")
    now = lookup(both, number)
    assert now["decision"] == "defer" and now["timezones"] == ["America/Los_Angeles", "America/New_York"]
    replay = lookup(both, number, known_at=t)
    assert replay["decision"] == "allow" and replay["timezones"] == ["America/Los_Angeles"]


def test_an_internal_list_entry_added_later_is_not_known_before(both):
    number = new_phone()
    consent(both, number, occurred_at="2026-11-20T12:00:00Z")
    t = format_instant(datetime.now(UTC))
    name = create_list(both, "internal")
    reply = both.call("POST", f"/v1/suppression-lists/{name}/entries", {"add": [number]})
    assert reply.status == 200, reply.text
    assert codes(lookup(both, number)) == ["on_suppression_list"]
    assert lookup(both, number, known_at=t)["decision"] == "allow"


def test_a_known_at_later_than_now_is_now(both):
    number = new_phone()
    consent(both, number, occurred_at="2026-11-20T12:00:00Z")
    later = format_instant(datetime.now(UTC) + timedelta(days=3))
    answer = lookup(both, number, known_at=later)
    assert answer["decision"] == "allow" and answer["known_at"] is None
    assert batch(both, [number], known_at=later)["results"][0]["known_at"] is None


@pytest.mark.parametrize("bad", ["yesterday", "2026-12-01T12:00:00", "2026-13-01T00:00:00Z", ""])
def test_a_bad_known_at_is_refused(both, bad):
    number = new_phone()
    reply = both.call("GET", f"/v1/permissions?address={quoted(number)}&channel=call&purpose=marketing"
                             f"&known_at={quoted(bad)}", key="dialer")
    if bad == "":  # an empty value is no value: a plain lookup
        assert reply.status == 200, reply.text
        return
    assert_error(reply, 400, "invalid_request", "known_at")
    reply = both.call("POST", "/v1/permissions/batch", {"channel": "call", "purpose": "marketing",
                                                        "addresses": [number], "known_at": bad}, key="dialer")
    assert_error(reply, 400, "invalid_request")


# --- receipts ----------------------------------------------------------------------------------

def test_an_allow_carries_the_consent_it_rests_on(both):
    number = new_phone()
    c = written_consent(both, number, channels=["call"], occurred_at="2026-11-20T12:00:00Z", brand="acme")
    answer = lookup(both, number, brand="acme", dialing="autodialed")
    assert answer["decision"] == "allow"
    assert answer["basis"] == {"kind": "consent", "id": c["id"], "grade": "written",
                               "occurred_at": "2026-11-20T12:00:00Z", "brand": "acme", "source": "web_form",
                               "expires_at": None}
    assert batch(both, [number], brand="acme", dialing="autodialed")["results"][0]["basis"] == answer["basis"]


def test_an_allow_resting_on_an_ebr_names_it(both):
    number = new_phone()
    r = relationship(both, number, kind="transaction", occurred_at="2026-11-01T12:00:00Z")
    basis = lookup(both, number)["basis"]
    assert basis["kind"] == "ebr" and basis["id"] == r["id"] and basis["relationship"] == "transaction"
    assert basis["occurred_at"] == "2026-11-01T12:00:00Z" and basis["grade"] is None
    assert basis["expires_at"] == "2028-05-01T12:00:00Z"


def test_an_allow_needing_nothing_says_so_and_deny_carries_no_basis(both):
    number = new_phone()
    assert lookup(both, number, purpose="informational")["basis"] == {"kind": "none_needed"}
    denied = lookup(both, number)
    assert denied["decision"] == "deny" and denied["basis"] is None


def test_the_lists_checked_carry_their_versions(api):
    name = create_list(api, "state")
    version = datetime.now(UTC).date()
    lx.commit_copy(name, version, datetime.now(UTC).replace(microsecond=0), 0, 0)
    number = new_phone()
    consent(api, number, occurred_at="2026-11-20T12:00:00Z")
    answer = lookup(api, number)
    assert answer["decision"] == "allow"
    (mine,) = [entry for entry in answer["lists"] if entry["name"] == name]
    assert mine["kind"] == "state" and mine["version"] == version.isoformat() and mine["refreshed_at"]
    assert all(entry["kind"] in ("national", "state") for entry in answer["lists"])
    # an email is checked against no bulk list
    email = new_email()
    assert lookup(api, email, channel="email", purpose="informational")["lists"] == []
