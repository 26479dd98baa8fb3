"""Applying one event: the same writes the endpoints make, under the event's id.

An event arrives as the contract's envelope ``{"id", "type", "occurred_at", "source", "data"}``
(over ``POST /v1/events`` today; a queue consumer can call ``apply_event`` the same way). The
caller validates the envelope and its data first (``handlers.event_inputs``): the data into the
command its type makes, the very body of the matching endpoint, so an event and a request are
read alike.

The event's ``id`` is the id of the fact it records, so a repeated event is a duplicate and the
contact's history holds it once. Types that carry no time of their own (``sms.inbound``,
``email.*``) take the envelope's ``occurred_at``; a fact whose data gives its own must give the
envelope's instant (an event that states two times is rejected, not guessed at).
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from ..domain.addresses import Address
from ..domain.errors import ChannelAddressMismatch, InvalidRequest, RegistryError
from ..domain.facts import Consent, OptOut, Undeliverable
from ..domain.vocabulary import (
    ALL,
    DEFAULT_BRAND,
    EVERY_BRAND,
    PURPOSES,
    Channel,
    EventType,
    Purpose,
    Source,
    UndeliverableReason,
    require_exactly,
)
from . import fact_inputs, recording
from .commands import Command, EmailBounced, EmailComplained, SetContactPreferences, SmsInbound

APPLIED, DUPLICATE, REJECTED = "applied", "duplicate", "rejected"

# Whole body, trimmed, case-insensitive (inner runs of spaces count as one: "opt  out").
STOP_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "OPT OUT"})
START_KEYWORDS = frozenset({"START", "UNSTOP", "YES"})
SMS_KEYWORD_SOURCE = Source.SMS_KEYWORD
EMAIL_FEEDBACK_SOURCE = Source.EMAIL_FEEDBACK


@dataclass(frozen=True)
class Envelope:
    id: str
    type: EventType
    occurred_at: datetime
    source: str  # free text naming the sender; never a fact's source
    data: Command  # the validated data: the command the matching endpoint takes


_T = TypeVar("_T")

# One write: (actor) -> its result. None: the event is accepted and changes nothing.
Write = Callable[[str | None], recording.WriteResult]


def apply_event(envelope: Envelope, actor: str | None = None) -> tuple[str, RegistryError | None]:
    """(status, error): ``applied``, ``duplicate`` (the same id was applied before), or ``rejected``
    with the error the matching endpoint would answer. ``RegistryUnavailable`` is a rejection too:
    nothing was recorded, and the sender may send the event again (it is idempotent)."""
    reader = _READERS.get(envelope.type)
    if reader is None:
        return REJECTED, InvalidRequest(f"unknown event type {envelope.type!r}", "type")
    try:
        write = reader(envelope)
    except RegistryError as err:
        return REJECTED, _in_data(err)
    if write is None:
        return APPLIED, None
    try:
        result = write(actor)
    except RegistryError as err:  # conflict (the id was used for another fact), registry_unavailable
        return REJECTED, err
    return (APPLIED if result.created else DUPLICATE), None


def sms_keyword(body: str) -> str | None:
    """``"stop"``, ``"start"`` or None for a reply that is no keyword."""
    text = " ".join(body.split()).upper()
    if text in STOP_KEYWORDS:
        return "stop"
    if text in START_KEYWORDS:
        return "start"
    return None


def _in_data(err: RegistryError) -> RegistryError:
    """The same code and message, the field pointing into ``data``."""
    out = copy.copy(err)
    out.field = f"data.{err.field}" if err.field else "data"
    return out


def _fact(build, record) -> Callable[[Envelope], Write]:
    def read(envelope: Envelope) -> Write:
        address, fact = build(envelope.data, envelope.id)
        if fact.occurred_at != envelope.occurred_at:  # the same instant in any offset is fine
            raise InvalidRequest("data.occurred_at must be the event's occurred_at (the same instant), or left "
                                 "out", "occurred_at")
        return lambda actor: record(address, fact, actor)
    return read


def _preferences(envelope: Envelope) -> Write:
    data = _data(envelope, SetContactPreferences)
    contact = fact_inputs.address(data.address)
    patch, fact_id = fact_inputs.preferences(contact, data, envelope.id)
    return lambda actor: recording.update_preferences(contact, patch, fact_id, actor=actor)


def _sms_inbound(envelope: Envelope) -> Write | None:
    data = _data(envelope, SmsInbound)
    sender = fact_inputs.address(data.from_, field="from")
    _reachable(sender, Channel.SMS, "from")
    keyword = sms_keyword(data.body)
    brand = data.brand or DEFAULT_BRAND
    if keyword == "stop":  # brand '*' (every brand) is allowed, as in any opt-out
        opt_out = OptOut(id=envelope.id, channels=frozenset({Channel.SMS}), purposes=frozenset({ALL}), brand=brand,
                         source=SMS_KEYWORD_SOURCE, occurred_at=envelope.occurred_at,
                         note=f"sms keyword {' '.join(data.body.split()).upper()}")
        return lambda actor: recording.record_opt_out(sender, opt_out, actor)
    if keyword == "start":
        if brand == EVERY_BRAND:
            raise InvalidRequest("a consent is given to one brand; '*' is only for opt-outs", "brand")
        consent = Consent(id=envelope.id, channels=frozenset({Channel.SMS}), purposes=frozenset(PURPOSES), brand=brand,
                          source=SMS_KEYWORD_SOURCE, occurred_at=envelope.occurred_at)
        return lambda actor: recording.record_consent(sender, consent, actor)
    return None  # an ordinary reply: nothing about contact preferences to record (see docs/decisions.md)


def _email_bounced(envelope: Envelope) -> Write | None:
    data = _data(envelope, EmailBounced)
    address = fact_inputs.address(data.address)
    _reachable(address, Channel.EMAIL, "address")
    if data.bounce_type != "permanent":
        return None  # a transient bounce (mailbox full, greylisting) says nothing lasting
    marker = Undeliverable(channels=frozenset({Channel.EMAIL}), occurred_at=envelope.occurred_at,
                           reason=UndeliverableReason.HARD_BOUNCE, source=EMAIL_FEEDBACK_SOURCE)
    return lambda actor: recording.record_undeliverable(address, marker, envelope.id, actor)


def _email_complained(envelope: Envelope) -> Write:
    address = fact_inputs.address(_data(envelope, EmailComplained).address)
    _reachable(address, Channel.EMAIL, "address")
    opt_out = OptOut(id=envelope.id, channels=frozenset({Channel.EMAIL}), purposes=frozenset({Purpose.MARKETING}),
                     brand=EVERY_BRAND, source=EMAIL_FEEDBACK_SOURCE, occurred_at=envelope.occurred_at,
                     note="spam complaint")
    return lambda actor: recording.record_opt_out(address, opt_out, actor)


def _data(envelope: Envelope, kind: type[_T]) -> _T:
    """The envelope's data as the command its type makes (``handlers.event_inputs`` validated it so)."""
    if not isinstance(envelope.data, kind):
        raise TypeError(f"{envelope.type} carries {type(envelope.data).__name__}, not {kind.__name__}")
    return envelope.data


def _reachable(address: Address, channel: Channel, field: str) -> None:
    if channel not in address.channels:
        raise ChannelAddressMismatch(f"channel {channel} cannot reach a {address.kind} address", field)


_READERS: dict[EventType, Callable[[Envelope], Write | None]] = {
    EventType.CONSENT_GRANTED: _fact(fact_inputs.consent, recording.record_consent),
    EventType.OPT_OUT_RECORDED: _fact(fact_inputs.opt_out, recording.record_opt_out),
    EventType.RELATIONSHIP_RECORDED: _fact(fact_inputs.relationship, recording.record_relationship),
    EventType.CONTACT_ATTEMPTED: _fact(fact_inputs.attempt, recording.record_attempt),
    EventType.PREFERENCES_UPDATED: _preferences,
    EventType.SMS_INBOUND: _sms_inbound,
    EventType.EMAIL_BOUNCED: _email_bounced,
    EventType.EMAIL_COMPLAINED: _email_complained,
}
require_exactly(EventType, _READERS, "services.events._READERS")
