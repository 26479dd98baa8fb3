"""The state rules pack (functions/registry/domain/state_rules.json) and its reader.

Every state in the pack is in the table below; each state's own test quotes the numbers of its statute. When a
compliance officer changes a rule in the pack, the row and the state's test change with it (docs/state-rules.md).
Dates are local dates at the called person; 2026-12-07 is a Monday, 2026-12-06 a Sunday, 2026-12-05 a Saturday.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from registry.domain import state_rules
from registry.domain.state_rules import (
    CapLimit,
    Closure,
    StatePackError,
    Window,
    cap_for,
    closures,
    load_pack,
    parse_pack,
    parse_state,
    rules_for,
    strictest_window,
)

MONDAY = date(2026, 12, 7)
SATURDAY = date(2026, 12, 5)
SUNDAY = date(2026, 12, 6)
CHRISTMAS = date(2026, 12, 25)  # a Friday
TODAY = date(2026, 12, 2)

PACK = load_pack()


def rule(code: str) -> state_rules.StateRule:
    return PACK.states[code]


# state: (Monday, Sunday, a holiday it names or Christmas when it names none, that day's hours, cap per 24 h)
TABLE: dict[str, tuple[Any, Any, date, Any, int | None]] = {
    "AL": (("08:00", "20:00"), None, CHRISTMAS, None, None),
    "CT": (("09:00", "20:00"), ("09:00", "20:00"), CHRISTMAS, ("09:00", "20:00"), None),
    "FL": (("08:00", "20:00"), ("08:00", "20:00"), CHRISTMAS, ("08:00", "20:00"), 3),
    "LA": (("08:00", "20:00"), None, date(2026, 2, 17), None, None),  # Mardi Gras
    "MA": (("08:00", "20:00"), ("08:00", "20:00"), CHRISTMAS, ("08:00", "20:00"), None),
    "MD": (("08:00", "20:00"), ("08:00", "20:00"), CHRISTMAS, ("08:00", "20:00"), 3),
    "MS": (("08:00", "20:00"), None, CHRISTMAS, ("08:00", "20:00"), None),
    "OK": (("08:00", "20:00"), ("08:00", "20:00"), CHRISTMAS, ("08:00", "20:00"), 3),
    "PA": (("08:00", "21:00"), ("08:00", "21:00"), date(2026, 11, 26), None, None),  # Thanksgiving Day
    "RI": (("09:00", "18:00"), None, date(2026, 8, 10), None, None),  # Victory Day
    "TX": (("09:00", "21:00"), ("12:00", "21:00"), CHRISTMAS, ("09:00", "21:00"), None),
    "UT": (("08:00", "21:00"), None, date(2026, 7, 24), None, None),  # Pioneer Day
    "WA": (("08:00", "20:00"), ("08:00", "20:00"), CHRISTMAS, ("08:00", "20:00"), None),
}


def test_the_table_covers_every_state_in_the_pack():
    assert sorted(PACK.states) == sorted(TABLE)


@pytest.mark.parametrize("code", sorted(TABLE))
def test_each_state_in_the_pack(code):
    monday, sunday, holiday, on_holiday, cap = TABLE[code]
    r = rule(code)
    assert r.hours(MONDAY) == monday
    assert r.hours(SUNDAY) == sunday
    assert r.hours(holiday) == on_holiday
    assert (r.cap.per_24h if r.cap else None) == cap
    assert r.hours_cited.citation and r.hours_cited.source and r.hours_cited.checked <= date.today()
    window = strictest_window([r], MONDAY)
    assert window is not None and window.pair() == monday  # no state's window is wider than the federal one


# ---- each state, with its statute's numbers ----------------------------------------------------------------------


def test_federal():
    assert PACK.federal == ("08:00", "21:00")  # 47 CFR 64.1200(c)(1)
    assert PACK.federal_citation == "47 CFR 64.1200(c)(1)"
    assert strictest_window([], MONDAY) == Window("08:00", "21:00", ("US",), ("US",))


def test_florida():
    florida = rule("FL")
    assert florida.name == "Florida"
    assert florida.hours(MONDAY) == ("08:00", "20:00")  # Fla. Stat. 501.616(6)(a): not before 8 a.m. or after 8 p.m.
    assert florida.hours(SUNDAY) == ("08:00", "20:00")
    assert florida.cap is not None and florida.cap.per_24h == 3  # 501.616(6)(b): more than three ... over a 24-hour period
    assert florida.cap.same_subject is True
    assert florida.cap.channels == ("call", "sms")
    assert florida.hours_cited.citation == "Fla. Stat. 501.616(6)(a)"
    assert florida.cap.cited.citation == "Fla. Stat. 501.616(6)(b)"


def test_oklahoma():
    oklahoma = rule("OK")
    assert oklahoma.hours(MONDAY) == ("08:00", "20:00")  # 15 Okla. Stat. 775C.4: 8:00 a.m. to 8:00 p.m.
    assert oklahoma.cap is not None and oklahoma.cap.per_24h == 3  # three calls per 24 hours, same subject
    assert oklahoma.hours_cited.citation == "15 Okla. Stat. 775C.4"


def test_maryland_counts_calls_and_texts_together():
    maryland = rule("MD")
    assert maryland.hours(MONDAY) == ("08:00", "20:00")  # Md. Code Com. Law 14-4502: 8 a.m. to 8 p.m.
    assert maryland.cap is not None and maryland.cap.per_24h == 3  # three calls or text messages per 24 hours
    assert maryland.cap.channels == ("call", "sms")
    assert maryland.cap.cited.citation == "Md. Code Com. Law 14-4502"


def test_washington():
    washington = rule("WA")
    assert washington.hours(MONDAY) == ("08:00", "20:00")  # RCW 19.158.040(2): before 8:00 a.m. or after 8:00 p.m.
    assert washington.hours_cited.citation == "RCW 19.158.040(2)"
    assert washington.dnc is None  # no state list


def test_connecticut():
    connecticut = rule("CT")
    assert connecticut.hours(MONDAY) == ("09:00", "20:00")  # Conn. Gen. Stat. 42-288a: nine a.m. to eight p.m.
    assert connecticut.hours(SATURDAY) == ("09:00", "20:00")
    assert connecticut.dnc is not None and connecticut.dnc.cited.citation == "Conn. Gen. Stat. 42-288a(a)"
    assert connecticut.dnc.ebr_accepted is None  # not checked


def test_massachusetts():
    massachusetts = rule("MA")
    assert massachusetts.hours(MONDAY) == ("08:00", "20:00")  # 201 CMR 12.02(2): not 8:00 P.M. to 8:00 A.M.
    assert massachusetts.hours_cited.citation == "201 CMR 12.02(2)"


def test_louisiana_no_calls_on_sundays_or_state_holidays():
    louisiana = rule("LA")
    assert louisiana.hours(SATURDAY) == ("08:00", "20:00")  # La. R.S. 45:811(2): 8 a.m. to 8 p.m., Monday through Saturday
    assert louisiana.hours(SUNDAY) is None  # 45:811(3): Sundays
    assert louisiana.hours(date(2026, 2, 17)) is None  # 45:811(3): state holidays (Mardi Gras)
    assert louisiana.hours(date(2026, 4, 3)) is None  # Good Friday
    assert louisiana.holiday(date(2026, 2, 17)) == "Mardi Gras"
    assert louisiana.holiday(MONDAY) is None
    assert louisiana.holidays_cited is not None and louisiana.holidays_cited.citation == "La. R.S. 45:811(3)"


def test_a_holiday_is_closed_on_the_day_it_is_observed():
    # Independence Day 2026 is a Saturday; it is observed on Friday 3 July
    assert rule("LA").hours(date(2026, 7, 3)) is None
    assert rule("LA").holiday(date(2026, 7, 3)) == "Independence Day (observed)"
    assert rule("WA").hours(date(2026, 7, 3)) == ("08:00", "20:00")


def test_mississippi_no_sundays_but_holidays_are_open():
    mississippi = rule("MS")
    assert mississippi.hours(MONDAY) == ("08:00", "20:00")  # Miss. Code Ann. 77-3-723: 8 a.m. to 8 p.m.
    assert mississippi.hours(SUNDAY) is None  # 77-3-723(1): no telephone solicitations on a Sunday
    assert mississippi.hours(CHRISTMAS) == ("08:00", "20:00")  # the holiday ban was repealed (2023)
    assert mississippi.closed_holidays == frozenset()
    assert mississippi.holidays_cited is not None


def test_alabama_automated_calls_only():
    alabama = rule("AL")
    assert alabama.hours(MONDAY) == ("08:00", "20:00")  # Ala. Admin. Code r. 770-X-5-.17(1)(b): not before 8 a.m. or after 8 p.m.
    assert alabama.hours(SUNDAY) is None  # no solicitation calls on Sundays or holidays
    assert alabama.hours(CHRISTMAS) is None
    assert alabama.applies_to == "automated"
    assert rules_for(["AL"]) == [alabama]
    assert rules_for(["AL"], automated=False) == []
    assert rules_for(["AL", "FL"], automated=False) == [rule("FL")]


def test_utah_no_sundays_or_legal_holidays():
    utah = rule("UT")
    assert utah.hours(MONDAY) == ("08:00", "21:00")  # Utah Code 13-25a-103(3)(a): not between 9 p.m. and 8 a.m.
    assert utah.hours(SUNDAY) is None  # (3)(b): on a Sunday
    assert utah.hours(date(2026, 7, 24)) is None  # (3)(c): on a legal holiday (Pioneer Day)
    assert utah.dnc is not None and utah.dnc.cited.citation == "Utah Code 13-25a-108"


def test_rhode_island_hours_of_operation():
    rhode_island = rule("RI")
    assert rhode_island.hours(MONDAY) == ("09:00", "18:00")  # R.I. Gen. Laws 5-61-2: Monday-Friday 9:00 a.m. to 6:00 p.m.
    assert rhode_island.hours(SATURDAY) == ("10:00", "17:00")  # Saturday 10:00 a.m. to 5:00 p.m.
    assert rhode_island.hours(SUNDAY) is None  # Sunday is not an hour of operation
    assert rhode_island.hours(CHRISTMAS) is None  # except a state or federal holiday


def test_pennsylvania_no_calls_on_legal_holidays():
    pennsylvania = rule("PA")
    assert pennsylvania.hours(MONDAY) == ("08:00", "21:00")  # its own hours not checked: the federal ones
    assert pennsylvania.hours(date(2026, 11, 26)) is None  # 73 P.S. 2245(a)(10): legal holidays (Thanksgiving Day)
    assert pennsylvania.hours(date(2026, 11, 27)) is None  # Day After Thanksgiving
    assert pennsylvania.dnc is not None and pennsylvania.dnc.ebr_accepted is True  # EBR within 12 months
    assert "established business relationship within the preceding 12 months" in pennsylvania.dnc.exemptions


def test_texas_sundays_only_from_noon():
    texas = rule("TX")
    assert texas.hours(MONDAY) == ("09:00", "21:00")  # Tex. Bus. & Com. Code 301.051: 9 a.m. to 9 p.m. Monday-Saturday
    assert texas.hours(SATURDAY) == ("09:00", "21:00")
    assert texas.hours(SUNDAY) == ("12:00", "21:00")  # noon to 9 p.m. on Sunday
    assert texas.hours_cited.citation == "Tex. Bus. & Com. Code 301.051"
    assert texas.cap is None and texas.holidays_cited is None
    assert texas.dnc is not None and texas.dnc.ebr_accepted is True  # 304.004(2)(A): an established business relationship
    assert texas.dnc.cited.citation == "Tex. Bus. & Com. Code 304.052; 304.004"
    assert strictest_window([texas], SUNDAY) == Window("12:00", "21:00", ("TX",), ("US", "TX"))
    assert strictest_window(rules_for(["TX", "FL"]), SUNDAY) == Window("12:00", "20:00", ("TX",), ("FL",))


# ---- which rules apply -------------------------------------------------------------------------------------------


def test_rules_for_names_states_by_code_once_in_order():
    assert [r.state for r in rules_for(["md", " FL ", "FL", None, "", "NY", "ZZ"])] == ["FL", "MD"]
    assert rules_for([]) == []
    assert rules_for(["FL"], pack=PACK) == [rule("FL")]


def test_rules_for_reads_the_given_pack():
    only_ct = state_rules.Pack(federal=PACK.federal, federal_citation=PACK.federal_citation, states={"CT": rule("CT")})
    assert rules_for(["FL", "CT"], pack=only_ct) == [rule("CT")]


# ---- the strictest window ----------------------------------------------------------------------------------------


def test_strictest_window_intersects_and_names_who_set_each_end():
    assert strictest_window(rules_for(["FL", "CT"]), MONDAY) == Window("09:00", "20:00", ("CT",), ("CT", "FL"))
    assert strictest_window(rules_for(["UT"]), MONDAY) == Window("08:00", "21:00", ("US", "UT"), ("US", "UT"))
    assert strictest_window(rules_for(["RI", "CT"]), SATURDAY) == Window("10:00", "17:00", ("RI",), ("RI",))
    assert strictest_window(rules_for(["FL"]), MONDAY, federal=("07:00", "22:00")) == Window(
        "08:00", "20:00", ("FL",), ("FL",)
    )


def test_strictest_window_is_closed_when_any_state_is():
    assert strictest_window(rules_for(["FL", "UT"]), SUNDAY) is None
    assert strictest_window(rules_for(["FL", "LA"]), date(2026, 2, 17)) is None
    assert strictest_window(rules_for(["FL"]), SUNDAY) is not None


def custom(code: str, mon: list[str]) -> state_rules.StateRule:
    raw = valid_state()
    raw["hours"]["days"]["mon"] = mon
    return parse_state(code, raw, TODAY)


def test_strictest_window_is_closed_when_the_windows_do_not_overlap():
    assert strictest_window([custom("NY", ["08:00", "10:00"]), custom("NJ", ["12:00", "20:00"])], MONDAY) is None
    assert strictest_window([custom("NY", ["08:00", "12:00"]), custom("NJ", ["12:00", "20:00"])], MONDAY) is None
    assert strictest_window([custom("NY", ["08:00", "12:01"]), custom("NJ", ["12:00", "20:00"])], MONDAY) == Window(
        "12:00", "12:01", ("NJ",), ("NY",)
    )


def test_closures_say_which_state_closed_the_day_and_why():
    assert closures(rules_for(["FL", "LA", "UT"]), SUNDAY) == [
        Closure("LA", "Sunday", "La. R.S. 45:811(2)"),
        Closure("UT", "Sunday", "Utah Code 13-25a-103(3)"),
    ]
    assert closures(rules_for(["LA", "MS"]), date(2026, 2, 17)) == [Closure("LA", "Mardi Gras", "La. R.S. 45:811(3)")]
    assert closures(rules_for(["RI"]), date(2026, 10, 12)) == [
        Closure("RI", "Indigenous Peoples' Day / Columbus Day", "R.I. Gen. Laws 5-61-2")
    ]
    assert closures(rules_for(["FL", "LA"]), MONDAY) == []


# ---- the cap -----------------------------------------------------------------------------------------------------


def capped(code: str, per_24h: int, channels: list[str]) -> state_rules.StateRule:
    raw = valid_state()
    raw["cap"] = {"per_24h": per_24h, "channels": channels, "same_subject": True, "citation": f"{code} cap", **CITED}
    return parse_state(code, raw, TODAY)


def test_cap_for_is_the_smallest_and_names_every_state_that_sets_it():
    both = ("Fla. Stat. 501.616(6)(b)", "Md. Code Com. Law 14-4502")
    assert cap_for(rules_for(["FL", "MD", "WA"])) == CapLimit(3, ("FL", "MD"), both)
    assert cap_for([capped("NY", 2, ["call"]), capped("NJ", 3, ["call", "sms"])]) == CapLimit(2, ("NY",), ("NY cap",))
    assert cap_for([capped("NJ", 3, ["call", "sms"]), capped("NY", 2, ["call"])]) == CapLimit(2, ("NY",), ("NY cap",))
    assert cap_for(rules_for(["WA", "CT"])) is None
    assert cap_for([]) is None


def test_cap_for_a_channel_counts_only_caps_on_that_channel():
    rules = [capped("NY", 2, ["call"]), capped("NJ", 3, ["call", "sms"])]
    assert cap_for(rules, "sms") == CapLimit(3, ("NJ",), ("NJ cap",))
    assert cap_for(rules, "call") == CapLimit(2, ("NY",), ("NY cap",))
    assert cap_for([capped("NY", 2, ["call"])], "sms") is None
    assert cap_for(rules_for(["MD"]), "sms") == CapLimit(3, ("MD",), ("Md. Code Com. Law 14-4502",))


# ---- checking the pack -------------------------------------------------------------------------------------------

CITED = {"checked": "2026-12-02", "source": "a source"}


def valid_state() -> dict[str, Any]:
    window = ["08:00", "20:00"]
    return {
        "name": "New York",
        "applies_to": "all",
        "hours": {"days": {d: list(window) for d in state_rules.DAYS}, "citation": "hours cite", **CITED},
        "holidays": {"closed": ["Christmas Day"], "citation": "holiday cite", **CITED},
        "cap": {"per_24h": 3, "channels": ["call"], "same_subject": False, "citation": "cap cite", **CITED},
        "dnc": {"list": "a list", "ebr_accepted": False, "exemptions": ["one"], "citation": "dnc cite", **CITED},
        "notes": "a note",
    }


def valid_pack() -> dict[str, Any]:
    return {"federal": {"hours": ["08:00", "21:00"], "citation": "47 CFR 64.1200(c)(1)"}, "states": {"NY": valid_state()}}


def test_a_valid_state_reads_whole():
    r = parse_state("NY", valid_state(), TODAY)
    assert r.state == "NY" and r.name == "New York" and r.applies_to == "all" and r.notes == "a note"
    assert r.days == (("08:00", "20:00"),) * 7
    assert r.hours_cited == state_rules.Cited("hours cite", TODAY, "a source")
    assert r.closed_holidays == frozenset({"Christmas Day"})
    assert r.holidays_cited == state_rules.Cited("holiday cite", TODAY, "a source")
    assert r.cap == state_rules.Cap(3, ("call",), False, state_rules.Cited("cap cite", TODAY, "a source"))
    assert r.dnc == state_rules.Dnc("a list", False, ("one",), state_rules.Cited("dnc cite", TODAY, "a source"))


def test_optional_parts_may_be_null_or_absent():
    raw = valid_state()
    raw.update(holidays=None, cap=None, dnc=None)
    del raw["notes"]
    r = parse_state("NY", raw, TODAY)
    assert (r.closed_holidays, r.holidays_cited, r.cap, r.dnc, r.notes) == (frozenset(), None, None, None, "")
    raw["dnc"] = {"list": "a list", "ebr_accepted": None, "exemptions": [], "citation": "c", **CITED}
    raw["cap"] = {"per_24h": 1, "channels": ["sms"], "same_subject": True, "citation": "c", **CITED}
    r = parse_state("NY", raw, TODAY)
    assert r.dnc is not None and r.dnc.ebr_accepted is None and r.dnc.exemptions == ()
    assert r.cap is not None and r.cap.per_24h == 1


def test_a_valid_pack_reads_whole():
    pack = parse_pack(valid_pack(), TODAY)
    assert pack.federal == ("08:00", "21:00") and pack.federal_citation == "47 CFR 64.1200(c)(1)"
    assert list(pack.states) == ["NY"] and pack.states["NY"].state == "NY"


def test_the_pack_file_is_read_once():
    assert load_pack() is load_pack()
    assert json.loads(state_rules.PACK_PATH.read_text(encoding="utf-8"))["federal"]["citation"] == "47 CFR 64.1200(c)(1)"


def edited(path: str, value: Any) -> dict[str, Any]:
    raw = valid_state()
    keys = path.split(".")
    target = raw
    for key in keys[:-1]:
        target = target[key]
    if value is DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return raw


class _Delete:
    """Leave the field out (its repr names it, so test ids are the same in every xdist worker)."""

    def __repr__(self) -> str:
        return "<deleted>"


DELETE = _Delete()

STATE_ERRORS = [
    ("applies_to", "some", "NY.applies_to: one of all, automated"),
    ("applies_to", DELETE, "NY.applies_to: one of all, automated"),
    ("hours", [], "NY.hours: must be an object"),
    ("name", "  ", "NY.name: must be non-empty text"),
    ("name", 5, "NY.name: must be non-empty text"),
    ("notes", 5, "NY.notes: must be text"),
    ("hours.days", [], "NY.hours.days: must name exactly mon, tue, wed, thu, fri, sat, sun"),
    ("hours.days.sun", DELETE, "NY.hours.days: must name exactly mon, tue, wed, thu, fri, sat, sun"),
    ("hours.days.hol", None, "NY.hours.days: must name exactly mon, tue, wed, thu, fri, sat, sun"),
    ("hours.days.mon", ["8:00", "20:00"], 'NY.hours.days.mon: must be null or ["HH:MM", "HH:MM"]'),
    ("hours.days.mon", ["08:00", "24:00"], 'NY.hours.days.mon: must be null or ["HH:MM", "HH:MM"]'),
    ("hours.days.mon", ["08:60", "20:00"], 'NY.hours.days.mon: must be null or ["HH:MM", "HH:MM"]'),
    ("hours.days.mon", ["08:00 ", "20:00"], 'NY.hours.days.mon: must be null or ["HH:MM", "HH:MM"]'),
    ("hours.days.mon", ["08:00"], 'NY.hours.days.mon: must be null or ["HH:MM", "HH:MM"]'),
    ("hours.days.mon", ["08:00", "20:00", "21:00"], 'NY.hours.days.mon: must be null or ["HH:MM", "HH:MM"]'),
    ("hours.days.mon", ["08:00", 20], 'NY.hours.days.mon: must be null or ["HH:MM", "HH:MM"]'),
    ("hours.days.mon", "08:00-20:00", 'NY.hours.days.mon: must be null or ["HH:MM", "HH:MM"]'),
    ("hours.days.tue", ["20:00", "08:00"], "NY.hours.days.tue: 20:00 is not before 08:00"),
    ("hours.days.tue", ["08:00", "08:00"], "NY.hours.days.tue: 08:00 is not before 08:00"),
    ("hours.citation", "", "NY.hours.citation: must be non-empty text"),
    ("hours.citation", DELETE, "NY.hours.citation: must be non-empty text"),
    ("hours.source", " ", "NY.hours.source: must be non-empty text"),
    ("hours.checked", "2026-12-03", "NY.hours.checked: 2026-12-03 is in the future"),
    ("hours.checked", "2026-13-01", "NY.hours.checked: must be a date (YYYY-MM-DD)"),
    ("hours.checked", 20261202, "NY.hours.checked: must be a date (YYYY-MM-DD)"),
    ("hours.checked", DELETE, "NY.hours.checked: must be a date (YYYY-MM-DD)"),
    ("holidays", [], "NY.holidays: must be null or an object"),
    ("holidays.closed", "Christmas Day", "NY.holidays.closed: must be a list of holiday names"),
    ("holidays.closed", ["Christmas Day", 1], "NY.holidays.closed: must be a list of holiday names"),
    ("holidays.closed", DELETE, "NY.holidays.closed: must be a list of holiday names"),
    (
        "holidays.closed",
        ["Christmas", "Christmas Day", "Boxing Day"],
        "NY.holidays.closed: not in the holidays library's US-NY calendar: Boxing Day, Christmas",
    ),
    ("holidays.checked", "2027-01-01", "NY.holidays.checked: 2027-01-01 is in the future"),
    ("cap", 3, "NY.cap: must be null or an object"),
    ("cap.per_24h", 0, "NY.cap.per_24h: must be a whole number of at least 1"),
    ("cap.per_24h", True, "NY.cap.per_24h: must be a whole number of at least 1"),
    ("cap.per_24h", 3.0, "NY.cap.per_24h: must be a whole number of at least 1"),
    ("cap.channels", [], "NY.cap.channels: a non-empty list of call, sms"),
    ("cap.channels", ["call", "email"], "NY.cap.channels: a non-empty list of call, sms"),
    ("cap.channels", "call", "NY.cap.channels: a non-empty list of call, sms"),
    ("cap.same_subject", "yes", "NY.cap.same_subject: must be true or false"),
    ("cap.citation", "", "NY.cap.citation: must be non-empty text"),
    ("dnc", "list", "NY.dnc: must be null or an object"),
    ("dnc.ebr_accepted", "yes", "NY.dnc.ebr_accepted: must be true, false or null (not checked)"),
    ("dnc.exemptions", "one", "NY.dnc.exemptions: must be a list of non-empty texts"),
    ("dnc.exemptions", [""], "NY.dnc.exemptions: must be a list of non-empty texts"),
    ("dnc.exemptions", [" "], "NY.dnc.exemptions: must be a list of non-empty texts"),
    ("dnc.exemptions", [1], "NY.dnc.exemptions: must be a list of non-empty texts"),
    ("dnc.list", "", "NY.dnc.list: must be non-empty text"),
    ("dnc.citation", "", "NY.dnc.citation: must be non-empty text"),
]


@pytest.mark.parametrize(("path", "value", "message"), STATE_ERRORS, ids=[f"{p}={v!r}" for p, v, _ in STATE_ERRORS])
def test_a_malformed_state_is_refused_with_the_field_named(path, value, message):
    with pytest.raises(StatePackError) as refused:
        parse_state("NY", edited(path, value), TODAY)
    assert str(refused.value) == message


def test_a_checked_date_of_today_is_accepted():
    assert parse_state("NY", edited("hours.checked", "2026-12-02"), TODAY).hours_cited.checked == TODAY
    assert parse_state("NY", edited("hours.checked", "2026-12-02"), date(2026, 12, 3)).hours_cited.checked == TODAY


@pytest.mark.parametrize(
    ("code", "message"),
    [("ny", "'ny': not a US state code"), ("XX", "'XX': not a US state code"), ("NYC", "'NYC': not a US state code")],
)
def test_a_state_code_must_be_a_us_state(code, message):
    with pytest.raises(StatePackError) as refused:
        parse_state(code, valid_state(), TODAY)
    assert str(refused.value) == message


def test_a_state_code_must_be_text_and_a_state_an_object():
    with pytest.raises(StatePackError) as refused:
        parse_state(7, valid_state(), TODAY)
    assert str(refused.value) == "7: not a US state code"
    with pytest.raises(StatePackError) as refused:
        parse_state("NY", [], TODAY)
    assert str(refused.value) == "NY: must be an object"


def test_a_closed_day_is_null():
    r = parse_state("NY", edited("hours.days.sun", None), TODAY)
    assert r.days[6] is None and r.hours(SUNDAY) is None and r.hours(MONDAY) == ("08:00", "20:00")


def pack_with(**changes: Any) -> dict[str, Any]:
    raw = valid_pack()
    for key, value in changes.items():
        if key.startswith("federal_"):
            raw["federal"][key.removeprefix("federal_")] = value
        else:
            raw[key] = value
    return raw


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "the pack must be an object"),
        (pack_with(federal=None), "federal: must be an object"),
        (pack_with(federal_hours=None), "federal.hours: must be a window"),
        (pack_with(federal_hours=["21:00", "08:00"]), "federal.hours: 21:00 is not before 08:00"),
        (pack_with(federal_citation=""), "federal.citation: must be non-empty text"),
        (pack_with(states=[]), "states: must be an object"),
        (pack_with(states={"NY": {}}), "NY.applies_to: one of all, automated"),
    ],
)
def test_a_malformed_pack_is_refused(raw, message):
    with pytest.raises(StatePackError) as refused:
        parse_pack(raw, TODAY)
    assert str(refused.value) == message


def test_holiday_names_are_those_of_the_years_around_the_check():
    # Rhode Island's calendar says "Columbus Day" up to 2021 and "Indigenous Peoples' Day / Columbus Day" from 2022
    assert "Columbus Day" in state_rules.known_holiday_names("RI", 2023)
    assert "Columbus Day" not in state_rules.known_holiday_names("RI", 2024)
    assert "Indigenous Peoples' Day / Columbus Day" not in state_rules.known_holiday_names("RI", 2019)
    assert "Indigenous Peoples' Day / Columbus Day" in state_rules.known_holiday_names("RI", 2020)
    assert "Independence Day" in state_rules.known_holiday_names("RI", 2026)
    assert not any(name.endswith("(observed)") for name in state_rules.known_holiday_names("RI", 2026))


def test_the_pack_as_shipped_reads_without_error_today():
    data = json.loads(state_rules.PACK_PATH.read_text(encoding="utf-8"))
    assert parse_pack(copy.deepcopy(data), date.today()).states.keys() == PACK.states.keys()
