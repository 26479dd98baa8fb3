"""The events queue's consumer (SQS, Powertools batch processing with partial batch failures).

Each message is read by ``queue_messages.envelopes`` and each event it carries is taken in by
``event_inputs.receive``, the very path of ``POST /v1/events``. Per message:

- every event ``applied`` or ``duplicate``: success, the message is deleted;
- an event the registry could not write (``registry_unavailable``: throttling, timeouts): the
  message is a batch item failure, so SQS delivers it again after its visibility timeout (and,
  after the queue's ``maxReceiveCount`` receives, moves it to the dead-letter queue: never
  dropped). Its events already applied come back ``duplicate`` then;
- a message that can never be read (not JSON, a bad envelope, invalid data, an unknown type, an
  id used for another fact): sent at once to the dead-letter queue with the error's code and
  field (``services.dead_letters``), and deleted here; receiving it again would only fail again.
  If it cannot be sent there (or no DLQ is configured), it is a batch item failure, and the
  queue's redrive policy takes it to the DLQ after ``maxReceiveCount`` receives.

No message holds up another: each is judged on its own. Logs name the message id and the
events' ids and types, never an address or a body.
"""
from __future__ import annotations

import base64
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from ..domain.errors import RegistryError, RegistryUnavailable
from ..services import dead_letters, events
from .event_inputs import receive
from .observability import count, logger
from .queue_messages import envelopes
from .sqs_batches import Redeliver, sqs_handler

ACTOR = "events-queue"  # the history's actor of an event that came from the queue


def handle_message(record: SQSRecord) -> None:
    """One message: returns when it is done with (applied, duplicate, or dead-lettered); raises
    ``Redeliver`` when it must be delivered again."""
    receives = record.attributes.approximate_receive_count
    try:
        raws = envelopes(record.body)
    except RegistryError as err:
        _dead_letter(record, err)
        return
    for raw in raws:
        outcome = receive(raw, ACTOR)
        if isinstance(outcome.error, RegistryUnavailable):
            count("QueueMessage_redelivered")
            logger.warning("queue message left for redelivery: registry unavailable",
                           extra={"message_id": record.message_id, "receives": receives,
                                  "cause": repr(outcome.error.__cause__)})
            raise Redeliver(record.message_id)
        if outcome.status == events.REJECTED and outcome.error is not None:
            _dead_letter(record, outcome.error)
            return
    logger.info("queue message done", extra={"message_id": record.message_id, "events": len(raws),
                                             "receives": receives})


lambda_handler = sqs_handler(handle_message)


def _dead_letter(record: SQSRecord, error: RegistryError) -> None:
    """Straight to the dead-letter queue; if that fails, ``Redeliver`` (the redrive policy then
    takes it there after ``maxReceiveCount`` receives)."""
    extra = {"message_id": record.message_id, "error": error.code, "field": error.field}
    try:
        dead_letters.set_aside(record.body, {"registry_error": error.code, "registry_field": error.field or "",
                                        "registry_source_message_id": record.message_id,
                                        "registry_source_queue": record.event_source_arn or ""},
                          _attributes(record))
    except RegistryUnavailable as err:
        count("QueueMessage_redelivered")
        logger.warning("unreadable queue message left for the redrive policy: the dead-letter queue could not "
                       "be written", extra={**extra, "cause": repr(err.__cause__)})
        raise Redeliver(record.message_id) from err
    count("QueueMessage_dead_lettered")
    logger.warning("unreadable queue message sent to the dead-letter queue", extra=extra)


def _attributes(record: SQSRecord) -> dict[str, dict[str, Any]]:
    """The message's attributes, as SendMessage takes them."""
    out: dict[str, dict[str, Any]] = {}
    for name, value in (record.raw_event.get("messageAttributes") or {}).items():
        kind = value.get("dataType") or "String"
        if value.get("stringValue") is not None:
            out[name] = {"DataType": kind, "StringValue": value["stringValue"]}
        elif value.get("binaryValue") is not None:
            out[name] = {"DataType": kind, "BinaryValue": base64.b64decode(value["binaryValue"])}
    return out
