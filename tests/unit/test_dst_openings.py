"""Every instant a window can open is a candidate for next_allowed_at (domain/quiet_hours.openings):
each DST jump in the span, however long the span (a brand may look a year ahead), and both
readings of a wall time that happens twice when the clocks go back."""
from __future__ import annotations

from builders import NY_PHONE, ask, facts, hours, prefs, ts

from registry.domain import quiet_hours as qh
from registry.domain.location import Whereabouts
from registry.domain.policy import DEFAULT_POLICY, with_overrides

NY = Whereabouts(zones=("America/New_York",))
ALL_DAY = with_overrides(DEFAULT_POLICY, {"quiet_hours_start": "00:00", "quiet_hours_end": "00:00"})


def test_every_dst_jump_of_a_year_is_an_opening():
    got = qh.openings(NY, ts("2026-01-01T00:00:00Z"), ts("2027-01-01T00:00:00Z"), DEFAULT_POLICY)
    assert ts("2026-03-08T07:00:00Z") in got and ts("2026-11-01T06:00:00Z") in got  # 02:00 EST, 02:00 EDT


def test_both_jumps_around_ramadan_in_casablanca_are_openings():
    """Morocco leaves +01:00 for Ramadan and returns five weeks later: two jumps, opposite ways."""
    got = qh.openings(Whereabouts(zones=("Africa/Casablanca",)), ts("2026-02-10T00:00:00Z"),
                      ts("2026-03-30T00:00:00Z"), DEFAULT_POLICY)
    assert {ts("2026-02-15T02:00:00Z"), ts("2026-03-22T02:00:00Z")} <= set(got)


def test_a_wall_time_that_happens_twice_opens_at_its_first_reading():
    # 01:15-01:45 on 2026-11-01 in New York: first in EDT (05:15Z), again in EST (06:15Z).
    f = facts(NY_PHONE, preferences=prefs(contact_hours=hours("01:15", "01:45", days=("sun",))))
    result = ask(f, purpose="informational", at="2026-11-01T05:00:00Z", policy=ALL_DAY)
    assert result.decision == "defer" and result.next_allowed_at == ts("2026-11-01T05:15:00Z")
    got = qh.openings(NY, ts("2026-11-01T00:00:00Z"), ts("2026-11-02T00:00:00Z"), ALL_DAY,
                      hours("01:15", "01:45", days=("sun",)))
    assert {ts("2026-11-01T05:15:00Z"), ts("2026-11-01T06:15:00Z")} <= set(got)


def test_a_dst_jump_is_found_to_the_second_whatever_second_the_span_starts_on():
    for start in ("2026-03-07T00:00:01Z", "2026-03-07T00:00:04Z", "2026-03-07T00:00:09Z"):
        got = qh.openings(NY, ts(start), ts("2026-03-10T00:00:00Z"), DEFAULT_POLICY)
        assert ts("2026-03-08T07:00:00Z") in got and ts("2026-03-08T07:00:01Z") not in got, start


def test_a_window_past_midnight_opens_at_its_start_and_shuts_at_its_end():
    night = with_overrides(DEFAULT_POLICY, {"quiet_hours_start": "20:00", "quiet_hours_end": "02:00"})
    la = Whereabouts(zones=("America/Los_Angeles",))
    assert not qh.is_quiet(ts("2026-12-02T04:00:00Z"), la, night)  # 20:00 local: open
    assert qh.is_quiet(ts("2026-12-02T03:59:59Z"), la, night)
    assert not qh.is_quiet(ts("2026-12-02T09:59:59Z"), la, night)  # 01:59:59
    assert qh.is_quiet(ts("2026-12-02T10:00:00Z"), la, night)  # 02:00: shut
