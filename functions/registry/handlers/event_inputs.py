"""Reading one event envelope for ``services.events``, and taking it in: ``receive`` is the one
path of an event, whether it came over ``POST /v1/events`` or from the queue
(``handlers.queue_consumer``): read, applied, logged and counted alike.

The envelope is checked first; then its data is validated into the command its type makes
(``services.commands``: ``RecordConsent`` for ``consent.granted``, the very body of
``POST /v1/consents``), so an event is read exactly as the request would be, and an error names
the same code and a field inside the event (``data.address``).
"""
from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..domain.errors import InvalidRequest, RegistryError
from ..domain.vocabulary import EventType, require_exactly
from ..services import commands as c
from ..services import events
from ..services.events import Envelope
from .errors import validation_error
from .observability import count, logger
from .schemas import EventIn

DATA_MODELS: dict[EventType, type[c.Command]] = {
    EventType.CONSENT_GRANTED: c.RecordConsent,
    EventType.OPT_OUT_RECORDED: c.RecordOptOut,
    EventType.RELATIONSHIP_RECORDED: c.RecordRelationship,
    EventType.CONTACT_ATTEMPTED: c.RecordAttempt,
    EventType.PREFERENCES_UPDATED: c.SetContactPreferences,
    EventType.SMS_INBOUND: c.SmsInbound,
    EventType.EMAIL_BOUNCED: c.EmailBounced,
    EventType.EMAIL_COMPLAINED: c.EmailComplained,
}
require_exactly(EventType, DATA_MODELS, "handlers.event_inputs.DATA_MODELS")
# Facts with an occurred_at of their own (their data model has one): the envelope's stands in when
# the data has none; one the data gives must be the envelope's instant (checked in services.events,
# after the address).
TIMED = frozenset(kind for kind, model in DATA_MODELS.items() if "occurred_at" in model.model_fields)


def raw_id(raw: Any) -> Any:
    """The id to answer a result under, even for an event too broken to read."""
    return raw.get("id") if isinstance(raw, dict) else None


def parse(raw: Any) -> Envelope:
    """The envelope with its data validated; a RegistryError (invalid_request, invalid_address
    is later, in the service) names what is wrong."""
    try:
        envelope = EventIn.model_validate(raw)
    except ValidationError as err:
        raise validation_error(err.errors(), within=()) from None
    data = dict(envelope.data)
    if envelope.type in TIMED and data.get("occurred_at") is None:
        data["occurred_at"] = raw["occurred_at"]
    try:
        command = DATA_MODELS[envelope.type].model_validate(data)
    except ValidationError as err:
        raise validation_error(err.errors(), within=("data",)) from None
    if getattr(command, "id", None) not in (None, envelope.id):
        raise InvalidRequest("data.id: must be the event's id, which is the id of the fact it records", "data.id")
    return Envelope(id=envelope.id, type=EventType(envelope.type), occurred_at=envelope.occurred_at, source=envelope.source,
                    data=command)


def receive(raw: Any, actor: str | None) -> events.EventResult:
    """One event as it arrived (any JSON value), read and applied: its result, logged (id, type,
    status, action, error code; never its data) and counted (``Event_<status>``)."""
    try:
        envelope = parse(raw)
    except RegistryError as err:
        outcome = events.EventResult(events.REJECTED, err)
        # No id: an event that could not be read may hold anything there (an address too).
        logger.info("event", extra={"status": outcome.status, "action": outcome.action, "error": err.code,
                                    "field": err.field})
    else:
        outcome = events.apply_event(envelope, actor)
        logger.info("event", extra={"id": envelope.id, "type": envelope.type, "status": outcome.status,
                                    "action": outcome.action, "error": outcome.error.code if outcome.error else None})
    count(f"Event_{outcome.status}")
    return outcome

