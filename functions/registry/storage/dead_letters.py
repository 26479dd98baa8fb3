"""The events queue's dead-letter queue: where the queue consumer puts a message it can never read.

The message goes as it came (its body and message attributes), with attributes of ours saying why
(``registry_error``: the error code, ``registry_field``: the field at fault, never a value) and
where it came from (``registry_source_message_id``, ``registry_source_queue``). SQS allows ten
message attributes: ours come first, then as many of the original ones as fit. The client is
made when first used (the emulator runs by then, in tests and the local stack).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..settings import derived, get_settings
from .aws_clients import aws_client
from .errors import StorageUnavailable, dynamodb

MAX_ATTRIBUTES = 10  # SQS's limit per message


_client = derived(lambda settings: aws_client(settings, "sqs"))


def configured() -> bool:
    return bool(get_settings().events_dead_letter_queue_url)


def send(body: str, reason: Mapping[str, str], attributes: Mapping[str, Mapping[str, Any]]) -> None:
    """Put one message on the dead-letter queue. ``reason``: our attributes (string values);
    ``attributes``: the original message's, in the SendMessage shape. StorageUnavailable when
    it cannot be sent (the caller then leaves the message on its queue)."""
    url = get_settings().events_dead_letter_queue_url
    if not url:
        raise StorageUnavailable("no dead-letter queue is configured")
    message_attributes: dict[str, Any] = {name: {"DataType": "String", "StringValue": value}
                                          for name, value in reason.items() if value}
    for name, value in attributes.items():
        if len(message_attributes) >= MAX_ATTRIBUTES:
            break
        message_attributes.setdefault(name, dict(value))
    with dynamodb("send a message to the dead-letter queue"):
        _client().send_message(QueueUrl=url, MessageBody=body, MessageAttributes=message_attributes)
