"""Issue 7, item 9: bad input is a 400 with the contract's error, never a 500 (or a 503 that
reports bad input as an outage), through the Lambda handler and the local server alike.
"""
from __future__ import annotations

import json
import uuid

import pytest

from tests.api.conftest import new_phone, quoted
from tests.api.helpers import NOON_LA, assert_error, assert_unknown, clean

pytestmark = pytest.mark.dynamodb


NOT_UTF8 = b'{"address": "\xff\xfe+14155550100", "channels": ["call"]}'
DEEP = "[" * 10_000 + "]" * 10_000
HUGE_NUMBER = "9" * 5_000


def _consent(address, **extra):
    return {"address": address, "channels": ["call"], "purposes": ["marketing"], "source": "web_form",
            "occurred_at": "2026-11-28T12:00:00Z", **extra}


def _routes(phone):
    """(method, path, key): every route that reads a body, and a lookup."""
    return [
        ("POST", "/v1/consents", "admin"),
        ("POST", "/v1/opt-outs", "admin"),
        ("POST", "/v1/relationships", "admin"),
        ("POST", "/v1/attempts", "admin"),
        ("PUT", f"/v1/contacts/{quoted(phone)}/preferences", "admin"),
        ("POST", "/v1/events", "admin"),
        ("PUT", "/v1/suppression-lists/bad-input-list", "admin"),
        ("POST", "/v1/suppression-lists/bad-input-list/entries", "admin"),
        ("POST", "/v1/preference-links", "admin"),
        ("POST", "/v1/permissions/batch", "dialer"),
    ]


def test_a_body_that_is_not_utf8_is_400(both):
    phone = new_phone()
    for method, path, key in _routes(phone) + [("GET", f"/v1/permissions?address={quoted(phone)}&channel=call"
                                                       "&purpose=marketing", "dialer")]:
        reply = both.call(method, path, raw=NOT_UTF8, key=key)
        assert_error(reply, 400, "invalid_request")
        assert "UTF-8" in reply.json()["error"]["message"], (path, reply.text)
    assert_unknown(both, phone)


@pytest.mark.parametrize("raw, why", [
    (DEEP, "nested deeper"),
    (f'{{"address": {DEEP}}}', "nested deeper"),
    (f'{{"events": [{DEEP}]}}', "nested deeper"),
    (f'{{"address": {HUGE_NUMBER}}}', "too many digits"),
    (f'{{"addresses": [{HUGE_NUMBER}], "channel": "call", "purpose": "marketing"}}', "too many digits"),
    ('{"address": NaN}', "NaN"),
    ('{"address": "\\ud800"}', "lone surrogate"),
])
def test_json_the_registry_cannot_hold_is_400_on_every_route(both, raw, why):
    """Nested 10,000 deep was a 500 on writes and a 503 registry_unavailable on batch."""
    phone = new_phone()
    for method, path, key in _routes(phone):
        reply = both.call(method, path, raw=raw.encode(), key=key)
        error = assert_error(reply, 400, "invalid_request")
        assert "not valid JSON" in error["message"] and why in error["message"], (path, error)
        assert "decision" not in reply.json()  # bad input is not an outage


def test_json_just_inside_the_depth_bound_is_read(both):
    phone = new_phone()
    evidence = {"disclosure_text": "I agree"}
    body = _consent(phone, evidence=evidence)
    reply = both.call("POST", "/v1/consents", body)
    assert reply.status == 201, reply.text
    deep_but_fine = {"events": [{"id": f"e-{phone[1:]}", "type": "sms.inbound", "occurred_at": NOON_LA,
                                 "source": "carrier", "data": {"from": phone, "to": "+14155550100",
                                                               "body": "hello", "x": [[[[[[[[1]]]]]]]]}}]}
    events = both.call("POST", "/v1/events", deep_but_fine)
    assert events.status == 200, events.text
    assert clean(events)["results"][0]["error"]["code"] == "invalid_request"  # x is not a field: the event's error


@pytest.mark.parametrize("body, field", [
    (lambda p: _consent(p, occurred_at="9999-12-31T23:59:59-01:00"), "occurred_at"),
    (lambda p: _consent(p, occurred_at="0001-01-01T00:00:00+01:00"), "occurred_at"),
    (lambda p: _consent(p, expires_at="9999-12-31T23:59:59-01:00"), "expires_at"),
    (lambda p: {"address": p, "kind": "transaction", "occurred_at": "9999-06-01T00:00:00Z"}, "occurred_at"),
    (lambda p: {**_consent(p), "address": int(HUGE_NUMBER[:100])}, "address"),
])
def test_instants_that_overflow_and_numbers_where_text_belongs_are_400(both, body, field):
    phone = new_phone()
    built = body(phone)
    path = "/v1/relationships" if "kind" in built else "/v1/consents"
    assert_error(both.call("POST", path, built), 400, "invalid_request", field)
    assert_unknown(both, phone)


def test_a_relationship_dated_9999_never_reaches_the_profile(both):
    """It used to be stored, and then the profile answered 500 (the EBR's end overflowed)."""
    phone = new_phone()
    assert both.call("POST", "/v1/consents", _consent(phone)).status == 201
    reply = both.call("POST", "/v1/relationships", {"address": phone, "kind": "transaction",
                                                      "occurred_at": "9999-12-31T00:00:00Z"})
    assert_error(reply, 400, "invalid_request", "occurred_at")
    profile = both.call("GET", f"/v1/contacts/{quoted(phone)}")
    assert profile.status == 200 and clean(profile)["ebr"] == [], profile.text


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00Z"])
def test_a_lookup_at_an_instant_out_of_range_is_400_not_503(both, at):
    phone = new_phone()
    reply = both.permission(phone, "call", at=at)
    assert_error(reply, 400, "invalid_request", "at")
    assert "decision" not in reply.json()


@pytest.mark.parametrize("query", [
    "limit=" + HUGE_NUMBER,
    "limit=-1",
    "limit=1e3",
    "cursor=" + "%ff" * 10,
])
def test_bad_history_queries_are_400(both, query):
    phone = new_phone()
    assert both.call("POST", "/v1/consents", _consent(phone)).status == 201
    reply = both.call("GET", f"/v1/contacts/{quoted(phone)}/history?{query}")
    assert_error(reply, 400, "invalid_request")


def test_the_local_server_refuses_a_query_string_that_is_not_utf8(local_api):
    local = local_api
    reply = local.call("GET", "/v1/permissions?address=\xff&channel=call&purpose=marketing", key="dialer")
    assert_error(reply, 400, "invalid_request")


def test_the_local_server_reads_a_header_that_is_not_utf8(local_api):
    """HTTP allows any octet in a header value; Powertools decoded them as UTF-8 and failed (500)."""
    local = local_api
    reply = local.call("GET", f"/v1/permissions?address={quoted(new_phone())}&channel=call&purpose=marketing"
                              f"&at={NOON_LA}", key="dialer", headers={"user-agent": "caf\xe9"})
    assert reply.status == 200, reply.text
    assert clean(reply)["decision"] in ("allow", "deny", "defer")


def test_a_base64_body_that_is_not_base64_is_400(api):
    from tests.api.conftest import LambdaContext

    event = {"version": "2.0", "routeKey": "$default", "rawPath": "/v1/consents", "rawQueryString": "",
             "headers": {"content-type": "application/json", "x-api-key": api.admin},
             "requestContext": {"http": {"method": "POST", "path": "/v1/consents", "sourceIp": "127.0.0.1"},
                                "stage": "$default", "requestId": "r-b64"},
             "body": "not base64 at all!", "isBase64Encoded": True}
    result = api.handler(event, LambdaContext())
    assert result["statusCode"] == 400, result
    assert json.loads(result["body"])["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_pause_date_at_the_ends_of_the_calendar_is_400_on_the_page(both, api, day):
    """0001-01-01 in a zone east of UTC overflowed on conversion: the page's form answered 500."""
    from tests.api.test_preference_center_api import make_link, post_form

    email = f"pause-{uuid.uuid4().hex[:10]}@example.com"
    assert both.call("PUT", f"/v1/contacts/{quoted(email)}/preferences", {"timezone": "Asia/Tokyo"}).status == 201
    link = make_link(both, email)
    reply = post_form(both, link["url"], {"snooze_until": day})
    assert reply.status == 400, reply.text
    assert "pause" in reply.text and "Traceback" not in reply.text
    stored = clean(both.call("GET", f"/v1/contacts/{quoted(email)}"))["preferences"]
    assert (stored["snooze_until"], stored["timezone"]) == (None, "Asia/Tokyo")  # nothing recorded


def test_a_form_that_is_not_utf8_is_400(both):
    from tests.api.test_preference_center_api import make_link, post_form

    email = f"form-{uuid.uuid4().hex[:10]}@example.com"
    link = make_link(both, email)
    reply = post_form(both, link["url"], {}, raw=b"opt_out_all=1&preferred_channel=\xff\xfe")
    assert_error(reply, 400, "invalid_request")
    assert_unknown(both, email)  # nothing recorded, the opt-out of everything included
