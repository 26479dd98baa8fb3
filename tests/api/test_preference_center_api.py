"""The preference center: signed links, the person's page, their choices, one-click unsubscribe."""
from __future__ import annotations

import re
import urllib.parse
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from registry.domain.addresses import national
from tests.api import helpers
from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import assert_error, clean, codes, consent, history, noon_la_after_now, opt_out, preferences, profile

pytestmark = pytest.mark.dynamodb

HOST = "prefs.test:3000"
BASE = f"http://{HOST}"  # REGISTRY_PUBLIC_BASE_URL in tests/conftest.py
FORM = {"content-type": "application/x-www-form-urlencoded"}
ONE_CLICK = b"List-Unsubscribe=One-Click"
BROWSER = {"accept": "text/html,application/xhtml+xml", "user-agent": "TestBrowser/1.0"}


# --- helpers -----------------------------------------------------------------------------------

def decide(api, address: str, channel: str, **ask) -> dict:
    """A decision about a moment after now: the page's choices and one-click opt-outs are stamped
    with the time they arrive, so a fixed instant would one day be before them."""
    ask.setdefault("at", noon_la_after_now())
    return helpers.decide(api, address, channel, **ask)


def status_rows(html: str) -> list[tuple[str, ...]]:
    """The status table's rows (address, channel, messages, status), as a person reads them."""
    return [tuple(re.findall(r"<td[^>]*>([^<]*)</td>", row)) for row in re.findall(r"<tr id=[^>]*>(.*?)</tr>", html)]


def path_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def make_link(api, address: str, status: int = 201, key: str = "admin", **extra) -> dict:
    reply = api.call("POST", "/v1/preference-links", {"address": address, **extra}, key=key)
    assert reply.status == status, reply.text
    return clean(reply)


def open_url(api, url: str, headers: dict | None = None):
    """GET the path (and query) of an absolute URL, as a browser would: no API key."""
    return api.call("GET", path_of(url), key=None, headers=headers)


def post_form(api, url: str, fields, headers: dict | None = None, raw: bytes | None = None):
    """POST a url-encoded form (a list of pairs or a dict) to the path of an absolute URL, with no API key."""
    body = raw if raw is not None else urllib.parse.urlencode(fields).encode()
    return api.call("POST", path_of(url), key=None, raw=body, headers={**FORM, **(headers or {})})


def page_fields(html: str) -> dict[tuple[str, str], str]:
    """The radio-group name of each (channel, purpose) for every address, in page order: {(address-index...)}"""
    import re

    names = re.findall(r'name="(scope\.[0-9a-f]+\.[a-z]+\.[a-z]+)" value="keep"', html)
    out: dict[tuple[str, str], str] = {}
    refs: list[str] = []
    for name in names:
        _, ref, channel, purpose = name.split(".")
        if ref not in refs:
            refs.append(ref)
        out[(f"{refs.index(ref)}", f"{channel}.{purpose}")] = name
    return out


def field(html: str, index: int, channel: str, purpose: str) -> str:
    return page_fields(html)[(str(index), f"{channel}.{purpose}")]


def tampered(url: str, index: int = -2) -> str:
    """The URL's path with one character of its token changed (index into the token; negative from its end)."""
    path = path_of(url)
    start = len("/p/")
    end = path.find("/", start)
    end = len(path) if end < 0 else end
    at = start + index if index >= 0 else end + index
    return path[:at] + ("A" if path[at] != "A" else "B") + path[at + 1:]


# --- issuing links -----------------------------------------------------------------------------

def test_a_link_is_issued_with_absolute_urls_outside_v1(api):
    before = datetime.now(UTC)
    link = make_link(api, new_email())
    assert set(link) == {"url", "unsubscribe_url", "expires_at"}
    page, unsubscribe = urllib.parse.urlsplit(link["url"]), urllib.parse.urlsplit(link["unsubscribe_url"])
    assert (page.scheme, page.netloc) == ("http", HOST) and (unsubscribe.scheme, unsubscribe.netloc) == ("http", HOST)
    assert page.path.startswith("/p/") and unsubscribe.path.startswith("/p/") and unsubscribe.path.endswith("/unsubscribe")
    assert page.path.split("/")[2] != unsubscribe.path.split("/")[2]  # the unsubscribe token cannot open the page
    expires = datetime.fromisoformat(link["expires_at"].replace("Z", "+00:00"))
    assert timedelta(days=30) - timedelta(seconds=5) <= expires - before <= timedelta(days=30, seconds=5)

    week = make_link(api, new_phone(), ttl_days=7, brand="acme")
    expires = datetime.fromisoformat(week["expires_at"].replace("Z", "+00:00"))
    assert abs(expires - before - timedelta(days=7)) < timedelta(seconds=10)


def test_the_address_is_not_in_the_links(api):
    address = new_email()
    link = make_link(api, address)
    for url in (link["url"], link["unsubscribe_url"]):
        assert address not in url and quoted(address) not in url and "example" not in url


HOSTILE = {"host": "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https",
           "forwarded": "host=evil.example;proto=https"}


def test_links_are_built_from_configuration_never_from_the_host(both):
    """Issue 7 #11: with Host: evil.example the links, the page's form action and its redirect
    still name the configured base URL; through the Lambda handler and the local server."""
    reply = both.call("POST", "/v1/preference-links", {"address": new_email()}, headers=HOSTILE)
    link = clean(reply)
    assert link["url"].startswith(f"{BASE}/p/") and link["unsubscribe_url"].startswith(f"{BASE}/p/")

    page = open_url(both, link["url"], headers=HOSTILE)
    assert page.status == 200 and "evil" not in page.text
    assert f'action="{link["url"]}"' in page.text
    saved = post_form(both, link["url"], {"preferred_channel": "email"}, headers=HOSTILE)
    assert saved.status == 303 and saved.headers["location"] == f"{link['url']}?saved=1", saved.status
    confirm = open_url(both, link["unsubscribe_url"], headers=HOSTILE)
    assert confirm.status == 200 and "evil" not in confirm.text


def test_the_base_url_comes_from_settings(api, configure):
    configure(REGISTRY_PUBLIC_BASE_URL="https://prefs.example.com/center/")
    link = make_link(api, new_email())
    assert link["url"].startswith("https://prefs.example.com/center/p/")
    assert link["unsubscribe_url"].startswith("https://prefs.example.com/center/p/")


def test_without_a_base_url_links_name_the_apis_own_endpoint(api, configure):
    """In AWS with PublicBaseUrl empty: the API id API Gateway puts in the request context and the
    template's REGISTRY_API_DOMAIN; a Host or domainName the client chose plays no part."""
    configure(REGISTRY_PUBLIC_BASE_URL="", REGISTRY_API_DOMAIN="execute-api.us-east-1.amazonaws.com")
    reply = api.call("POST", "/v1/preference-links", {"address": new_email()}, headers=HOSTILE,
                     context={"apiId": "a1b2c3d4e5", "domainName": "evil.example"})
    link = clean(reply)
    assert link["url"].startswith("https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/p/")
    page = api.call("GET", path_of(link["url"]), key=None, headers=HOSTILE, context={"apiId": "a1b2c3d4e5"})
    assert page.status == 200 and "evil" not in page.text
    assert f'action="{link["url"]}"' in page.text
    # a context without an API id (not API Gateway) gets no link
    assert_error(api.call("POST", "/v1/preference-links", {"address": new_email()}, headers=HOSTILE),
                 503, "registry_unavailable")


def test_the_local_server_without_a_base_url_issues_no_link(local_api, configure):
    """No request context there names an API: the Host cannot stand in for configuration."""
    configure(REGISTRY_PUBLIC_BASE_URL=None, REGISTRY_API_DOMAIN="execute-api.us-east-1.amazonaws.com")
    reply = local_api.call("POST", "/v1/preference-links", {"address": new_email()}, headers=HOSTILE)
    assert_error(reply, 503, "registry_unavailable")
    assert "evil" not in reply.text


def test_with_no_base_url_configured_no_link_is_issued(api, configure):
    configure(REGISTRY_PUBLIC_BASE_URL=None, REGISTRY_API_DOMAIN=None)
    address = new_email()
    reply = api.call("POST", "/v1/preference-links", {"address": address}, headers=HOSTILE,
                     context={"apiId": "a1b2c3d4e5"})
    assert_error(reply, 503, "registry_unavailable")
    assert "evil" not in reply.text


@pytest.mark.parametrize("body, code, field_name", [
    ({"address": "not-an-address"}, "invalid_address", "address"),
    ({"address": "person@example.com", "ttl_days": 0}, "invalid_request", "ttl_days"),
    ({"address": "person@example.com", "ttl_days": 366}, "invalid_request", "ttl_days"),
    ({"address": "person@example.com", "ttl_days": "30"}, "invalid_request", "ttl_days"),
    ({"address": "person@example.com", "ttl_days": 1.5}, "invalid_request", "ttl_days"),
    ({"address": "person@example.com", "brand": "*"}, "invalid_request", "brand"),
    ({"address": "person@example.com", "brand": ""}, "invalid_request", "brand"),
    ({"address": "person@example.com", "extra": 1}, "invalid_request", "extra"),
    ({}, "invalid_request", "address"),
])
def test_bad_link_requests(api, body, code, field_name):
    assert_error(api.call("POST", "/v1/preference-links", body), 400, code, field_name)


def test_issuing_links_needs_write(api):
    body = {"address": new_email()}
    assert_error(api.call("POST", "/v1/preference-links", body, key="dialer"), 403, "forbidden")
    assert_error(api.call("POST", "/v1/preference-links", body, key=None), 401, "unauthorized")
    assert_error(api.call("POST", "/v1/preference-links", body, key="no-such-key"), 401, "unauthorized")
    make_link(api, body["address"], key="writer")


# --- the page ----------------------------------------------------------------------------------

def test_the_page_shows_every_channel_of_the_person_with_its_status(api):
    phone, email = new_phone(), new_email()
    preferences(api, phone, linked_addresses=[email])
    opt_out(api, phone, channels=["call"], purposes=["marketing"], occurred_at="2026-11-20T12:00:00Z")
    consent(api, phone, channels=["sms"], purposes=["marketing", "informational"],
            occurred_at="2026-11-20T12:00:00Z")
    link = make_link(api, phone)

    page = open_url(api, link["url"])
    assert page.status == 200, page.text
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    html = page.text
    assert f'<form method="post" action="{link["url"]}">' in html
    assert "<script" not in html and "src=" not in html  # a brand with no logo: no image
    # issue 13: the only links are the language switch's, relative (the same page, its token kept)
    assert re.findall(r'href="([^"]*)"', html) == ["?lang=es"]
    phone = national(phone)  # issue 13: the number as its country writes it
    assert phone in html
    assert email not in html and f"{email[0]}***@example.com" in html  # a linked address is masked
    assert f"ending in {phone[-4:]}" not in html  # the link's own address is shown in full
    rows = set(status_rows(html))
    assert (phone, "Phone calls", "Offers and news (marketing)", "Not receiving: you opted out") in rows
    assert (phone, "Phone calls", "Account and service messages (informational)", "Receiving") in rows
    # rev. 2: an express consent does not do for marketing texts; a Yes on the page (written) would
    assert (phone, "Text messages", "Offers and news (marketing)",
            "Not receiving: these need your agreement here (choose Yes below)") in rows
    assert (phone, "Text messages", "Account and service messages (informational)", "Receiving") in rows
    assert (f"{email[0]}***@example.com", "Email", "Offers and news (marketing)", "Receiving") in rows
    assert len(rows) == 6  # call, sms x 2 purposes, and the linked email x 2
    assert set(page_fields(html)) == {("0", "call.marketing"), ("0", "call.informational"),
                                      ("0", "sms.marketing"), ("0", "sms.informational"),
                                      ("1", "email.marketing"), ("1", "email.informational")}


def test_the_page_shows_no_one_else(api):
    mine, theirs = new_email(), new_email()
    consent(api, theirs, channels=["email"], purposes=["marketing"])
    link = make_link(api, mine)
    html = open_url(api, link["url"]).text
    assert theirs not in html and mine in html


def test_everything_on_the_page_is_escaped(api):
    brand = "<b>acme & \"co\"</b>"  # lower case: brands are case-folded where they enter (issue 7, item 7)
    link = make_link(api, new_email(), brand=brand)
    html = open_url(api, link["url"]).text
    assert brand not in html
    assert "&lt;b&gt;acme &amp; &quot;co&quot;&lt;/b&gt;" in html


def test_statuses_are_for_the_links_brand(api):
    email = new_email()
    opt_out(api, email, channels=["email"], purposes=["marketing"], brand="acme", occurred_at="2026-11-20T12:00:00Z")
    acme = open_url(api, make_link(api, email, brand="acme")["url"]).text
    other = open_url(api, make_link(api, email, brand="globex")["url"]).text
    assert "Not receiving: you opted out" in acme
    assert "Not receiving: you opted out" not in other


def test_choices_are_recorded_and_change_decisions(api):
    phone = new_phone()
    opt_out(api, phone, channels=["call"], purposes=["marketing"], occurred_at="2026-11-20T12:00:00Z")
    link = make_link(api, phone)
    html = open_url(api, link["url"]).text
    assert decide(api, phone, "call")["decision"] == "deny"
    assert decide(api, phone, "sms")["decision"] == "deny"  # texts need consent

    reply = post_form(api, link["url"], [(field(html, 0, "call", "marketing"), "in"),
                                         (field(html, 0, "sms", "marketing"), "in"),
                                         (field(html, 0, "sms", "informational"), "out"),
                                         (field(html, 0, "call", "informational"), "keep"),
                                         ("preferred_channel", "sms")],
                      headers={"user-agent": "TestBrowser/1.0", "x-forwarded-for": "203.0.113.9"})
    assert reply.status == 303, reply.text
    assert reply.headers["location"] == link["url"] + "?saved=1"

    assert decide(api, phone, "call")["decision"] == "allow"
    sms = decide(api, phone, "sms")
    assert sms["decision"] == "allow" and sms["preferred_channel"] == "sms" and sms["recommended_channel"] == "sms"
    informational = decide(api, phone, "sms", purpose="informational")
    assert informational["decision"] == "deny" and "opted_out" in codes(informational)

    record = profile(api, phone)
    consents = [c for c in record["consents"] if c["source"] == "preference_center"]
    assert {(tuple(c["channels"]), tuple(c["purposes"])) for c in consents} == {(("call",), ("marketing",)),
                                                                             (("sms",), ("marketing",))}
    evidence = consents[0]["evidence"]
    assert evidence["form_url"] == link["url"]
    assert evidence["ip"] == "127.0.0.1"  # the API Gateway's source IP wins over a header the client sets
    assert evidence["user_agent"] == "TestBrowser/1.0"
    # issue 13: the brand named (the default brand, unnamed: its id capitalised; never "the sender"), the
    # number as the page showed it, and the language it was shown in
    assert evidence["disclosure_text"].startswith("I agree that Default may ")
    assert national(phone) in evidence["disclosure_text"]
    assert (evidence["disclosure_language"], evidence["disclosure_version"]) == ("en", "preference-center-2")
    assert evidence["disclosure_text"] in html  # the words the person saw, kept word for word
    assert {o["source"] for o in record["opt_outs"]} == {"agent", "preference_center"}

    saved = open_url(api, reply.headers["location"])
    assert saved.status == 200 and "Your choices are saved." in saved.text
    assert "Not receiving: you opted out" in saved.text  # sms informational

    entries = len(history(api, phone))
    again = post_form(api, link["url"], [(field(html, 0, "call", "marketing"), "in"),
                                         (field(html, 0, "sms", "informational"), "out"),
                                         ("preferred_channel", "sms")])
    assert again.status == 303
    assert len(history(api, phone)) == entries  # what is already so is not recorded twice


def test_opting_in_again_after_opting_out_from_the_page(api):
    email = new_email()
    link = make_link(api, email, brand="acme")
    name = field(open_url(api, link["url"]).text, 0, "email", "marketing")
    assert post_form(api, link["url"], {name: "out"}).status == 303
    assert "opted_out" in codes(decide(api, email, "email", brand="acme"))
    assert decide(api, email, "email")["decision"] == "allow"  # another brand: untouched
    assert post_form(api, link["url"], {name: "in"}).status == 303
    assert decide(api, email, "email", brand="acme")["decision"] == "allow"


def test_linked_addresses_can_be_opted_out_from_the_page(api):
    email, phone = new_email(), new_phone()
    preferences(api, email, linked_addresses=[phone])
    link = make_link(api, email)
    html = open_url(api, link["url"]).text
    assert post_form(api, link["url"], {field(html, 1, "call", "informational"): "out"}).status == 303
    assert "opted_out" in codes(decide(api, phone, "call", purpose="informational"))
    (opt_out_record,) = profile(api, phone)["opt_outs"]
    assert opt_out_record["source"] == "preference_center"


def test_a_link_grants_consent_only_for_its_own_address(both):
    """An email's link proves who reads that mailbox, not who holds the phone it links to: the page
    offers no opt-in for a linked address, and a form that sends one anyway records nothing."""
    email, phone = new_email(), new_phone()
    preferences(both, email, linked_addresses=[phone])
    link = make_link(both, email)
    html = open_url(both, link["url"]).text
    linked_ref = field(html, 1, "sms", "marketing").split(".")[1]
    own_ref = field(html, 0, "email", "marketing").split(".")[1]
    assert f'name="scope.{own_ref}.email.marketing" value="in"' in html  # its own address: yes, no or keep
    assert f'name="scope.{linked_ref}.sms.marketing" value="out"' in html  # a linked one: no or keep
    assert f'scope.{linked_ref}.' in html and not [
        line for line in html.splitlines() if f'scope.{linked_ref}.' in line and 'value="in"' in line]

    for channel in ("sms", "call"):  # the form posted by hand, with a yes for the linked phone
        reply = post_form(both, link["url"], {field(html, 1, channel, "marketing"): "in",
                                                  field(html, 0, "email", "informational"): "out"}, headers=BROWSER)
        assert reply.status == 400, reply.text
        assert "Nothing was saved" in reply.text and "only opt out" in reply.text
    assert "no_consent" in codes(decide(both, phone, "sms"))
    assert "no_consent" in codes(decide(both, phone, "call"))
    profile(both, phone, status=404)  # nothing recorded for the phone
    assert [e["type"] for e in history(both, email)] == ["preferences.updated"]  # nor for the email


def test_snooze_and_its_end(api):
    phone = new_phone()
    consent(api, phone, channels=["call", "sms"], purposes=["marketing"], occurred_at="2026-11-20T12:00:00Z")
    email = new_email()
    preferences(api, phone, linked_addresses=[email], timezone="America/Los_Angeles")
    link = make_link(api, phone)
    until = (datetime.now(UTC) + timedelta(days=20)).date()
    assert post_form(api, link["url"], {"snooze_until": until.isoformat()}).status == 303

    expected = datetime(until.year, until.month, until.day, tzinfo=ZoneInfo("America/Los_Angeles"))  # the person's zone
    call = decide(api, phone, "call")
    assert call["decision"] == "defer" and "snoozed" in codes(call)
    assert profile(api, phone)["preferences"]["snooze_until"] == expected.astimezone(UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    assert "snoozed" in codes(decide(api, email, "email"))  # every address of the person
    page = open_url(api, link["url"]).text
    assert "All messages are paused until" in page and 'name="snooze_clear"' in page

    assert post_form(api, link["url"], {"snooze_clear": "1"}).status == 303
    assert decide(api, phone, "call")["decision"] == "allow"
    assert profile(api, phone)["preferences"]["snooze_until"] is None


def test_opting_out_of_everything(api):
    phone, email = new_phone(), new_email()
    consent(api, phone, channels=["call", "sms"], purposes=["marketing", "informational"],
            occurred_at="2026-11-20T12:00:00Z", brand="acme")
    preferences(api, phone, linked_addresses=[email])
    link = make_link(api, phone, brand="acme")
    html = open_url(api, link["url"]).text
    reply = post_form(api, link["url"], {"opt_out_all": "1", field(html, 0, "sms", "marketing"): "in"})
    assert reply.status == 303
    for address, channel in ((phone, "call"), (phone, "sms"), (email, "email")):
        for purpose in ("marketing", "informational"):
            decision = decide(api, address, channel, purpose=purpose, brand="acme")
            assert decision["decision"] == "deny" and "opted_out" in codes(decision), (address, channel, purpose)
    assert decide(api, email, "email", brand="globex")["decision"] == "allow"  # the link's brand only
    assert not [c for c in profile(api, phone)["consents"] if c["source"] == "preference_center"]


@pytest.mark.parametrize("fields, problem", [
    ({"snooze_until": -2}, "after today"),  # an int is days from today: a fixed date would one day pass
    ({"snooze_until": "tomorrow"}, "YYYY-MM-DD"),
    ({"snooze_until": 500}, "at most"),
    ({"preferred_channel": "fax"}, "preferred channel"),
    ({"preferred_channel": "email"}, "one of your channels"),
    ({"scope.0123456789abcdef.call.marketing": "in"}, "reload"),
    ({"scope.x.call.marketing": "maybe"}, "reload"),
])
def test_a_bad_form_records_nothing_and_says_why(api, fields, problem):
    if isinstance(fields.get("snooze_until"), int):
        fields = {"snooze_until": (datetime.now(UTC).date() + timedelta(days=fields["snooze_until"])).isoformat()}
    phone = new_phone()
    link = make_link(api, phone)
    reply = post_form(api, link["url"], fields)
    assert reply.status == 400
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    assert "Nothing was saved" in reply.text and problem in reply.text and "<form" in reply.text
    assert_error(api.call("GET", f"/v1/contacts/{quoted(phone)}"), 404, "not_found")


def test_the_page_wants_its_form(api):
    """A body that is not the page's form (JSON asking to opt out of everything) is refused and
    records nothing: the contact's facts, history and decisions are as they were."""
    email = new_email()
    consent(api, email, channels=["email"], purposes=["marketing", "informational"])
    link = make_link(api, email)
    before, entries = profile(api, email), history(api, email)
    reply = post_form(api, link["url"], None, raw=b'{"opt_out_all": "1"}', headers={"content-type": "application/json"})
    assert reply.status == 400
    assert "Nothing was saved" in reply.text and "<form" in reply.text
    after = profile(api, email)
    assert (after["opt_outs"], after["consents"], after["preferences"]) == (
        before["opt_outs"], before["consents"], before["preferences"])
    assert history(api, email) == entries
    assert decide(api, email, "email")["decision"] == "allow"


# --- one-click unsubscribe ---------------------------------------------------------------------

def test_one_click_unsubscribe_opts_out_of_marketing_email_only(api):
    email = new_email()
    link = make_link(api, email, brand="acme")
    reply = post_form(api, link["unsubscribe_url"], None, raw=ONE_CLICK)
    assert reply.status == 200, reply.text
    assert email not in reply.text
    decision = decide(api, email, "email", brand="acme")
    assert decision["decision"] == "deny" and "opted_out" in codes(decision)
    assert decide(api, email, "email", purpose="informational", brand="acme")["decision"] == "allow"
    assert decide(api, email, "email", brand="globex")["decision"] == "allow"
    (entry,) = [o for o in profile(api, email)["opt_outs"]]
    assert (entry["channels"], entry["purposes"], entry["brand"], entry["source"]) == (
        ["email"], ["marketing"], "acme", "preference_center")

    again = post_form(api, link["unsubscribe_url"], None, raw=ONE_CLICK)
    assert again.status == 200
    assert len(profile(api, email)["opt_outs"]) == 1  # a second click is fine and records nothing new


def test_one_click_as_multipart_form_data(api):
    email = new_email()
    link = make_link(api, email)
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--XyZ--\r\n")
    reply = post_form(api, link["unsubscribe_url"], None, raw=body,
                      headers={"content-type": "multipart/form-data; boundary=XyZ"})
    assert reply.status == 200, reply.text
    assert "opted_out" in codes(decide(api, email, "email"))


def test_one_click_for_a_phone_stops_marketing_calls_and_texts(api):
    phone = new_phone()
    consent(api, phone, channels=["call", "sms"], purposes=["marketing", "informational"],
            occurred_at="2026-11-20T12:00:00Z")
    link = make_link(api, phone)
    assert post_form(api, link["unsubscribe_url"], None, raw=ONE_CLICK).status == 200
    for channel in ("call", "sms"):
        assert "opted_out" in codes(decide(api, phone, channel))
        assert decide(api, phone, channel, purpose="informational")["decision"] == "allow"


@pytest.mark.parametrize("body", [
    b"", b"List-Unsubscribe=Yes", b"List-Unsubscribe=One-Click&List-Unsubscribe=One-Click",
    b"List-Unsubscribe=One-Click&other=1", b"list-unsubscribe=one-click", b'{"List-Unsubscribe": "One-Click"}',
    b"One-Click",
])
def test_any_other_body_is_400_and_changes_nothing(api, body):
    email = new_email()
    link = make_link(api, email)
    reply = post_form(api, link["unsubscribe_url"], None, raw=body)
    assert_error(reply, 400, "invalid_request")
    assert decide(api, email, "email")["decision"] == "allow"


def test_opening_the_unsubscribe_url_asks_first(api):
    email = new_email()
    link = make_link(api, email, brand="acme")
    page = open_url(api, link["unsubscribe_url"], BROWSER)
    assert page.status == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<form method="post" action="{link["unsubscribe_url"]}">' in page.text
    assert 'name="List-Unsubscribe" value="One-Click"' in page.text
    assert email not in page.text
    assert decide(api, email, "email", brand="acme")["decision"] == "allow"  # a GET changes nothing
    done = post_form(api, link["unsubscribe_url"], None, raw=ONE_CLICK, headers=BROWSER)
    assert done.status == 200 and "You are unsubscribed" in done.text


def test_each_token_opens_only_its_own_door(api):
    email = new_email()
    link = make_link(api, email)
    page_token = path_of(link["url"]).split("/")[2]
    unsubscribe_token = path_of(link["unsubscribe_url"]).split("/")[2]
    assert open_url(api, f"{BASE}/p/{unsubscribe_token}").status == 403
    assert post_form(api, f"{BASE}/p/{unsubscribe_token}", {"opt_out_all": "1"}).status == 403
    assert post_form(api, f"{BASE}/p/{page_token}/unsubscribe", None, raw=ONE_CLICK).status == 403
    helpers.assert_unknown(api, email)  # neither refused door recorded anything


# --- refused links -----------------------------------------------------------------------------

@pytest.mark.parametrize("index", [0, 10, 33, -43, -10, -2, -1])
def test_a_tampered_link_is_403_and_says_nothing_about_whose_it_was(api, index):
    email = new_email()
    link = make_link(api, email, brand="acme")
    for url in (link["url"], link["unsubscribe_url"]):
        path = tampered(url, index)
        for headers in ({}, BROWSER):
            reply = api.call("GET", path, key=None, headers=headers)
            assert reply.status == 403, (path, reply.text)
            assert email not in reply.text and "acme" not in reply.text
        reply = api.call("POST", path, key=None, raw=ONE_CLICK, headers=FORM)
        assert reply.status == 403 and email not in reply.text
    assert decide(api, email, "email", brand="acme")["decision"] == "allow"


def test_refusals_are_json_for_programs_and_html_for_people(api):
    link = make_link(api, new_email())
    path = tampered(link["url"])
    assert_error(api.call("GET", path, key=None), 403, "invalid_link")
    page = api.call("GET", path, key=None, headers=BROWSER)
    assert page.status == 403 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert "This link is not valid" in page.text
    assert_error(api.call("GET", "/p/garbage", key=None), 403, "invalid_link")


def _expired_link(address: str, brand: str = "default", days_ago: int = 31) -> dict:
    """A link issued ``days_ago`` for 30 days, through the service and its injectable clock."""
    from registry.domain.addresses import normalise
    from registry.services import preference_links

    issued = preference_links.issue(normalise(address), brand, 30, BASE,
                                    now=datetime.now(UTC) - timedelta(days=days_ago))
    return issued.to_dict()


def test_an_expired_page_is_410_and_says_nothing_about_whose_it_was(both):
    email = new_email()
    link = _expired_link(email, brand="acme")
    for headers in ({}, BROWSER):
        reply = open_url(both, link["url"], headers)
        assert reply.status == 410, reply.text
        assert email not in reply.text and "acme" not in reply.text
    assert_error(open_url(both, link["url"]), 410, "link_expired")
    assert post_form(both, link["url"], {"opt_out_all": "1"}).status == 410
    assert decide(both, email, "email", brand="acme")["decision"] == "allow"


def test_one_click_unsubscribe_works_however_old_the_link(both):
    """rev. 2: expires_at is the page's; the unsubscribe URL works as long as the link's record exists."""
    email = new_email()
    consent(both, email, channels=["email"], purposes=["marketing"])
    link = _expired_link(email, brand="acme", days_ago=400)
    assert open_url(both, link["url"]).status == 410  # the page has expired
    confirm = open_url(both, link["unsubscribe_url"], BROWSER)  # the button that sends the one-click POST
    assert confirm.status == 200 and "<form" in confirm.text
    reply = post_form(both, link["unsubscribe_url"], None, raw=ONE_CLICK)
    assert reply.status == 200, reply.text
    assert clean(reply)["unsubscribed"] is True
    assert "opted_out" in codes(decide(both, email, "email", brand="acme"))
    (entry,) = [e for e in history(both, email) if e["type"] == "opt_out.recorded"]
    assert entry["source"] == "preference_center" and entry["data"]["purposes"] == ["marketing"]
    # a tampered one is still refused, expired or not
    assert_error(post_form(both, tampered(link["unsubscribe_url"]), None, raw=ONE_CLICK), 403, "invalid_link")


def test_a_links_record_outlives_its_page(api, dynamodb_client):
    """The table must not drop the link at the page's expiry (it used to carry a TTL at it)."""
    import os

    link = make_link(api, new_email(), ttl_days=1)
    link_id = path_of(link["url"]).split("/")[2].split(".")[0]
    from registry.domain.link_tokens import _LAYOUT, _unb64, b64

    raw_id = b64(_LAYOUT.unpack(_unb64(link_id))[1])
    pages = dynamodb_client.get_paginator("scan").paginate(  # DynamoDB pages a scan (1 MB); moto does not
        TableName=os.environ["REGISTRY_TABLE"], FilterExpression="pk = :pk OR sk = :sk",
        ExpressionAttributeValues={":pk": {"S": f"LINK#{raw_id}"}, ":sk": {"S": f"L#{raw_id}"}}, ConsistentRead=True)
    items = [item for page in pages for item in page["Items"]]
    assert len(items) == 2 and all("expires_at_epoch" not in item for item in items)
    (record,) = [i for i in items if i["pk"]["S"].startswith("LINK#")]
    assert record["page_expires_at"]["S"] == link["expires_at"]


def test_a_link_still_valid_today_opens(api):
    from registry.domain.addresses import normalise
    from registry.services import preference_links

    email = new_email()
    issued = preference_links.issue(normalise(email), "default", 30, BASE,
                                    now=datetime.now(UTC) - timedelta(days=29))
    assert open_url(api, issued.url).status == 200


def test_erasure_revokes_the_persons_links(api):
    email = new_email()
    consent(api, email, channels=["email"], purposes=["marketing"])
    link = make_link(api, email)
    assert open_url(api, link["url"]).status == 200
    assert api.call("DELETE", f"/v1/contacts/{quoted(email)}").status == 200
    for reply in (open_url(api, link["url"], BROWSER), post_form(api, link["unsubscribe_url"], None, raw=ONE_CLICK)):
        assert reply.status == 410 and email not in reply.text


def test_erasure_of_an_unknown_address_still_revokes_its_links(api):
    email = new_email()
    link = make_link(api, email)  # the registry holds no facts for it
    assert_error(api.call("DELETE", f"/v1/contacts/{quoted(email)}"), 404, "not_found")
    assert open_url(api, link["url"]).status == 410


def test_pages_need_no_api_key_but_v1_still_does(api):
    link = make_link(api, new_email())
    assert open_url(api, link["url"]).status == 200
    assert api.call("POST", "/v1/preference-links", {"address": new_email()}, key=None).status == 401
    # GET names no route: 404 whatever the key (docs/decisions.md)
    assert api.call("GET", "/v1/preference-links", key=None).status == 404


def test_decisions_after_unsubscribe_hold_at_a_later_moment(api):
    email = new_email()
    link = make_link(api, email)
    assert post_form(api, link["unsubscribe_url"], None, raw=ONE_CLICK).status == 200
    assert decide(api, email, "email", at=noon_la_after_now(days=30))["decision"] == "deny"
