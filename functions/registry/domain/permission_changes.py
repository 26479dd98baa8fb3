"""What a change of a contact's record changed in what the contact may receive: the content of a
``contact.permissions.changed`` event. Pure: the stream publisher (services.change_events) reads
the record before and after, and publishes what this says.

What counts (docs/decisions.md, "Change events"): for each scope, its status as the profile and
the lookup read it (``scope_status``, one rule in one place): the person's standing, the deny
reasons (at the scope's default dialing: a manual call, an autodialed text), and whether a
``written`` consent is in force (what an autodialed or prerecorded marketing call needs). Time
windows (quiet hours, caps, a snooze, contact hours) only defer, and change with the clock, not
with the record: they are not part of it. A scope's status is judged before and after at the same
moment, so only what the record changed can differ.

The scopes judged: every scope a consent or opt-out names, before or after (``named_scopes``, as
the profile lists them); every channel and purpose of each brand with a relationship (an EBR is a
basis); and every channel and purpose for every brand (``*``), which stands for any brand the
record says nothing of its own about (a list, an undeliverable report, a reassignment, an opt-out
of every brand reach those too).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .facts import ContactFacts
from .policy import Policy
from .profile import named_scopes
from .scope_status import Scope, scope_status
from .timeutil import format_instant
from .vocabulary import EVERY_BRAND, PURPOSES, HistoryType, channels_for_kind

DETAIL_TYPE = "contact.permissions.changed"


@dataclass(frozen=True)
class ScopeView:
    """What a cache keeps of a scope: its standing, its deny reasons, and a written consent in force."""

    status: str
    reasons: tuple[str, ...]
    written: bool

    def to_document(self) -> dict[str, Any]:
        return {"status": self.status, "reasons": list(self.reasons), "written_consent": self.written}


@dataclass(frozen=True)
class ScopeChange:
    scope: Scope
    before: ScopeView
    after: ScopeView

    def to_document(self) -> dict[str, Any]:
        return {"channel": self.scope.channel, "purpose": self.scope.purpose,
                "before": self.before.to_document(), "after": self.after.to_document()}


@dataclass(frozen=True)
class Cause:
    """The fact whose write made the change (the state item's ``last_change``)."""

    type: str
    id: str | None
    occurred_at: datetime
    recorded_at: datetime


@dataclass(frozen=True)
class BrandChanges:
    """One event: the changes of one brand's scopes (``*``: every brand without its own)."""

    brand: str
    changes: tuple[ScopeChange, ...]


def scope_view(facts: ContactFacts, scope: Scope, at: datetime, policy: Policy) -> ScopeView:
    status = scope_status(facts, scope, at, policy)
    return ScopeView(str(status.standing), tuple(str(code) for code in status.deny_codes), status.written is not None)


def judged_scopes(before: ContactFacts, after: ContactFacts) -> list[Scope]:
    """Every scope whose status a change may move (see the module's docstring), sorted."""
    scopes = set(named_scopes(before)) | set(named_scopes(after))
    kind = after.kind or before.kind
    brands = {EVERY_BRAND} | {r.brand for r in (*before.relationships, *after.relationships)}
    scopes |= {Scope(channel, purpose, brand) for brand in brands
               for channel in channels_for_kind(kind) for purpose in PURPOSES}
    return sorted(scopes)


def scope_changes(before: ContactFacts, after: ContactFacts, at: datetime,
                  policy_for: Callable[[str], Policy]) -> list[ScopeChange]:
    """Each scope whose status at ``at`` differs between the record before and after, in scope order."""
    out = []
    for scope in judged_scopes(before, after):
        policy = policy_for(scope.brand)
        old, new = scope_view(before, scope, at, policy), scope_view(after, scope, at, policy)
        if old != new:
            out.append(ScopeChange(scope, old, new))
    return out


def judged_at(cause: Cause | None, now: datetime) -> datetime:
    """The moment the statuses are judged at: when the change was recorded, or when its fact occurs
    if that is later (a fact dated ahead counts from then on, as in lookups); ``now`` without a cause."""
    if cause is None:
        return now
    return max(cause.recorded_at, cause.occurred_at)


def by_brand(changes: Iterable[ScopeChange], cause: Cause | None) -> list[BrandChanges]:
    """The events of one change: one per brand whose scopes changed, ``*`` first, then by name. An
    erasure always makes one for every brand (``*``), even if no status moved: a cache forgets the
    address on it."""
    grouped: dict[str, list[ScopeChange]] = {}
    for change in changes:
        grouped.setdefault(change.scope.brand, []).append(change)
    if cause is not None and cause.type == HistoryType.CONTACT_ERASED:
        grouped.setdefault(EVERY_BRAND, [])
    return [BrandChanges(brand, tuple(grouped[brand])) for brand in sorted(grouped, key=_brand_order)]


def _brand_order(brand: str) -> tuple[bool, str]:
    return brand != EVERY_BRAND, brand


def detail(address: str, event: BrandChanges, cause: Cause | None) -> dict[str, Any]:
    """The event's detail: who, which brand, what changed and why; never evidence, never a note."""
    return {
        "address": address,
        "brand": event.brand,
        "changes": [change.to_document() for change in event.changes],
        "cause": {"type": cause.type, "id": cause.id} if cause else None,
        "occurred_at": format_instant(cause.occurred_at) if cause else None,
        "recorded_at": format_instant(cause.recorded_at) if cause else None,
    }
