"""infra.queue_poller, the local stand-in for Lambda's SQS event source mapping, on moto: the event
shape it hands over, deleting only what did not fail, and the redrive policy moving a message
that keeps failing to the dead-letter queue after maxReceiveCount receives."""
from __future__ import annotations

import json
import os
import time
import uuid

import boto3
import pytest

from infra.queue_poller import QueuePoller


@pytest.fixture
def sqs(aws_endpoint):
    return boto3.client("sqs", endpoint_url=aws_endpoint, region_name=os.environ["AWS_DEFAULT_REGION"])


@pytest.fixture
def queues(sqs):
    """A queue (visibility 1 s) redriving to a DLQ after 2 receives."""
    name = f"poller-{uuid.uuid4().hex[:10]}"
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    queue = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "1", "RedrivePolicy": redrive})["QueueUrl"]
    yield queue, dlq
    for url in (queue, dlq):
        sqs.delete_queue(QueueUrl=url)


def count(sqs, url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


def test_the_handler_gets_lambdas_event_and_failed_messages_are_redriven(sqs, queues):
    queue, dlq = queues
    seen: list[dict] = []

    def handler(event, context):
        seen.append(event)
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]
                                      if r["body"] == "bad"]}

    sqs.send_message(QueueUrl=queue, MessageBody="good",
                     MessageAttributes={"origin": {"DataType": "String", "StringValue": "crm"}})
    sqs.send_message(QueueUrl=queue, MessageBody="bad")
    poller = QueuePoller(sqs, queue, handler)
    deadline = time.monotonic() + 15
    while count(sqs, dlq) == 0 and time.monotonic() < deadline:
        poller.poll_once()
    assert count(sqs, dlq) == 1, "the failing message never reached the DLQ"
    (letter,) = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=1)["Messages"]
    assert letter["Body"] == "bad"
    assert count(sqs, queue) == 0  # the good one was deleted after its first delivery

    records = [r for event in seen for r in event["Records"]]
    assert [r["body"] for r in records].count("good") == 1
    assert [r["body"] for r in records].count("bad") == 2  # maxReceiveCount receives, then the DLQ
    good = next(r for r in records if r["body"] == "good")
    assert set(good) >= {"messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody",
                         "eventSource", "eventSourceARN", "awsRegion"}
    assert good["eventSource"] == "aws:sqs" and good["eventSourceARN"].endswith(":" + queue.rsplit("/", 1)[1])
    assert good["attributes"]["ApproximateReceiveCount"] == "1"
    assert good["messageAttributes"]["origin"]["stringValue"] == "crm"
    bad_counts = [r["attributes"]["ApproximateReceiveCount"] for r in records if r["body"] == "bad"]
    assert bad_counts == ["1", "2"]


def test_a_handler_that_raises_fails_the_whole_batch(sqs, queues):
    queue, _ = queues
    calls = []

    def handler(event, context):
        calls.append(len(event["Records"]))
        raise RuntimeError("function error")

    sqs.send_message(QueueUrl=queue, MessageBody="one")
    poller = QueuePoller(sqs, queue, handler)
    assert poller.poll_once() == 1
    assert count(sqs, queue) == 1  # not deleted: it is delivered again


def test_the_thread_stops_cleanly(sqs, queues):
    queue, _ = queues
    handled = []
    poller = QueuePoller(sqs, queue, lambda event, context: handled.extend(event["Records"]))
    poller.start()
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    deadline = time.monotonic() + 5
    while not handled and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [r["body"] for r in handled] == ["x"]
    started = time.monotonic()
    poller.stop()
    assert time.monotonic() - started < 3
    assert poller._thread is not None and not poller._thread.is_alive()


def test_the_context_counts_down_from_the_functions_timeout(monkeypatch):
    """The importer checkpoints by the time left: it must fall as an invocation's does, from the
    function's Timeout (the template's), not stand still."""
    import infra.queue_poller as queue_poller

    now = [1000.0]
    monkeypatch.setattr(queue_poller.time, "monotonic", lambda: now[0])
    context = queue_poller.LocalContext("ListImporterFunction", "us-east-1", timeout=900, memory=2048)
    assert context.get_remaining_time_in_millis() == 900_000
    assert context.memory_limit_in_mb == 2048
    now[0] += 780.5
    assert context.get_remaining_time_in_millis() == 119_500
    now[0] += 200
    assert context.get_remaining_time_in_millis() == 0
