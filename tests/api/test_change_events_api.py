"""Change events out (contract rev. 2, Events): facts recorded through the API, the records the
table's stream would carry for them (the STATE item before and after each write), and the
publisher's Lambda handler putting ``contact.permissions.changed`` on the bus. A rule on the bus
sends what arrives to an SQS queue, read back here, as a dialer's cache would subscribe."""
from __future__ import annotations

import itertools
import json
import time
import uuid
from typing import Any

import pytest

from registry.handlers.change_events import lambda_handler
from registry.services.address_keys import contact_key
from registry.storage import event_bus
from tests.api.conftest import LambdaContext, new_email, new_phone, quoted
from tests.api.helpers import add_entries, attempt, consent, create_list, opt_out

pytestmark = pytest.mark.dynamodb

EVIDENCE = {"ip": "198.51.100.77", "user_agent": "evidence-marker-agent", "form_url": "https://example.com/evidence-form"}
_sequence = itertools.count(1000)


class Stream:
    """The records of the table's stream for the writes a test makes, built as DynamoDB builds them:
    the contact's STATE item before and after each write (NEW_AND_OLD_IMAGES)."""

    def __init__(self, client, table: str) -> None:
        self.client, self.table = client, table
        self.records: list[dict[str, Any]] = []

    def image(self, address: str) -> dict[str, Any] | None:
        key = {"pk": {"S": contact_key(address)}, "sk": {"S": "STATE"}}
        return self.client.get_item(TableName=self.table, Key=key, ConsistentRead=True).get("Item")

    def write(self, address: str, do) -> Any:
        old = self.image(address)
        result = do()
        new = self.image(address)
        assert new is not None
        change: dict[str, Any] = {"Keys": {"pk": new["pk"], "sk": new["sk"]}, "NewImage": new,
                                  "SequenceNumber": str(next(_sequence)), "StreamViewType": "NEW_AND_OLD_IMAGES",
                                  "ApproximateCreationDateTime": time.time()}
        if old is not None:
            change["OldImage"] = old
        self.records.append({"eventID": uuid.uuid4().hex, "eventName": "MODIFY" if old else "INSERT",
                             "eventSource": "aws:dynamodb", "eventVersion": "1.1", "awsRegion": "us-east-1",
                             "dynamodb": change})
        return result

    def take(self) -> list[dict[str, Any]]:
        taken, self.records = self.records, []
        return taken


def handle(records: list[dict[str, Any]]) -> list[str]:
    answer = lambda_handler({"Records": records}, LambdaContext())
    return [failure["itemIdentifier"] for failure in answer["batchItemFailures"]]


def sequences(records: list[dict[str, Any]]) -> list[str]:
    return [r["dynamodb"]["SequenceNumber"] for r in records]


class Calls:
    """The bus client as the publisher uses it, with every PutEvents call recorded; ``fail``: entry
    numbers (over the test, from 0) EventBridge refuses, as a partial failure answers them."""

    def __init__(self, client) -> None:
        self.client = client
        self.calls: list[list[dict[str, Any]]] = []
        self.fail: set[int] = set()
        self.raise_on_call: int | None = None
        self._entries = 0

    def put_events(self, Entries):  # noqa: N803 - boto3's spelling
        number = len(self.calls)
        self.calls.append(Entries)
        if self.raise_on_call == number:
            raise ConnectionError("the bus could not be reached")
        results: list[dict[str, Any] | None] = []
        forwarded = []
        for entry in Entries:
            if self._entries in self.fail:
                results.append({"ErrorCode": "InternalFailure", "ErrorMessage": "try again"})
            else:
                results.append(None)
                forwarded.append(entry)
            self._entries += 1
        answer = self.client.put_events(Entries=forwarded) if forwarded else {"Entries": []}
        published = iter(answer["Entries"])
        return {"FailedEntryCount": sum(1 for r in results if r),
                "Entries": [r if r else next(published) for r in results]}

    def details(self) -> list[dict[str, Any]]:
        return [json.loads(e["Detail"]) for call in self.calls for e in call]


@pytest.fixture
def stream(dynamodb_client, dynamodb_table):
    return Stream(dynamodb_client, dynamodb_table)


@pytest.fixture
def bus(rule_queue, monkeypatch):
    """A bus of the test's own, a rule on it that sends change events to a queue (as a dialer's
    cache would subscribe), and the client the publisher uses, recorded."""
    ruled = rule_queue("contact.permissions.changed")
    calls = Calls(ruled.events)
    monkeypatch.setattr(event_bus, "_client", lambda: calls)
    calls.received = ruled.received  # type: ignore[attr-defined]
    return calls


def test_an_opt_out_reaches_a_rule_on_the_bus_with_each_scope_before_and_after(api, stream, bus):
    phone = new_phone()
    given = stream.write(phone, lambda: consent(api, phone, ("call",), ("marketing",), brand="acme",
                                                evidence=EVIDENCE))
    stopped = stream.write(phone, lambda: opt_out(api, phone, ("call",), ("marketing",), brand="acme"))

    assert handle(stream.take()) == []

    events = bus.received(2)
    assert [e["detail-type"] for e in events] == ["contact.permissions.changed"] * 2
    assert {e["source"] for e in events} == {"contact-registry"}
    first, second = (e["detail"] for e in events)
    assert first["cause"] == {"type": "consent.granted", "id": given["id"]}
    assert second == {
        "address": phone, "brand": "acme",
        "changes": [{"channel": "call", "purpose": "marketing",
                     "before": {"status": "consented", "reasons": [], "written_consent": False},
                     "after": {"status": "opted_out", "reasons": ["opted_out", "no_consent"],
                               "written_consent": False}}],
        "cause": {"type": "opt_out.recorded", "id": stopped["id"]},
        "occurred_at": "2026-11-29T12:00:00Z", "recorded_at": stopped["recorded_at"]}
    # never evidence: not the consent's, not in any event
    text = json.dumps(events)
    assert all(marker not in text for marker in EVIDENCE.values())


def test_an_attempt_that_changes_nothing_publishes_nothing(api, stream, bus):
    phone = new_phone()
    consent(api, phone, ("call",), ("marketing",))
    stream.write(phone, lambda: attempt(api, phone, "call", "marketing"))
    assert handle(stream.take()) == []
    assert bus.calls == []


def test_a_list_membership_is_a_change_for_every_brand(api, stream, bus):
    email = new_email()
    name = create_list(api, "internal")
    stream.write(email, lambda: add_entries(api, name, add=[email]))
    assert handle(stream.take()) == []
    (detail,) = bus.details()
    assert detail["address"] == email and detail["brand"] == "*"
    assert detail["cause"]["type"] == "suppression.added"
    assert {(c["channel"], c["purpose"]) for c in detail["changes"]} == {("email", "marketing"),
                                                                         ("email", "informational")}
    assert all("on_suppression_list" in c["after"]["reasons"] for c in detail["changes"])


def test_an_erasure_names_the_address_it_had_once_and_every_brand(api, stream, bus):
    phone = new_phone()
    consent(api, phone, ("sms",), ("informational",), brand="acme", evidence=EVIDENCE)
    reply = stream.write(phone, lambda: api.call("DELETE", f"/v1/contacts/{quoted(phone)}"))
    assert reply.status == 200, reply.text
    assert handle(stream.take()) == []
    details = bus.details()
    assert [d["brand"] for d in details] == ["*", "acme"]
    assert {d["address"] for d in details} == {phone}
    assert {d["cause"]["type"] for d in details} == {"contact.erased"}
    (acme,) = details[1]["changes"]
    assert (acme["before"]["status"], acme["after"]["status"]) == ("consented", "none")
    assert all(marker not in json.dumps(details) for marker in EVIDENCE.values())


def test_a_failed_entry_stops_the_batch_there_and_reports_it_and_every_later_record(api, stream, bus):
    first, second, third = new_phone(), new_phone(), new_phone()
    for phone in (first, second, third):
        stream.write(phone, lambda p=phone: opt_out(api, p, ("sms",), ("all",), brand="acme"))
    stream.write(first, lambda: opt_out(api, first, ("call",), ("all",), brand="acme"))  # the first's second change
    records = stream.take()
    bus.fail = {1}  # the second contact's event is refused

    failed = handle(records)

    assert failed == sequences(records[1:])  # Lambda checkpoints before it and sends it and the rest again
    # One call: the three contacts' first events. The first contact's second change was not sent
    # (it would overtake nothing of its own contact, but Lambda sends it again anyway).
    assert [[json.loads(e["Detail"])["address"] for e in call] for call in bus.calls] == [[first, second, third]]

    # Lambda sends the failed records again: now all is published, each contact's in order.
    bus.fail = set()
    assert handle(records[1:]) == []
    events = bus.received(5)
    by_contact: dict[str, list[str]] = {}
    for event in events:
        by_contact.setdefault(event["detail"]["address"], []).append(event["detail"]["cause"]["id"])
    assert [len(by_contact[p]) for p in (first, second)] == [2, 1]
    first_ids = by_contact[first]
    assert first_ids[0] != first_ids[1]  # the sms opt-out, then the call opt-out: in order
    assert len(by_contact[third]) == 2 and len(set(by_contact[third])) == 1  # published twice: at least once


def test_a_bus_that_cannot_be_reached_fails_the_record_of_the_call_and_every_later_one(api, stream, bus):
    phones = [new_phone() for _ in range(3)]
    for phone in phones:
        stream.write(phone, lambda p=phone: opt_out(api, p, ("call",), ("all",), brand="acme"))
    stream.write(phones[0], lambda: opt_out(api, phones[0], ("sms",), ("all",), brand="acme"))
    records = stream.take()
    bus.raise_on_call = 1  # the second call: the first contact's second event

    assert handle(records) == sequences(records[3:])
    assert len(bus.calls) == 2
    assert len(bus.received(3)) == 3


def test_no_two_events_of_one_contact_share_a_call(api, stream, bus):
    phone = new_phone()
    stream.write(phone, lambda: opt_out(api, phone, ("sms",), ("all",), brand="acme"))
    stream.write(phone, lambda: opt_out(api, phone, ("call",), ("all",), brand="acme"))
    assert handle(stream.take()) == []
    assert [len(call) for call in bus.calls] == [1, 1]


def test_an_unreadable_record_stops_the_batch_there(api, stream, bus):
    good, bad, later = new_phone(), new_phone(), new_phone()
    for phone in (good, bad, later):
        stream.write(phone, lambda p=phone: opt_out(api, p, ("call",), ("all",), brand="acme"))
    records = stream.take()
    records[1]["dynamodb"]["NewImage"]["state"] = {"S": "{not json"}

    assert handle(records) == sequences(records[1:])
    assert [d["address"] for d in bus.details()] == [good]


def test_records_of_other_items_are_passed_over(api, stream, bus):
    phone = new_phone()
    stream.write(phone, lambda: opt_out(api, phone, ("call",), ("all",)))
    (record,) = stream.take()
    history = json.loads(json.dumps(record))
    history["dynamodb"]["Keys"]["sk"] = {"S": "H#2026-11-29"}
    removed = json.loads(json.dumps(record))
    removed["eventName"] = "REMOVE"
    assert handle([history, removed]) == []
    assert bus.calls == []
