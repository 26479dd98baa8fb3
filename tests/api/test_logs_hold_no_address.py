"""Logs are JSON and never hold a full phone number or email address."""
import json

import pytest

from tests.api.conftest import new_email, new_phone, quoted

pytestmark = pytest.mark.dynamodb
NOON_LA = "2026-12-01T20:00:00Z"
OCCURRED = "2026-11-28T12:00:00Z"


def test_writes_lookups_errors_and_erasure_log_no_full_address(both, logs, capfd):
    """Each call does what it should (so its logging is what a real call logs), every line the
    registry logs for them is read (one access line per request, with its status), and none holds
    the address; the erasure's line holds it masked."""
    number, mail = new_phone(), new_email()
    logs.take_text()
    capfd.readouterr()
    replies = []

    def call(expected_status, reply):
        assert reply.status == expected_status, reply.text
        replies.append((reply, expected_status))
        return reply.json()

    consented = call(201, both.call("POST", "/v1/consents", {
        "address": number, "channels": ["call"], "purposes": ["marketing"], "source": "web_form",
        "occurred_at": OCCURRED}))
    assert (consented["address"], consented["channels"], consented["source"]) == (number, ["call"], "web_form")
    opted = call(201, both.call("POST", "/v1/opt-outs", {
        "address": mail, "channels": ["email"], "purposes": ["marketing"], "source": "agent", "occurred_at": OCCURRED}))
    assert (opted["address"], opted["channels"]) == (mail, ["email"])
    phone_decision = call(200, both.permission(number, "call", at=NOON_LA))
    assert (phone_decision["address"], phone_decision["decision"]) == (number, "allow")  # the consent was stored
    mail_decision = call(200, both.permission(mail, "email", at=NOON_LA))
    assert (mail_decision["decision"], [r["code"] for r in mail_decision["reasons"]]) == ("deny", ["opted_out"])
    batch = call(200, both.call("POST", "/v1/permissions/batch", {
        "channel": "call", "purpose": "marketing", "at": NOON_LA, "addresses": [number, "not-a-number"]},
        key="dialer"))
    first, second = batch["results"]
    assert (first["address"], first["decision"]) == (number, "allow")
    assert second["error"]["code"] == "invalid_address"
    refused = call(400, both.call("POST", "/v1/consents", {"address": number, "channels": ["fax"]}))
    assert refused["error"]["code"] == "invalid_request"
    erased = call(200, both.call("DELETE", f"/v1/contacts/{quoted(number)}"))
    assert (erased["address"], erased["erased"]) == (number, True)
    after = call(200, both.call("GET", f"/v1/contacts/{quoted(number)}"))
    assert after["erased"] is True and after["consents"] == []  # the erasure happened

    written = logs.take_text()
    lines = [json.loads(line) for line in written]  # every log line is JSON
    access = {line["request_id"]: line for line in lines if line.get("message") == "request"}
    assert len(access) == len(replies)
    for reply, status in replies:
        assert access[reply.headers["x-request-id"]]["status"] == status
    (erasure,) = [line for line in lines if line.get("message") == "contact erased"]
    assert erasure["address"] == f"{number[:4]}***{number[-2:]}"
    out, err = capfd.readouterr()  # and whatever else reached stdout or stderr (metrics)
    text = "\n".join(written) + out + err
    for secret in (number, number[1:], number[2:], quoted(number), mail, mail.split("@")[0]):
        assert secret not in text
