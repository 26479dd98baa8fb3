"""The local stack's stand-in for Lambda's SQS event source mapping: a thread that long-polls a
queue of the emulator, hands each batch to a Lambda handler in the event shape Lambda uses
(``Records`` with ``messageId``, ``receiptHandle``, ``body``, ``attributes``,
``messageAttributes``, ``eventSourceARN``, ...), and deletes the messages the handler did not
report in ``batchItemFailures``, as the Lambda service does with ``ReportBatchItemFailures``.

A failed message is left alone: it becomes visible again after the queue's visibility timeout,
and the queue's redrive policy moves it to the dead-letter queue after ``maxReceiveCount``
receives (moto applies the redrive policy on receive, as SQS does). A handler that raises fails
the whole batch, as a function error does.
"""
from __future__ import annotations

import base64
import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from . import pauses

log = logging.getLogger("infra.queue_poller")

Handler = Callable[[dict[str, Any], Any], Any]


class LocalContext:
    """What a Lambda context offers that the registry's handlers read. The time left counts down
    from ``timeout`` seconds (the function's Timeout in the template) from the context's creation,
    as an invocation's does: the importer checkpoints by it."""

    def __init__(self, function_name: str, region: str, timeout: float = 30.0, memory: int = 512) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.memory_limit_in_mb = memory
        self._deadline = time.monotonic() + timeout
        self.invoked_function_arn = f"arn:aws:lambda:{region}:000000000000:function:{function_name}"
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def lambda_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """ReceiveMessage's messages as Lambda's SQS event."""
    records = []
    for message in messages:
        attributes = {}
        for name, value in (message.get("MessageAttributes") or {}).items():
            attribute: dict[str, Any] = {"dataType": value["DataType"], "stringListValues": [],
                                         "binaryListValues": []}
            if "StringValue" in value:
                attribute["stringValue"] = value["StringValue"]
            if "BinaryValue" in value:
                attribute["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
            attributes[name] = attribute
        records.append({
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": dict(message.get("Attributes") or {}),
            "messageAttributes": attributes,
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": queue_arn,
            "awsRegion": region,
        })
    return {"Records": records}


class QueuePoller:
    """``start()`` polls in a daemon thread until ``stop()``; ``poll_once()`` is one round."""

    def __init__(self, sqs: Any, queue_url: str, handler: Handler, function_name: str = "EventsConsumerFunction",
                 batch_size: int = 10, idle_pause: float = 0.2, timeout: float = 30.0, memory: int = 512) -> None:
        self._sqs = sqs
        self._timeout, self._memory = timeout, memory
        self.queue_url = queue_url
        self._handler = handler
        self._function_name = function_name
        self._batch_size = batch_size
        self._idle_pause = idle_pause
        self._region = sqs.meta.region_name
        self.queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="queue-poller", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the round under way (a receive answers at once: no long poll)."""
        self._stopping.set()
        if self._thread is not None:
            pauses.join(self._thread, timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                received = self.poll_once()
            except Exception:  # noqa: BLE001 - the emulator going away, a bad answer: log, pause, go on
                if self._stopping.is_set():
                    return
                log.exception("queue poller: a round failed")
                pauses.pause(self._stopping, 1.0)
                continue
            if received == 0:
                pauses.pause(self._stopping, self._idle_pause)

    def poll_once(self) -> int:
        """One receive and its batch: how many messages were received. A short poll (WaitTimeSeconds
        0) and a pause of ``idle_pause`` when the queue is empty, rather than SQS's long poll: moto's
        long poll is a timed lock wait (infra/pauses.py says why that stalls under libfaketime); a
        message still takes effect within a fraction of a second."""
        reply = self._sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=self._batch_size,
                                          WaitTimeSeconds=0, AttributeNames=["All"],
                                          MessageAttributeNames=["All"])
        messages = reply.get("Messages") or []
        if messages:
            self._deliver(messages)
        return len(messages)

    def _deliver(self, messages: list[dict[str, Any]]) -> None:
        event = lambda_event(messages, self.queue_arn, self._region)
        try:
            context = LocalContext(self._function_name, self._region, self._timeout, self._memory)
            response = self._handler(event, context) or {}
            failed = {failure["itemIdentifier"] for failure in response.get("batchItemFailures") or []}
        except Exception:  # noqa: BLE001 - a function error: the whole batch is delivered again
            log.exception("queue poller: the handler failed; the batch will be delivered again")
            return
        done = [m for m in messages if m["MessageId"] not in failed]
        if failed:
            log.warning("queue poller: %d of %d messages left for redelivery", len(failed), len(messages))
        if done:
            self._sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
