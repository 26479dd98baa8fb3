"""What the registry knows about one address: plain, immutable facts the decision core reads.

Facts round-trip through plain JSON-ready dicts (``to_document`` / ``from_document``) so that
storage stays a dumb container and the domain owns the shape.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from typing import Any

from .brands import stored_brand
from .timeutil import format_instant, read_stored_instant

# How a document writes its instants: ``format_instant`` for answers (the default),
# ``timeutil.stored_instant`` for the stored state (documents.document_from_facts).
Instant = Callable[[datetime | None], str | None]


def _p(value: str | None) -> datetime | None:
    """Documents are read from storage only: an instant that is not in the stored form is an
    unreadable record (503 for that address), never a 400."""
    return read_stored_instant(value) if value else None


def _required(value: str) -> datetime:
    """An instant every stored fact has (occurred_at): missing is an unreadable record too."""
    return read_stored_instant(value)


def _strings(values: Any) -> tuple[str, ...]:
    out = tuple(values)
    if not all(isinstance(v, str) for v in out):
        raise TypeError("expected strings")
    return out


@dataclass(frozen=True)
class Consent:
    id: str
    channels: frozenset[str]
    purposes: frozenset[str]
    brand: str
    source: str
    occurred_at: datetime
    expires_at: datetime | None = None
    evidence: dict[str, Any] | None = None
    recorded_at: datetime | None = None

    def to_document(self, instant: Instant = format_instant) -> dict[str, Any]:
        return {"id": self.id, "channels": sorted(self.channels), "purposes": sorted(self.purposes),
                "brand": self.brand, "source": self.source, "occurred_at": instant(self.occurred_at),
                "expires_at": instant(self.expires_at), "evidence": self.evidence, "recorded_at": instant(self.recorded_at)}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Consent:
        return cls(id=doc["id"], channels=frozenset(doc["channels"]), purposes=frozenset(doc["purposes"]),
                   brand=stored_brand(doc["brand"]), source=doc["source"], occurred_at=_required(doc["occurred_at"]),
                   expires_at=_p(doc.get("expires_at")), evidence=doc.get("evidence"),
                   recorded_at=_p(doc.get("recorded_at")))


@dataclass(frozen=True)
class OptOut:
    """channels may hold "all", purposes may hold "all", brand may be "*" (every brand)."""

    id: str
    channels: frozenset[str]
    purposes: frozenset[str]
    brand: str
    source: str
    occurred_at: datetime
    note: str | None = None
    recorded_at: datetime | None = None

    def to_document(self, instant: Instant = format_instant) -> dict[str, Any]:
        return {"id": self.id, "channels": sorted(self.channels), "purposes": sorted(self.purposes),
                "brand": self.brand, "source": self.source, "occurred_at": instant(self.occurred_at),
                "note": self.note, "recorded_at": instant(self.recorded_at)}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> OptOut:
        return cls(id=doc["id"], channels=frozenset(doc["channels"]), purposes=frozenset(doc["purposes"]),
                   brand=stored_brand(doc["brand"]), source=doc["source"], occurred_at=_required(doc["occurred_at"]),
                   note=doc.get("note"), recorded_at=_p(doc.get("recorded_at")))


@dataclass(frozen=True)
class Relationship:
    id: str
    kind: str  # inquiry | transaction
    brand: str
    occurred_at: datetime
    source: str | None = None
    recorded_at: datetime | None = None

    def to_document(self, instant: Instant = format_instant) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "brand": self.brand, "occurred_at": instant(self.occurred_at),
                "source": self.source, "recorded_at": instant(self.recorded_at)}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Relationship:
        return cls(id=doc["id"], kind=doc["kind"], brand=stored_brand(doc["brand"]),
                   occurred_at=_required(doc["occurred_at"]),
                   source=doc.get("source"), recorded_at=_p(doc.get("recorded_at")))


@dataclass(frozen=True)
class Attempt:
    id: str
    channel: str
    purpose: str
    brand: str
    occurred_at: datetime
    outcome: str
    disposition: str | None = None
    recorded_at: datetime | None = None

    def to_document(self, instant: Instant = format_instant) -> dict[str, Any]:
        return {"id": self.id, "channel": self.channel, "purpose": self.purpose, "brand": self.brand,
                "occurred_at": instant(self.occurred_at), "outcome": self.outcome, "disposition": self.disposition,
                "recorded_at": instant(self.recorded_at)}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Attempt:
        return cls(id=doc["id"], channel=doc["channel"], purpose=doc["purpose"], brand=stored_brand(doc["brand"]),
                   occurred_at=_required(doc["occurred_at"]), outcome=doc["outcome"],
                   disposition=doc.get("disposition"), recorded_at=_p(doc.get("recorded_at")))


@dataclass(frozen=True)
class ContactHours:
    """Local hours the contact accepts calls and texts: [start, end) on the given weekdays (mon..sun)."""

    start: time
    end: time
    days: frozenset[str]

    def to_document(self) -> dict[str, Any]:
        from .vocabulary import WEEKDAYS

        return {"start": self.start.strftime("%H:%M"), "end": self.end.strftime("%H:%M"),
                "days": [d for d in WEEKDAYS if d in self.days]}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> ContactHours:
        return cls(start=time.fromisoformat(doc["start"]), end=time.fromisoformat(doc["end"]),
                   days=frozenset(doc["days"]))


@dataclass(frozen=True)
class Preferences:
    preferred_channel: str | None = None
    timezone: str | None = None
    contact_hours: ContactHours | None = None
    snooze_until: datetime | None = None
    linked_addresses: tuple[str, ...] = ()

    def to_document(self, instant: Instant = format_instant) -> dict[str, Any]:
        return {"preferred_channel": self.preferred_channel, "timezone": self.timezone,
                "contact_hours": self.contact_hours.to_document() if self.contact_hours else None,
                "snooze_until": instant(self.snooze_until), "linked_addresses": list(self.linked_addresses)}

    @classmethod
    def from_document(cls, doc: dict[str, Any] | None) -> Preferences:
        doc = doc or {}
        hours = doc.get("contact_hours")
        return cls(preferred_channel=doc.get("preferred_channel"), timezone=doc.get("timezone"),
                   contact_hours=ContactHours.from_document(hours) if hours else None,
                   snooze_until=_p(doc.get("snooze_until")),
                   linked_addresses=_strings(doc.get("linked_addresses") or ()))


@dataclass(frozen=True)
class Undeliverable:
    """An email hard bounce or a phone reported disconnected; channels it blocks."""

    channels: frozenset[str]
    occurred_at: datetime
    reason: str  # "hard_bounce" | "disconnected"
    source: str | None = None

    def to_document(self, instant: Instant = format_instant) -> dict[str, Any]:
        return {"channels": sorted(self.channels), "occurred_at": instant(self.occurred_at), "reason": self.reason,
                "source": self.source}

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> Undeliverable:
        return cls(channels=frozenset(doc["channels"]), occurred_at=_required(doc["occurred_at"]), reason=doc["reason"],
                   source=doc.get("source"))


@dataclass(frozen=True)
class SuppressionMembership:
    list_name: str
    kind: str  # national | state | internal | litigator


@dataclass(frozen=True)
class ContactFacts:
    """Everything the decision needs about one address. Empty for an address the registry never saw."""

    address: str
    kind: str  # phone | email
    consents: tuple[Consent, ...] = ()
    opt_outs: tuple[OptOut, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    attempts: tuple[Attempt, ...] = ()
    preferences: Preferences = field(default_factory=Preferences)
    suppressions: tuple[SuppressionMembership, ...] = ()
    undeliverable: tuple[Undeliverable, ...] = ()

    def with_changes(self, **changes: Any) -> ContactFacts:
        return replace(self, **changes)


def as_of(facts: ContactFacts, at: datetime) -> ContactFacts:
    """Only the facts that had happened by ``at``; preferences and list memberships stand as they are."""
    return replace(
        facts,
        consents=tuple(c for c in facts.consents if c.occurred_at <= at),
        opt_outs=tuple(o for o in facts.opt_outs if o.occurred_at <= at),
        relationships=tuple(r for r in facts.relationships if r.occurred_at <= at),
        attempts=tuple(a for a in facts.attempts if a.occurred_at <= at),
        undeliverable=tuple(u for u in facts.undeliverable if u.occurred_at <= at),
    )
