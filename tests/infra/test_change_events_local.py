"""The local stack publishes change events as AWS would: an opt-out recorded through its API reaches
a rule on its bus `registry` (target: an SQS queue of the emulator), from the table's stream read by
the stack's poller and the publisher's own handler. With AWS_ENDPOINT_URL_DYNAMODB set for the
session (DynamoDB Local), the stack's table and stream are DynamoDB Local's."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest

from infra.net import free_port, http_status, wait_until
from tests.conftest import _EXTERNAL_DYNAMODB

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.dynamodb]


@pytest.fixture
def stack(tmp_path):
    port, moto_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")
           and not k.startswith("REGISTRY_")}
    env.update({"PORT": str(port), "MOTO_PORT": str(moto_port), "REGISTRY_LOCAL_STACK_FILE": "",
                "REGISTRY_TABLE": f"registry-events-{uuid.uuid4().hex[:8]}",
                # this worktree's code, not whatever the virtualenv has installed
                "PYTHONPATH": os.pathsep.join([str(ROOT / "functions"), str(ROOT)])})
    if _EXTERNAL_DYNAMODB:
        env["AWS_ENDPOINT_URL_DYNAMODB"] = _EXTERNAL_DYNAMODB
    log_path = tmp_path / "stack.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "infra.local_stack"], cwd=ROOT, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: http_status(f"{url}/v1/health") == 200, 60, "the local stack",
                   alive=lambda: process.poll() is None, interval=0.3)
        yield url, f"http://127.0.0.1:{moto_port}", log_path
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    output = log_path.read_text()
    assert "stopping (SIGTERM)" in output and "Traceback" not in output, output[-3000:]


def test_a_rule_on_the_local_bus_receives_the_change_event_of_an_opt_out(stack):
    url, emulator, _ = stack
    client = lambda service: boto3.client(service, region_name="us-east-1", endpoint_url=emulator,  # noqa: E731
                                          aws_access_key_id="local", aws_secret_access_key="local")
    sqs, events = client("sqs"), client("events")
    queue = sqs.create_queue(QueueName="dialer-cache")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="dialer-cache", EventBusName="registry",
                    EventPattern=json.dumps({"source": ["contact-registry"],
                                             "detail-type": ["contact.permissions.changed"]}))
    events.put_targets(Rule="dialer-cache", EventBusName="registry", Targets=[{"Id": "cache", "Arn": arn}])

    phone = f"+1415{2000000 + int(uuid.uuid4().int % 7_000_000):07d}"
    body = {"address": phone, "channels": ["sms"], "purposes": ["all"], "brand": "acme", "source": "sms_keyword",
            "occurred_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    request = urllib.request.Request(f"{url}/v1/opt-outs", data=json.dumps(body).encode(), method="POST",
                                      headers={"x-api-key": "local-admin", "content-type": "application/json"})
    recorded = json.load(urllib.request.urlopen(request, timeout=10))

    received: list[dict] = []
    deadline = time.monotonic() + 15
    while not received and time.monotonic() < deadline:
        for message in sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages", []):
            received.append(json.loads(message["Body"]))
    assert received, "no change event reached the rule's queue within 15 s"
    (event,) = received
    assert event["detail-type"] == "contact.permissions.changed" and event["source"] == "contact-registry"
    detail = event["detail"]
    assert detail["address"] == phone and detail["brand"] == "acme"
    assert detail["cause"] == {"type": "opt_out.recorded", "id": recorded["id"]}
    assert {(c["channel"], c["purpose"]) for c in detail["changes"]} == {("sms", "marketing"), ("sms", "informational")}
    assert all(c["after"]["status"] == "opted_out" for c in detail["changes"])
