"""The state rules' parts a decision asks (domain/state_rules.applicable, shut_at, binding, ...; the state cap in
domain/frequency_cap; quiet_hours.quiet_reason), each edge pinned: these carry decisions, so every mutant dies."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from registry.domain import frequency_cap, quiet_hours, state_rules
from registry.domain.facts import Attempt, ContactHours
from registry.domain.location import Whereabouts
from registry.domain.policy import DEFAULT_POLICY
from registry.domain.state_rules import Shut, applicable, binding, citations, openings_on, shut_at, shut_words

PACK = state_rules.load_pack()
FL, TX, LA, AL, CT, MD, RI = (PACK.states[c] for c in ("FL", "TX", "LA", "AL", "CT", "MD", "RI"))
CHICAGO, NEW_YORK = ZoneInfo("America/Chicago"), ZoneInfo("America/New_York")
MONDAY, SUNDAY = date(2026, 12, 7), date(2026, 12, 6)
FEDERAL = (time(8), time(21))
CITED = state_rules.Cited("made up", date(2026, 12, 1), "a test")


def at(day: date, hh: int, mm: int = 0, ss: int = 0, tz: ZoneInfo = CHICAGO) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=tz)


def made(code: str, window: tuple[str, str] | None, cap: int | None = None, channels=("call", "sms"),
         name: str | None = None) -> state_rules.StateRule:
    return state_rules.StateRule(
        state=code, name=name or code, applies_to="all", days=(window,) * 7, hours_cited=CITED,
        closed_holidays=frozenset(), holidays_cited=None,
        cap=None if cap is None else state_rules.Cap(cap, tuple(channels), True,
                                                      dataclasses.replace(CITED, citation=f"{code} cap")),
        dnc=None, notes="")


# ---- applicable ------------------------------------------------------------------------------------------------


def test_applicable_marketing_calls_and_texts_only():
    assert applicable(["FL"], "call", "marketing") == [FL]
    assert applicable(["FL"], "sms", "marketing") == [FL]
    assert applicable(["FL"], "email", "marketing") == []
    assert applicable(["FL"], "call", "informational") == []
    assert applicable(["FL"], "sms", "opt_out_confirmation") == []


@pytest.mark.parametrize(("channel", "dialing", "alabama"), [
    ("call", None, False), ("call", "manual", False), ("call", "autodialed", True), ("call", "prerecorded", True),
    ("call", "artificial_voice", True), ("sms", None, True), ("sms", "manual", True),
])
def test_applicable_automated_only_rules_by_dialing(channel, dialing, alabama):
    assert (AL in applicable(["AL", "FL"], channel, "marketing", dialing)) is alabama
    assert FL in applicable(["AL", "FL"], channel, "marketing", dialing)


def test_applicable_reads_the_given_pack():
    only_ct = dataclasses.replace(PACK, states={"CT": CT})
    assert applicable(["FL", "CT"], "call", "marketing", pack=only_ct) == [CT]


# ---- shut_at ---------------------------------------------------------------------------------------------------


def test_shut_at_the_edges_of_a_window():
    assert shut_at(TX, at(MONDAY, 9)) is None  # [09:00, 21:00): 09:00 is open
    assert shut_at(TX, at(MONDAY, 20, 59, 59)) is None
    late = shut_at(TX, at(MONDAY, 21))
    assert late == Shut(TX, ("09:00", "21:00"), "Monday", "Tex. Bus. & Com. Code 301.051")
    early = shut_at(TX, at(MONDAY, 8, 59, 59))
    assert early is not None and early.window == ("09:00", "21:00")
    assert shut_at(TX, at(SUNDAY, 11, 59)) == Shut(TX, ("12:00", "21:00"), "Sunday", "Tex. Bus. & Com. Code 301.051")
    assert shut_at(TX, at(SUNDAY, 12)) is None


def test_shut_at_a_closed_day_and_a_holiday():
    assert shut_at(LA, at(SUNDAY, 12)) == Shut(LA, None, "Sunday", "La. R.S. 45:811(2)")
    assert shut_at(LA, at(date(2027, 2, 9), 12)) == Shut(LA, None, "Mardi Gras", "La. R.S. 45:811(3)")


# ---- binding -----------------------------------------------------------------------------------------------------


def test_binding_without_the_federal_window_shut_is_every_state_that_shuts_the_moment():
    got = binding([TX, LA, FL], at(MONDAY, 20, 30), None)
    assert [s.rule.state for s in got] == ["FL", "LA"]  # Texas is open until 21:00; same end: by code
    assert binding([FL], at(MONDAY, 12), None) == []
    assert binding([], at(MONDAY, 3), FEDERAL) == []


def test_binding_when_the_federal_window_is_shut_too():
    assert binding([FL], at(MONDAY, 7, 30), FEDERAL) == []  # both open at 08:00: the federal rule binds as much
    assert [s.rule.state for s in binding([TX], at(MONDAY, 7, 30), FEDERAL)] == ["TX"]  # Texas opens later
    assert [s.rule.state for s in binding([FL], at(MONDAY, 21, 30), FEDERAL)] == ["FL"]  # Florida closed earlier
    assert binding([TX], at(MONDAY, 21, 30), FEDERAL) == []  # both close at 21:00
    assert [s.rule.state for s in binding([LA], at(SUNDAY, 22), FEDERAL)] == ["LA"]  # a closed day binds
    # exactly at the federal edges (as the function reads them)
    assert binding([TX], at(MONDAY, 8), FEDERAL) == []  # not before the federal start
    assert [s.rule.state for s in binding([FL], at(MONDAY, 21), FEDERAL)] == ["FL"]
    late_start = made("NY", ("08:01", "21:00"))
    assert [s.rule.state for s in binding([late_start], at(MONDAY, 7), FEDERAL)] == ["NY"]
    early_end = made("NY", ("08:00", "20:59"))
    assert [s.rule.state for s in binding([early_end], at(MONDAY, 22), FEDERAL)] == ["NY"]
    assert binding([early_end], at(MONDAY, 7), FEDERAL) == []  # before the start, its start is the federal one


def test_binding_order_closes_first_first():
    a = made("NJ", ("10:00", "19:00"))
    b = made("NY", ("09:00", "19:00"))
    c = made("CA", ("08:00", "18:00"))
    closed = made("WY", None)
    got = binding([a, b, c, closed], at(MONDAY, 19, 30), None)
    assert [s.rule.state for s in got] == ["WY", "CA", "NJ", "NY"]  # closed day; end 18:00; end 19:00 start 10:00 ...
    same = [made("NY", ("09:00", "19:00")), made("NJ", ("09:00", "19:00"))]
    assert [s.rule.state for s in binding(same, at(MONDAY, 19, 30), None)] == ["NJ", "NY"]
    two_closed = [made("NY", None), made("NJ", None)]
    assert [s.rule.state for s in binding(two_closed, at(MONDAY, 12), None)] == ["NJ", "NY"]


def test_shut_words_and_citations():
    assert shut_words(Shut(FL, ("08:00", "20:00"), "Monday", "x"), "calls") == "Florida allows calls 08:00-20:00"
    assert shut_words(Shut(TX, ("12:00", "21:00"), "Sunday", "x"), "texts") == "Texas allows texts 12:00-21:00 on Sunday"
    assert shut_words(Shut(LA, None, "Mardi Gras", "x"), "calls") == "Louisiana allows no calls on Mardi Gras"
    shuts = [Shut(FL, None, "d", "A"), Shut(MD, None, "d", "B"), Shut(RI, None, "d", "A")]
    assert citations(shuts) == "A; B"
    assert citations([]) == ""


def test_openings_on():
    assert openings_on([FL, TX], MONDAY) == [time(8), time(9)]
    assert openings_on([TX], SUNDAY) == [time(12)]
    assert openings_on([LA, TX], SUNDAY) == [time(12)]  # Louisiana is closed: no opening
    assert openings_on([], MONDAY) == []


# ---- the state cap -------------------------------------------------------------------------------------------------


NOW = datetime(2026, 12, 7, 18, tzinfo=UTC)


def tried(hours_ago: float, channel="call", purpose="marketing", brand="default") -> Attempt:
    return Attempt(id=f"a{hours_ago}{channel}{purpose}{brand}", channel=channel, purpose=purpose, brand=brand,
                   occurred_at=NOW - timedelta(hours=hours_ago), outcome="no_answer")


def test_state_cap_the_smallest_and_what_it_counts():
    assert frequency_cap.state_cap([TX], "call") is None
    cap = frequency_cap.state_cap([FL, MD, TX], "call")
    assert cap is not None and cap.per_24h == 3 and cap.channels == ("call", "sms") and cap.rules == (FL, MD)
    assert cap.citation == "Fla. Stat. 501.616(6)(b); Md. Code Com. Law 14-4502"
    small = made("NY", ("08:00", "20:00"), cap=2, channels=("sms",))
    assert frequency_cap.state_cap([FL, small], "call").rules == (FL,)  # NY's cap is on texts only
    texts = frequency_cap.state_cap([FL, small], "sms")
    assert texts.per_24h == 2 and texts.channels == ("sms",) and texts.citation == "NY cap"
    twice = frequency_cap.StateCap(3, ("call",), (made("NY", None, 3), made("NJ", None, 3)))
    assert twice.citation == "NY cap; NJ cap"
    same = made("NJ", None, 3)
    same = dataclasses.replace(same, cap=dataclasses.replace(same.cap, cited=CITED))
    assert frequency_cap.StateCap(3, ("call",), (same, same)).citation == "made up"


def test_state_counted_window_and_subject():
    cap = frequency_cap.state_cap([FL], "call")
    attempts = [tried(23.99), tried(24), tried(0), tried(-1), tried(1, "sms"), tried(1, "email"),
                tried(1, purpose="informational"), tried(1, brand="other")]
    counted = frequency_cap.state_counted(attempts, cap, "marketing", "default", NOW)
    assert sorted(a.id for a in counted) == sorted([tried(23.99).id, tried(0).id, tried(1, "sms").id])


def test_state_cap_message():
    assert frequency_cap.state_cap_message([tried(1), tried(2), tried(3)], "call", "marketing", "default", NOW, [TX]) is None
    assert frequency_cap.state_cap_message([tried(1), tried(2)], "call", "marketing", "default", NOW, [FL]) is None
    message, rule = frequency_cap.state_cap_message([tried(1), tried(2, "sms"), tried(3)], "sms", "marketing",
                                                    "default", NOW, [FL])
    assert message == "3 marketing calls and texts for brand default in the last 24 hours; Florida allows 3 on the same subject"
    assert rule == "Fla. Stat. 501.616(6)(b)"
    message, _ = frequency_cap.state_cap_message([tried(1), tried(2), tried(3), tried(4)], "call", "marketing",
                                                 "default", NOW, [FL, MD])
    assert message.startswith("4 marketing calls and texts")
    assert message.endswith("Florida and Maryland allow 3 on the same subject")
    only_texts = made("NY", ("08:00", "20:00"), cap=1, channels=("sms",), name="New York")
    message, rule = frequency_cap.state_cap_message([tried(1, "sms")], "sms", "marketing", "default", NOW, [only_texts])
    assert message == "1 marketing text for brand default in the last 24 hours; New York allows 1 on the same subject"
    assert rule == "NY cap"
    both = made("NY", ("08:00", "20:00"), cap=1, name="New York")
    message, _ = frequency_cap.state_cap_message([tried(1, "sms")], "call", "marketing", "default", NOW, [both])
    assert message.startswith("1 marketing call or text for brand default")


def test_state_expiries():
    attempts = [tried(2), tried(5, "sms"), tried(5, "sms", brand="other"), tried(1, purpose="informational"), tried(2)]
    got = frequency_cap.state_expiries(attempts, "call", "marketing", "default", [FL])
    assert got == [NOW - timedelta(hours=5) + timedelta(hours=24), NOW - timedelta(hours=2) + timedelta(hours=24)]
    assert frequency_cap.state_expiries(attempts, "call", "marketing", "default", [TX]) == []


# ---- quiet_reason ------------------------------------------------------------------------------------------------


def utc(day: date, hh: int, mm: int, tz: ZoneInfo) -> datetime:
    return at(day, hh, mm, tz=tz).astimezone(UTC)


EAST_AND_CENTRAL = Whereabouts(zones=("America/Chicago", "America/New_York"))


def test_quiet_reason_states_first_then_the_policy_then_the_contacts_hours():
    # 20:30 in New York, 19:30 in Chicago: Florida's window is shut in New York only
    q = quiet_hours.quiet_reason(utc(MONDAY, 20, 30, NEW_YORK), EAST_AND_CENTRAL, DEFAULT_POLICY, "call", rules=[FL])
    assert q is not None and q.message == "20:30 in America/New_York; Florida allows calls 08:00-20:00"
    assert [s.rule.state for s in q.states] == ["FL"] and q.policy_shut is False
    # 21:30 in New York, 20:30 in Chicago: the policy's window is shut in New York, Florida's in both
    q = quiet_hours.quiet_reason(utc(MONDAY, 21, 30, NEW_YORK), EAST_AND_CENTRAL, DEFAULT_POLICY, "call", rules=[FL])
    assert q.message == "20:30 in America/Chicago; Florida allows calls 08:00-20:00" and q.policy_shut is True
    # 07:30 in New York: the federal window binds as much as Florida's
    q = quiet_hours.quiet_reason(utc(MONDAY, 7, 30, NEW_YORK), EAST_AND_CENTRAL, DEFAULT_POLICY, "call", rules=[FL])
    assert q.message == "06:30 in America/Chicago; calls allowed 08:00-21:00" and q.states == () and q.policy_shut
    # the contact's own hours shut in Chicago (before 10:00), Texas' window nowhere
    hours = ContactHours(start=time(10), end=time(17), days=frozenset({"mon"}))
    q = quiet_hours.quiet_reason(utc(MONDAY, 9, 30, CHICAGO), EAST_AND_CENTRAL, DEFAULT_POLICY, "sms", hours, [TX])
    assert q.message == "09:30 mon in America/Chicago; contact accepts texts 10:00-17:00 mon"
    assert q.states == () and q.policy_shut is False
    assert quiet_hours.quiet_reason(utc(MONDAY, 12, 0, CHICAGO), EAST_AND_CENTRAL, DEFAULT_POLICY, "call",
                                    hours, [TX]) is None
    nowhere = quiet_hours.quiet_reason(utc(MONDAY, 12, 0, CHICAGO), Whereabouts(), DEFAULT_POLICY, "call", rules=[TX])
    assert nowhere is not None and nowhere.message.startswith("no time zone is known") and nowhere.states == ()
    assert nowhere.policy_shut is False


def test_quiet_message_and_is_quiet_take_the_rules():
    moment = utc(MONDAY, 20, 30, NEW_YORK)
    ny = Whereabouts(zones=("America/New_York",))
    assert quiet_hours.quiet_message(moment, ny, DEFAULT_POLICY, "call") is None
    assert quiet_hours.quiet_message(moment, ny, DEFAULT_POLICY, "call", None, [FL]) == (
        "20:30 in America/New_York; Florida allows calls 08:00-20:00")
    assert not quiet_hours.is_quiet(moment, ny, DEFAULT_POLICY)
    assert quiet_hours.is_quiet(moment, ny, DEFAULT_POLICY, None, [FL])


def test_openings_include_each_states_opening_that_day():
    chicago = Whereabouts(zones=("America/Chicago",))
    start, end = utc(SUNDAY, 0, 0, CHICAGO), utc(SUNDAY, 23, 0, CHICAGO)
    got = quiet_hours.openings(chicago, start, end, DEFAULT_POLICY, rules=[TX])
    assert utc(SUNDAY, 12, 0, CHICAGO) in got and utc(SUNDAY, 8, 0, CHICAGO) in got
    assert utc(SUNDAY, 12, 0, CHICAGO) not in quiet_hours.openings(chicago, start, end, DEFAULT_POLICY)
