"""What the services are asked to do, as typed values: one command per fact kind and event.

The HTTP layer and the event layer both produce these from their request models
(``handlers.commands.from_body``: field for field, by name), so the services never read a handler
model. Types and closed vocabularies are already checked when a command exists; what needs the
domain (addresses, channel pairing, brand ``*``, expiry order) is checked by ``fact_inputs``.
``id`` is the caller's idempotency id, None when it gave none.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.facts import ContactHours
from ..domain.vocabulary import Channel, ContactPurpose, Disposition, Outcome, Purpose, RelationshipKind, Source


@dataclass(frozen=True)
class RecordConsent:
    address: str
    channels: tuple[Channel, ...]
    purposes: tuple[Purpose, ...]
    source: Source
    occurred_at: datetime
    id: str | None = None
    brand: str | None = None
    expires_at: datetime | None = None
    evidence: dict[str, Any] | None = None  # only the fields given


@dataclass(frozen=True)
class RecordOptOut:
    address: str
    channels: tuple[str, ...]  # channels, or "all"
    purposes: tuple[str, ...]  # purposes, or "all"
    source: Source
    occurred_at: datetime
    id: str | None = None
    brand: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class RecordRelationship:
    address: str
    kind: RelationshipKind
    occurred_at: datetime
    id: str | None = None
    brand: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class RecordAttempt:
    address: str
    channel: Channel
    purpose: ContactPurpose
    occurred_at: datetime
    outcome: Outcome
    id: str | None = None
    brand: str | None = None
    disposition: Disposition | None = None


@dataclass(frozen=True)
class SetPreferences:
    """PUT semantics per field: ``sent`` names the preferences given (a None among them clears it)."""

    sent: frozenset[str]
    id: str | None = None
    address: str | None = None  # an event names it; a route has it in its path
    preferred_channel: Channel | None = None
    timezone: str | None = None
    contact_hours: ContactHours | None = None
    snooze_until: datetime | None = None
    linked_addresses: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SmsInbound:
    from_: str
    to: str
    body: str
    brand: str | None = None


@dataclass(frozen=True)
class EmailBounced:
    address: str
    bounce_type: str  # permanent | transient


@dataclass(frozen=True)
class EmailComplained:
    address: str


Command = (RecordConsent | RecordOptOut | RecordRelationship | RecordAttempt | SetPreferences | SmsInbound
           | EmailBounced | EmailComplained)
PREFERENCE_FIELDS = frozenset(f for f in SetPreferences.__dataclass_fields__ if f not in ("sent", "id", "address"))
