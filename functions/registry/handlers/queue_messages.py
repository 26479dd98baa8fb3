"""What one message of the events queue carries: the one place a queue message becomes events.

Today a message body is one contract envelope, ``{"id", "type", "occurred_at", "source",
"data"}`` (its reading is ``event_inputs.parse``, as for ``POST /v1/events``). Other formats that
reach the queue (Amazon SES notifications, raw or wrapped by SNS) are turned into envelopes
here, in ``envelopes``: the consumer applies whatever list it gets, in order.
"""
from __future__ import annotations

import json
from typing import Any

from ..domain.errors import InvalidRequest
from . import body as request_body


class UnreadableMessage(InvalidRequest):
    """A message that will never be read, however often it is received (not JSON, ...)."""


def envelopes(body: str) -> list[Any]:
    """The events (raw, as they arrived: ``event_inputs.parse`` reads each) one message body
    carries; ``UnreadableMessage`` when it carries none that could be read."""
    try:
        value = request_body.loads(body)
    except json.JSONDecodeError as err:
        raise UnreadableMessage(f"the message body is not valid JSON: {err.msg}", "body") from None
    return [value]
