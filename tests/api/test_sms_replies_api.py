"""SMS replies, the confirmation text and double opt-in (CONTRACT.md rev. 2), through both hosts."""
from __future__ import annotations

import urllib.parse
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import assert_error, clean, codes, consent, decide, history, post, profile, unique

pytestmark = pytest.mark.dynamodb

C = "opt_out_confirmation"


def reply(api, number, body, to="+14155550000", occurred_at="2026-11-25T12:00:00Z", **data):
    event = {"id": str(uuid.uuid4()), "type": "sms.inbound", "occurred_at": occurred_at, "source": "api-test",
             "data": {"from": number, "to": to, "body": body, **data}}
    answer = api.call("POST", "/v1/events", {"events": [event]})
    assert answer.status == 200, answer.text
    return clean(answer)["results"][0]


def now_text(delta=timedelta()) -> str:
    return (datetime.now(UTC) + delta).strftime("%Y-%m-%dT%H:%M:%SZ")


def confirmation_lookup(api, number, at=None, brand=None, channel="sms"):
    query = {"address": number, "channel": channel, "purpose": C}
    if at:
        query["at"] = at
    if brand:
        query["brand"] = brand
    return api.call("GET", "/v1/permissions?" + urllib.parse.urlencode(query), key="dialer")


def test_the_contracts_examples(both):
    for body in ("STOP.", "Stop please", "please stop texting me", "STOP!!! 🛑", "OPT-OUT"):
        number = new_phone()
        consent(both, number, ["sms"], ["informational"], occurred_at="2026-11-20T12:00:00Z")
        result = reply(both, number, body)
        assert result["status"] == "applied" and result["action"] == "opted_out", (body, result)
        assert "opted_out" in codes(decide(both, number, "sms", purpose="informational")), body
    number = new_phone()
    consent(both, number, ["sms"], ["informational"])
    assert reply(both, number, "I'll be stopping by at noon")["action"] == "none"
    assert decide(both, number, "sms", purpose="informational")["decision"] == "allow"


def test_the_confirmation_text_is_allowed_once_until_send_by_whatever_the_hour(both):
    number = new_phone()
    consent(both, number, ["sms"], ["marketing", "informational"], occurred_at="2026-11-20T12:00:00Z")
    result = reply(both, number, "STOP")
    send_by = result["confirmation"]["send_by"]
    # now: allowed, though the person just opted out (and whatever the hour is in their zone)
    answer = clean(confirmation_lookup(both, number))
    assert answer["decision"] == "allow" and answer["purpose"] == C and answer["reasons"] == []
    assert "opted_out" in codes(decide(both, number, "sms", purpose="informational", at=now_text()))
    # just before send_by: still; after it: never
    assert clean(confirmation_lookup(both, number, at=send_by))["decision"] == "allow"
    late = (datetime.fromisoformat(send_by.replace("Z", "+00:00")) + timedelta(seconds=1)).isoformat()
    after = clean(confirmation_lookup(both, number, at=late))
    assert after["decision"] == "deny" and codes(after) == ["opted_out"]
    # one text: after an attempt with that purpose, never again
    post(both, "/v1/attempts", {"address": number, "channel": "sms", "purpose": C, "occurred_at": now_text(),
                                "outcome": "delivered"})
    again = clean(confirmation_lookup(both, number))
    assert again["decision"] == "deny" and codes(again) == ["opted_out"] and "already sent" in again["reasons"][0]["message"]


def test_a_confirmation_needs_an_opt_out_and_is_a_text(both):
    number = new_phone()
    consent(both, number, ["sms"], ["marketing"])
    answer = clean(confirmation_lookup(both, number))
    assert answer["decision"] == "deny" and codes(answer) == ["no_consent"]
    assert_error(confirmation_lookup(both, number, channel="call"), 400, "invalid_request", "channel")
    assert_error(confirmation_lookup(both, new_email(), channel="email"), 400, "invalid_request", "channel")
    attempt = both.call("POST", "/v1/attempts", {"address": number, "channel": "call", "purpose": C,
                                                 "occurred_at": "2026-11-25T12:00:00Z", "outcome": "answered"})
    assert_error(attempt, 400, "invalid_request", "channel")
    batch = both.call("POST", "/v1/permissions/batch", {"channel": "sms", "purpose": C, "addresses": [number]},
                      key="dialer")
    assert clean(batch)["results"][0]["decision"] == "deny"


def test_opt_out_confirmation_is_no_purpose_of_a_consent_or_an_opt_out(both):
    number = new_phone()
    for path, body in (("/v1/consents", {"channels": ["sms"], "purposes": [C], "source": "web_form"}),
                       ("/v1/opt-outs", {"channels": ["sms"], "purposes": [C], "source": "agent"})):
        reply_ = both.call("POST", path, {"address": number, "occurred_at": "2026-11-25T12:00:00Z", **body})
        assert_error(reply_, 400, "invalid_request", "purposes[0]")


def test_an_opt_out_from_the_api_carries_the_confirmation_when_the_person_made_it(both):
    number = new_phone()
    body = {"address": number, "channels": ["sms"], "purposes": ["all"], "source": "agent",
            "occurred_at": "2026-11-25T12:00:00Z", "id": f"oo-{uuid.uuid4().hex}"}
    first = post(both, "/v1/opt-outs", body)
    assert first["confirmation"]["text"] and first["confirmation"]["send_by"]
    recorded = datetime.fromisoformat(first["recorded_at"].replace("Z", "+00:00"))
    assert datetime.fromisoformat(first["confirmation"]["send_by"].replace("Z", "+00:00")) == recorded + timedelta(
        minutes=5)
    assert post(both, "/v1/opt-outs", body, status=200)["confirmation"] == first["confirmation"]  # the same id again
    assert clean(confirmation_lookup(both, number))["decision"] == "allow"
    # not for an opt-out a CRM reports, nor for calls only, nor for an email
    for other in ({"source": "crm"}, {"channels": ["call"]}):
        assert "confirmation" not in post(both, "/v1/opt-outs", {**body, "id": None, **other,
                                                                  "address": new_phone()})
    assert "confirmation" not in post(both, "/v1/opt-outs", {**body, "id": None, "channels": ["email"],
                                                              "address": new_email()})


def test_an_opt_out_event_carries_it_too(both):
    number = new_phone()
    event = {"id": str(uuid.uuid4()), "type": "opt_out.recorded", "occurred_at": "2026-11-25T12:00:00Z",
             "source": "crm-sync", "data": {"address": number, "channels": ["all"], "purposes": ["marketing"],
                                            "source": "web_form"}}
    (result,) = clean(both.call("POST", "/v1/events", {"events": [event]}))["results"]
    assert result["action"] == "opted_out" and result["confirmation"]["send_by"]


def test_start_then_the_consents_count_again(both):
    number = new_phone()
    consent(both, number, ["sms"], ["informational"], occurred_at="2026-11-20T12:00:00Z")
    reply(both, number, "stop", brand="default", occurred_at="2026-11-21T12:00:00Z")
    result = reply(both, number, "Start", brand="default", occurred_at="2026-11-22T12:00:00Z")
    assert result["action"] == "resubscribed"
    assert decide(both, number, "sms", purpose="informational")["decision"] == "allow"
    assert profile(both, number)["opt_outs"][0]["undone_at"] == "2026-11-22T12:00:00Z"


# --- double opt-in: POST /v1/consent-requests and YES -----------------------------------------------

def ask_consent(api, number, brand, occurred_at="2026-11-24T12:00:00Z", **extra):
    body = {"address": number, "channels": ["sms"], "purposes": ["marketing", "informational"], "brand": brand,
            "disclosure_text": f"{brand}: reply YES to get texts from us at this number.", "occurred_at": occurred_at,
            **extra}
    return post(api, "/v1/consent-requests", body)


def test_yes_records_the_consent_of_the_open_request(both):
    brand, brand_number, number = unique("acme"), new_phone(), new_phone()
    assert both.call("PUT", f"/v1/brands/{brand}", {"sms_numbers": [brand_number]}).status == 201
    request = ask_consent(both, number, brand, grade="written", id=f"cr-{uuid.uuid4().hex}")
    assert request["open_until"] == "2026-12-01T12:00:00Z" and request["grade"] == "written"
    assert "no_consent" in codes(decide(both, number, "sms", purpose="informational", brand=brand))
    result = reply(both, number, "Yes!", to=brand_number, occurred_at="2026-11-25T12:00:00Z")
    assert result["status"] == "applied" and result["action"] == "opted_in"
    assert decide(both, number, "sms", purpose="informational", brand=brand)["decision"] == "allow"
    entry = history(both, number)[-1]
    assert entry["type"] == "consent.granted" and entry["source"] == "sms_keyword"
    evidence = entry["evidence"]
    assert evidence["consent_request"] == request["id"] and evidence["disclosure_text"] == request["disclosure_text"]
    assert result["id"] in evidence["signature"]
    # a YES to a written request is a written consent (rev. 2: the request the disclosure, the reply the
    # signature): marketing texts, which need one, are allowed
    assert entry["data"]["grade"] == "written"
    assert decide(both, number, "sms", brand=brand)["decision"] == "allow"
    # answered once: a second YES records nothing
    assert reply(both, number, "yes", to=brand_number, occurred_at="2026-11-26T12:00:00Z")["action"] == "none"


def test_yes_to_an_express_request_is_an_express_consent(both):
    brand, number = unique("acme"), new_phone()
    ask_consent(both, number, brand)  # grade left out: express
    assert reply(both, number, "YES", brand=brand, occurred_at="2026-11-25T12:00:00Z")["action"] == "opted_in"
    assert history(both, number)[-1]["data"]["grade"] == "express"
    assert decide(both, number, "sms", purpose="informational", brand=brand)["decision"] == "allow"
    assert codes(decide(both, number, "sms", brand=brand)) == ["written_consent_required"]


def test_yes_after_seven_days_or_to_another_brand_records_nothing(both):
    brand, number = unique("acme"), new_phone()
    ask_consent(both, number, brand, occurred_at="2026-11-10T12:00:00Z")
    assert reply(both, number, "YES", brand=brand, occurred_at="2026-11-17T12:00:00Z")["action"] == "none"
    assert reply(both, number, "YES", brand="globex", occurred_at="2026-11-12T12:00:00Z")["action"] == "none"
    assert reply(both, number, "YES", brand=brand, occurred_at="2026-11-16T11:59:59Z")["action"] == "opted_in"


def test_the_same_yes_twice_is_a_duplicate(both):
    brand, number = unique("acme"), new_phone()
    ask_consent(both, number, brand)
    event = {"id": str(uuid.uuid4()), "type": "sms.inbound", "occurred_at": "2026-11-25T12:00:00Z",
             "source": "api-test", "data": {"from": number, "to": "12345", "body": "YES", "brand": brand}}
    results = clean(both.call("POST", "/v1/events", {"events": [event, event]}))["results"]
    assert [(r["status"], r["action"]) for r in results] == [("applied", "opted_in"), ("duplicate", "opted_in")]


def test_consent_requests_are_checked_and_idempotent(both):
    number = new_phone()
    body = {"address": number, "channels": ["sms"], "purposes": ["marketing"], "disclosure_text": "Reply YES",
            "occurred_at": "2026-11-24T12:00:00Z", "id": f"cr-{uuid.uuid4().hex}"}
    first = post(both, "/v1/consent-requests", body)
    assert first["brand"] == "default" and first["grade"] == "express"
    assert post(both, "/v1/consent-requests", body, status=200)["recorded_at"] == first["recorded_at"]
    assert_error(both.call("POST", "/v1/consent-requests", {**body, "disclosure_text": "other"}), 409, "conflict", "id")
    for bad, code, field in (({"address": new_email()}, "channel_address_mismatch", "address"),
                             ({"brand": "*"}, "invalid_request", "brand"),
                             ({"grade": "oral"}, "invalid_request", "grade"),
                             ({"disclosure_text": ""}, "invalid_request", "disclosure_text"),
                             ({"disclosure_text": "x" * 4001}, "invalid_request", "disclosure_text"),
                             ({"channels": ["email"]}, "channel_address_mismatch", "channels"),
                             ({"purposes": [C]}, "invalid_request", "purposes[0]")):
        assert_error(both.call("POST", "/v1/consent-requests", {**body, "id": None, **bad}), 400, code, field)
    assert_error(both.call("POST", "/v1/consent-requests", body, key="dialer"), 403)
    assert [e["type"] for e in history(both, number)] == ["consent.requested"]


def test_erasure_deletes_the_requests(api, dynamodb_client):
    import os

    from registry.services.address_keys import contact_key

    number = new_phone()
    ask_consent(api, number, "acme")
    pk = contact_key(number)

    def requests():
        return dynamodb_client.query(TableName=os.environ["REGISTRY_TABLE"], KeyConditionExpression="pk = :pk AND "
                                     "begins_with(sk, :cr)", ExpressionAttributeValues={
                                         ":pk": {"S": pk}, ":cr": {"S": "CR#"}})["Items"]

    assert len(requests()) == 1 and requests()[0].get("expires_at_epoch")
    assert api.call("DELETE", f"/v1/contacts/{quoted(number)}").status == 200
    assert requests() == []


def test_a_reply_whose_brand_cannot_be_read_is_rejected_and_can_be_sent_again(api, monkeypatch):
    """Failing closed: the number's brand cannot be read, so nothing is guessed and nothing recorded
    (503, registry_unavailable); the same event sent again later is applied."""
    from registry.storage import brands as brand_store
    from registry.storage.errors import StorageUnavailable

    number = new_phone()

    def down(_):
        raise StorageUnavailable("throttled")

    monkeypatch.setattr(brand_store, "brand_of_number", down)
    event = {"id": str(uuid.uuid4()), "type": "sms.inbound", "occurred_at": "2026-11-25T12:00:00Z",
             "source": "api-test", "data": {"from": number, "to": new_phone(), "body": "STOP"}}
    answer = api.call("POST", "/v1/events", {"events": [event]})
    body = clean(answer)
    assert answer.status == 503 and body["results"][0]["status"] == "rejected"
    assert body["results"][0]["error"]["code"] == "registry_unavailable" and body["results"][0]["action"] == "none"
    monkeypatch.undo()
    assert clean(api.call("POST", "/v1/events", {"events": [event]}))["results"][0]["action"] == "opted_out"
