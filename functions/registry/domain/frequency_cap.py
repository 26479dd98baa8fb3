"""Frequency caps: at most N attempts per channel, purpose and brand in a rolling window.

An attempt counts while it is less than ``window_days`` old, so the cap lifts exactly when the
oldest counted attempts reach that age.

rev. 2: a state's cap per 24 hours (Florida, Oklahoma, Maryland: 3) counts calls and texts together on
the same subject, which the registry reads as the same brand and purpose; it defers like the brand's
cap, with the state's citation (``state_cap_message``).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import state_rules
from .facts import Attempt
from .policy import FrequencyCap, Policy
from .state_rules import StateRule

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


# --- rev. 2: the state caps per 24 hours (domain.state_rules) -------------------------------------

STATE_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class StateCap:
    """The smallest cap per 24 hours of the states that bind the contact, and what it counts: attempts on the
    same subject (the same brand and purpose) on every channel the binding states' caps name (calls and texts
    together)."""

    per_24h: int
    channels: tuple[str, ...]
    rules: tuple[StateRule, ...]  # the states that set it

    @property
    def citation(self) -> str:
        return "; ".join(dict.fromkeys(rule.cap.cited.citation for rule in self.rules if rule.cap is not None))


def state_cap(rules: Sequence[StateRule], channel: str) -> StateCap | None:
    """The binding state cap for a call or text on `channel` (the smallest; every state that sets it), or None."""
    limit = state_rules.cap_for(rules, channel)
    if limit is None:
        return None
    setting = tuple(rule for rule in rules if rule.state in limit.set_by)
    channels = {c for rule in setting if rule.cap is not None for c in rule.cap.channels}
    return StateCap(limit.per_24h, tuple(c for c in state_rules.CAP_CHANNELS if c in channels), setting)


def _same_subject(attempts: Iterable[Attempt], cap: StateCap, purpose: str, brand: str) -> list[Attempt]:
    return [a for a in attempts if a.channel in cap.channels and a.purpose == purpose and a.brand == brand]


def state_counted(attempts: Iterable[Attempt], cap: StateCap, purpose: str, brand: str,
                  at: datetime) -> list[Attempt]:
    """Attempts on the same subject at or before `at` and less than 24 hours old."""
    return [a for a in _same_subject(attempts, cap, purpose, brand)
            if a.occurred_at <= at and at - a.occurred_at < STATE_WINDOW]


def state_cap_message(attempts: Iterable[Attempt], channel: str, purpose: str, brand: str, at: datetime,
                      rules: Sequence[StateRule]) -> tuple[str, str] | None:
    """(message, citation) when the state cap is reached at `at`, e.g. "3 marketing calls and texts for brand
    default in the last 24 hours; Florida allows 3 on the same subject"; None when not capped."""
    cap = state_cap(rules, channel)
    if cap is None:
        return None
    count = len(state_counted(attempts, cap, purpose, brand, at))
    if count < cap.per_24h:
        return None
    nouns = " or ".join(_NOUNS[c][0] for c in cap.channels) if count == 1 else \
        " and ".join(_NOUNS[c][1] for c in cap.channels)
    names = " and ".join(rule.name for rule in cap.rules)
    return (f"{count} {purpose} {nouns} for brand {brand} in the last 24 hours; {names} "
            f"{'allows' if len(cap.rules) == 1 else 'allow'} {cap.per_24h} on the same subject", cap.citation)


def state_expiries(attempts: Iterable[Attempt], channel: str, purpose: str, brand: str,
                   rules: Sequence[StateRule]) -> list[datetime]:
    """Moments an attempt on the same subject stops counting towards the state cap."""
    cap = state_cap(rules, channel)
    if cap is None:
        return []
    return sorted({a.occurred_at + STATE_WINDOW for a in _same_subject(attempts, cap, purpose, brand)})
