"""The local stack: what it provisions, and that it starts, serves and stops cleanly."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
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
                 "REGISTRY_EVENT_BUS", "REGISTRY_IMPORT_QUEUE_URL", "REGISTRY_IMPORT_DEAD_LETTER_QUEUE_URL"):
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

    # the import queue, as the template's: its visibility timeout, redrive to its own DLQ after 3 receives
    import_queue = load_template()["Resources"]["ImportQueue"]["Properties"]
    attributes = sqs.get_queue_attributes(QueueUrl=os.environ["REGISTRY_IMPORT_QUEUE_URL"],
                                          AttributeNames=["All"])["Attributes"]
    assert int(attributes["VisibilityTimeout"]) == import_queue["VisibilityTimeout"]
    redrive = json.loads(attributes["RedrivePolicy"])
    assert int(redrive["maxReceiveCount"]) == 3
    assert redrive["deadLetterTargetArn"].endswith(f":{local_stack.IMPORT_DEAD_LETTER_QUEUE_NAME}")
    assert os.environ["REGISTRY_IMPORT_QUEUE_URL"].endswith(f"/{local_stack.IMPORT_QUEUE_NAME}")


def _drain(sqs, queue_url):
    """The messages on the queue now (received, deleted)."""
    bodies = []
    while True:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages")
        if not messages:
            return bodies
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def test_a_file_put_under_imports_is_announced_on_the_import_queue(aws_endpoint, isolated_env):
    """The bucket's notification, as template.yaml configures it (ObjectCreated under imports/ to
    the import queue), works on moto: the importer's poller gets S3's event for the object."""
    local_stack.provision(aws_endpoint)
    region = os.environ["AWS_DEFAULT_REGION"]
    sqs = boto3.client("sqs", region_name=region, endpoint_url=aws_endpoint)
    s3 = boto3.client("s3", region_name=region, endpoint_url=aws_endpoint)
    queue_url = os.environ["REGISTRY_IMPORT_QUEUE_URL"]
    # S3 (and moto) announce a new configuration with a test event; the importer must pass over it
    assert all(body.get("Event") == "s3:TestEvent" for body in _drain(sqs, queue_url))

    s3.put_object(Bucket=local_stack.BUCKET_NAME, Key="imports/national/2026-12-01.txt", Body=b"4155550123\n")
    s3.put_object(Bucket=local_stack.BUCKET_NAME, Key="elsewhere/notes.txt", Body=b"not an import\n")

    (event,) = _drain(sqs, queue_url)
    (record,) = event["Records"]
    assert record["eventSource"] == "aws:s3" and record["eventName"].startswith("ObjectCreated:")
    assert record["s3"]["bucket"]["name"] == local_stack.BUCKET_NAME
    # URL-encoded, as S3 sends it (unquote_plus gives the key back)
    assert urllib.parse.unquote_plus(record["s3"]["object"]["key"]) == "imports/national/2026-12-01.txt"
    assert _drain(sqs, queue_url) == []  # nothing for the object outside imports/


def test_the_bucket_notification_is_the_templates(aws_endpoint):
    template = load_template()
    config = local_stack.bucket_notifications(template, {"ImportQueue": "arn:aws:sqs:us-east-1:123456789012:q"})
    assert config == {"QueueConfigurations": [{
        "QueueArn": "arn:aws:sqs:us-east-1:123456789012:q", "Events": ["s3:ObjectCreated:*"],
        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "imports/"}]}}}]}


def test_without_java_the_table_falls_back_to_moto_and_says_why(monkeypatch):
    monkeypatch.delenv(local_stack.BACKEND_ENV, raising=False)
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert local_stack.table_backend() == ("moto", "java is not on PATH (DynamoDB Local needs Java 17+)")
    monkeypatch.setenv(local_stack.BACKEND_ENV, "dynamodb-local")  # asked for: no quiet fallback
    with pytest.raises(local_stack.CannotStart, match="java is not on PATH"):
        local_stack.table_backend()
    monkeypatch.setenv(local_stack.BACKEND_ENV, "moto")
    assert local_stack.table_backend() == ("moto", None)
    monkeypatch.setenv(local_stack.BACKEND_ENV, "sqlite")
    with pytest.raises(local_stack.CannotStart, match="auto, dynamodb-local, moto"):
        local_stack.table_backend()


def test_without_the_jar_the_table_falls_back_to_moto(monkeypatch, tmp_path):
    from infra import dynamodb_local

    monkeypatch.delenv(local_stack.BACKEND_ENV, raising=False)
    monkeypatch.delenv("DYNAMODB_LOCAL_JAR", raising=False)
    monkeypatch.setattr("shutil.which", lambda name: "/usr/bin/java")
    monkeypatch.setattr(dynamodb_local, "INSTALL_DIR", tmp_path)
    backend, why = local_stack.table_backend()
    assert backend == "moto" and "make dynamodb-local" in why


def test_data_is_kept_in_dot_local_unless_the_stack_is_a_throwaway(monkeypatch, tmp_path):
    monkeypatch.delenv(local_stack.DATA_DIR_ENV, raising=False)
    monkeypatch.delenv(local_stack.STACK_FILE_ENV, raising=False)
    assert local_stack.data_dir() == ROOT / ".local" / "data"
    monkeypatch.setenv(local_stack.STACK_FILE_ENV, "")  # infra.with_stack, the tests
    assert local_stack.data_dir() is None
    monkeypatch.setenv(local_stack.DATA_DIR_ENV, str(tmp_path))
    assert local_stack.data_dir() == tmp_path


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


def test_the_working_copy_is_restored_from_the_kept_one_and_saved_back(tmp_path):
    kept, working = tmp_path / "kept", tmp_path / "shm" / "work"
    kept.mkdir()
    (kept / local_stack.DYNAMODB_FILE).write_bytes(b"kept table")
    local_stack._restore(kept, working)
    assert (working / local_stack.DYNAMODB_FILE).read_bytes() == b"kept table"

    (working / local_stack.DYNAMODB_FILE).write_bytes(b"written since")
    local_stack._save(working, kept)
    assert (kept / local_stack.DYNAMODB_FILE).read_bytes() == b"written since"
    assert not working.exists() and not (kept / (local_stack.DYNAMODB_FILE + ".saving")).exists()


def test_a_working_copy_a_killed_stack_left_behind_is_taken_being_newer(tmp_path):
    kept, working = tmp_path / "kept", tmp_path / "work"
    kept.mkdir()
    working.mkdir()
    (kept / local_stack.DYNAMODB_FILE).write_bytes(b"saved at the last clean stop")
    os.utime(kept / local_stack.DYNAMODB_FILE, (1_000_000, 1_000_000))
    (working / local_stack.DYNAMODB_FILE).write_bytes(b"written until the kill")
    (working / (local_stack.DYNAMODB_FILE + "-journal")).write_bytes(b"hot journal")  # kept beside it for SQLite
    local_stack._restore(kept, working)
    assert (working / local_stack.DYNAMODB_FILE).read_bytes() == b"written until the kill"
    assert (working / (local_stack.DYNAMODB_FILE + "-journal")).exists()

    # an older working copy (a clean stop saved after it) is replaced by the kept one
    os.utime(working / local_stack.DYNAMODB_FILE, (500_000, 500_000))
    local_stack._restore(kept, working)
    assert (working / local_stack.DYNAMODB_FILE).read_bytes() == b"saved at the last clean stop"
    assert not (working / (local_stack.DYNAMODB_FILE + "-journal")).exists()
