"""Contact hours past midnight belong to the day they start (domain/quiet_hours.in_contact_hours):
Sunday's 20:00-02:00 still holds at 01:00 on Monday, and a Monday night's does not open Sunday."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from builders import hours

from registry.domain.quiet_hours import in_contact_hours

LA = ZoneInfo("America/Los_Angeles")


def test_sundays_late_hours_run_into_monday_morning():
    sunday_night = hours("20:00", "02:00", days=("sun",))
    assert in_contact_hours(datetime(2026, 12, 7, 1, 0, tzinfo=LA), sunday_night)  # Monday 01:00
    assert not in_contact_hours(datetime(2026, 12, 7, 2, 0, tzinfo=LA), sunday_night)  # Monday 02:00: over
    assert in_contact_hours(datetime(2026, 12, 6, 20, 0, tzinfo=LA), sunday_night)  # Sunday 20:00


def test_mondays_late_hours_do_not_open_on_sunday_night():
    monday_night = hours("20:00", "02:00", days=("mon",))
    assert not in_contact_hours(datetime(2026, 12, 7, 1, 0, tzinfo=LA), monday_night)  # Monday 01:00 is Sunday's
    assert not in_contact_hours(datetime(2026, 12, 6, 21, 0, tzinfo=LA), monday_night)
    assert in_contact_hours(datetime(2026, 12, 8, 1, 0, tzinfo=LA), monday_night)  # Tuesday 01:00 is Monday's
