"""The violations report judges an attempt with the contact's preferences as they stood at its
``occurred_at`` (issue 12 item 6), through both hosts: quiet hours, time zone, snooze and state on
file changed after the attempt do not make it a violation, and ones in force then and lifted since
still do. Preferences take effect when recorded (now), so an attempt "before" a change is dated in
the past, and one "between" two changes is dated a moment after the first was recorded.

Each test also asks a lookup pinned at the attempt's moment (``at``), which uses the preferences as
they stand now: it must disagree with the report, or the test would prove nothing.
"""
from __future__ import annotations

import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.api.conftest import new_email, new_phone
from tests.api.helpers import add_entries, attempt, clean, codes, create_list, preferences, written_consent
from tests.api.test_violations_report_api import far_moment, now, rows_for, text

pytestmark = pytest.mark.dynamodb

LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def lookup_at(api, address: str, channel: str, purpose: str, at: datetime) -> dict:
    query = urllib.parse.urlencode({"address": address, "channel": channel, "purpose": purpose, "at": text(at)})
    reply = api.call("GET", f"/v1/permissions?{query}", key="dialer")
    assert reply.status == 200, reply.text
    return clean(reply)


def test_a_time_zone_set_after_the_call_does_not_put_it_in_quiet_hours(both):
    phone = new_phone("415")
    when = far_moment(future=False)  # noon or 11:00 in Los Angeles: calling hours
    attempt(both, phone, channel="call", purpose="informational", occurred_at=text(when), outcome="answered")
    preferences(both, phone, timezone="Asia/Tokyo")  # 04:00 there: quiet, but only from now on
    assert codes(lookup_at(both, phone, "call", "informational", when)) == ["quiet_hours"]  # as it stands now
    assert rows_for(both, when, when + timedelta(minutes=1), {phone}) == []


def test_contact_hours_set_after_the_call_do_not_make_it_a_violation(both):
    phone = new_phone("415")
    when = far_moment(future=False)
    attempt(both, phone, channel="call", purpose="informational", occurred_at=text(when), outcome="answered")
    every_day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    preferences(both, phone, contact_hours={"start": "08:00", "end": "09:00", "days": every_day})
    assert codes(lookup_at(both, phone, "call", "informational", when)) == ["quiet_hours"]
    assert rows_for(both, when, when + timedelta(minutes=1), {phone}) == []


def test_a_state_on_file_set_after_the_call_does_not_bring_its_hours(both):
    """20:30 in Los Angeles on a Wednesday: legal under federal law (08:00-21:00), not under Florida's
    (08:00-20:00, Fla. Stat. 501.616(6)(a)). The Florida address was put on file after the call."""
    phone = new_phone("415")
    day = far_moment(future=False).date()
    day += timedelta(days=(2 - day.weekday()) % 7)  # a Wednesday
    when = datetime(day.year, day.month, day.day, 20, 30, tzinfo=LOS_ANGELES).astimezone(UTC)
    written_consent(both, phone, channels=["call"], occurred_at=text(when - timedelta(days=30)))
    attempt(both, phone, channel="call", purpose="marketing", occurred_at=text(when), outcome="answered")
    preferences(both, phone, state="FL")
    assert lookup_at(both, phone, "call", "marketing", when)["decision"] == "defer"  # as it stands now
    assert rows_for(both, when, when + timedelta(minutes=1), {phone}) == []


def test_a_snooze_in_force_at_the_attempt_and_lifted_since_still_makes_it_a_violation(both):
    email = new_email()
    preferences(both, email, snooze_until=text(now() + timedelta(days=30)))
    when = now() + timedelta(seconds=1)  # after the snooze was recorded, before it is lifted
    time.sleep(max(0.0, (when - datetime.now(UTC)).total_seconds()) + 0.05)
    made = attempt(both, email, channel="email", purpose="marketing", occurred_at=text(when), outcome="delivered")
    preferences(both, email, snooze_until=None)  # lifted after the attempt
    assert lookup_at(both, email, "email", "marketing", when)["decision"] == "allow"  # as it stands now
    (row,) = rows_for(both, when, when + timedelta(seconds=1), {email})
    assert row["attempt_id"] == made["id"]
    assert row["decision"] == "defer" and [r["code"] for r in row["reasons"]] == ["snoozed"]
    assert row["known_in_time"] is True and row["decision_then"] == "defer"


def test_a_snooze_set_after_the_attempt_does_not_make_it_a_violation(both):
    email = new_email()
    when = far_moment(future=False)
    attempt(both, email, channel="email", purpose="marketing", occurred_at=text(when), outcome="delivered")
    preferences(both, email, snooze_until=text(now() + timedelta(days=30)))
    assert lookup_at(both, email, "email", "marketing", when)["decision"] == "defer"
    assert rows_for(both, when, when + timedelta(minutes=1), {email}) == []


# --- the contact's own list memberships (internal, litigator) as they stood at the attempt ----------

def test_a_number_put_on_an_internal_list_after_the_call_does_not_make_it_a_violation(both):
    """The entry takes effect when recorded (now): the registry could not have known at the call."""
    phone = new_phone("415")
    when = far_moment(future=False)
    written_consent(both, phone, channels=["call"], occurred_at=text(when - timedelta(days=30)))
    attempt(both, phone, channel="call", purpose="marketing", occurred_at=text(when), outcome="answered")
    add_entries(both, create_list(both, "internal"), add=[phone])
    assert lookup_at(both, phone, "call", "marketing", when)["decision"] == "deny"  # as it stands now
    assert rows_for(both, when, when + timedelta(minutes=1), {phone}) == []


def test_an_email_to_an_address_on_an_internal_list_then_is_a_violation_though_it_was_taken_off_since(both):
    """Email: no quiet hours, so now is a moment any lookup would allow but for the list."""
    email = new_email()
    internal = create_list(both, "internal")
    add_entries(both, internal, add=[email])
    when = now() + timedelta(seconds=1)  # after the entry was recorded, before it is taken off
    time.sleep(max(0.0, (when - datetime.now(UTC)).total_seconds()) + 0.05)
    made = attempt(both, email, channel="email", purpose="informational", occurred_at=text(when), outcome="delivered")
    add_entries(both, internal, remove=[email])
    assert lookup_at(both, email, "email", "informational", when)["decision"] == "allow"  # as it stands now
    (row,) = rows_for(both, when, when + timedelta(seconds=1), {email})
    assert row["attempt_id"] == made["id"] and row["decision"] == "deny"
    assert [r["code"] for r in row["reasons"]] == ["on_suppression_list"]
    assert row["known_in_time"] is True and row["decision_then"] == "deny"
