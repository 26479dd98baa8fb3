"""Which state a reason names first (domain/state_rules.binding): the one whose window closes first.

The order is the contract's "the reason's message and `rule` name the state": a closed day first, then the earliest
end, then, for the same end, the latest start, then the state's code. Minutes count: a window is "HH:MM", and 19:10
ends before 19:50, which ends before 20:00. Each case is built so that reading the time wrongly (the minutes' tens
dropped, hours and minutes mixed), or the start read as the end, gives another order.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from registry.domain import state_rules
from registry.domain.state_rules import binding, shut_at

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = date(2026, 12, 7)
CITED = state_rules.Cited("made up", date(2026, 12, 1), "a test")


def made(code: str, window: tuple[str, str] | None) -> state_rules.StateRule:
    return state_rules.StateRule(
        state=code, name=code, applies_to="all", days=(window,) * 7, hours_cited=CITED,
        closed_holidays=frozenset(), holidays_cited=None, cap=None, dnc=None, notes="")


def order(rules: list[state_rules.StateRule], hh: int, mm: int = 0) -> list[str]:
    local = datetime(MONDAY.year, MONDAY.month, MONDAY.day, hh, mm, tzinfo=CHICAGO)
    return [s.rule.state for s in binding(rules, local, None)]


def test_the_earlier_end_binds_first_counting_the_minutes():
    # 19:10 ends 40 minutes before 19:50: New York first, though New Jersey comes first by code
    assert order([made("NJ", ("09:00", "19:50")), made("NY", ("09:00", "19:10"))], 20, 30) == ["NY", "NJ"]
    # 19:50 ends before 20:00 (the hour counts more than any minute)
    assert order([made("NJ", ("09:00", "20:00")), made("NY", ("09:00", "19:50"))], 20, 30) == ["NY", "NJ"]


def test_for_the_same_end_the_later_start_binds_first():
    # both end at 19:00; New York opens at 10:00, later than New Jersey's 09:00: New York's window is the narrower
    assert order([made("NJ", ("09:00", "19:00")), made("NY", ("10:00", "19:00"))], 19, 30) == ["NY", "NJ"]
    # the start's minutes count too: 09:40 is later than 09:10
    assert order([made("NJ", ("09:10", "19:00")), made("NY", ("09:40", "19:00"))], 19, 30) == ["NY", "NJ"]


def test_a_window_opens_and_closes_at_its_minutes():
    half_past = made("NY", ("09:30", "20:30"))
    assert shut_at(half_past, datetime(2026, 12, 7, 9, 15, tzinfo=CHICAGO)) is not None  # before 09:30: shut
    assert shut_at(half_past, datetime(2026, 12, 7, 9, 30, tzinfo=CHICAGO)) is None
    assert shut_at(half_past, datetime(2026, 12, 7, 20, 15, tzinfo=CHICAGO)) is None  # before 20:30: open
    assert shut_at(half_past, datetime(2026, 12, 7, 20, 30, tzinfo=CHICAGO)) is not None
    assert state_rules.openings_on([half_past], MONDAY) == [time(9, 30)]
