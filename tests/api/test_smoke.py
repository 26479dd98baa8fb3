import pytest

from tests.api.conftest import new_phone

pytestmark = pytest.mark.dynamodb
NOON_LA = "2026-12-01T20:00:00Z"


def test_consent_then_allow(api):
    number = new_phone()
    r = api.call("POST", "/v1/consents", {"address": number, "channels": ["call"], "purposes": ["marketing"],
                                          "source": "web_form", "occurred_at": "2026-11-28T12:00:00Z"})
    assert r.status == 201, r.text
    d = api.permission(number, "call", at=NOON_LA)
    assert d.status == 200, d.text
    assert d.json()["decision"] == "allow", d.text
