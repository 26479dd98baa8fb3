"""End to end on a real local stack (`python -m infra.local_stack`, as `make run` starts it): a
message put on the emulator's queue with any AWS client changes a lookup within a second or two,
and a poison message lands in the dead-letter queue while the good one of its batch is applied; an SES
complaint through SNS and a signed Twilio STOP opt out, a badly signed one does not."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest

from infra import local_stack
from infra.net import LOCALHOST, free_port, http_status, wait_until
from tests.api.conftest import new_phone

ROOT = Path(__file__).resolve().parents[2]
AT = "2026-12-01T20:00:00Z"
EFFECT_WITHIN = 5.0  # seconds: generous for two busy cores; the stack polls with a 1 s long poll


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    port, moto_port = free_port(), free_port()
    log = tmp_path_factory.mktemp("stack") / "stack.log"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_ENDPOINT_URL") and not k.startswith("REGISTRY_")}
    env.update({"PORT": str(port), "MOTO_PORT": str(moto_port), "REGISTRY_LOCAL_STACK_FILE": "",
                # this checkout's code, whatever the virtualenv has installed
                "PYTHONPATH": os.pathsep.join([str(ROOT / "functions"), str(ROOT)])})
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "infra.local_stack"], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://{LOCALHOST}:{port}"
    try:
        wait_until(lambda: http_status(f"{url}/v1/health") == 200, 60, "the local stack",
                   alive=lambda: process.poll() is None, interval=0.3)
        sqs = boto3.client("sqs", endpoint_url=f"http://{LOCALHOST}:{moto_port}", region_name="us-east-1",
                           aws_access_key_id="local", aws_secret_access_key="local")
        yield url, sqs, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    output = log.read_text()
    assert "Traceback" not in output, output[-3000:]


def decision(url, number):
    query = urllib.parse.urlencode({"address": number, "channel": "call", "purpose": "marketing", "at": AT})
    request = urllib.request.Request(f"{url}/v1/permissions?{query}", headers={"x-api-key": "local-dialer"})
    with urllib.request.urlopen(request, timeout=10) as reply:
        return json.load(reply)["decision"]


def relationship(number):
    return json.dumps({"id": str(uuid.uuid4()), "type": "relationship.recorded", "occurred_at": "2026-11-20T12:00:00Z",
                       "source": "stack-test", "data": {"address": number, "kind": "inquiry",
                                                        "source": "inbound_call"}})


def until_allowed(url, number) -> float:
    started = time.monotonic()
    while decision(url, number) != "allow":
        if time.monotonic() - started > EFFECT_WITHIN:
            raise AssertionError(f"the lookup did not change within {EFFECT_WITHIN} s")
        time.sleep(0.05)
    return time.monotonic() - started


def test_make_run_names_the_emulator_and_its_resources(stack):
    _, _, log = stack
    output = log.read_text()
    line = next(line for line in output.splitlines() if "AWS emulator at" in line)
    for name in (local_stack.QUEUE_NAME, local_stack.DEAD_LETTER_QUEUE_NAME, local_stack.BUCKET_NAME,
                 local_stack.BUS_NAME):
        assert name in line
    assert "queue consumer polling registry-events" in output


def test_a_message_on_the_queue_changes_a_lookup_within_seconds(stack):
    url, sqs, _ = stack
    number = new_phone()
    assert decision(url, number) == "deny"
    queue = sqs.get_queue_url(QueueName=local_stack.QUEUE_NAME)["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody=relationship(number))
    until_allowed(url, number)


def test_a_poison_message_lands_in_the_dlq_and_its_batch_is_applied(stack):
    url, sqs, _ = stack
    number = new_phone()
    queue = sqs.get_queue_url(QueueName=local_stack.QUEUE_NAME)["QueueUrl"]
    dlq = sqs.get_queue_url(QueueName=local_stack.DEAD_LETTER_QUEUE_NAME)["QueueUrl"]
    poison = "{this is not an event"
    sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": "poison", "MessageBody": poison},
                                                    {"Id": "good", "MessageBody": relationship(number)}])
    until_allowed(url, number)
    letters: list[dict] = []
    deadline = time.monotonic() + EFFECT_WITHIN
    while not letters and time.monotonic() < deadline:
        letters = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=1, MessageAttributeNames=["All"]).get("Messages", [])
    (letter,) = letters
    assert letter["Body"] == poison
    assert letter["MessageAttributes"]["registry_error"]["StringValue"] == "invalid_request"
    sqs.delete_message(QueueUrl=dlq, ReceiptHandle=letter["ReceiptHandle"])
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"  # nothing held back on the queue
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


# --- the providers' formats end to end (issue 10: "Done when") ------------------------------------------

def call(url, method, path, body=None, key="local-admin", headers=None, form=None):
    data = urllib.parse.urlencode(form).encode() if form is not None else (
        json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(f"{url}{path}", data=data, method=method,
                                     headers={"x-api-key": key, "content-type": "application/json", **(headers or {})})
    if form is not None:
        request.add_header("content-type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def lookup(url, address, channel, brand="default", purpose="marketing"):
    query = urllib.parse.urlencode({"address": address, "channel": channel, "purpose": purpose, "brand": brand})
    status, body = call(url, "GET", f"/v1/permissions?{query}", key="local-dialer")
    assert status == 200, body
    return json.loads(body)


def test_an_ses_complaint_through_sns_opts_the_email_out_of_marketing_for_every_brand(stack):
    """SES -> SNS topic -> the stack's queue (moto delivers as SNS does, wrapped) -> the consumer."""
    from copy import deepcopy

    from tests.api.conftest import new_email
    from tests.provider_samples import COMPLAINT

    url, sqs, _ = stack
    sns = boto3.client("sns", endpoint_url=sqs.meta.endpoint_url, region_name="us-east-1",
                       aws_access_key_id="local", aws_secret_access_key="local")
    topic = sns.create_topic(Name=f"ses-feedback-{uuid.uuid4().hex[:8]}")["TopicArn"]
    queue = sqs.get_queue_url(QueueName=local_stack.QUEUE_NAME)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    mail = new_email()
    complaint = deepcopy(COMPLAINT)
    complaint["complaint"]["complainedRecipients"] = [{"emailAddress": mail}]
    complaint["complaint"]["feedbackId"] = str(uuid.uuid4())
    assert all(lookup(url, mail, "email", brand)["decision"] == "allow" for brand in ("acme", "default"))
    sns.publish(TopicArn=topic, Message=json.dumps(complaint))
    deadline = time.monotonic() + EFFECT_WITHIN
    while lookup(url, mail, "email", "acme")["decision"] != "deny":
        assert time.monotonic() < deadline, "the complaint did not take effect"
        time.sleep(0.05)
    for brand in ("acme", "default", "another-brand"):
        answer = lookup(url, mail, "email", brand)
        assert answer["decision"] == "deny" and "opted_out" in [r["code"] for r in answer["reasons"]]
    assert lookup(url, mail, "email", "acme", purpose="informational")["decision"] == "allow"


def test_a_signed_twilio_stop_opts_out_and_a_badly_signed_one_does_not(stack):
    from twilio.request_validator import RequestValidator

    url, _, _ = stack
    brand, token = f"stack-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    assert call(url, "PUT", f"/v1/brands/{brand}", {"twilio_auth_token": token})[0] in (200, 201)
    path = f"/webhooks/twilio/sms/{brand}"
    forged, number = new_phone(), new_phone()
    for sender, signature_token in ((forged, uuid.uuid4().hex), (number, token)):
        form = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + uuid.uuid4().hex, "From": sender,
                "To": "+15005550006", "Body": "STOP"}
        # The URL Twilio signs is the stack's configured base URL (REGISTRY_PUBLIC_BASE_URL), never a Host header.
        signature = RequestValidator(signature_token).compute_signature(f"{url}{path}", form)
        status, body = call(url, "POST", path, form=form, headers={"x-twilio-signature": signature})
        if sender == forged:
            assert status == 403, body
        else:
            assert status == 200 and body.startswith("<?xml") and "<Message>" in body, body
    assert lookup(url, number, "sms", brand)["decision"] == "deny"
    assert "opted_out" not in [r["code"] for r in lookup(url, forged, "sms", brand)["reasons"]]
