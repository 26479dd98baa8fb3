"""One status per scope over HTTP: the lookup, the profile and the person's page say the same
(issue 8, item 1), and where a contact is comes from one value (item 8). Through the Lambda
handler and the local server alike."""
from __future__ import annotations

import re
import urllib.parse

import pytest

from registry.domain.addresses import national
from tests.api.conftest import new_phone
from tests.api.helpers import clean, codes, consent, decide, opt_out, preferences, profile

pytestmark = pytest.mark.dynamodb

BROWSER = {"accept": "text/html"}


def page_status(api, address: str, channel: str, purpose: str) -> str:
    """The words the person's page shows for the link's own address, channel and purpose."""
    reply = api.call("POST", "/v1/preference-links", {"address": address})
    assert reply.status == 201, reply.text
    url = clean(reply)["url"]
    html = api.call("GET", urllib.parse.urlsplit(url).path, key=None, headers=BROWSER).text
    names = {"call": "Phone calls", "sms": "Text messages"}
    shown = national(address)  # issue 13: the number as its country writes it; each cell names its column
    cells = re.findall(rf'<td data-label="Address">{re.escape(shown)}</td><td data-label="Channel">{names[channel]}</td>'
                       r'<td data-label="Messages">([^<]*)</td><td class="status"[^>]*>([^<]*)</td></tr>', html)
    return next(status for messages, status in cells if f"({purpose})" in messages)


def scope(body: dict, channel: str, purpose: str, brand: str = "default") -> dict:
    return next(s for s in body["scopes"] if (s["channel"], s["purpose"], s["brand"]) == (channel, purpose, brand))


def test_an_opt_out_then_a_later_consent_that_has_since_expired_stays_opted_out_everywhere(both):
    """The lookup said opted_out; the profile said "expired"."""
    number = new_phone()
    opt_out(both, number, ["call"], occurred_at="2026-11-20T12:00:00Z", source="sms_keyword")
    consent(both, number, ["call"], occurred_at="2026-11-21T12:00:00Z", expires_at="2026-11-22T12:00:00Z")
    assert "opted_out" in codes(decide(both, number, "call", at=None))
    entry = scope(profile(both, number), "call", "marketing")
    assert (entry["status"], entry["source"], entry["occurred_at"]) == ("opted_out", "sms_keyword",
                                                                        "2026-11-20T12:00:00Z")
    assert page_status(both, number, "call", "marketing") == "Not receiving: you opted out"


def test_a_bought_consent_for_calls_is_not_accepted_in_the_profile_as_in_the_lookup(both):
    """The lookup said no_consent; the profile said "consented"."""
    number = new_phone()
    consent(both, number, ["call"], source="purchased_list", occurred_at="2026-11-21T12:00:00Z")
    decision = decide(both, number, "call", at=None)
    assert "no_consent" in codes(decision) and "opted_out" not in codes(decision)
    assert scope(profile(both, number), "call", "marketing")["status"] == "not_accepted"
    assert page_status(both, number, "call", "marketing") == "Not receiving: you have not agreed to these"


def test_the_profile_shows_where_the_contact_is_as_the_lookup_does(both):
    number = new_phone()  # San Francisco
    consent(both, number, ["call"])
    assert profile(both, number)["timezones"] == ["America/Los_Angeles"]
    assert decide(both, number, "call")["timezones"] == ["America/Los_Angeles"]
    preferences(both, number, timezone="Europe/Paris")  # set through the API: adds to the number's (rev. 2)
    assert profile(both, number)["timezones"] == ["America/Los_Angeles", "Europe/Paris"]
    assert decide(both, number, "call")["timezones"] == ["America/Los_Angeles", "Europe/Paris"]
