"""The events queue's consumer (handlers.queue_consumer) through its Lambda handler, on moto: the
same event code as POST /v1/events, partial batch failures, the dead-letter queue."""
from __future__ import annotations

import base64
import json
import os
import uuid

import boto3
import pytest

from registry.handlers.queue_consumer import lambda_handler
from registry.services.address_keys import contact_key
from registry.storage.table import write_connection
from tests.api.conftest import LambdaContext, new_email, new_phone
from tests.api.helpers import codes, consent, decide, history
from tests.api.queue_events import drain as drain_queue
from tests.api.queue_events import envelope, failed_ids, record, sqs_event

pytestmark = pytest.mark.dynamodb


def consume(*records):
    return lambda_handler(sqs_event(*records), LambdaContext())


def relationship(number, **extra):
    return envelope("relationship.recorded", {"address": number, "kind": "inquiry",
                                              "occurred_at": "2026-11-20T12:00:00Z", "source": "inbound_call"}, **extra)


@pytest.fixture
def sqs(aws_endpoint):
    return boto3.client("sqs", endpoint_url=aws_endpoint, region_name=os.environ["AWS_DEFAULT_REGION"])


@pytest.fixture
def dlq(sqs, configure):
    """A dead-letter queue of this test's own, configured as the consumer's."""
    url = sqs.create_queue(QueueName=f"consumer-dlq-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    configure(REGISTRY_EVENTS_DEAD_LETTER_QUEUE_URL=url)
    yield url
    sqs.delete_queue(QueueUrl=url)


def dead_letters(sqs, url, expect=None):
    return drain_queue(sqs, url, expect)


def test_a_message_applies_its_event_and_changes_the_lookup(api, dlq, sqs):
    number = new_phone()
    assert "no_consent" in codes(decide(api, number, "call"))
    ev = relationship(number)
    assert failed_ids(consume(record(ev))) == []
    assert decide(api, number, "call")["decision"] == "allow"
    (entry,) = history(api, number)
    assert entry["id"] == ev["id"] and entry["type"] == "relationship.recorded"
    assert entry["actor"] == "events-queue"
    assert dead_letters(sqs, dlq) == []


def test_the_same_event_again_is_a_success_and_recorded_once(api, dlq, sqs):
    number = new_phone()
    ev = relationship(number)
    assert failed_ids(consume(record(ev))) == []
    assert failed_ids(consume(record(ev), record(ev))) == []  # redelivered, and sent twice
    assert len(history(api, number)) == 1
    assert dead_letters(sqs, dlq) == []


def test_an_event_over_the_queue_is_read_as_the_endpoint_reads_it(api, dlq, sqs):
    """One path: a complaint over the queue opts the email out of marketing for every brand, as
    POST /v1/events does."""
    mail = new_email()
    consume(record(envelope("email.complained", {"address": mail})))
    decision = decide(api, mail, "email", brand="acme")
    assert decision["decision"] == "deny" and "opted_out" in codes(decision)
    assert decide(api, mail, "email", purpose="informational", brand="acme")["decision"] == "allow"


POISON = {
    "not JSON": "{not json",
    "not an object": json.dumps([1, 2]),
    "no type": json.dumps({"id": "x1", "occurred_at": "2026-11-29T12:00:00Z", "source": "s", "data": {}}),
    "unknown type": json.dumps({"id": "x2", "type": "contact.teleported", "occurred_at": "2026-11-29T12:00:00Z",
                                "source": "s", "data": {}}),
    "invalid data": json.dumps({"id": "x3", "type": "relationship.recorded", "occurred_at": "2026-11-20T12:00:00Z",
                                "source": "s", "data": {"address": "not-a-number", "kind": "inquiry",
                                                        "source": "inbound_call"}}),
}


def test_unreadable_messages_go_to_the_dlq_at_once_and_the_rest_of_the_batch_is_applied(api, dlq, sqs):
    number = new_phone()
    good = relationship(number)
    poison = {name: record(body, attributes={"origin": {"stringValue": "crm", "dataType": "String"}})
              for name, body in POISON.items()}
    response = consume(*poison.values(), record(good))
    assert failed_ids(response) == []  # each unreadable one dead-lettered, none held for redelivery
    assert decide(api, number, "call")["decision"] == "allow"

    letters = dead_letters(sqs, dlq, expect=len(POISON))
    assert sorted(m["Body"] for m in letters) == sorted(POISON.values())  # as they came
    reasons = {m["MessageAttributes"]["registry_source_message_id"]["StringValue"]:
               (m["MessageAttributes"]["registry_error"]["StringValue"],
                m["MessageAttributes"].get("registry_field", {}).get("StringValue")) for m in letters}
    assert reasons == {
        poison["not JSON"]["messageId"]: ("invalid_request", "body"),
        poison["not an object"]["messageId"]: ("invalid_request", None),
        poison["no type"]["messageId"]: ("invalid_request", "type"),
        poison["unknown type"]["messageId"]: ("invalid_request", "type"),
        poison["invalid data"]["messageId"]: ("invalid_address", "data.address"),
    }
    for letter in letters:
        attributes = letter["MessageAttributes"]
        assert attributes["origin"]["StringValue"] == "crm"  # the message's own attributes kept
        assert attributes["registry_source_queue"]["StringValue"].endswith(":registry-events")


def test_an_id_used_for_another_fact_is_a_conflict_and_dead_lettered(api, dlq, sqs):
    first = relationship(new_phone())
    other = relationship(new_phone(), id_=first["id"])
    message = record(other)
    assert failed_ids(consume(record(first), message)) == []
    (letter,) = dead_letters(sqs, dlq, expect=1)
    assert letter["MessageAttributes"]["registry_error"]["StringValue"] == "conflict"
    assert letter["MessageAttributes"]["registry_source_message_id"]["StringValue"] == message["messageId"]


def test_binary_attributes_reach_the_dlq_unchanged(dlq, sqs):
    payload = b"\x00\x01binary"
    consume(record("nope", attributes={"blob": {"binaryValue": base64.b64encode(payload).decode(),
                                                "dataType": "Binary"}}))
    (letter,) = dead_letters(sqs, dlq, expect=1)
    assert letter["MessageAttributes"]["blob"]["BinaryValue"] == payload


def test_without_a_dlq_an_unreadable_message_is_left_to_the_redrive_policy(api, configure, sqs):
    """No dead-letter queue configured (or it cannot be written): the message is a batch item
    failure, so the queue's redrive policy moves it to the DLQ after maxReceiveCount receives;
    the good one is applied all the same."""
    configure(REGISTRY_EVENTS_DEAD_LETTER_QUEUE_URL=None)
    number = new_phone()
    poison = record("{not json")
    assert failed_ids(consume(poison, record(relationship(number)))) == [poison["messageId"]]
    assert decide(api, number, "call")["decision"] == "allow"


def test_a_dlq_that_cannot_be_written_leaves_the_message_on_its_queue(api, configure, aws_endpoint):
    configure(REGISTRY_EVENTS_DEAD_LETTER_QUEUE_URL=f"{aws_endpoint}/123456789012/no-such-queue-{uuid.uuid4().hex}")
    poison = record("{not json")
    assert failed_ids(consume(poison)) == [poison["messageId"]]


@pytest.mark.parametrize("fault", ["throttled", "server_error"])
def test_throttling_is_a_batch_item_failure_never_a_drop(fault, api, dlq, sqs, faults, contact_items):
    """DynamoDB throttles every write: the message is reported failed (SQS delivers it again), not
    dead-lettered, and nothing of it is written; delivered again later, it is applied."""
    number, other = new_phone(), new_phone()
    ev = relationship(number)
    message = record(ev)
    inject = faults.throttle if fault == "throttled" else faults.server_error
    calls = inject(write_connection(), "TransactWriteItems")
    response = consume(message, record("{not json"))
    assert failed_ids(response) == [message["messageId"]]
    assert calls.count >= 1
    assert contact_items(contact_key(number)) == {}  # nothing half-written
    assert len(dead_letters(sqs, dlq, expect=1)) == 1  # only the unreadable one

    faults.clear()
    response = consume(record(ev, message_id=message["messageId"], receives=2), record(relationship(other)))
    assert failed_ids(response) == []
    assert decide(api, number, "call")["decision"] == "allow"
    assert decide(api, other, "call")["decision"] == "allow"


def test_a_batch_where_every_message_fails_reports_each_one(api, dlq, faults):
    faults.throttle(write_connection(), "TransactWriteItems")
    messages = [record(relationship(new_phone())) for _ in range(3)]
    assert sorted(failed_ids(consume(*messages))) == sorted(m["messageId"] for m in messages)


def test_logs_name_the_message_and_event_never_the_address(api, dlq, logs):
    number, mail = new_phone(), new_email()
    good = relationship(number)
    bad = json.dumps({"id": "x9", "type": "email.bounced", "occurred_at": "2026-11-29T12:00:00Z", "source": "s",
                      "data": {"address": number, "bounce_type": "permanent"}})  # a phone: channel mismatch
    message, poison = record(good), record(bad)
    logs.take_text()
    consume(message, poison, record(envelope("email.complained", {"address": mail})))
    lines = logs.take_text()
    text = "\n".join(lines)
    assert number not in text and number[2:] not in text and mail not in text
    parsed = [json.loads(line) for line in lines]
    assert any(p.get("message_id") == message["messageId"] for p in parsed)
    assert any(p.get("id") == good["id"] and p.get("type") == "relationship.recorded" for p in parsed)
    (dead,) = [p for p in parsed if p.get("message_id") == poison["messageId"]]
    assert dead["error"] == "channel_address_mismatch"


def test_the_http_route_still_answers_per_event(api):
    """POST /v1/events goes through the same intake: a rejected event is that event's result."""
    number = new_phone()
    consent(api, number)
    reply = api.call("POST", "/v1/events", {"events": [relationship(number), "nope"]})
    assert reply.status == 200, reply.text
    assert [r["status"] for r in reply.json()["results"]] == ["applied", "rejected"]


# --- Amazon SES notifications on the queue (SNS -> SQS, wrapped or raw message delivery) --------------------

def _ses(sample: dict, recipients_key: str, part: str, *addresses: str) -> dict:
    from copy import deepcopy
    ses = deepcopy(sample)
    ses[part][recipients_key] = [{"emailAddress": a} for a in addresses]
    ses[part]["feedbackId"] = str(uuid.uuid4())
    return ses


def _wrapped(ses: dict) -> dict:
    """As SNS delivers to an SQS subscription without raw message delivery."""
    from tests.provider_samples import SNS_NOTIFICATION
    return {**SNS_NOTIFICATION, "MessageId": str(uuid.uuid4()), "Message": json.dumps(ses)}


def test_an_ses_complaint_wrapped_by_sns_opts_the_email_out_of_marketing_for_every_brand(api, dlq, sqs):
    from tests.provider_samples import COMPLAINT
    mail = new_email()
    message = record(_wrapped(_ses(COMPLAINT, "complainedRecipients", "complaint", mail)))
    assert failed_ids(consume(message)) == []
    for brand in ("acme", "default"):
        decision = decide(api, mail, "email", brand=brand)
        assert decision["decision"] == "deny" and "opted_out" in codes(decision)
    assert decide(api, mail, "email", purpose="informational")["decision"] == "allow"
    (entry,) = history(api, mail)
    assert entry["type"] == "opt_out.recorded" and entry["id"].startswith("ses-complaint:")  # a complaint is an opt-out
    assert failed_ids(consume(message)) == [] and len(history(api, mail)) == 1  # SNS's redelivery: a duplicate
    assert dead_letters(sqs, dlq) == []


def test_a_raw_ses_bounce_makes_each_recipient_undeliverable(api, dlq, sqs):
    from tests.provider_samples import BOUNCE_WITHOUT_DSN
    first, second = new_email(), new_email()
    assert failed_ids(consume(record(_ses(BOUNCE_WITHOUT_DSN, "bouncedRecipients", "bounce", first, second)))) == []
    for mail in (first, second):
        assert "undeliverable" in codes(decide(api, mail, "email", purpose="informational"))
    assert dead_letters(sqs, dlq) == []


def test_an_ses_delivery_or_subscription_message_is_done_with_and_changes_nothing(api, dlq, sqs):
    from tests.provider_samples import DELIVERY, SNS_SUBSCRIPTION_CONFIRMATION
    assert failed_ids(consume(record(_wrapped(DELIVERY)), record(SNS_SUBSCRIPTION_CONFIRMATION))) == []
    assert dead_letters(sqs, dlq) == []


def test_an_unreadable_ses_notification_goes_to_the_dlq(api, dlq, sqs):
    from tests.provider_samples import COMPLAINT
    broken = _ses(COMPLAINT, "complainedRecipients", "complaint")
    broken["complaint"]["complainedRecipients"] = [{"emailAddress": 42}]
    bodies = [json.dumps(_wrapped(broken)), json.dumps({**_wrapped(broken), "Message": "{not json"})]
    assert failed_ids(consume(*(record(b) for b in bodies))) == []
    letters = dead_letters(sqs, dlq, expect=2)
    assert sorted(m["Body"] for m in letters) == sorted(bodies)
    assert {m["MessageAttributes"]["registry_error"]["StringValue"] for m in letters} == {"invalid_request"}
