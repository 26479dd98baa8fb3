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
from typing import Any, TypeVar

from ..domain.addresses import Address
from ..domain.errors import ChannelAddressMismatch, InvalidRequest, RegistryError, RegistryUnavailable
from ..domain.facts import OptOut, Undeliverable
from ..domain.vocabulary import (
    EVERY_BRAND,
    Channel,
    Disposition,
    EventAction,
    EventType,
    Purpose,
    Source,
    UndeliverableReason,
    require_exactly,
)
from . import fact_inputs, recording, sms_replies
from .commands import Command, EmailBounced, EmailComplained, RecordOptOut, SetContactPreferences, SmsInbound
from .opt_out_confirmations import confirmation
from .sms_replies import Outcome

APPLIED, DUPLICATE, REJECTED = "applied", "duplicate", "rejected"

SMS_KEYWORD_SOURCE = Source.SMS_KEYWORD
EMAIL_FEEDBACK_SOURCE = Source.EMAIL_FEEDBACK


@dataclass(frozen=True)
class Envelope:
    id: str
    type: EventType
    occurred_at: datetime
    source: str  # free text naming the sender; never a fact's source
    data: Command  # the validated data: the command the matching endpoint takes


@dataclass(frozen=True)
class EventResult:
    """One event's result: its status, and (rev. 2) what it did: ``action`` always; ``reply`` (HELP:
    the brand's help text) and ``confirmation`` (an opt-out of texts: the one text that may confirm
    it, and when it must be sent by) when there is one."""

    status: str
    error: RegistryError | None = None
    action: EventAction = EventAction.NONE
    reply: str | None = None
    confirmation: dict[str, Any] | None = None


_T = TypeVar("_T")

# One write: (actor) -> what it did. The reading and every check of the event are done before.
Step = Callable[[str | None], Outcome]


def apply_event(envelope: Envelope, actor: str | None = None) -> EventResult:
    """``applied``, ``duplicate`` (the same id was applied before), or ``rejected`` with the error the
    matching endpoint would answer. ``RegistryUnavailable`` is a rejection too: nothing was
    recorded, and the sender may send the event again (it is idempotent)."""
    reader = _READERS.get(envelope.type)
    if reader is None:
        return EventResult(REJECTED, InvalidRequest(f"unknown event type {envelope.type!r}", "type"))
    try:
        step = reader(envelope)
    except RegistryUnavailable as err:  # a read the event needs (its brand) failed: nothing was recorded
        return EventResult(REJECTED, err)
    except RegistryError as err:
        return EventResult(REJECTED, _in_data(err))
    try:
        outcome = step(actor)
    except RegistryError as err:  # conflict (the id was used for another fact), registry_unavailable
        return EventResult(REJECTED, err)
    return EventResult(APPLIED if outcome.created else DUPLICATE, None, outcome.action, outcome.reply,
                       outcome.confirmation)


def _in_data(err: RegistryError) -> RegistryError:
    """The same code and message, the field pointing into ``data``."""
    out = copy.copy(err)
    out.field = f"data.{err.field}" if err.field else "data"
    return out


def _written(action: EventAction, write: Callable[[str | None], recording.WriteResult]) -> Step:
    def step(actor: str | None) -> Outcome:
        return Outcome(action, write(actor).created)
    return step


def _fact(build, record, action: Callable[[Any], EventAction]) -> Callable[[Envelope], Step]:
    def read(envelope: Envelope) -> Step:
        address, fact = build(envelope.data, envelope.id)
        if fact.occurred_at != envelope.occurred_at:  # the same instant in any offset is fine
            raise InvalidRequest("data.occurred_at must be the event's occurred_at (the same instant), or left "
                                 "out", "occurred_at")
        return _written(action(fact), lambda actor: record(address, fact, actor))
    return read


def _opt_out_recorded(envelope: Envelope) -> Step:
    address, opt_out = fact_inputs.opt_out(_data(envelope, RecordOptOut), envelope.id)
    if opt_out.occurred_at != envelope.occurred_at:
        raise InvalidRequest("data.occurred_at must be the event's occurred_at (the same instant), or left out",
                             "occurred_at")

    def step(actor: str | None) -> Outcome:
        result = recording.record_opt_out(address, opt_out, actor)
        return Outcome(EventAction.OPTED_OUT, result.created,
                       confirmation=confirmation(address, opt_out, result.record.get("recorded_at")))
    return step


def _attempt_action(attempt: Any) -> EventAction:
    return EventAction.OPTED_OUT if attempt.disposition == Disposition.DO_NOT_CONTACT else EventAction.NONE


def _preferences(envelope: Envelope) -> Step:
    data = _data(envelope, SetContactPreferences)
    contact = fact_inputs.address(data.address)
    patch, fact_id = fact_inputs.preferences(contact, data, envelope.id)
    return _written(EventAction.NONE,
                    lambda actor: recording.update_preferences(contact, patch, fact_id, actor=actor))


def _sms_inbound(envelope: Envelope) -> Step:
    data = _data(envelope, SmsInbound)
    sender = fact_inputs.address(data.from_, field="from")
    _reachable(sender, Channel.SMS, "from")
    return sms_replies.plan(sms_replies.Reply(id=envelope.id, sender=sender, to=data.to, body=data.body,
                                              brand=data.brand, occurred_at=envelope.occurred_at))


def _email_bounced(envelope: Envelope) -> Step:
    data = _data(envelope, EmailBounced)
    address = fact_inputs.address(data.address)
    _reachable(address, Channel.EMAIL, "address")
    if data.bounce_type != "permanent":
        return lambda actor: Outcome(EventAction.NONE)  # a transient bounce (mailbox full) says nothing lasting
    marker = Undeliverable(channels=frozenset({Channel.EMAIL}), occurred_at=envelope.occurred_at,
                           reason=UndeliverableReason.HARD_BOUNCE, source=EMAIL_FEEDBACK_SOURCE)
    return _written(EventAction.NONE, lambda actor: recording.record_undeliverable(address, marker, envelope.id, actor))


def _email_complained(envelope: Envelope) -> Step:
    address = fact_inputs.address(_data(envelope, EmailComplained).address)
    _reachable(address, Channel.EMAIL, "address")
    opt_out = OptOut(id=envelope.id, channels=frozenset({Channel.EMAIL}), purposes=frozenset({Purpose.MARKETING}),
                     brand=EVERY_BRAND, source=EMAIL_FEEDBACK_SOURCE, occurred_at=envelope.occurred_at,
                     note="spam complaint")
    return _written(EventAction.OPTED_OUT, lambda actor: recording.record_opt_out(address, opt_out, actor))


def _data(envelope: Envelope, kind: type[_T]) -> _T:
    """The envelope's data as the command its type makes (``handlers.event_inputs`` validated it so)."""
    if not isinstance(envelope.data, kind):
        raise TypeError(f"{envelope.type} carries {type(envelope.data).__name__}, not {kind.__name__}")
    return envelope.data


def _reachable(address: Address, channel: Channel, field: str) -> None:
    if channel not in address.channels:
        raise ChannelAddressMismatch(f"channel {channel} cannot reach a {address.kind} address", field)


_READERS: dict[EventType, Callable[[Envelope], Step]] = {
    EventType.CONSENT_GRANTED: _fact(fact_inputs.consent, recording.record_consent, lambda _: EventAction.OPTED_IN),
    EventType.OPT_OUT_RECORDED: _opt_out_recorded,
    EventType.RELATIONSHIP_RECORDED: _fact(fact_inputs.relationship, recording.record_relationship,
                                           lambda _: EventAction.NONE),
    EventType.CONTACT_ATTEMPTED: _fact(fact_inputs.attempt, recording.record_attempt, _attempt_action),
    EventType.PREFERENCES_UPDATED: _preferences,
    EventType.SMS_INBOUND: _sms_inbound,
    EventType.EMAIL_BOUNCED: _email_bounced,
    EventType.EMAIL_COMPLAINED: _email_complained,
}
require_exactly(EventType, _READERS, "services.events._READERS")
