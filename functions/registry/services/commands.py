"""What the services are asked to do: one command per fact kind and event, declared once.

A command is the request itself: the routes take it as their body and the event layer validates
an event's data into it (``handlers.event_inputs.DATA_MODELS``), so an event is read exactly as
the matching request. Types, bounds and closed vocabularies are checked when a command is made
(the field types of ``command_fields``; unknown fields refused, the value frozen); what needs the
domain (addresses, channel pairing, brand ``*``, expiry order) is checked by ``fact_inputs``,
which makes the domain's fact from it. ``id`` is the caller's idempotency id, None when it gave
none.

Each command keeps its schema's name in the OpenAPI document (``ConsentIn``, ...: the title
given with ``shown``), so a client generated from the document keeps its model names.
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .command_fields import (
    AddressText,
    Brand,
    Channel,
    ChannelOrAll,
    ContactHoursIn,
    ContactPurpose,
    Day,
    Dialing,
    Disposition,
    Evidence,
    Grade,
    Id,
    Instant,
    LineType,
    Outcome,
    Purpose,
    PurposeOrAll,
    ReassignedCheckResult,
    ReassignedCheckSource,
    RelationshipKind,
    Source,
    Strict,
    Text,
    TimeZone,
    UsState,
    shown,
)

_PHONE, _WHEN = "+14155550123", "2026-11-28T12:00:00Z"


class RecordConsent(Strict):
    model_config = shown({"address": _PHONE, "channels": ["call", "sms"], "purposes": ["marketing"],
                          "brand": "acme", "source": "web_form", "occurred_at": _WHEN,
                          "evidence": {"disclosure_text": "I agree that Acme may call and text me ...",
                                       "form_url": "https://acme.example/signup", "ip": "203.0.113.7"}},
                         title="ConsentIn")
    id: Id | None = None
    address: AddressText
    channels: Annotated[list[Channel], Field(min_length=1, max_length=3)]
    purposes: Annotated[list[Purpose], Field(min_length=1, max_length=2)]
    brand: Brand | None = None
    source: Source
    occurred_at: Instant
    expires_at: Instant | None = None
    grade: Grade | None = None  # rev. 2: express when left out; written needs a disclosure and a signature
    evidence: Evidence | None = None


class RecordOptOut(Strict):
    model_config = shown({"address": _PHONE, "channels": ["all"], "purposes": ["all"], "brand": "*",
                          "source": "agent", "occurred_at": _WHEN, "note": "asked on the phone"},
                         title="OptOutIn")
    id: Id | None = None
    address: AddressText
    channels: Annotated[list[ChannelOrAll], Field(min_length=1, max_length=4)]
    purposes: Annotated[list[PurposeOrAll], Field(min_length=1, max_length=3)]
    brand: Brand | None = None
    source: Source
    occurred_at: Instant
    note: Annotated[str, Field(max_length=2000)] | None = None


class RecordRelationship(Strict):
    model_config = shown({"address": _PHONE, "kind": "inquiry", "brand": "acme", "occurred_at": _WHEN},
                         title="RelationshipIn")
    id: Id | None = None
    address: AddressText
    kind: RelationshipKind
    brand: Brand | None = None
    occurred_at: Instant
    source: Source | None = None


class RecordAttempt(Strict):
    model_config = shown({"address": _PHONE, "channel": "call", "purpose": "marketing", "brand": "acme",
                          "occurred_at": _WHEN, "outcome": "no_answer"}, title="AttemptIn")
    id: Id | None = None
    address: AddressText
    channel: Channel
    purpose: ContactPurpose
    brand: Brand | None = None
    occurred_at: Instant
    outcome: Outcome
    dialing: Dialing | None = None  # rev. 2: a call's (manual when left out); every sms is autodialed
    disposition: Disposition | None = None


# PUT semantics per field: ``sent`` names the preferences given (a null among them clears it). The
# route has the address in its path; an event names it (``SetContactPreferences``).
class SetPreferences(Strict):
    model_config = shown({"preferred_channel": "sms", "timezone": "America/Los_Angeles",
                          "contact_hours": {"start": "09:00", "end": "18:00", "days": ["mon", "tue", "wed"]}},
                         title="PreferencesIn")
    id: Id | None = None
    preferred_channel: Channel | None = None
    timezone: TimeZone | None = None
    contact_hours: ContactHoursIn | None = None
    snooze_until: Instant | None = None
    linked_addresses: Annotated[list[AddressText], Field(max_length=10)] | None = None
    state: UsState | None = None  # rev. 2: of the contact's address on file
    line_type: LineType | None = None  # rev. 2: anything but landline may be wireless

    @property
    def sent(self) -> frozenset[str]:
        return frozenset(self.model_fields_set) & PREFERENCE_FIELDS


class SetContactPreferences(SetPreferences):
    """preferences.updated: the preferences plus the address they are for."""

    model_config = shown({"address": _PHONE, "preferred_channel": "sms"}, title="SetContactPreferences")
    address: AddressText


class RecordReassignedCheck(Strict):
    model_config = shown({"address": _PHONE, "result": "no", "since": "2026-06-01", "occurred_at": _WHEN,
                          "source": "rnd"}, title="ReassignedCheckIn")
    id: Id | None = None
    address: AddressText
    result: ReassignedCheckResult  # yes: the number was reassigned since ``since``
    since: Day  # the date asked about (the date of the consent relied on, typically)
    occurred_at: Instant  # when the database was asked
    source: ReassignedCheckSource


class SmsInbound(Strict):
    from_: Annotated[AddressText, Field(alias="from")]
    to: AddressText
    body: Text
    brand: Brand | None = None


class EmailBounced(Strict):
    address: AddressText
    bounce_type: Literal["permanent", "transient"]


class EmailComplained(Strict):
    address: AddressText


Command = (RecordConsent | RecordOptOut | RecordRelationship | RecordAttempt | SetPreferences | SmsInbound
           | EmailBounced | EmailComplained | RecordReassignedCheck)
PREFERENCE_FIELDS = frozenset(SetPreferences.model_fields) - {"id"}
