"""Logs are JSON and never hold a full phone number or email address."""
import json

import pytest

from tests.api.conftest import new_email, new_phone, quoted

pytestmark = pytest.mark.dynamodb
NOON_LA = "2026-12-01T20:00:00Z"


def test_writes_lookups_errors_and_erasure_log_no_full_address(api, capfd):
    number, mail = new_phone(), new_email()
    capfd.readouterr()
    api.call("POST", "/v1/consents", {"address": number, "channels": ["call"], "purposes": ["marketing"],
                                      "source": "web_form", "occurred_at": "2026-11-28T12:00:00Z"})
    api.call("POST", "/v1/opt-outs", {"address": mail, "channels": ["email"], "purposes": ["marketing"],
                                      "source": "agent", "occurred_at": "2026-11-28T12:00:00Z"})
    api.permission(number, "call", at=NOON_LA)
    api.permission(mail, "email", at=NOON_LA)
    api.call("POST", "/v1/permissions/batch", {"channel": "call", "purpose": "marketing",
                                               "addresses": [number, "not-a-number"]}, key="dialer")
    api.call("POST", "/v1/consents", {"address": number, "channels": ["fax"]})  # a 400
    api.call("DELETE", f"/v1/contacts/{quoted(number)}")
    out, err = capfd.readouterr()
    logs = out + err
    lines = [line for line in out.splitlines() if line.startswith("{")]
    assert lines, "expected JSON log lines on stdout"
    for line in lines:
        json.loads(line)  # every log line is JSON
    for secret in (number, number[1:], number[2:], quoted(number), mail, mail.split("@")[0]):
        assert secret not in logs
