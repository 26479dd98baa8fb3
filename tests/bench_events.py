"""`make bench`, events: how fast the queue consumer applies events, and how soon a message put on
the local stack's queue shows in a lookup.

- ``events_applied_per_second``: batches of 10 messages (one event each, each a new contact)
  through the consumer's Lambda handler; floor: bare PutItems a second on the same backend
  (one per event), target: the least we mean to stay above.
- ``events_enqueue_to_lookup_p50`` / ``_p99``: a real local stack (``python -m infra.local_stack``,
  as `make run`); a message sent to its queue with boto3, then the lookup polled every 20 ms
  until it changes; target: within 2 s (the contract: "within a second or two").

One JSON line per figure, as tests/bench.py: ``{"bench", "backend", "value", "unit", "floor",
"ratio", "target"}``. Backend: a moto server, or the DynamoDB at AWS_ENDPOINT_URL_DYNAMODB.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from tests.bench import _emit, _percentile

ROOT = Path(__file__).resolve().parent.parent
BATCHES = int(os.environ.get("BENCH_EVENT_BATCHES", "30"))
ROUNDS = int(os.environ.get("BENCH_EVENT_ROUNDS", "40"))
BATCH = 10
# Events a second, at least, through one consumer on 2 cores (~14 on moto, whose every transaction copies
# the whole table; ~50 on DynamoDB Local). In AWS, up to MaximumConcurrency consumers run at once.
APPLIED_TARGET = 10.0
LATENCY_TARGET_MS = 2000.0
AT = "2026-12-01T20:00:00Z"

_numbers = iter(range(10**6))


def _phone() -> str:
    n = next(_numbers) + int(uuid.uuid4().int % 7_000_000)
    return f"+1415{200 + n // 10_000 % 800:03d}{n % 10_000:04d}"


def _relationship(number: str) -> str:
    return json.dumps({"id": str(uuid.uuid4()), "type": "relationship.recorded", "occurred_at": "2026-11-20T12:00:00Z",
                       "source": "bench", "data": {"address": number, "kind": "inquiry", "source": "inbound_call"}})


def _record(body: str) -> dict:
    now = str(int(time.time() * 1000))
    return {"messageId": str(uuid.uuid4()), "receiptHandle": "bench", "body": body,
            "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": now}, "messageAttributes": {},
            "md5OfBody": "", "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:bench",
            "awsRegion": "us-east-1"}


def throughput(backend: str, endpoint: str) -> None:
    import boto3

    from infra.queue_poller import LocalContext
    from registry.handlers.queue_consumer import lambda_handler

    client = boto3.client("dynamodb", endpoint_url=endpoint)
    table = os.environ["REGISTRY_TABLE"]
    context = LocalContext("EventsConsumerFunction", "us-east-1")
    lambda_handler({"Records": [_record(_relationship(_phone())) for _ in range(BATCH)]}, context)  # warm

    started = time.perf_counter()
    for _ in range(BATCHES):
        response = lambda_handler({"Records": [_record(_relationship(_phone())) for _ in range(BATCH)]}, context)
        assert not response["batchItemFailures"], response
    applied = BATCHES * BATCH / (time.perf_counter() - started)

    started = time.perf_counter()
    for i in range(BATCHES * BATCH):
        client.put_item(TableName=table, Item={"pk": {"S": f"BENCH#{uuid.uuid4()}"}, "sk": {"S": str(i)}})
    bare = BATCHES * BATCH / (time.perf_counter() - started)
    _emit("events_applied_per_second", backend, applied, "events/s", bare, APPLIED_TARGET)


def enqueue_to_lookup(backend: str) -> None:
    import boto3

    from infra.net import LOCALHOST, free_port, http_status, wait_until

    port, moto_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGISTRY_") and k != "AWS_ENDPOINT_URL"}
    # moto: the stack's table on moto too (left to itself it would start DynamoDB Local).
    env.update({"PORT": str(port), "MOTO_PORT": str(moto_port), "REGISTRY_LOCAL_STACK_FILE": "",
                "REGISTRY_LOCAL_DYNAMODB": "moto" if backend == "moto" else "auto",
                "LOG_LEVEL": "WARNING", "PYTHONPATH": os.pathsep.join([str(ROOT / "functions"), str(ROOT)])})
    log = open(ROOT / ".local" / "bench-events-stack.log", "wb")  # noqa: SIM115 - closed below
    stack = subprocess.Popen([sys.executable, "-m", "infra.local_stack"], cwd=ROOT, env=env, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://{LOCALHOST}:{port}"
    try:
        wait_until(lambda: http_status(f"{url}/v1/health") == 200, 90, "the local stack",
                   alive=lambda: stack.poll() is None, interval=0.3)
        sqs = boto3.client("sqs", endpoint_url=f"http://{LOCALHOST}:{moto_port}", region_name="us-east-1")
        queue = sqs.get_queue_url(QueueName="registry-events")["QueueUrl"]

        def decision(number: str) -> str:
            query = urllib.parse.urlencode({"address": number, "channel": "call", "purpose": "marketing", "at": AT})
            request = urllib.request.Request(f"{url}/v1/permissions?{query}", headers={"x-api-key": "local-dialer"})
            with urllib.request.urlopen(request, timeout=10) as reply:
                return json.load(reply)["decision"]

        samples = []
        for _ in range(ROUNDS):
            number = _phone()
            started = time.perf_counter()
            sqs.send_message(QueueUrl=queue, MessageBody=_relationship(number))
            while decision(number) != "allow":
                if time.perf_counter() - started > 30:
                    raise RuntimeError("a message did not take effect within 30 s")
                time.sleep(0.02)
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        stack.terminate()
        try:
            stack.wait(timeout=20)
        except subprocess.TimeoutExpired:
            stack.kill()
        log.close()
    _emit("events_enqueue_to_lookup_p50", backend, statistics.median(samples), "ms")
    _emit("events_enqueue_to_lookup_p99", backend, _percentile(samples, 0.99), "ms", None, LATENCY_TARGET_MS)


def main() -> None:
    from infra.moto_server import MotoServer
    from infra.template_table import ensure_table

    (ROOT / ".local").mkdir(exist_ok=True)
    server = None
    external = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    endpoint = external
    if not endpoint:
        server = MotoServer()
        endpoint = server.start()
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    import boto3

    backend = "moto" if server else ("dynamodb-local" if "127.0.0.1" in endpoint or "localhost" in endpoint
                                     else endpoint)
    try:
        ensure_table(boto3.client("dynamodb", endpoint_url=endpoint), os.environ["REGISTRY_TABLE"])
        throughput(backend, endpoint)
    finally:
        if server:
            server.stop()
            os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    enqueue_to_lookup(backend)


if __name__ == "__main__":
    main()
