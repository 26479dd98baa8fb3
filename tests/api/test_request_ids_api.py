"""Issue 8, item 11: every request has an id (API Gateway's request id on Lambda, a new one on
the local server), returned as ``x-request-id`` on every response and carried in every error
body; one access log line per request (route pattern, never the path; method; status;
milliseconds; key id; a lookup's decision; no route for a path that names none), and every log line of the request carries the id.
Through the Lambda handler and the local server alike, the gate's early refusals included."""
from __future__ import annotations

import json
import re
import threading
import uuid

import pytest

from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import assert_error, consent

pytestmark = pytest.mark.dynamodb

NOON_LA = "2026-12-01T20:00:00Z"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def access_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line.get("message") == "request"]


def requests_of(both, logs) -> list[tuple[str, object, dict]]:
    """(what, reply, kwargs) for one request of each kind, success and error, early and late."""
    phone = new_phone()
    consent(both, phone, ["call"])
    logs.take()
    return [
        ("lookup", both.permission(phone, "call", at=NOON_LA), {}),
        ("profile", both.call("GET", f"/v1/contacts/{quoted(phone)}"), {}),
        ("health", both.call("GET", "/v1/health", key=None), {}),
        ("no key", both.call("GET", "/v1/policy", key=None), {"status": 401, "code": "unauthorized"}),
        ("wrong scope", both.call("POST", "/v1/consents", {}, key="dialer"), {"status": 403, "code": "forbidden"}),
        ("no route", both.call("GET", "/v1/nothing-here"), {"status": 404, "code": "not_found"}),
        ("not canonical", both.call("GET", "/v1//policy"), {"status": 404, "code": "not_found"}),
        ("too large", both.call("POST", "/v1/consents", raw=b"x" * 1_048_577),
         {"status": 413, "code": "payload_too_large"}),
        ("bad body", both.call("POST", "/v1/consents", {"address": phone}), {"status": 400, "code": "invalid_request"}),
        ("unknown contact", both.call("GET", f"/v1/contacts/{quoted(new_phone())}"),
         {"status": 404, "code": "not_found"}),
    ]


def test_every_response_has_a_request_id_and_every_error_body_carries_it(both, logs):
    ids = set()
    for what, reply, error in requests_of(both, logs):
        request_id = reply.headers.get("x-request-id")
        assert request_id, (what, reply.headers)
        ids.add(request_id)
        if error:
            if error["code"] == "payload_too_large":
                error["code"] = json.loads(reply.text)["error"]["code"]  # the contract names no code for 413
            assert_error(reply, error["status"], error["code"])  # checks error.request_id == the header
        else:
            assert reply.status == 200, (what, reply.text)
    assert len(ids) == 10  # one id per request, never reused


def test_lambda_uses_the_gateway_request_id(api):
    gateway_id = f"Gw{uuid.uuid4().hex[:12]}="
    reply = api.call("GET", "/v1/nothing-here", context={"requestId": gateway_id})
    assert reply.headers["x-request-id"] == gateway_id
    assert assert_error(reply, 404, "not_found")["request_id"] == gateway_id
    ok = api.call("GET", "/v1/policy", context={"requestId": gateway_id})
    assert ok.status == 200 and ok.headers["x-request-id"] == gateway_id
    # an id that is not one API Gateway would give is replaced, never echoed
    reply = api.call("GET", "/v1/policy", context={"requestId": "<script>\n" + "x" * 200})
    assert UUID.match(reply.headers["x-request-id"]), reply.headers


def test_the_local_server_makes_its_own_request_ids(local_api):
    first = local_api.call("GET", "/v1/health", key=None)
    second = local_api.call("GET", "/v1/health", key=None, headers={"x-request-id": "chosen-by-the-client"})
    assert UUID.match(first.headers["x-request-id"]) and UUID.match(second.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def test_one_access_line_per_request_with_the_route_pattern(both, logs):
    replies = requests_of(both, logs)
    lines = access_lines(logs.take())
    assert len(lines) == len(replies)
    by_id = {line["request_id"]: line for line in lines}
    expected = {
        "lookup": ("/v1/permissions", "GET", 200), "profile": ("/v1/contacts/{address}", "GET", 200),
        "health": ("/v1/health", "GET", 200), "no key": ("/v1/policy", "GET", 401),
        "wrong scope": ("/v1/consents", "POST", 403), "no route": (None, "GET", 404),
        "not canonical": (None, "GET", 404), "too large": ("/v1/consents", "POST", 413),
        "bad body": ("/v1/consents", "POST", 400), "unknown contact": ("/v1/contacts/{address}", "GET", 404),
    }
    for what, reply, _ in replies:
        line = by_id[reply.headers["x-request-id"]]
        assert (line.get("route"), line["method"], line["status"]) == expected[what], (what, line)
        assert isinstance(line["duration_ms"], (int, float)) and 0 <= line["duration_ms"] < 60_000
        if what in ("health", "no key", "no route", "not canonical"):
            assert line.get("key_id") is None, (what, line)
        else:
            assert re.match(r"^[0-9a-f]{6,}$", line.get("key_id") or ""), (what, line)
    lookup = by_id[replies[0][1].headers["x-request-id"]]
    assert lookup["decision"] == replies[0][1].json()["decision"]


def test_a_batch_logs_how_many_of_each_decision(both, logs):
    phone, mail = new_phone(), new_email()
    consent(both, phone, ["call"])
    logs.take()
    reply = both.call("POST", "/v1/permissions/batch", {"channel": "call", "purpose": "marketing", "at": NOON_LA,
                                                          "addresses": [phone, new_phone(), "not-a-number", mail]},
                          key="dialer")
    assert reply.status == 200, reply.text
    line, = access_lines(logs.take())
    results = reply.json()["results"]
    counted: dict[str, int] = {}
    for result in results:
        counted[result.get("decision", "error")] = counted.get(result.get("decision", "error"), 0) + 1
    assert line["decisions"] == counted and sum(counted.values()) == 4


def test_every_line_of_a_request_carries_its_id_and_no_address(both, logs):
    phone = new_phone()
    logs.take()
    reply = both.call("POST", "/v1/consents", {"address": phone, "channels": ["call"], "purposes": ["marketing"],
                                                   "source": "web_form", "occurred_at": "2026-11-28T12:00:00Z"})
    erased = both.call("DELETE", f"/v1/contacts/{quoted(phone)}")
    assert reply.status == 201 and erased.status == 200
    lines = logs.take()
    mine = [line for line in lines if line.get("request_id") == reply.headers["x-request-id"]]
    assert {line["message"] for line in mine} >= {"consent recorded", "request"}
    assert [line["route"] for line in mine if line["message"] == "request"] == ["/v1/consents"]
    assert any(line["message"] == "contact erased" and line["request_id"] == erased.headers["x-request-id"]
               for line in lines)
    text = json.dumps(lines)
    for secret in (phone, phone[1:], quoted(phone)):
        assert secret not in text


def test_concurrent_local_requests_never_mix_their_ids(local_api, logs):
    """The local server runs requests side by side: each log line has its own request's id."""
    logs.take()
    replies: dict[int, object] = {}

    def record(i: int) -> None:
        replies[i] = local_api.call("POST", "/v1/consents", {
            "address": new_phone(), "channels": ["call"], "purposes": ["marketing"], "source": "web_form",
            "occurred_at": "2026-11-28T12:00:00Z"})

    threads = [threading.Thread(target=record, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    lines = logs.take()
    by_record = {line["id"]: line["request_id"] for line in lines if line.get("message") == "consent recorded"}
    assert len(replies) == 8
    for reply in replies.values():
        assert reply.status == 201, reply.text
        assert by_record[reply.json()["id"]] == reply.headers["x-request-id"]
    assert len({line["request_id"] for line in access_lines(lines)}) == 8
