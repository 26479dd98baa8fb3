"""The Twilio signature check uses Twilio's RequestValidator as Twilio documents it: the worked
example of Twilio's webhook-security docs (auth token 12345, this URL, these POST parameters)
verifies, and any change to the URL, a parameter or the signature does not."""
from __future__ import annotations

import pytest

from registry.domain.errors import NotVerified
from registry.services import twilio_webhooks

TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {"CallSid": ["CA1234567890ABCDE"], "Caller": ["+14158675309"], "Digits": ["1234"],
          "From": ["+14158675309"], "To": ["+18005551212"]}
DOCUMENTED_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


@pytest.fixture
def token(monkeypatch):
    monkeypatch.setattr(twilio_webhooks.brands, "twilio_token", lambda brand: TOKEN if brand == "acme" else None)


def test_twilios_documented_example_verifies(token):
    twilio_webhooks.verify("acme", URL, PARAMS, DOCUMENTED_SIGNATURE)


@pytest.mark.parametrize("url, params, signature", [
    (URL + "&baz=3", PARAMS, DOCUMENTED_SIGNATURE),
    (URL.replace("https", "http"), PARAMS, DOCUMENTED_SIGNATURE),
    (URL, {**PARAMS, "Digits": ["9999"]}, DOCUMENTED_SIGNATURE),
    (URL, {**PARAMS, "Digits": ["1234", "5678"]}, DOCUMENTED_SIGNATURE),  # every value of a repeated one counts
    (URL, PARAMS, DOCUMENTED_SIGNATURE.lower()),
    (URL, PARAMS, ""),
    (URL, PARAMS, None),
])
def test_any_change_does_not_verify(token, url, params, signature):
    with pytest.raises(NotVerified) as refused:
        twilio_webhooks.verify("acme", url, params, signature)
    assert refused.value.code == "forbidden" and TOKEN not in refused.value.message


def test_a_brand_without_a_token_does_not_verify(token):
    with pytest.raises(NotVerified):
        twilio_webhooks.verify("globex", URL, PARAMS, DOCUMENTED_SIGNATURE)


def test_repeated_parameters_are_all_signed(token):
    """Twilio's own duplicate-parameter vector (twilio-python's tests)."""
    params = {"Sid": ["CA123"], "SidAccount": ["AC123"], "Digits": ["5678", "1234"]}
    twilio_webhooks.verify("acme", URL, params, "IK+Dwps556ElfBT0I3Rgjkr1wJU=")
