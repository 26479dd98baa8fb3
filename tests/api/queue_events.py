"""SQS events as the Lambda service hands them to a function (the documented event shape), the
contract's event envelopes, and a test queue on the emulator to read a dead-letter queue."""
from __future__ import annotations

import hashlib
import itertools
import json
import time
import uuid
from typing import Any

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:registry-events"
WHEN = "2026-11-29T12:00:00Z"
_serial = itertools.count(1)


def envelope(type_: str, data: dict[str, Any], occurred_at: str | None = None, id_: str | None = None) -> dict:
    occurred_at = occurred_at or data.get("occurred_at") or WHEN
    return {"id": id_ or str(uuid.uuid4()), "type": type_, "occurred_at": occurred_at, "source": "queue-test",
            "data": data}


def record(body: Any, message_id: str | None = None, receives: int = 1,
           attributes: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """One SQS record; ``body`` a string as it is, else JSON."""
    text = body if isinstance(body, str) else json.dumps(body)
    now = str(int(time.time() * 1000))
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": f"receipt-{next(_serial)}",
        "body": text,
        "attributes": {"ApproximateReceiveCount": str(receives), "SentTimestamp": now, "SenderId": "AIDATEST",
                       "ApproximateFirstReceiveTimestamp": now},
        "messageAttributes": attributes or {},
        "md5OfBody": hashlib.md5(text.encode()).hexdigest(),  # noqa: S324 - what SQS sends
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": "us-east-1",
    }


def sqs_event(*records: dict[str, Any]) -> dict[str, Any]:
    return {"Records": list(records)}


def failed_ids(response: dict[str, Any]) -> list[str]:
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]


def drain(sqs, url: str, expect: int | None = None, wait: float = 5.0) -> list[dict[str, Any]]:
    """Every message on a queue (each deleted once read); with ``expect``, wait up to ``wait``
    seconds for that many."""
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + wait
    while True:
        reply = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                    MessageAttributeNames=["All"], AttributeNames=["All"])
        messages = reply.get("Messages", [])
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        found += messages
        if not messages and (expect is None or len(found) >= expect or time.monotonic() > deadline):
            return found
        if not messages:
            time.sleep(0.1)
