"""Quiet hours: local windows, contact hours, several zones at once, and DST."""
from __future__ import annotations

from datetime import timedelta

import pytest
from builders import EMAIL, LA_PHONE, NY_PHONE, TOLL_FREE, ask, codes, consent, facts, hours, prefs, ts

from registry.domain import quiet_hours as qh
from registry.domain.location import Whereabouts, locate_contact
from registry.domain.policy import DEFAULT_POLICY, with_overrides

LA = Whereabouts(zones=("America/Los_Angeles",))
NY = Whereabouts(zones=("America/New_York",))
NOWHERE = Whereabouts()
LA_AND_NY = Whereabouts(zones=LA.zones + NY.zones)


@pytest.mark.parametrize("f, zones", [
    (facts(LA_PHONE), LA.zones),
    (facts(NY_PHONE), NY.zones),
    (facts(EMAIL), ()),
    (facts(EMAIL, preferences=prefs(timezone="Europe/Paris")), ("Europe/Paris",)),
    (facts(LA_PHONE, preferences=prefs(timezone="America/New_York", timezone_source="preference_center")), NY.zones),
    (facts(LA_PHONE, preferences=prefs(timezone="America/New_York", timezone_source="crm")), LA_AND_NY.zones),
    (facts(LA_PHONE, preferences=prefs(timezone="Not/AZone")), LA.zones),
])
def test_contact_zones(f, zones):
    assert locate_contact(f).zones == zones


def test_toll_free_has_many_zones():
    zones = locate_contact(facts(TOLL_FREE)).zones
    assert {"Pacific/Guam", "America/St_Johns", "Pacific/Pago_Pago"} <= set(zones)


@pytest.mark.parametrize("channel, applies", [("call", True), ("sms", True), ("email", False)])
def test_applies_to(channel, applies):
    assert qh.applies_to(channel, DEFAULT_POLICY) is applies


@pytest.mark.parametrize("at, quiet", [
    ("2026-12-01T15:59:59Z", True),  # 07:59:59 PST
    ("2026-12-01T16:00:00Z", False),  # 08:00 start is inclusive
    ("2026-12-02T04:59:59Z", False),
    ("2026-12-02T05:00:00Z", True),  # 21:00 end is exclusive
    ("2026-07-01T15:00:00Z", False),  # 08:00 PDT
    ("2026-07-01T14:59:59Z", True),
])
def test_window_edges(at, quiet):
    assert qh.is_quiet(ts(at), LA, DEFAULT_POLICY) is quiet


def test_window_must_hold_in_every_zone():
    at = ts("2026-12-01T14:30:00Z")  # 09:30 New York, 06:30 Los Angeles
    assert not qh.is_quiet(at, NY, DEFAULT_POLICY)
    assert qh.is_quiet(at, LA_AND_NY, DEFAULT_POLICY)
    assert qh.quiet_message(at, LA_AND_NY, DEFAULT_POLICY, "call") == \
        "06:30 in America/Los_Angeles; calls allowed 08:00-21:00"


# issue 7, item 10: a number with no known zone used to get no quiet hours at all (allowed at any hour).
NO_ZONE_PHONE = "+979123456789"  # international premium rate: phonenumbers knows no zone for it


def test_no_known_zone_is_always_quiet():
    """Fail closed: nobody knows whether it is night where the person is."""
    for at in ("2026-12-01T03:00:00Z", "2026-12-01T15:00:00Z", "2026-12-01T20:00:00Z"):
        assert qh.is_quiet(ts(at), NOWHERE, DEFAULT_POLICY)
        assert qh.is_quiet(ts(at), Whereabouts(zones=("Not/AZone",)), DEFAULT_POLICY)  # only unusable zones: none known
    message = qh.quiet_message(ts("2026-12-01T03:00:00Z"), NOWHERE, DEFAULT_POLICY, "call")
    assert message.startswith("no time zone is known for this number") and "calls are deferred" in message
    assert "texts are deferred" in qh.quiet_message(ts("2026-12-01T03:00:00Z"), NOWHERE, DEFAULT_POLICY, "sms")
    assert qh.openings(NOWHERE, ts("2026-12-01T00:00:00Z"), ts("2026-12-31T00:00:00Z"), DEFAULT_POLICY) == []


def test_a_number_without_a_zone_has_none():
    assert locate_contact(facts(NO_ZONE_PHONE)).zones == ()
    assert locate_contact(facts(NO_ZONE_PHONE, preferences=prefs(timezone="Europe/Paris"))).zones == ("Europe/Paris",)


@pytest.mark.parametrize("channel", ["call", "sms"])
@pytest.mark.parametrize("purpose", ["marketing", "informational"])
def test_no_known_zone_defers_calls_and_texts_with_no_next_allowed_at(channel, purpose):
    f = facts(NO_ZONE_PHONE, consents=[consent(channels=("call", "sms"), purposes=("marketing", "informational"),
                                               grade="written")])
    for at in ("2026-12-01T03:00:00Z", "2026-12-01T20:00:00Z"):
        decision = ask(f, channel, purpose, at=at)
        assert decision.decision == "defer" and not decision.allowed
        assert codes(decision) == ["quiet_hours"]
        assert decision.reasons[0].message.startswith("no time zone is known")
        assert decision.next_allowed_at is None  # no moment is known to be daytime there
        assert decision.timezones == ()


def test_no_known_zone_with_a_timezone_preference_uses_it():
    f = facts(NO_ZONE_PHONE, consents=[consent()], preferences=prefs(timezone="America/Los_Angeles"))
    assert ask(f, at="2026-12-01T20:00:00Z").decision == "allow"  # 12:00 in Los Angeles
    night = ask(f, at="2026-12-01T06:00:00Z")  # 22:00 in Los Angeles
    assert night.decision == "defer" and night.next_allowed_at == ts("2026-12-01T16:00:00Z")


def test_no_known_zone_does_not_hold_back_email():
    f = facts("person@example.com")
    assert ask(f, "email", at="2026-12-01T03:00:00Z").decision == "allow"


@pytest.mark.parametrize("start, end, days, local_at, inside", [
    ("09:00", "17:00", ("mon",), "2026-11-30T09:00:00-05:00", True),  # Monday
    ("09:00", "17:00", ("mon",), "2026-11-30T17:00:00-05:00", False),
    ("09:00", "17:00", ("mon",), "2026-12-01T10:00:00-05:00", False),  # Tuesday
    ("22:00", "02:00", ("fri",), "2026-12-04T23:00:00-05:00", True),  # Friday night
    ("22:00", "02:00", ("fri",), "2026-12-05T01:30:00-05:00", True),  # after midnight, still Friday's window
    ("22:00", "02:00", ("fri",), "2026-12-05T02:00:00-05:00", False),
    ("22:00", "02:00", ("fri",), "2026-12-05T23:00:00-05:00", False),  # Saturday night
    ("22:00", "02:00", ("sat",), "2026-12-05T01:00:00-05:00", False),  # Saturday 01:00 belongs to Friday
    ("10:00", "10:00", ("mon",), "2026-12-01T09:59:00-05:00", True),  # equal ends: 24 hours from Monday 10:00
    ("10:00", "10:00", ("mon",), "2026-12-01T10:00:00-05:00", False),
    ("09:00", "17:00", (), "2026-12-05T12:00:00-05:00", True),  # no days given: every day
])
def test_in_contact_hours(start, end, days, local_at, inside):
    from datetime import datetime
    from zoneinfo import ZoneInfo
    local = datetime.fromisoformat(local_at).astimezone(ZoneInfo("America/New_York"))
    assert qh.in_contact_hours(local, hours(start, end, days)) is inside


def test_contact_hours_message():
    message = qh.quiet_message(ts("2026-12-05T17:00:00Z"), NY, DEFAULT_POLICY, "sms", hours())
    assert message == "12:00 sat in America/New_York; contact accepts texts 09:00-17:00 mon,tue,wed,thu,fri"


def test_policy_message_wins_when_both_are_shut():
    message = qh.quiet_message(ts("2026-12-05T03:00:00Z"), NY, DEFAULT_POLICY, "call", hours())
    assert message == "22:00 in America/New_York; calls allowed 08:00-21:00"


def test_open_means_no_message():
    assert qh.quiet_message(ts("2026-12-01T20:00:00Z"), LA, DEFAULT_POLICY, "call") is None


def test_policy_window_past_midnight():
    night = with_overrides(DEFAULT_POLICY, {"quiet_hours_start": "20:00", "quiet_hours_end": "02:00"})
    assert not qh.is_quiet(ts("2026-12-02T06:00:00Z"), LA, night)  # 22:00
    assert qh.is_quiet(ts("2026-12-01T20:00:00Z"), LA, night)  # 12:00


@pytest.mark.parametrize("start, end, expected", [
    ("2026-12-01T20:00:00Z", "2026-12-03T20:00:00Z", ["2026-12-02T16:00:00Z", "2026-12-03T16:00:00Z"]),
    ("2026-12-02T16:00:00Z", "2026-12-02T16:00:00Z", ["2026-12-02T16:00:00Z"]),  # bounds are inclusive
])
def test_openings_in_one_zone(start, end, expected):
    assert qh.openings(LA, ts(start), ts(end), DEFAULT_POLICY) == [ts(e) for e in expected]


def test_openings_follow_dst():
    got = qh.openings(NY, ts("2026-10-30T00:00:00Z"), ts("2026-11-03T00:00:00Z"), DEFAULT_POLICY)
    assert ts("2026-10-31T12:00:00Z") in got  # 08:00 EDT
    assert ts("2026-11-01T13:00:00Z") in got  # 08:00 EST
    assert ts("2026-11-01T06:00:00Z") in got  # the fall-back instant itself


def test_openings_include_contact_hours_and_each_zone():
    got = qh.openings(LA_AND_NY, ts("2026-12-01T00:00:00Z"), ts("2026-12-02T00:00:00Z"), DEFAULT_POLICY,
                      hours("10:00", "12:00"))
    assert {ts("2026-12-01T13:00:00Z"), ts("2026-12-01T15:00:00Z"),
            ts("2026-12-01T16:00:00Z"), ts("2026-12-01T18:00:00Z")} <= set(got)
    assert got == sorted(got)


def test_openings_find_lord_howe_half_hour_shift():
    got = qh.openings(Whereabouts(zones=("Australia/Lord_Howe",)), ts("2026-09-30T00:00:00Z"), ts("2026-10-10T00:00:00Z"),
                      DEFAULT_POLICY)
    assert ts("2026-10-03T15:30:00Z") in got  # 02:00 -> 02:30 local


def test_every_window_start_within_a_month_is_found():
    start = ts("2026-12-01T00:00:00Z")
    got = qh.openings(LA, start, start + timedelta(days=30), DEFAULT_POLICY)
    assert len([t for t in got if t.hour == 16]) == 30
