"""Frequency caps: at most N attempts per channel, purpose and brand in a rolling window.

An attempt counts while it is less than ``window_days`` old, so the cap lifts exactly when the
oldest counted attempts reach that age.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from .facts import Attempt
from .policy import FrequencyCap, Policy

_NOUNS = {"call": ("call", "calls"), "sms": ("text", "texts"), "email": ("email", "emails")}


def _window(cap: FrequencyCap) -> timedelta:
    return timedelta(days=cap.window_days)


def _same_scope(attempts: Iterable[Attempt], channel: str, purpose: str, brand: str) -> list[Attempt]:
    return [a for a in attempts if a.channel == channel and a.purpose == purpose and a.brand == brand]


def counted(attempts: Iterable[Attempt], channel: str, purpose: str, brand: str, at: datetime,
            cap: FrequencyCap) -> list[Attempt]:
    """Attempts in scope that happened at or before ``at`` and are less than the window old."""
    window = _window(cap)
    return [a for a in _same_scope(attempts, channel, purpose, brand)
            if a.occurred_at <= at and at - a.occurred_at < window]


def is_capped(attempts: Iterable[Attempt], channel: str, purpose: str, brand: str, at: datetime,
              policy: Policy) -> bool:
    cap = policy.cap_for(channel, purpose)
    if cap is None:
        return False
    return len(counted(attempts, channel, purpose, brand, at, cap)) >= cap.attempts


def cap_message(attempts: Iterable[Attempt], channel: str, purpose: str, brand: str, at: datetime,
                policy: Policy) -> str | None:
    """E.g. "3 marketing calls for brand default in the last 7 days; cap is 3"; None when not capped."""
    cap = policy.cap_for(channel, purpose)
    if cap is None:
        return None
    count = len(counted(attempts, channel, purpose, brand, at, cap))
    if count < cap.attempts:
        return None
    one, many = _NOUNS.get(channel, (channel, channel + "s"))
    days = "day" if cap.window_days == 1 else f"{cap.window_days} days"
    noun = one if count == 1 else many
    return f"{count} {purpose} {noun} for brand {brand} in the last {days}; cap is {cap.attempts}"


def expiries(attempts: Iterable[Attempt], channel: str, purpose: str, brand: str,
             policy: Policy) -> list[datetime]:
    """Moments an attempt in scope stops counting: the only instants a cap can lift."""
    cap = policy.cap_for(channel, purpose)
    if cap is None:
        return []
    window = _window(cap)
    return sorted({a.occurred_at + window for a in _same_scope(attempts, channel, purpose, brand)})


def released_at(attempts: Iterable[Attempt], channel: str, purpose: str, brand: str, at: datetime,
                policy: Policy) -> datetime | None:
    """When the cap lifts if no further attempts are made: ``at`` when not capped now, None if never."""
    cap = policy.cap_for(channel, purpose)
    if cap is None:
        return at
    if cap.attempts <= 0:
        return None  # a cap of zero never lifts
    live = sorted(a.occurred_at for a in counted(attempts, channel, purpose, brand, at, cap))
    excess = len(live) - cap.attempts
    if excess < 0:
        return at
    return live[excess] + _window(cap)  # once excess+1 of the oldest have left, count = cap - 1
