"""Keys and scopes, the public endpoints, and erasure."""

import json

import pytest

from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import (
    add_entries,
    assert_error,
    attempt,
    clean,
    codes,
    consent,
    create_list,
    decide,
    history,
    opt_out,
    preferences,
    profile,
    relationship,
)

pytestmark = pytest.mark.dynamodb

CONSENT = {
    "channels": ["call"],
    "purposes": ["marketing"],
    "source": "web_form",
    "occurred_at": "2026-11-28T12:00:00Z",
}


def writes(phone):
    """One request for each write endpoint (scope write)."""
    q = quoted(phone)
    return [
        ("POST", "/v1/consents", {"address": phone, **CONSENT}),
        (
            "POST",
            "/v1/opt-outs",
            {
                "address": phone,
                "channels": ["call"],
                "purposes": ["all"],
                "source": "agent",
                "occurred_at": "2026-11-28T12:00:00Z",
            },
        ),
        (
            "POST",
            "/v1/relationships",
            {"address": phone, "kind": "inquiry", "occurred_at": "2026-11-28T12:00:00Z"},
        ),
        (
            "POST",
            "/v1/attempts",
            {
                "address": phone,
                "channel": "call",
                "purpose": "marketing",
                "occurred_at": "2026-11-28T12:00:00Z",
                "outcome": "busy",
            },
        ),
        ("PUT", f"/v1/contacts/{q}/preferences", {"preferred_channel": "sms"}),
        ("GET", f"/v1/contacts/{q}", None),
        ("GET", f"/v1/contacts/{q}/history", None),
        ("PUT", "/v1/suppression-lists/access-test", {"kind": "internal"}),
        ("POST", "/v1/suppression-lists/access-test/entries", {"add": [phone]}),
    ]


def lookups(phone):
    return [
        ("GET", f"/v1/permissions?address={quoted(phone)}&channel=call&purpose=marketing", None),
        ("POST", "/v1/permissions/batch", {"channel": "call", "purpose": "marketing", "addresses": [phone]}),
        ("GET", "/v1/policy", None),
    ]


# --- 401 ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", "   ", "not-a-real-key", "cr_" + "A" * 43, "x" * 5000])
def test_missing_or_unknown_key_is_401_everywhere(api, key):
    phone = new_phone()
    requests = writes(phone) + lookups(phone) + [("DELETE", f"/v1/contacts/{quoted(phone)}", None)]
    for method, path, body in requests:
        assert_error(api.call(method, path, body, key=key), 401, "unauthorized")
    assert_error(api.call("GET", f"/v1/contacts/{quoted(phone)}"), 404, "not_found")  # nothing was written


def test_401_comes_before_body_validation(api):
    reply = api.call("POST", "/v1/consents", raw=b"{not json", key=None)
    assert_error(reply, 401, "unauthorized")
    reply = api.call("POST", "/v1/permissions/batch", {"addresses": ["x"] * 5000}, key="wrong")
    assert_error(reply, 401, "unauthorized")


def test_the_key_header_name_is_case_insensitive(api):
    reply = api.call("GET", "/v1/policy", key=None, headers={"X-Api-Key": api.dialer})
    assert reply.status == 200, reply.text


def test_a_new_key_works_and_a_revoked_key_is_refused(api):
    from registry.services import api_keys

    raw, principal = api_keys.create_key("api-test-dialer", {"lookup"})
    assert raw.startswith("cr_")
    phone = new_phone()
    assert api.permission(phone, "call", key=raw).status == 200
    assert_error(api.call("POST", "/v1/consents", {"address": phone, **CONSENT}, key=raw), 403, "forbidden")
    api_keys.revoke_key(principal.key_id)
    assert_error(api.permission(phone, "call", key=raw), 401, "unauthorized")
    assert_error(api.call("GET", "/v1/policy", key=raw), 401, "unauthorized")


def test_a_revoked_write_key_writes_nothing(api):
    from registry.services import api_keys

    raw, principal = api_keys.create_key("api-test-writer", {"write"})
    phone = new_phone()
    assert api.call("POST", "/v1/consents", {"address": phone, **CONSENT}, key=raw).status == 201
    api_keys.revoke_key(principal.key_id)
    other = new_phone()
    assert_error(
        api.call("POST", "/v1/consents", {"address": other, **CONSENT}, key=raw), 401, "unauthorized"
    )
    assert_error(api.call("GET", f"/v1/contacts/{quoted(other)}"), 404, "not_found")


# --- 403 ----------------------------------------------------------------------------------------------------


def test_dialer_cannot_write_or_read_profiles(api):
    phone = new_phone()
    for method, path, body in writes(phone):
        assert_error(api.call(method, path, body, key="dialer"), 403, "forbidden")
    assert_error(api.call("GET", f"/v1/contacts/{quoted(phone)}"), 404, "not_found")


def test_writer_cannot_look_up(api):
    phone = new_phone()
    for method, path, body in lookups(phone):
        assert_error(api.call(method, path, body, key="writer"), 403, "forbidden")


def test_writer_can_write(api):
    phone = new_phone()
    written = api.call("POST", "/v1/consents", {"address": phone, **CONSENT}, key="writer")
    assert written.status == 201, written.text
    read = api.call("GET", f"/v1/contacts/{quoted(phone)}", key="writer")
    assert read.status == 200, read.text
    assert [c["id"] for c in read.json()["consents"]] == [written.json()["id"]]


def test_only_admin_may_erase(api):
    phone = new_phone()
    consent(api, phone, ["call"])
    for key in ("dialer", "writer"):
        assert_error(api.call("DELETE", f"/v1/contacts/{quoted(phone)}", key=key), 403, "forbidden")
    assert profile(api, phone)["consents"]  # still there


def test_403_comes_before_body_validation(api):
    assert_error(api.call("POST", "/v1/consents", raw=b"{not json", key="dialer"), 403, "forbidden")


# --- public endpoints ---------------------------------------------------------------------------------------


def test_health_needs_no_key(api):
    reply = api.call("GET", "/v1/health", key=None)
    assert reply.status == 200, reply.text
    assert reply.json()["status"] == "ok"


def test_openapi_needs_no_key_and_lists_the_v1_paths(api):
    reply = api.call("GET", "/v1/openapi.json", key=None)
    assert reply.status == 200, reply.text
    document = json.loads(reply.text)
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    assert {
        "/v1/permissions",
        "/v1/permissions/batch",
        "/v1/policy",
        "/v1/consents",
        "/v1/opt-outs",
        "/v1/relationships",
        "/v1/attempts",
        "/v1/contacts/{address}",
        "/v1/contacts/{address}/history",
        "/v1/contacts/{address}/preferences",
        "/v1/suppression-lists/{name}",
        "/v1/suppression-lists/{name}/entries",
    } <= paths
    assert all(p.startswith("/v1/") for p in paths)
    assert "delete" in document["paths"]["/v1/contacts/{address}"]


def test_policy_is_served_to_lookup_keys(api):
    body = clean(api.call("GET", "/v1/policy", key="dialer"))
    policy = body["policy"]
    assert policy["quiet_hours_start"] == "08:00" and policy["quiet_hours_end"] == "21:00"
    assert policy["ebr_months"] == {"inquiry": 3, "transaction": 18}
    assert policy["frequency_caps"]["call:marketing"] == {"attempts": 3, "window_days": 7}
    assert policy["basis"]["email:marketing"] == "none"


# --- erasure ------------------------------------------------------------------------------------------------


def raw_items(dynamodb_client, address):
    import os

    from registry.services.address_keys import contact_key

    items, start = [], None
    while True:
        args = {
            "TableName": os.environ["REGISTRY_TABLE"],
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": contact_key(address)}},
            "ConsistentRead": True,
        }
        if start:
            args["ExclusiveStartKey"] = start
        page = dynamodb_client.query(**args)
        items += page["Items"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def test_erasure_removes_personal_data_but_keeps_the_opt_out(api, dynamodb_client):
    phone, linked = new_phone(), new_email()
    disclosure = "I agree that Acme may call me about its roofing services"
    consent(
        api,
        phone,
        ["call", "sms"],
        ["marketing"],
        occurred_at="2026-11-20T12:00:00Z",
        evidence={"disclosure_text": disclosure, "ip": "203.0.113.200", "user_agent": "ErasureTest/1.0"},
        id=f"erase-{phone[1:]}",
    )
    opt_out(
        api, phone, ["call"], ["marketing"], occurred_at="2026-11-21T12:00:00Z", note="Mrs Example asked us"
    )
    relationship(api, phone, "transaction", occurred_at="2026-11-01T12:00:00Z")
    attempt(api, phone, "sms", occurred_at="2026-11-22T18:00:00Z", outcome="delivered")
    preferences(api, phone, preferred_channel="email", linked_addresses=[linked], timezone="America/Denver")
    name = create_list(api, "internal")
    add_entries(api, name, add=[phone])
    assert any(
        phone in json.dumps(item) or phone[1:] in json.dumps(item)
        for item in raw_items(dynamodb_client, phone)
    )  # the check below can see an address

    reply = api.call("DELETE", f"/v1/contacts/{quoted(phone)}")
    assert reply.status == 200, reply.text
    answer = clean(reply)
    assert answer["erased"] is True

    # the person stays suppressed
    decision = decide(api, phone, "call")
    assert decision["decision"] == "deny" and "opted_out" in codes(decision)
    assert "on_suppression_list" in codes(decision)

    # the profile holds no personal data or evidence
    body = profile(api, phone)
    text = json.dumps(body)
    for secret in (disclosure, "203.0.113.200", "ErasureTest", linked, "Mrs Example", "America/Denver"):
        assert secret not in text, secret
    assert body["consents"] == [] and body["ebr"] == [] and body["recent_attempts"] == []
    assert body["linked_addresses"] == [] and body["preferences"]["preferred_channel"] is None
    assert body["erased"] is True
    assert [o["channels"] for o in body["opt_outs"]] == [["call"]]
    assert {(s["channel"], s["purpose"], s["status"]) for s in body["scopes"]} == {
        ("call", "marketing", "opted_out")
    }

    # history keeps only the opt-out, list changes and the erasure itself
    entries = history(api, phone)
    types = [e["type"] for e in entries]
    assert set(types) <= {"opt_out.recorded", "contact.erased", "suppression.added", "suppression.removed"}
    assert types.count("opt_out.recorded") == 1 and types.count("contact.erased") == 1
    for secret in (disclosure, "203.0.113.200", linked, "Mrs Example"):
        assert secret not in json.dumps(entries)

    # the table itself: no address, no evidence, under the contact's keyed hash
    items = raw_items(dynamodb_client, phone)
    assert items, "the opt-out must be kept"
    dump = json.dumps(items)
    for secret in (
        phone,
        phone[1:],
        phone[2:],
        linked,
        disclosure,
        "203.0.113.200",
        "ErasureTest",
        "Mrs Example",
        "America/Denver",
    ):
        assert secret not in dump, secret

    # a replayed old consent is a duplicate (its mark outlived the erasure) and lifts nothing
    replay = api.call("POST", "/v1/consents", {
        "address": phone, "channels": ["call", "sms"], "purposes": ["marketing"], "source": "web_form",
        "occurred_at": "2026-11-20T12:00:00Z", "id": f"erase-{phone[1:]}",
        "evidence": {"disclosure_text": disclosure, "ip": "203.0.113.200", "user_agent": "ErasureTest/1.0"}})
    assert replay.status == 200, replay.text
    assert "opted_out" in codes(decide(api, phone, "call"))
    assert profile(api, phone)["consents"] == []


def test_erasing_an_email_keeps_its_opt_out(api, dynamodb_client):
    email = new_email()
    opt_out(api, email, ["email"], ["marketing"], brand="*")
    assert api.call("DELETE", f"/v1/contacts/{quoted(email)}").status == 200
    assert "opted_out" in codes(decide(api, email, "email", brand="acme"))
    assert email not in json.dumps(raw_items(dynamodb_client, email))


def test_erasing_twice_is_harmless(api):
    phone = new_phone()
    consent(api, phone, ["call"])
    assert api.call("DELETE", f"/v1/contacts/{quoted(phone)}").status == 200
    assert api.call("DELETE", f"/v1/contacts/{quoted(phone)}").status == 200
    assert profile(api, phone)["consents"] == []


def test_erasing_an_unknown_address_is_404(api):
    for address in (new_phone(), new_email()):
        assert_error(api.call("DELETE", f"/v1/contacts/{quoted(address)}"), 404, "not_found")
    assert_error(api.call("DELETE", "/v1/contacts/12345"), 400, "invalid_address")
