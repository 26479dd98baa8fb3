"""Frequency caps: a rolling window per channel, purpose and brand."""
from __future__ import annotations

import pytest
from builders import attempt, ts

from registry.domain import frequency_cap as fc
from registry.domain.policy import DEFAULT_POLICY, with_overrides

WEEK = [attempt(at=f"2026-11-{d}T18:00:00Z") for d in (28, 29, 30)]
AT = ts("2026-12-01T20:00:00Z")


@pytest.mark.parametrize("attempts, channel, purpose, at, capped", [
    (WEEK, "call", "marketing", "2026-12-01T20:00:00Z", True),
    (WEEK[:2], "call", "marketing", "2026-12-01T20:00:00Z", False),
    (WEEK, "call", "marketing", "2026-12-05T17:59:59Z", True),  # first attempt 1 second short of 7 days
    (WEEK, "call", "marketing", "2026-12-05T18:00:00Z", False),  # exactly 7 days old: no longer counts
    (WEEK, "call", "marketing", "2026-11-30T17:59:59Z", False),  # third attempt not yet made
    (WEEK, "call", "marketing", "2026-11-30T18:00:00Z", True),  # made at that very moment
    (WEEK, "call", "informational", "2026-12-01T20:00:00Z", False),
    ([attempt(channel="sms", at=a.occurred_at.isoformat()) for a in WEEK], "sms", "marketing",
     "2026-12-01T20:00:00Z", True),
    ([attempt(channel="email", at=a.occurred_at.isoformat()) for a in WEEK], "email", "marketing",
     "2026-12-01T20:00:00Z", False),
])
def test_is_capped(attempts, channel, purpose, at, capped):
    assert fc.is_capped(attempts, channel, purpose, "default", ts(at), DEFAULT_POLICY) is capped


def test_every_outcome_counts():
    attempts = [attempt(at=f"2026-11-{d}T18:00:00Z", outcome=o)
                for d, o in ((28, "answered"), (29, "voicemail"), (30, "busy"))]
    assert fc.is_capped(attempts, "call", "marketing", "default", AT, DEFAULT_POLICY)


def test_caps_are_per_brand():
    mixed = WEEK[:2] + [attempt(brand="acme", at="2026-11-30T18:00:00Z")]
    assert not fc.is_capped(mixed, "call", "marketing", "default", AT, DEFAULT_POLICY)
    assert not fc.is_capped(mixed, "call", "marketing", "acme", AT, DEFAULT_POLICY)


def test_message():
    assert fc.cap_message(WEEK, "call", "marketing", "default", AT, DEFAULT_POLICY) == \
        "3 marketing calls for brand default in the last 7 days; cap is 3"
    assert fc.cap_message(WEEK[:2], "call", "marketing", "default", AT, DEFAULT_POLICY) is None
    one = with_overrides(DEFAULT_POLICY, {"frequency_caps": {"sms:marketing": {"attempts": 1, "window_days": 1}}})
    assert fc.cap_message([attempt(channel="sms", at="2026-12-01T10:00:00Z")], "sms", "marketing", "default", AT,
                          one) == "1 marketing text for brand default in the last day; cap is 1"


def test_expiries_and_release():
    assert fc.expiries(WEEK, "call", "marketing", "default", DEFAULT_POLICY) == [
        ts("2026-12-05T18:00:00Z"), ts("2026-12-06T18:00:00Z"), ts("2026-12-07T18:00:00Z")]
    assert fc.released_at(WEEK, "call", "marketing", "default", AT, DEFAULT_POLICY) == ts("2026-12-05T18:00:00Z")
    assert fc.released_at(WEEK[:2], "call", "marketing", "default", AT, DEFAULT_POLICY) == AT
    assert fc.expiries(WEEK, "email", "marketing", "default", DEFAULT_POLICY) == []


def test_release_needs_enough_attempts_to_leave():
    five = [attempt(at=f"2026-11-{d}T18:00:00Z") for d in (26, 27, 28, 29, 30)]
    # five counted, cap 3: three must leave, the third on 12-05.
    assert fc.released_at(five, "call", "marketing", "default", AT, DEFAULT_POLICY) == ts("2026-12-05T18:00:00Z")


def test_policy_overrides_and_removal():
    tighter = with_overrides(DEFAULT_POLICY, {"frequency_caps": {"call:marketing": {"attempts": 1, "window_days": 30}}})
    assert fc.is_capped(WEEK[:1], "call", "marketing", "default", AT, tighter)
    assert fc.released_at(WEEK[:1], "call", "marketing", "default", AT, tighter) == ts("2026-12-28T18:00:00Z")
    none = with_overrides(DEFAULT_POLICY, {"frequency_caps": {"call:marketing": None}})
    assert not fc.is_capped(WEEK * 3, "call", "marketing", "default", AT, none)
    zero = with_overrides(DEFAULT_POLICY, {"frequency_caps": {"call:marketing": {"attempts": 0, "window_days": 7}}})
    assert fc.is_capped([], "call", "marketing", "default", AT, zero)
    assert fc.released_at([], "call", "marketing", "default", AT, zero) is None
