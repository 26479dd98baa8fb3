"""The local stack: what it provisions, and that it starts, serves and stops cleanly."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from infra import local_stack
from infra.template import load_template

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def isolated_env(monkeypatch):
    """provision() sets env vars with setdefault; keep them out of other tests."""
    for name in ("REGISTRY_EVENTS_QUEUE_URL", "REGISTRY_EVENTS_DEAD_LETTER_QUEUE_URL", "REGISTRY_IMPORT_BUCKET",
                 "REGISTRY_EVENT_BUS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REGISTRY_TABLE", "registry-local-stack-check")
    return monkeypatch


def test_provision_creates_the_template_resources_idempotently(aws_endpoint, isolated_env):
    local_stack.provision(aws_endpoint)
    local_stack.provision(aws_endpoint)  # a second run finds everything in place

    region = os.environ["AWS_DEFAULT_REGION"]
    client = lambda service: boto3.client(service, region_name=region, endpoint_url=aws_endpoint)  # noqa: E731
    assert "registry-local-stack-check" in client("dynamodb").list_tables()["TableNames"]

    sqs = client("sqs")
    queue_url = os.environ["REGISTRY_EVENTS_QUEUE_URL"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    redrive = json.loads(attributes["RedrivePolicy"])
    template_queue = load_template()["Resources"]["EventsQueue"]["Properties"]
    assert int(redrive["maxReceiveCount"]) == template_queue["RedrivePolicy"]["maxReceiveCount"]
    assert redrive["deadLetterTargetArn"].endswith(f":{local_stack.DEAD_LETTER_QUEUE_NAME}")

    buckets = [b["Name"] for b in client("s3").list_buckets()["Buckets"]]
    assert os.environ["REGISTRY_IMPORT_BUCKET"] in buckets
    buses = [b["Name"] for b in client("events").list_event_buses()["EventBuses"]]
    assert os.environ["REGISTRY_EVENT_BUS"] in buses


@pytest.mark.slow
def test_stack_serves_health_and_stops_cleanly_on_sigterm(tmp_path):
    """with_stack starts `python -m infra.local_stack`, runs a command, then SIGTERMs the stack."""
    log = tmp_path / "stack.log"
    # Health, and a preference link that names the stack itself (REGISTRY_PUBLIC_BASE_URL is
    # http://127.0.0.1:$PORT by default), not the Host the request claims.
    check = ("import json, os, sys, urllib.request;"
             "base = os.environ['REGISTRY_URL'];"
             "r = urllib.request.urlopen(base + '/v1/health', timeout=5);"
             "q = urllib.request.Request(base + '/v1/preference-links', method='POST',"
             " data=json.dumps({'address': 'stack-check@example.com'}).encode(),"
             " headers={'x-api-key': 'local-admin', 'content-type': 'application/json', 'host': 'evil.example'});"
             "url = json.load(urllib.request.urlopen(q, timeout=10))['url'];"
             "sys.exit(3 if r.status == 200 and url.startswith(base + '/p/') else 1)")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_ENDPOINT_URL") and k != "REGISTRY_PUBLIC_BASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "infra.with_stack", "--timeout", "60", "--log", str(log),
         "--", sys.executable, "-c", check],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    output = log.read_text()
    assert result.returncode == 3, result.stderr + output  # the command's own status comes back
    assert "keys: local-admin" in output
    assert "stopping (SIGTERM)" in output
    assert "Traceback" not in output


def test_a_dynamodb_endpoint_that_does_not_answer_is_named_not_a_traceback():
    from infra.net import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "AWS_ENDPOINT_URL_DYNAMODB": dead, "PORT": str(free_port()), "MOTO_PORT": str(free_port())}
    result = subprocess.run([sys.executable, "-m", "infra.local_stack"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert f"nothing answers at {dead}" in result.stderr and "infra.dynamodb_local serve" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) <= 3


def test_dynamodb_local_without_its_command_says_which_one():
    result = subprocess.run([sys.executable, "-m", "infra.dynamodb_local", "--port", "8000"], cwd=ROOT,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "serve --port 8000" in result.stderr and "Traceback" not in result.stderr
