"""state_rules.describe: the pack as the list of rules GET /v1/policy serves (each with its citation)."""

from __future__ import annotations

from datetime import date

from registry.domain import state_rules
from registry.domain.state_rules import days_text, describe, describe_state, load_pack, parse_state

PACK = load_pack()
TODAY = date(2026, 12, 2)
CITED = {"checked": "2026-12-02", "source": "a source"}
WEEK = ("08:00", "20:00")


def made(**changes) -> state_rules.StateRule:
    raw = {
        "name": "New York",
        "applies_to": "all",
        "hours": {"days": {d: list(WEEK) for d in state_rules.DAYS}, "citation": "hours cite", **CITED},
        "holidays": {"closed": ["Christmas Day", "Labor Day"], "citation": "holiday cite", **CITED},
        "cap": {"per_24h": 3, "channels": ["call", "sms"], "same_subject": True, "citation": "cap cite", **CITED},
        "dnc": {"list": "the NY list", "ebr_accepted": False, "exemptions": ["one"], "citation": "dnc cite", **CITED},
        "notes": "a note",
    }
    raw.update(changes)
    return parse_state("NY", raw, TODAY)


def test_days_text_groups_runs_of_the_same_window():
    assert days_text((WEEK,) * 7) == "08:00-20:00 every day"
    assert days_text((("09:00", "21:00"),) * 6 + (("12:00", "21:00"),)) == "09:00-21:00 Mon-Sat; 12:00-21:00 Sun"
    assert days_text((WEEK,) * 6 + (None,)) == "08:00-20:00 Mon-Sat; no calls Sun"
    assert days_text((("09:00", "18:00"),) * 5 + (("10:00", "17:00"), None)) == (
        "09:00-18:00 Mon-Fri; 10:00-17:00 Sat; no calls Sun"
    )
    assert days_text((None,) * 7) == "no calls Mon-Sun"
    assert days_text((None, WEEK, WEEK, WEEK, WEEK, WEEK, WEEK)) == "no calls Mon; 08:00-20:00 Tue-Sun"


def test_a_state_with_every_part_is_four_rules_with_their_citations():
    hours, holidays, cap, dnc = describe_state(made())
    base = {"state": "NY", "name": "New York", "applies_to": "all", "checked": "2026-12-02", "source": "a source"}
    assert hours == {
        **base, "id": "NY.hours", "kind": "hours", "citation": "hours cite", "notes": "a note",
        "text": "New York: telemarketing calls and texts only 08:00-20:00 every day, local time at the called person",
        "days": {d: ["08:00", "20:00"] for d in state_rules.DAYS},
    }
    assert holidays == {
        **base, "id": "NY.holidays", "kind": "holidays", "citation": "holiday cite",
        "text": "New York: no telemarketing calls and texts on these holidays (and the days they are observed): "
                "Christmas Day, Labor Day",
        "closed": ["Christmas Day", "Labor Day"],
    }
    assert cap == {
        **base, "id": "NY.cap", "kind": "cap", "citation": "cap cite",
        "text": "New York: at most 3 calls and texts counted together on the same subject to a person in any 24 hours",
        "per_24h": 3, "channels": ["call", "sms"], "same_subject": True,
    }
    assert dnc == {
        **base, "id": "NY.dnc", "kind": "dnc", "citation": "dnc cite",
        "text": "New York: the NY list; only written consent lifts it",
        "list": "the NY list", "ebr_accepted": False, "exemptions": ["one"],
    }


def test_optional_parts_leave_their_rule_out():
    only = describe_state(made(holidays=None, cap=None, dnc=None, notes=""))
    assert [r["id"] for r in only] == ["NY.hours"]
    assert "notes" not in only[0]


def test_words_for_automated_rules_a_closed_day_no_holidays_a_call_cap_and_each_ebr_answer():
    days = {d: list(WEEK) for d in state_rules.DAYS}
    days["sun"] = None
    rules = describe_state(made(
        applies_to="automated",
        hours={"days": days, "citation": "h", **CITED},
        holidays={"closed": [], "citation": "hol", **CITED},
        cap={"per_24h": 2, "channels": ["call"], "same_subject": False, "citation": "c", **CITED},
        dnc={"list": "L", "ebr_accepted": True, "exemptions": [], "citation": "d", **CITED},
    ))
    hours, holidays, cap, dnc = rules
    assert hours["applies_to"] == "automated"
    assert hours["text"] == ("New York: autodialed or prerecorded telemarketing calls and texts only 08:00-20:00 "
                             "Mon-Sat; no calls Sun, local time at the called person")
    assert hours["days"]["sun"] is None and hours["days"]["sat"] == ["08:00", "20:00"]
    assert holidays["closed"] == []
    assert holidays["text"].endswith(": none (checked: no holiday ban)")
    assert cap["text"] == "New York: at most 2 calls counted together to a person in any 24 hours"
    assert cap["same_subject"] is False
    assert dnc["text"] == "New York: L; an established business relationship lifts it"
    unchecked = describe_state(made(dnc={"list": "L", "ebr_accepted": None, "exemptions": [], "citation": "d", **CITED}))
    assert unchecked[-1]["ebr_accepted"] is None
    assert unchecked[-1]["text"] == ("New York: L; whether an established business relationship lifts it was not "
                                     "checked: only written consent or an EBR does (the contract's default)")
    texts = describe_state(made(cap={"per_24h": 1, "channels": ["sms"], "same_subject": True, "citation": "c", **CITED}))
    assert texts[2]["text"] == "New York: at most 1 text counted together on the same subject to a person in any 24 hours"


def test_the_pack_is_described_state_by_state_in_code_order_every_rule_cited():
    described = describe(PACK)
    states = [r["state"] for r in described]
    assert states == sorted(states)
    assert set(states) == set(PACK.states)
    assert all(r["citation"] and r["source"] and r["checked"] and r["text"] for r in described)
    florida = {r["id"]: r for r in described if r["state"] == "FL"}
    assert florida["FL.hours"]["citation"] == "Fla. Stat. 501.616(6)(a)"
    assert florida["FL.cap"]["citation"] == "Fla. Stat. 501.616(6)(b)"
    assert florida["FL.cap"]["per_24h"] == 3
    assert describe(state_rules.Pack(PACK.federal, PACK.federal_citation, {})) == []
