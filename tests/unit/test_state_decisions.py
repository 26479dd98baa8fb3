"""State rules in decisions (issue 12 item 2): the number's area-code state and the state on file; the strictest
rule of all of them wins; next_allowed_at skips closed days and holidays; the reason names the state and cites it.

Local times: 2026-12-07 is a Monday, 2026-12-06 a Sunday. Each state's numbers are quoted from its statute (the
pack's citation).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from builders import ask, attempt, consent, facts, prefs, written

from registry.domain import state_rules
from registry.domain.addresses import phone_time_zones
from registry.domain.area_codes import load_table

MIAMI = "+13055550123"  # 305: Florida, America/New_York
DALLAS = "+12145550123"  # 214: Texas, America/Chicago
NEW_ORLEANS = "+15045550123"  # 504: Louisiana, America/Chicago
BIRMINGHAM = "+12055550123"  # 205: Alabama, America/Chicago
NEW_YORK = "+12125550123"  # 212: New York (no state rules in the pack)
HARTFORD = "+18605550123"  # 860: Connecticut
NY, CHICAGO = "America/New_York", "America/Chicago"
FEDERAL = "47 CFR 64.1200(c)(1)"
FLORIDA_HOURS, FLORIDA_CAP = "Fla. Stat. 501.616(6)(a)", "Fla. Stat. 501.616(6)(b)"
TEXAS_HOURS = "Tex. Bus. & Com. Code 301.051"


def local(zone: str, y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def marketing_call(address: str, at: datetime, dialing=None, **prefs_kw):
    f = facts(address, consents=[written(at="2026-11-01T12:00:00Z")], preferences=prefs(**prefs_kw))
    return ask(f, at=at, dialing=dialing)


def only_reason(decision):
    assert len(decision.reasons) == 1, decision.reasons
    return decision.reasons[0]


# ---- the contract's examples ---------------------------------------------------------------------------------


def test_a_miami_number_at_2030_is_deferred_by_florida_until_0800():
    decision = marketing_call(MIAMI, local(NY, 2026, 12, 7, 20, 30))
    assert decision.decision == "defer"
    reason = only_reason(decision)
    assert reason.code == "quiet_hours"
    assert reason.message == "20:30 in America/New_York; Florida allows calls 08:00-20:00"  # 501.616(6)(a): 8 p.m.
    assert reason.rule == FLORIDA_HOURS
    assert decision.next_allowed_at == local(NY, 2026, 12, 8, 8)


def test_a_miami_number_just_inside_floridas_window_is_allowed():
    assert marketing_call(MIAMI, local(NY, 2026, 12, 7, 19, 59)).decision == "allow"
    assert marketing_call(MIAMI, local(NY, 2026, 12, 7, 8, 0)).decision == "allow"


def test_after_both_windows_close_the_stricter_state_is_named():
    reason = only_reason(marketing_call(MIAMI, local(NY, 2026, 12, 7, 21, 30)))
    assert (reason.message, reason.rule) == ("21:30 in America/New_York; Florida allows calls 08:00-20:00", FLORIDA_HOURS)


def test_when_the_federal_window_binds_as_much_the_rule_stays_federal():
    reason = only_reason(marketing_call(MIAMI, local(NY, 2026, 12, 7, 7, 30)))  # both open at 08:00
    assert (reason.message, reason.rule) == ("07:30 in America/New_York; calls allowed 08:00-21:00", FEDERAL)
    reason = only_reason(marketing_call(DALLAS, local(CHICAGO, 2026, 12, 7, 21, 30)))  # both close at 21:00
    assert (reason.message, reason.rule) == ("21:30 in America/Chicago; calls allowed 08:00-21:00", FEDERAL)


def test_a_texas_number_on_sunday_at_1000_is_deferred_until_noon():
    decision = marketing_call(DALLAS, local(CHICAGO, 2026, 12, 6, 10))
    reason = only_reason(decision)
    assert reason.message == "10:00 in America/Chicago; Texas allows calls 12:00-21:00 on Sunday"  # 301.051: noon
    assert reason.rule == TEXAS_HOURS
    assert decision.next_allowed_at == local(CHICAGO, 2026, 12, 6, 12)
    assert marketing_call(DALLAS, local(CHICAGO, 2026, 12, 6, 12)).decision == "allow"


def test_a_texas_number_on_a_weekday_before_0900():
    decision = marketing_call(DALLAS, local(CHICAGO, 2026, 12, 7, 8, 30))  # federal open since 08:00
    reason = only_reason(decision)
    assert (reason.message, reason.rule) == ("08:30 in America/Chicago; Texas allows calls 09:00-21:00 on Monday",
                                             TEXAS_HOURS)
    assert decision.next_allowed_at == local(CHICAGO, 2026, 12, 7, 9)


def test_the_state_on_file_adds_a_state_for_a_number_whose_area_code_is_elsewhere():
    at = local(NY, 2026, 12, 7, 20, 30)
    assert marketing_call(NEW_YORK, at).decision == "allow"  # New York: only the federal window
    decision = marketing_call(NEW_YORK, at, state="FL")
    reason = only_reason(decision)
    assert (reason.message, reason.rule) == ("20:30 in America/New_York; Florida allows calls 08:00-20:00", FLORIDA_HOURS)
    assert decision.next_allowed_at == local(NY, 2026, 12, 8, 8)


def test_several_binding_states_are_listed_the_one_closing_first_first():
    decision = marketing_call(MIAMI, local(NY, 2026, 12, 7, 20, 30), state="CT")  # CT 09:00-20:00, FL 08:00-20:00
    reason = only_reason(decision)
    assert reason.message == ("20:30 in America/New_York; Connecticut allows calls 09:00-20:00; "
                              "Florida allows calls 08:00-20:00")
    assert reason.rule == "Conn. Gen. Stat. 42-288a (P.A. 23-98); " + FLORIDA_HOURS
    morning = only_reason(marketing_call(MIAMI, local(NY, 2026, 12, 7, 8, 30), state="CT"))
    assert morning.rule == "Conn. Gen. Stat. 42-288a (P.A. 23-98)"  # only Connecticut's window is shut at 08:30
    assert marketing_call(MIAMI, local(NY, 2026, 12, 7, 8, 30), state="CT").next_allowed_at == local(NY, 2026, 12, 7, 9)


# ---- closed days and holidays ---------------------------------------------------------------------------------


def test_a_louisiana_number_on_sunday_waits_for_monday():
    decision = marketing_call(NEW_ORLEANS, local(CHICAGO, 2026, 12, 6, 12))
    reason = only_reason(decision)
    assert reason.message == "12:00 in America/Chicago; Louisiana allows no calls on Sunday"  # La. R.S. 45:811(2)
    assert reason.rule == "La. R.S. 45:811(2)"
    assert decision.next_allowed_at == local(CHICAGO, 2026, 12, 7, 8)


def test_next_allowed_at_skips_a_holiday():
    decision = marketing_call(NEW_ORLEANS, local(CHICAGO, 2027, 2, 8, 20, 30))  # Monday evening; Tuesday is Mardi Gras
    assert decision.next_allowed_at == local(CHICAGO, 2027, 2, 10, 8)
    holiday = only_reason(marketing_call(NEW_ORLEANS, local(CHICAGO, 2027, 2, 9, 12)))
    assert holiday.message == "12:00 in America/Chicago; Louisiana allows no calls on Mardi Gras"  # 45:811(3)
    assert holiday.rule == "La. R.S. 45:811(3)"


def test_a_saturday_evening_in_louisiana_waits_until_monday():
    decision = marketing_call(NEW_ORLEANS, local(CHICAGO, 2026, 12, 5, 20, 30))
    assert decision.next_allowed_at == local(CHICAGO, 2026, 12, 7, 8)


def test_nothing_within_the_horizon_is_null(monkeypatch):
    closed = state_rules.parse_state("NY", {
        "name": "Nowhere", "applies_to": "all",
        "hours": {"days": dict.fromkeys(state_rules.DAYS), "citation": "c", "checked": "2026-12-01", "source": "s"},
    }, date(2026, 12, 2))
    monkeypatch.setattr(state_rules, "applicable", lambda *a, **k: [closed])
    decision = marketing_call(NEW_YORK, local(NY, 2026, 12, 7, 12))
    assert decision.decision == "defer" and decision.next_allowed_at is None
    assert only_reason(decision).message == "12:00 in America/New_York; Nowhere allows no calls on Monday"


# ---- which contact the states' rules reach ----------------------------------------------------------------------


def test_informational_contact_and_email_are_not_affected():
    at = local(NY, 2026, 12, 7, 20, 30)
    f = facts(MIAMI, consents=[consent(channels=("call", "sms"), purposes=("informational",))])
    assert ask(f, purpose="informational", at=at).decision == "allow"
    email = facts("person@example.com", preferences=prefs(state="FL", timezone=NY))
    assert ask(email, channel="email", at=at).decision == "allow"


def test_a_text_is_held_to_the_states_hours_too():
    f = facts(MIAMI, consents=[written(channels=("sms",), at="2026-11-01T12:00:00Z")])
    reason = only_reason(ask(f, channel="sms", at=local(NY, 2026, 12, 7, 20, 30)))
    assert (reason.message, reason.rule) == ("20:30 in America/New_York; Florida allows texts 08:00-20:00", FLORIDA_HOURS)


def test_alabamas_rule_binds_automated_calls_and_every_text_only():
    sunday = local(CHICAGO, 2026, 12, 6, 12)
    assert marketing_call(BIRMINGHAM, sunday).decision == "allow"  # a manual call: Alabama's rule is for automated ones
    robo = marketing_call(BIRMINGHAM, sunday, dialing="autodialed")
    assert only_reason(robo).rule == "Ala. Admin. Code r. 770-X-5-.17(1)(b)"  # no solicitation calls on Sundays
    assert robo.next_allowed_at == local(CHICAGO, 2026, 12, 7, 8)
    f = facts(BIRMINGHAM, consents=[written(channels=("sms",), at="2026-11-01T12:00:00Z")])
    assert ask(f, channel="sms", at=sunday).decision == "defer"  # every sms counts as autodialed


# ---- the state cap: calls and texts together, on the same subject --------------------------------------------------


def recent(at: datetime, hours_ago: float, channel="call", purpose="marketing", brand="default"):
    return attempt(channel=channel, purpose=purpose, brand=brand, at=(at - timedelta(hours=hours_ago)).isoformat())


def test_floridas_cap_counts_calls_and_texts_together_on_the_same_subject():
    at = local(NY, 2026, 12, 7, 14)
    tried = [recent(at, 20, "call"), recent(at, 5, "sms"), recent(at, 1, "call")]
    f = facts(MIAMI, consents=[written(channels=("call", "sms"), at="2026-11-01T12:00:00Z")], attempts=tried)
    decision = ask(f, at=at)
    reason = only_reason(decision)  # the brand's cap (3 calls in 7 days) is not reached: 2 calls
    assert reason.code == "frequency_cap"
    assert reason.message == ("3 marketing calls and texts for brand default in the last 24 hours; Florida allows 3 on "
                              "the same subject")  # 501.616(6)(b): more than three ... over a 24-hour period
    assert reason.rule == FLORIDA_CAP
    assert decision.next_allowed_at == at + timedelta(hours=4)  # the oldest leaves the 24 hours at 18:00
    assert ask(f, channel="sms", at=at).decision == "defer"


@pytest.mark.parametrize("other", [
    {"brand": "other"},  # another brand: another subject
    {"purpose": "informational"},  # another purpose: another subject
    {"hours_ago": 24},  # 24 hours old: no longer counted
    {"channel": "email"},  # not a call or a text
])
def test_what_the_state_cap_does_not_count(other):
    at = local(NY, 2026, 12, 7, 14)
    other = dict(other)  # the parameter is shared by every run of the test: never change it
    third = recent(at, other.pop("hours_ago", 2), **other)
    f = facts(MIAMI, consents=[written(channels=("call", "sms"), at="2026-11-01T12:00:00Z")],
              attempts=[recent(at, 5, "sms"), recent(at, 1, "call"), third])
    assert ask(f, at=at).decision == "allow"


def test_the_cap_of_several_states_names_every_state_that_sets_it():
    at = local(NY, 2026, 12, 7, 14)
    f = facts(MIAMI, consents=[written(channels=("call", "sms"), at="2026-11-01T12:00:00Z")],
              attempts=[recent(at, 3, "sms"), recent(at, 2, "sms"), recent(at, 1, "call")], preferences=prefs(state="MD"))
    reason = only_reason(ask(f, at=at))
    assert reason.message == ("3 marketing calls and texts for brand default in the last 24 hours; Florida and Maryland "
                              "allow 3 on the same subject")
    assert reason.rule == FLORIDA_CAP + "; Md. Code Com. Law 14-4502"


def test_no_state_cap_for_a_state_without_one():
    at = local(CHICAGO, 2026, 12, 7, 14)
    f = facts(DALLAS, consents=[written(channels=("call", "sms"), at="2026-11-01T12:00:00Z")],
              attempts=[recent(at, 3, "sms"), recent(at, 2, "sms"), recent(at, 1, "call")])
    assert ask(f, at=at).decision == "allow"


# ---- every state in the pack, through a decision -------------------------------------------------------------------

MONDAY = (2026, 12, 7)
# state: (Monday window, its citation when it binds at the window's end (None: the federal one binds as much),
#         a closed day (date) with the citation of its closure, cap per 24 hours)
TABLE = {
    "AL": (("08:00", "20:00"), "Ala. Admin. Code r. 770-X-5-.17(1)(b)",
           (date(2026, 12, 6), "Ala. Admin. Code r. 770-X-5-.17(1)(b)"), None),
    "CT": (("09:00", "20:00"), "Conn. Gen. Stat. 42-288a (P.A. 23-98)", None, None),
    "FL": (("08:00", "20:00"), "Fla. Stat. 501.616(6)(a)", None, 3),
    "LA": (("08:00", "20:00"), "La. R.S. 45:811(2)", (date(2026, 12, 6), "La. R.S. 45:811(2)"), None),
    "MA": (("08:00", "20:00"), "201 CMR 12.02(2)", None, None),
    "MD": (("08:00", "20:00"), "Md. Code Com. Law 14-4502", None, 3),
    "MS": (("08:00", "20:00"), "Miss. Code Ann. 77-3-723(1)", (date(2026, 12, 6), "Miss. Code Ann. 77-3-723(1)"), None),
    "OK": (("08:00", "20:00"), "15 Okla. Stat. 775C.4", None, 3),
    "PA": (("08:00", "21:00"), None, (date(2026, 11, 26), "73 P.S. 2245(a)(10)"), None),  # Thanksgiving Day
    "RI": (("09:00", "18:00"), "R.I. Gen. Laws 5-61-3.6; 5-61-2 ('hours of operation')",
           (date(2026, 12, 6), "R.I. Gen. Laws 5-61-3.6; 5-61-2 ('hours of operation')"), None),
    "TX": (("09:00", "21:00"), None, None, None),
    "UT": (("08:00", "21:00"), None, (date(2026, 12, 6), "Utah Code 13-25a-103(3)"), None),
    "WA": (("08:00", "20:00"), "RCW 19.158.040(2)", None, None),
}


def number_in(state: str) -> tuple[str, str]:
    """A number of the state's area codes that has one time zone, and that zone."""
    for npa, code in sorted(load_table().items()):
        if code == state:
            number = f"+1{npa}5550123"
            zones = phone_time_zones(number)
            if len(zones) == 1:
                return number, zones[0]
    raise AssertionError(f"no single-zone area code for {state}")


def text_at(number: str, at: datetime, attempts=()):
    f = facts(number, consents=[written(channels=("call", "sms"), at="2026-11-01T12:00:00Z")], attempts=attempts)
    return ask(f, channel="sms", at=at)  # a text: every state's rule binds it (Alabama's too)


def test_the_table_covers_every_state_in_the_pack():
    assert sorted(TABLE) == sorted(state_rules.load_pack().states)


@pytest.mark.parametrize("state", sorted(TABLE))
def test_every_state_in_the_pack_through_a_decision(state):
    (start, end), end_rule, closed, cap = TABLE[state]
    number, zone = number_in(state)
    sh, sm, eh, em = int(start[:2]), int(start[3:]), int(end[:2]), int(end[3:])
    # just inside the window, on a Monday
    assert text_at(number, local(zone, *MONDAY, sh, sm)).decision == "allow"
    last = local(zone, *MONDAY, eh, em) - timedelta(minutes=1)
    assert text_at(number, last).decision == "allow"
    # just outside, at each end
    before = text_at(number, local(zone, *MONDAY, sh, sm) - timedelta(minutes=1))
    assert before.decision == "defer" and before.next_allowed_at == local(zone, *MONDAY, sh, sm)
    after = text_at(number, local(zone, *MONDAY, eh, em))
    assert after.decision == "defer"
    assert only_reason(after).rule == (end_rule or FEDERAL)
    # a closed day or holiday: deferred all day, and the next moment allowed is another day
    if closed is not None:
        day, citation = closed
        noon = local(zone, day.year, day.month, day.day, 12)
        shut = text_at(number, noon)
        assert shut.decision == "defer" and only_reason(shut).rule == citation
        assert shut.next_allowed_at is not None and shut.next_allowed_at.astimezone(ZoneInfo(zone)).date() > day
    # its cap: the fourth contact on the same subject in 24 hours is deferred
    noon = local(zone, *MONDAY, 12, 30)
    tried = [recent(noon, 3, "call"), recent(noon, 2, "sms"), recent(noon, 1, "sms")]
    capped = text_at(number, noon, tried)
    if cap is None:
        assert capped.decision == "allow"
    else:
        assert cap == 3
        assert capped.decision == "defer" and only_reason(capped).code == "frequency_cap"
        assert text_at(number, noon, tried[1:]).decision == "allow"
