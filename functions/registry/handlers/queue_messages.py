"""What one message of the events queue carries: the one place a queue message becomes events.

A message body is one contract envelope, ``{"id", "type", "occurred_at", "source", "data"}``
(its reading is ``event_inputs.parse``, as for ``POST /v1/events``), or an Amazon SES bounce or
complaint notification, raw (SNS raw message delivery) or wrapped in SNS's notification JSON:
``domain.ses_notifications`` turns it into envelopes, one per recipient, the ones
``POST /webhooks/ses`` applies. The consumer applies whatever list it gets, in order.

SNS's signature of a wrapped message is not checked here: who may send to the queue is the
queue's policy (only the SES feedback topic), as for any other sender of envelopes.
"""
from __future__ import annotations

import json
from typing import Any

from ..domain import ses_notifications
from ..domain.errors import InvalidRequest
from . import body as request_body


def envelopes(body: str) -> list[Any]:
    """The events (raw, as they arrived: ``event_inputs.parse`` reads each) one message body
    carries; ``InvalidRequest`` when it carries none that could be read (it never will be)."""
    try:
        value = request_body.loads(body)
    except json.JSONDecodeError as err:
        raise InvalidRequest(f"the message body is not valid JSON: {err.msg}", "body") from None
    if not ses_notifications.is_provider_message(value):
        return [value]
    try:
        return list(ses_notifications.envelopes_of_message(value))
    except ses_notifications.UnreadableNotification as err:
        raise InvalidRequest(f"the SES notification cannot be read: {err}", "body") from None
