"""State rules in decisions, through HTTP (issue 12 item 2): the area code's state and the state on file, the
strictest wins, the reason names the state and cites it. Lambda handler and local server alike (``both``)."""

from __future__ import annotations

import dataclasses

import pytest

from registry.domain import state_rules
from tests.api.conftest import new_phone, quoted
from tests.api.helpers import (
    add_entries,
    attempt,
    clean,
    codes,
    decide,
    preferences,
    relationship,
    unique,
    written_consent,
)

pytestmark = pytest.mark.dynamodb

MIAMI_2030 = "2026-12-08T01:30:00Z"  # Monday 20:30 in America/New_York
DALLAS_SUNDAY_1000 = "2026-12-06T16:00:00Z"  # Sunday 10:00 in America/Chicago


def only(decision: dict) -> dict:
    assert len(decision["reasons"]) == 1, decision
    return decision["reasons"][0]


def test_a_miami_number_at_2030_local_is_deferred_with_floridas_rule_until_0800(both):
    number = new_phone("305")
    written_consent(both, number, ["call", "sms"])
    for channel, noun in (("call", "calls"), ("sms", "texts")):
        decision = decide(both, number, channel, at=MIAMI_2030)
        assert decision["decision"] == "defer" and decision["allowed"] is False, decision
        assert only(decision) == {
            "code": "quiet_hours", "rule": "Fla. Stat. 501.616(6)(a)",
            "message": f"20:30 in America/New_York; Florida allows {noun} 08:00-20:00",
        }
        assert decision["next_allowed_at"] == "2026-12-08T13:00:00Z"  # 08:00 the next morning
    assert decide(both, number, "call", at="2026-12-08T00:59:00Z")["decision"] == "allow"  # 19:59
    # informational contact is not a solicitation: only the registry's own 08:00-21:00
    assert decide(both, number, "call", "informational", at=MIAMI_2030)["decision"] == "allow"


def test_a_texas_number_on_sunday_at_1000_local_is_deferred_until_noon(both):
    number = new_phone("214")
    written_consent(both, number, ["call"])
    decision = decide(both, number, "call", at=DALLAS_SUNDAY_1000)
    assert decision["decision"] == "defer", decision
    assert only(decision) == {"code": "quiet_hours", "rule": "Tex. Bus. & Com. Code 301.051",
                              "message": "10:00 in America/Chicago; Texas allows calls 12:00-21:00 on Sunday"}
    assert decision["next_allowed_at"] == "2026-12-06T18:00:00Z"
    assert decide(both, number, "call", at="2026-12-06T18:00:00Z")["decision"] == "allow"


def test_the_state_on_file_adds_its_state_to_a_number_whose_area_code_is_elsewhere(both):
    number = new_phone("212")  # New York: no stricter state rule
    written_consent(both, number, ["call"])
    assert decide(both, number, "call", at=MIAMI_2030)["decision"] == "allow"
    preferences(both, number, state="FL")
    decision = decide(both, number, "call", at=MIAMI_2030)
    assert decision["decision"] == "defer", decision
    assert only(decision)["rule"] == "Fla. Stat. 501.616(6)(a)"
    assert only(decision)["message"] == "20:30 in America/New_York; Florida allows calls 08:00-20:00"
    assert decision["next_allowed_at"] == "2026-12-08T13:00:00Z"


def test_floridas_cap_counts_calls_and_texts_on_the_same_subject(both):
    number = new_phone("305")
    written_consent(both, number, ["call", "sms"])
    at = "2026-12-07T19:00:00Z"  # Monday 14:00 in New York
    attempt(both, number, "call", occurred_at="2026-12-06T23:00:00Z")  # 20 hours before
    attempt(both, number, "sms", occurred_at="2026-12-07T14:00:00Z")
    attempt(both, number, "call", purpose="informational", occurred_at="2026-12-07T15:00:00Z")  # another subject
    assert decide(both, number, "call", at=at)["decision"] == "allow"
    attempt(both, number, "call", occurred_at="2026-12-07T18:00:00Z")
    decision = decide(both, number, "call", at=at)
    assert decision["decision"] == "defer", decision
    assert only(decision) == {
        "code": "frequency_cap", "rule": "Fla. Stat. 501.616(6)(b)",
        "message": "3 marketing calls and texts for brand default in the last 24 hours; Florida allows 3 on the same "
                   "subject"}
    assert decision["next_allowed_at"] == "2026-12-07T23:00:00Z"  # the first leaves the 24 hours
    assert "frequency_cap" not in codes(decide(both, number, "call", at=at, brand="other"))  # another subject


def create_state_list(api, state: str) -> str:
    name = unique(f"state-{state.lower()}")
    reply = api.call("PUT", f"/v1/suppression-lists/{name}", {"kind": "state", "state": state})
    assert reply.status == 201, reply.text
    return name


def test_a_state_list_cites_its_states_statute_and_takes_its_exemptions(both):
    name = create_state_list(both, "TX")
    number = new_phone("212")
    add_entries(both, name, add=[number])
    denied = decide(both, number, "call")
    assert "on_suppression_list" in codes(denied)
    listed = next(r for r in denied["reasons"] if r["code"] == "on_suppression_list")
    assert listed["rule"] == "Tex. Bus. & Com. Code 304.052; 304.004" and listed["list"] == name
    relationship(both, number, "transaction", occurred_at="2026-10-01T12:00:00Z")
    assert decide(both, number, "call")["decision"] == "allow"  # 304.004(2)(A): an EBR lifts it


def test_a_state_whose_statute_takes_no_ebr_needs_a_written_consent(both, monkeypatch):
    pack = state_rules.load_pack()
    texas = pack.states["TX"]
    assert texas.dnc is not None
    strict = dataclasses.replace(texas, dnc=dataclasses.replace(texas.dnc, ebr_accepted=False))
    monkeypatch.setattr(state_rules, "load_pack", lambda: dataclasses.replace(pack, states={**pack.states, "TX": strict}))
    name = create_state_list(both, "TX")
    number = new_phone("212")
    add_entries(both, name, add=[number])
    relationship(both, number, "transaction", occurred_at="2026-10-01T12:00:00Z")
    decision = decide(both, number, "call")
    assert decision["decision"] == "deny", decision
    assert codes(decision) == ["on_suppression_list", "written_consent_required"]
    assert decision["reasons"][1]["message"].startswith(f"only a written consent lifts do-not-call list {name}")
    written_consent(both, number, ["call"])
    assert decide(both, number, "call")["decision"] == "allow"
    other = create_state_list(both, "NY")  # no pack entry: the contract's default, an EBR lifts it
    second = new_phone("212")
    add_entries(both, other, add=[second])
    relationship(both, second, "transaction", occurred_at="2026-10-01T12:00:00Z")
    assert decide(both, second, "call")["decision"] == "allow"


def test_the_lists_state_is_answered(both):
    name = create_state_list(both, "TX")
    reply = both.call("GET", f"/v1/suppression-lists/{quoted(name)}")
    assert clean(reply)["state"] == "TX"
