"""Issue 7, item 10: a number with no known time zone is deferred for calls and texts, never
allowed at any hour (``+979...`` was allowed at 03:00Z). Lambda handler and local server alike."""
from __future__ import annotations

import pytest

from tests.api.conftest import quoted
from tests.api.helpers import clean, codes

pytestmark = pytest.mark.dynamodb

NO_ZONE = "+979123456789"  # international premium rate: no zone, no country


@pytest.mark.parametrize("at", ["2026-12-01T03:00:00Z", "2026-12-01T15:00:00Z"])
@pytest.mark.parametrize("channel", ["call", "sms"])
def test_no_known_zone_is_deferred_with_no_next_allowed_at(both, at, channel):
    reply = both.permission(NO_ZONE, channel, "informational", at=at)
    assert reply.status == 200, reply.text
    decision = clean(reply)
    if channel == "call":  # informational calls need no consent: quiet hours are the only reason
        assert decision["decision"] == "defer" and codes(decision) == ["quiet_hours"], decision
    assert "quiet_hours" in codes(decision)
    reason = next(r for r in decision["reasons"] if r["code"] == "quiet_hours")
    assert reason["message"].startswith("no time zone is known for this number")
    assert decision["allowed"] is False and decision["next_allowed_at"] is None and decision["timezones"] == []


def test_a_timezone_preference_gives_the_number_its_window(both):
    number = "+979123456788"
    reply = both.call("PUT", f"/v1/contacts/{quoted(number)}/preferences", {"timezone": "Europe/Paris"})
    assert reply.status in (200, 201), reply.text
    noon = clean(both.permission(number, "call", "informational", at="2026-12-01T11:00:00Z"))  # 12:00 in Paris
    assert noon["decision"] == "allow" and noon["timezones"] == ["Europe/Paris"], noon
    night = clean(both.permission(number, "call", "informational", at="2026-12-01T03:00:00Z"))  # 04:00 in Paris
    assert night["decision"] == "defer" and night["next_allowed_at"] == "2026-12-01T07:00:00Z", night
