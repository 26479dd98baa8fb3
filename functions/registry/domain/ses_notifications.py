"""Amazon SES bounce and complaint notifications read as the contract's event envelopes. Pure.

SES publishes one JSON object per notification: ``notificationType`` (feedback notifications) or
``eventType`` (event publishing) names it, and ``bounce`` or ``complaint`` holds what happened
(AWS, "Amazon SNS notification contents for Amazon SES"). Each recipient becomes one envelope:

- ``Bounce`` -> ``email.bounced`` per ``bounce.bouncedRecipients[]``: ``bounceType`` ``Permanent``
  is ``permanent`` (the address is undeliverable); ``Transient`` and ``Undetermined`` are
  ``transient`` (a full mailbox, a message too large, or SES could not tell: nothing lasting is
  concluded from it; an address that keeps failing bounces ``Permanent`` in the end).
- ``Complaint`` -> ``email.complained`` per ``complaint.complainedRecipients[]`` (an opt-out of
  marketing email for every brand). The feedback type is not read: whatever the recipient
  pressed, the registry stops marketing mail to them (when in doubt, it opts out).
- ``Delivery``, ``Send``, ``Open`` and every other type: no envelope (not an error).

Each envelope's ``id`` is made from the notification's ``feedbackId`` and the recipient, so a
notification delivered twice (SNS and SQS deliver at least once) is a duplicate; the address is
hashed into the id, never spelled in it (ids are logged). ``occurred_at`` is the bounce's or the
complaint's own ``timestamp``.

``envelopes_of_message`` is what a queue consumer calls with a message body: an SNS notification
wrapping SES's JSON (``Type: Notification``), or SES's JSON itself (raw message delivery). The
signature of a wrapped message is not checked here: on the queue, the queue's policy decides who
may send (see docs/decisions.md); ``POST /webhooks/ses`` checks it (``services.sns_messages``).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from . import sns_messages

SOURCE = "amazon-ses"
BOUNCE, COMPLAINT = "Bounce", "Complaint"
PERMANENT, TRANSIENT = "permanent", "transient"
BOUNCE_TYPES = {"Permanent": PERMANENT, "Transient": TRANSIENT, "Undetermined": TRANSIENT}
_RECIPIENTS = {BOUNCE: ("bounce", "bouncedRecipients"), COMPLAINT: ("complaint", "complainedRecipients")}
_ID_PREFIX = {BOUNCE: "ses-bounce", COMPLAINT: "ses-complaint"}
MAX_RECIPIENTS = 100  # SES sends to at most 50 recipients per message


class UnreadableNotification(ValueError):
    """Not an SES notification this registry can read: the message is refused, not retried."""


def is_ses_notification(value: Any) -> bool:
    return isinstance(value, Mapping) and ("notificationType" in value or "eventType" in value)


def kind_of(notification: Mapping[str, Any]) -> Any:
    """``notificationType`` (feedback notifications) or ``eventType`` (event publishing)."""
    kind = notification.get("notificationType")
    return kind if kind is not None else notification.get("eventType")


def event_id(kind: str, feedback_id: str, recipient: str) -> str:
    """Deterministic: the same feedback for the same recipient is the same event."""
    digest = hashlib.sha256(f"{feedback_id}\n{recipient.strip().lower()}".encode()).hexdigest()[:40]
    return f"{_ID_PREFIX[kind]}:{digest}"


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UnreadableNotification(f"{what} is missing")
    return value


def bounce_type(raw: Any) -> str:
    """``Permanent`` -> permanent; ``Transient`` and ``Undetermined`` -> transient."""
    if raw not in BOUNCE_TYPES:
        raise UnreadableNotification("bounce.bounceType is not Permanent, Transient or Undetermined")
    return BOUNCE_TYPES[raw]


def envelopes(notification: Any) -> list[dict[str, Any]]:
    """The contract's envelopes for one SES notification (a parsed JSON object): one per recipient
    of a bounce or a complaint; none for any other type. UnreadableNotification if a bounce or a
    complaint lacks what the envelopes need."""
    if not is_ses_notification(notification):
        raise UnreadableNotification("not an Amazon SES notification (no notificationType or eventType)")
    kind = kind_of(notification)
    if kind not in _RECIPIENTS:
        return []
    part_name, list_name = _RECIPIENTS[kind]
    part = notification.get(part_name)
    if not isinstance(part, Mapping):
        raise UnreadableNotification(f"{part_name} is missing")
    feedback_id = _text(part.get("feedbackId"), f"{part_name}.feedbackId")
    occurred_at = _text(part.get("timestamp"), f"{part_name}.timestamp")
    recipients = part.get(list_name)
    if not isinstance(recipients, list) or not recipients or len(recipients) > MAX_RECIPIENTS:
        raise UnreadableNotification(f"{part_name}.{list_name} must list the recipients")
    data: dict[str, Any] = {}
    if kind == BOUNCE:
        data["bounce_type"] = bounce_type(part.get("bounceType"))
    out = []
    for recipient in recipients:
        address = _text(recipient.get("emailAddress") if isinstance(recipient, Mapping) else None,
                        f"{part_name}.{list_name}[].emailAddress")
        out.append({"id": event_id(kind, feedback_id, address),
                    "type": "email.bounced" if kind == BOUNCE else "email.complained",
                    "occurred_at": occurred_at, "source": SOURCE, "data": {"address": address, **data}})
    return out


def envelopes_of_message(body: str | Mapping[str, Any]) -> list[dict[str, Any]]:
    """A queue message's envelopes: SES's JSON wrapped in an SNS notification, or SES's JSON as is
    (raw message delivery). An SNS subscription or unsubscribe confirmation holds no facts: [].
    UnreadableNotification for anything else (a consumer sends it to the dead-letter queue)."""
    value = _json(body) if isinstance(body, str) else body
    if sns_messages.looks_like_sns(value):
        assert isinstance(value, Mapping)
        if value.get("Type") != sns_messages.NOTIFICATION:
            return []
        message = value.get("Message")
        if not isinstance(message, str):
            raise UnreadableNotification("the SNS notification has no Message")
        value = _json(message)
    return envelopes(value)


def is_provider_message(body: str | Mapping[str, Any]) -> bool:
    """Whether a queue message is SES's (wrapped by SNS or raw), not the contract's own envelope."""
    try:
        value = _json(body) if isinstance(body, str) else body
    except UnreadableNotification:
        return False
    return sns_messages.looks_like_sns(value) or is_ses_notification(value)


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise UnreadableNotification("the message is not JSON") from None
