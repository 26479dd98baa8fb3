"""Replays, request ids and erasure (issue 7, items 4, 5, 8, 12, 14), through both hosts.

Every test runs twice (``both``): through the Lambda handler with API Gateway events and
through the local server's ASGI app; the two must answer alike.

- A request id is one request in the whole registry: the same id for another address is 409.
- Idempotency marks outlive erasure and hold no personal data: a replayed request after an
  erasure is a duplicate and brings nothing back; a new fact dated before the erasure is refused
  (409 ``contact_erased``); one dated after it is the person coming back.
- An erased address is taken out of every contact that linked to it.
- A write whose answer was lost, sent again by botocore, reports what it did.
"""
from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from registry.services.address_keys import contact_key
from registry.storage.table import write_connection
from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import (
    add_entries,
    assert_error,
    assert_unknown,
    clean,
    codes,
    create_list,
    history,
    noon_la_after_now,
    post,
    preferences,
    profile,
)

pytestmark = pytest.mark.dynamodb


def instant(**delta) -> str:
    """A moment relative to now (tests must pass on any date)."""
    return (datetime.now(UTC) + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def decide(api, address: str, channel: str, purpose: str = "marketing") -> dict:
    """A decision about a moment after now, inside calling hours."""
    reply = api.permission(address, channel, purpose, at=noon_la_after_now())
    assert reply.status == 200, reply.text
    return clean(reply)


def consent_body(address: str, request_id: str, occurred_at: str, **extra) -> dict:
    return {"id": request_id, "address": address, "channels": ["call"], "purposes": ["marketing"],
            "source": "web_form", "occurred_at": occurred_at,
            "evidence": {"disclosure_text": "You may call me", "ip": "203.0.113.77"}, **extra}


def erase(api, address: str) -> dict:
    reply = api.call("DELETE", f"/v1/contacts/{quoted(address)}")
    assert reply.status == 200, reply.text
    return clean(reply)


def events(api, *evs) -> list[dict]:
    reply = api.call("POST", "/v1/events", {"events": list(evs)})
    assert reply.status == 200, reply.text
    return clean(reply)["results"]


def event(type_: str, data: dict, request_id: str | None = None) -> dict:
    return {"id": request_id or str(uuid.uuid4()), "type": type_, "occurred_at": data.get("occurred_at") or instant(),
            "source": "replay-test", "data": data}


def table_items(dynamodb_client, pk: str) -> list[dict]:
    items, args = [], {"TableName": os.environ["REGISTRY_TABLE"], "KeyConditionExpression": "pk = :pk",
                       "ExpressionAttributeValues": {":pk": {"S": pk}}, "ConsistentRead": True}
    while True:
        page = dynamodb_client.query(**args)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        args["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def mark_of(dynamodb_client, request_id: str) -> dict | None:
    from registry.services.recording import mark_key
    from registry.storage import contacts as store

    key = {"pk": {"S": store.mark_pk(mark_key(request_id))}, "sk": {"S": store.MARK_SK}}
    return dynamodb_client.get_item(TableName=os.environ["REGISTRY_TABLE"], Key=key, ConsistentRead=True).get("Item")


# --- item 8: a request id is one request, whatever the address ----------------------------------

def test_a_request_id_used_for_another_address_is_a_conflict(both):
    first, second = new_phone(), new_phone()
    request_id = f"idem-{uuid.uuid4().hex}"
    body = consent_body(first, request_id, instant(days=-2))
    post(both, "/v1/consents", body, 201)
    assert_error(both.call("POST", "/v1/consents", {**body, "address": second}), 409, "conflict", "id")
    # every kind of write shares the ids: none of them can reuse it either
    for path, other in (
        ("/v1/opt-outs", {"address": second, "channels": ["call"], "purposes": ["all"], "source": "agent",
                          "occurred_at": instant(days=-1)}),
        ("/v1/relationships", {"address": second, "kind": "inquiry", "occurred_at": instant(days=-1)}),
        ("/v1/attempts", {"address": second, "channel": "call", "purpose": "marketing", "outcome": "answered",
                          "occurred_at": instant(days=-1)}),
    ):
        assert_error(both.call("POST", path, {**other, "id": request_id}), 409, "conflict", "id")
    assert_error(both.call("PUT", f"/v1/contacts/{quoted(second)}/preferences",
                               {"id": request_id, "preferred_channel": "sms"}), 409, "conflict", "id")
    (result,) = events(both, event("consent.granted", {k: v for k, v in {**body, "address": second}.items()
                                                           if k != "id"}, request_id))
    assert result["status"] == "rejected" and result["error"]["code"] == "conflict"
    assert_unknown(both, second)  # nothing was recorded for the second address
    assert decide(both, second, "call")["decision"] == "deny"
    # the id still answers as the first request, for the first address
    assert post(both, "/v1/consents", body, 200)["address"] == first


def test_an_event_id_is_one_request_across_addresses_and_with_the_endpoints(both):
    first, second = new_email(), new_email()
    complaint = event("email.complained", {"address": first})
    assert events(both, complaint)[0]["status"] == "applied"
    (again,) = events(both, {**complaint, "data": {"address": second}})
    assert again["status"] == "rejected" and again["error"]["code"] == "conflict" and again["error"]["field"] == "id"
    assert_unknown(both, second)
    # an endpoint request cannot take an event's id either
    opt_out = {"id": complaint["id"], "address": second, "channels": ["email"], "purposes": ["marketing"],
               "brand": "*", "source": "email_feedback", "occurred_at": complaint["occurred_at"]}
    assert_error(both.call("POST", "/v1/opt-outs", opt_out), 409, "conflict", "id")


# --- item 4: erasure is not undone by a replay -----------------------------------------------------

def test_a_replayed_consent_after_erasure_is_a_duplicate_and_allows_nothing(both, dynamodb_client):
    phone = new_phone()
    request_id = f"consent-{phone[1:]}"  # a client's id may hold anything, even the number
    body = consent_body(phone, request_id, instant(days=-3))
    first = post(both, "/v1/consents", body, 201)
    assert decide(both, phone, "call")["decision"] == "allow"
    erase(both, phone)
    assert "no_consent" in codes(decide(both, phone, "call"))

    replay = post(both, "/v1/consents", body, 200)  # the same request: a duplicate
    assert replay["id"] == request_id and replay["recorded_at"] == first["recorded_at"]
    (as_event,) = events(both, event("consent.granted", {k: v for k, v in body.items() if k != "id"}, request_id))
    assert as_event["status"] == "duplicate"
    changed = {**body, "channels": ["call", "sms"]}  # the id with another body: still a conflict
    assert_error(both.call("POST", "/v1/consents", changed), 409, "conflict", "id")

    decision = decide(both, phone, "call")
    assert decision["decision"] == "deny" and "no_consent" in codes(decision)
    record = profile(both, phone)
    assert record["erased"] is True and record["consents"] == []
    assert [e["type"] for e in history(both, phone)] == ["contact.erased"]

    # the mark is kept, and holds nothing personal: no address, no evidence, not the id in clear
    mark = mark_of(dynamodb_client, request_id)
    assert mark is not None
    dump = json.dumps(mark) + json.dumps(table_items(dynamodb_client, contact_key(phone)))
    for secret in (phone, phone[1:], phone[2:], "203.0.113.77", "You may call me"):
        assert secret not in dump, secret


@pytest.mark.parametrize("path, extra", [
    ("/v1/consents", {"channels": ["call"], "purposes": ["marketing"], "source": "web_form"}),
    ("/v1/relationships", {"kind": "transaction"}),
    ("/v1/attempts", {"channel": "call", "purpose": "marketing", "outcome": "answered"}),
])
def test_a_new_fact_dated_before_the_erasure_is_refused(both, path, extra):
    phone = new_phone()
    post(both, "/v1/consents", consent_body(phone, str(uuid.uuid4()), instant(days=-5)), 201)
    erased_at = erase(both, phone)["erased_at"]
    for occurred_at in (instant(days=-1), erased_at):  # before it, and at its very instant
        body = {"address": phone, "occurred_at": occurred_at, **extra}
        error = assert_error(both.call("POST", path, body), 409, "contact_erased", "occurred_at")
        assert "erased" in error["message"]
    (as_event,) = events(both, event({"/v1/consents": "consent.granted", "/v1/relationships":
                                          "relationship.recorded", "/v1/attempts": "contact.attempted"}[path],
                                         {"address": phone, "occurred_at": instant(days=-1), **extra}))
    assert as_event["status"] == "rejected" and as_event["error"]["code"] == "contact_erased"
    assert "no_consent" in codes(decide(both, phone, "call"))
    assert profile(both, phone)["erased"] is True
    assert [e["type"] for e in history(both, phone)] == ["contact.erased"]


def test_a_fact_dated_after_the_erasure_is_the_person_coming_back(both):
    phone = new_phone()
    post(both, "/v1/consents", consent_body(phone, str(uuid.uuid4()), instant(days=-5)), 201)
    erased_at = erase(both, phone)["erased_at"]
    post(both, "/v1/consents", consent_body(phone, str(uuid.uuid4()), instant(minutes=1)), 201)
    assert decide(both, phone, "call")["decision"] == "allow"
    record = profile(both, phone)
    assert record["erased"] is False and record["erased_at"] == erased_at and len(record["consents"]) == 1
    # and the erasure still stands for what was before it
    assert_error(both.call("POST", "/v1/consents", consent_body(phone, str(uuid.uuid4()), instant(days=-1))),
                 409, "contact_erased")


def test_a_late_opt_out_dated_before_the_erasure_is_kept_as_erasure_keeps_opt_outs(both, dynamodb_client):
    """A "stop" that arrives late is never refused (refusing it could leave the person reachable);
    it is kept without its note and without bringing the address back."""
    email = new_email()
    post(both, "/v1/opt-outs", {"address": email, "channels": ["email"], "purposes": ["informational"],
                                    "source": "agent", "occurred_at": instant(days=-4)}, 201)
    erase(both, email)
    assert decide(both, email, "email")["decision"] == "allow"  # email marketing needs no basis
    late = {"address": email, "channels": ["email"], "purposes": ["marketing"], "source": "agent",
            "occurred_at": instant(days=-2), "note": "Mrs Example rang to say stop"}
    post(both, "/v1/opt-outs", late, 201)
    assert "opted_out" in codes(decide(both, email, "email"))
    record = profile(both, email)
    assert record["erased"] is True and all(o["note"] is None for o in record["opt_outs"])
    dump = json.dumps(table_items(dynamodb_client, contact_key(email)))
    assert email not in dump and "Mrs Example" not in dump


def test_a_late_do_not_contact_dated_before_the_erasure_keeps_only_its_opt_out(both, dynamodb_client):
    phone = new_phone()
    post(both, "/v1/consents", consent_body(phone, str(uuid.uuid4()), instant(days=-5)), 201)
    erase(both, phone)
    request_id = str(uuid.uuid4())
    dnc = {"id": request_id, "address": phone, "channel": "call", "purpose": "marketing",
           "occurred_at": instant(days=-2), "outcome": "answered", "disposition": "do_not_contact"}
    post(both, "/v1/attempts", dnc, 201)
    decision = decide(both, phone, "call", "informational")
    assert decision["decision"] == "deny" and "opted_out" in codes(decision)
    record = profile(both, phone)
    assert record["erased"] is True and record["recent_attempts"] == []  # the attempt itself is not kept
    assert [(o["source"], o["note"]) for o in record["opt_outs"]] == [("dialer", None)]
    assert [e["type"] for e in history(both, phone)] == ["opt_out.recorded", "contact.erased"]  # by occurred_at
    assert post(both, "/v1/attempts", dnc, 200)["id"] == request_id  # a repeat is a duplicate
    assert phone not in json.dumps(table_items(dynamodb_client, contact_key(phone)))


# --- item 5: an erased address is taken out of the contacts that linked to it ------------------

def test_erasing_a_linked_phone_removes_it_from_the_email_that_linked_it(both, dynamodb_client):
    email, phone, other = new_email(), new_phone(), new_phone()
    post(both, "/v1/consents", consent_body(phone, str(uuid.uuid4()), instant(days=-3)), 201)
    request_id = f"prefs-{uuid.uuid4().hex}"
    preferences(both, email, linked_addresses=[phone, other], preferred_channel="email", id=request_id)
    (linked_event,) = events(both, event("preferences.updated", {"address": email, "timezone": "Europe/Paris",
                                                                     "linked_addresses": [phone, other]}))
    assert linked_event["status"] == "applied"
    page = clean(both.call("POST", "/v1/preference-links", {"address": email}))
    path = page["url"].split("://", 1)[1].partition("/")[2]
    assert f"ending in {phone[-4:]}" in both.call("GET", "/" + path, key=None).text
    assert phone in json.dumps(profile(both, email)) and phone in json.dumps(history(both, email))

    erase(both, phone)

    record = profile(both, email)
    assert record["linked_addresses"] == [other] and record["preferences"]["linked_addresses"] == [other]
    assert record["preferences"]["preferred_channel"] == "email"  # the rest of the email's record stays
    entries = history(both, email)
    assert phone not in json.dumps(entries) and other in json.dumps(entries)
    assert entries[-1]["type"] == "preferences.updated" and entries[-1]["data"]["preferences"] == {
        "linked_addresses": [other]}
    text = both.call("GET", "/" + path, key=None).text
    assert f"ending in {phone[-4:]}" not in text and f"ending in {other[-4:]}" in text
    # nowhere in the email's partition, nor in the mark of the request that linked it
    dump = json.dumps(table_items(dynamodb_client, contact_key(email))) + json.dumps(mark_of(dynamodb_client,
                                                                                             request_id))
    for secret in (phone, phone[1:], phone[2:]):
        assert secret not in dump, secret
    # a repeat of the request that linked it is a duplicate: it does not link it again
    preferences(both, email, 200, linked_addresses=[phone, other], preferred_channel="email", id=request_id)
    assert profile(both, email)["linked_addresses"] == [other]
    # the phone keeps no pointer to who linked it
    assert not [i for i in table_items(dynamodb_client, contact_key(phone)) if i["sk"]["S"].startswith("R#")]


def test_an_address_known_only_as_a_link_can_be_erased(both, dynamodb_client):
    email, phone = new_email(), new_phone()
    preferences(both, email, linked_addresses=[phone])
    assert_error(both.call("GET", f"/v1/contacts/{quoted(phone)}"), 404, "not_found")
    erase(both, phone)  # the registry holds it, in the email's record: it can be erased
    assert profile(both, email)["linked_addresses"] == []
    assert phone not in json.dumps(history(both, email))
    assert phone not in json.dumps(table_items(dynamodb_client, contact_key(email)))


def test_unlinking_and_erasing_the_linking_contact_leave_no_pointer(both, dynamodb_client):
    email, phone, kept = new_email(), new_phone(), new_phone()
    preferences(both, email, linked_addresses=[phone, kept])

    def pointers(address: str) -> list[str]:
        return [i["sk"]["S"] for i in table_items(dynamodb_client, contact_key(address))
                if i["sk"]["S"].startswith("R#")]

    linked_from_email = "R#" + contact_key(email)
    assert pointers(phone) == [linked_from_email] == pointers(kept)
    preferences(both, email, linked_addresses=[kept])
    assert pointers(phone) == [] and pointers(kept) == [linked_from_email]
    erase(both, email)
    assert pointers(kept) == []


# --- item 12: a write whose answer was lost reports what it did ---------------------------------

def test_a_first_write_whose_answer_was_lost_is_reported_as_created(both, faults):
    phone, email = new_phone(), new_email()
    lost = faults.response_lost(write_connection(), "TransactWriteItems", times=1)
    body = consent_body(phone, str(uuid.uuid4()), instant(days=-1))
    record = post(both, "/v1/consents", body, 201)  # not 200: this request recorded it
    assert lost.count == 1
    assert post(both, "/v1/consents", body, 200) == record  # the caller's own retry is the duplicate
    assert len(history(both, phone)) == 1

    faults.clear()
    lost = faults.response_lost(write_connection(), "TransactWriteItems", times=1)
    (result,) = events(both, event("email.complained", {"address": email}))
    assert lost.count == 1 and result["status"] == "applied"


def test_new_list_entries_whose_answers_were_lost_are_counted_as_added(both, faults):
    """The 40 entries are one transaction (fifty to a transaction). Its answer is lost on every try
    botocore makes (each try was applied or found the first one applied), so the entries are tried
    again as the same changes: each applied entry still counts as added, once."""
    name = create_list(both, "internal")
    numbers = [new_phone() for _ in range(40)]
    lost = faults.response_lost(write_connection(), "TransactWriteItems", times=3)
    result = add_entries(both, name, add=numbers)
    assert lost.count == 3
    assert (result["added"], result["unchanged"]) == (40, 0)
    for number in numbers[:3] + numbers[-3:]:
        assert [e["type"] for e in history(both, number)] == ["suppression.added"]
    faults.clear()
    assert add_entries(both, name, add=numbers)["unchanged"] == 40  # a real repeat is unchanged


# --- item 14: contradictory requests are refused ------------------------------------------------

def test_adding_and_removing_one_number_in_one_request_is_a_400(both):
    name = create_list(both, "internal")
    number, other = new_phone(), new_phone()
    local_spelling = f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    reply = both.call("POST", f"/v1/suppression-lists/{name}/entries", {"add": [other, number],
                                                                            "remove": [local_spelling]})
    assert_error(reply, 400, "invalid_request", "remove[0]")
    assert_unknown(both, number)
    assert_unknown(both, other)  # nothing of the request was applied


def test_an_event_whose_two_times_differ_is_rejected(both):
    number = new_phone()
    ev = event("consent.granted", {"address": number, "channels": ["sms"], "purposes": ["marketing"],
                                   "source": "web_form", "occurred_at": instant(days=-2)})
    ev["occurred_at"] = instant(days=-1)
    (result,) = events(both, ev)
    assert result["status"] == "rejected"
    assert result["error"]["code"] == "invalid_request" and result["error"]["field"] == "data.occurred_at"
    assert_unknown(both, number)
    # a bad address is named first, as the endpoint would (the shared acceptance suite relies on it)
    (result,) = events(both, {**ev, "data": {**ev["data"], "address": "not-a-number"}})
    assert result["error"]["code"] == "invalid_address"
