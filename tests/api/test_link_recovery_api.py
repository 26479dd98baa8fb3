"""No dead ends (issue 13, item 4): an expired or tampered link's page leads to a form where the
person asks for a new link; the registry puts ``preference_link.requested`` on the bus only for an
address it knows, answers the same either way, and limits requests per address and per client.
Every test runs through the Lambda handler and the local server (``both``); the bus is read back
through a rule that sends the events to an SQS queue, as the brand's sender would subscribe."""
from __future__ import annotations

import html
import itertools
import json
import random
import re
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from registry.domain.addresses import normalise
from registry.services import preference_links
from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import assert_error, consent

pytestmark = pytest.mark.dynamodb

BASE = "http://prefs.test:3000"  # REGISTRY_PUBLIC_BASE_URL in tests/conftest.py
FORM_URL = f"{BASE}/new-link"
FORM = {"content-type": "application/x-www-form-urlencoded"}
BROWSER = {"accept": "text/html,application/xhtml+xml", "user-agent": "TestBrowser/1.0"}
HOSTILE = {"host": "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https",
           "forwarded": "host=evil.example;proto=https"}
SENT = "If this address is registered, a new link is on its way."
DETAIL_TYPE = "preference_link.requested"

_clients = itertools.count(random.SystemRandom().randrange(1 << 20))


def new_client() -> str:
    """An IPv4 address no other test uses (each test has its own client count)."""
    n = next(_clients) % (1 << 22)
    return f"10.{64 + (n >> 16)}.{(n >> 8) & 255}.{n & 255}"


# --- the bus -----------------------------------------------------------------------------------

@pytest.fixture
def bus(rule_queue, configure):
    """A bus of the test's own with a rule sending ``preference_link.requested`` to a queue (as the
    brand's sender would subscribe); no answer floor (a test that measures it sets its own)."""
    configure(REGISTRY_LINK_RECOVERY_MIN_SECONDS="0")
    return rule_queue(DETAIL_TYPE)


def links_of(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The links the events carry (address, url), each once: the bus delivers at least once (a
    PutEvents retried after a timeout on a busy machine arrives twice, with the same url)."""
    return list(dict.fromkeys((e["detail"]["address"], e["detail"]["url"]) for e in events))


def nothing_more(bus) -> None:
    assert bus.received(1, timeout=2.5) == []


# --- helpers -----------------------------------------------------------------------------------

def path_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def expired_link(address: str, brand: str = "default") -> dict:
    """A link issued 31 days ago for 30 days (the service's injectable clock)."""
    issued = preference_links.issue(normalise(address), brand, 30, BASE, now=datetime.now(UTC) - timedelta(days=31))
    return issued.to_dict()


def token_of(url: str) -> str:
    return urllib.parse.urlsplit(url).path.split("/")[2]


def tampered(url: str) -> str:
    """The URL's path with the last but one character of its token changed."""
    parts = path_of(url).split("/")
    token = parts[2]
    parts[2] = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    return "/".join(parts)


def ask(host, address: str, link: str | None = None, client: str | None = None, headers: dict | None = None):
    """POST the form as a browser would, from ``client`` (a fresh one if not given)."""
    fields = {"address": address, **({"link": link} if link is not None else {})}
    return host.call("POST", "/new-link", key=None, raw=urllib.parse.urlencode(fields).encode(),
                     headers={**FORM, **BROWSER, **(headers or {})}, client=client or new_client())


def known(host, address: str, brand: str = "default") -> str:
    """An address the registry knows: a fact about it was recorded."""
    consent(host, address, channels=["email"] if "@" in address else ["sms"], purposes=["informational"],
            brand=brand)
    return address


def recovery_href(page: str) -> str:
    found = re.search(r'<a href="([^"]+)">Get a new link</a>', page)
    assert found, page
    return html.unescape(found.group(1))


def same_answer(a, b) -> None:
    """Byte for byte the same body, the same status and the same headers (but the request's id)."""
    assert (a.status, a.text) == (b.status, b.text)
    drop = {"x-request-id", "content-length"}
    assert {k: v for k, v in a.headers.items() if k not in drop} == {k: v for k, v in b.headers.items()
                                                                    if k not in drop}


# --- the way out of an expired or tampered page ------------------------------------------------

def test_the_expired_page_leads_to_the_form_which_carries_the_link_on(both):
    link = expired_link(new_email(), brand="acme")
    page = both.call("GET", path_of(link["url"]), key=None, headers=BROWSER)
    assert page.status == 410
    href = recovery_href(page.text)
    assert href == f"{FORM_URL}?link={token_of(link['url'])}"
    assert "acme" not in page.text  # the way out names no brand either

    form = both.call("GET", path_of(href), key=None, headers=BROWSER)
    assert form.status == 200 and form.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<form method="post" action="{FORM_URL}">' in form.text
    assert f'<input type="hidden" name="link" value="{token_of(link["url"])}">' in form.text
    assert '<label for="address">' in form.text and 'id="address" name="address"' in form.text
    assert "<script" not in form.text and "acme" not in form.text
    assert "script-src" not in form.headers["content-security-policy"]
    # a browser sends the form only where form-action allows, and draws only the style it names by hash
    assert "form-action 'self'" in form.headers["content-security-policy"]
    assert "style-src 'sha256-" in form.headers["content-security-policy"]
    assert form.headers["x-frame-options"] == "DENY" and form.headers["cache-control"] == "no-store"


def test_the_tampered_page_leads_to_the_form_without_its_token(both):
    link = preference_links.issue(normalise(new_email()), "acme", 30, BASE).to_dict()
    for url in (link["url"], link["unsubscribe_url"]):
        page = both.call("GET", tampered(url), key=None, headers=BROWSER)
        assert page.status == 403
        assert recovery_href(page.text) == FORM_URL


def test_a_forged_token_on_the_form_is_not_carried_on(both):
    link = expired_link(new_email())
    forged = tampered(link["url"]).split("/")[2]
    form = both.call("GET", f"/new-link?link={quoted(forged)}", key=None, headers=BROWSER)
    assert form.status == 200 and 'name="link"' not in form.text and forged not in form.text
    hostile = both.call("GET", "/new-link?link=%22%3E%3Cscript%3E", key=None, headers=BROWSER)
    assert hostile.status == 200 and "<script" not in hostile.text


def test_a_program_still_gets_the_json_error(both):
    link = expired_link(new_email())
    assert_error(both.call("GET", path_of(link["url"]), key=None), 410, "link_expired")


# --- a new link, only for a known address ------------------------------------------------------

def test_a_known_address_gets_a_working_link_on_the_bus_for_its_links_brand(both, bus):
    email = known(both, new_email(), brand="acme")
    link = expired_link(email, brand="acme")
    before = datetime.now(UTC).replace(microsecond=0)
    reply = ask(both, email.upper(), link=token_of(link["url"]))  # any spelling of it
    assert reply.status == 200, reply.text
    assert SENT in reply.text and email not in reply.text

    event = bus.received(1)[0]
    assert event["detail-type"] == DETAIL_TYPE and event["source"] == "contact-registry"
    detail = event["detail"]
    assert set(detail) == {"address", "brand", "url", "unsubscribe_url", "expires_at", "requested_at"}
    assert (detail["address"], detail["brand"]) == (email, "acme")
    assert detail["url"].startswith(f"{BASE}/p/") and detail["unsubscribe_url"].endswith("/unsubscribe")
    requested = datetime.fromisoformat(detail["requested_at"].replace("Z", "+00:00"))
    expires = datetime.fromisoformat(detail["expires_at"].replace("Z", "+00:00"))
    assert before <= requested <= datetime.now(UTC)
    # issued as POST /v1/preference-links issues one: the default 30 days (whole seconds)
    assert timedelta(days=preference_links.DEFAULT_TTL_DAYS, seconds=-1) < expires - requested \
        <= timedelta(days=preference_links.DEFAULT_TTL_DAYS)

    page = both.call("GET", path_of(detail["url"]), key=None, headers=BROWSER)
    assert page.status == 200 and email in page.text
    unsubscribe = both.call("GET", path_of(detail["unsubscribe_url"]), key=None, headers=BROWSER)
    assert unsubscribe.status == 200


def test_a_phone_number_in_any_spelling(both, bus):
    phone = known(both, new_phone())
    national = f"({phone[2:5]}) {phone[5:8]}-{phone[8:]}"
    assert ask(both, national).status == 200
    event = bus.received(1)[0]
    assert event["detail"]["address"] == phone and event["detail"]["brand"] == "default"


def test_an_unknown_address_publishes_nothing_and_gets_the_same_answer(both, bus):
    email = known(both, new_email())
    stranger = new_email()
    told = ask(both, email)
    not_told = ask(both, stranger)
    same_answer(told, not_told)
    assert [address for address, _ in links_of(bus.received(2, timeout=4))] == [email]

    # as a program asks, too
    as_json = [both.call("POST", "/new-link", key=None, headers=FORM, client=new_client(),
                         raw=urllib.parse.urlencode({"address": a}).encode()) for a in (email, stranger)]
    same_answer(*as_json)
    assert as_json[0].status == 200 and as_json[0].json() == {"message": as_json[0].json()["message"]}
    assert SENT in as_json[0].json()["message"]


def test_a_tampered_link_gives_the_default_brand(both, bus):
    email = known(both, new_email(), brand="acme")
    link = expired_link(email, brand="acme")
    forged = tampered(link["url"]).split("/")[2]
    assert ask(both, email, link=forged).status == 200
    assert ask(both, email).status == 200  # from the tampered page: no token at all
    events = bus.received(2)
    assert len(links_of(events)) == 2 and {e["detail"]["brand"] for e in events} == {"default"}


def test_an_erased_contact_is_not_known(both, bus):
    email = known(both, new_email())
    assert both.call("DELETE", f"/v1/contacts/{quoted(email)}").status == 200
    stranger = ask(both, new_email())
    erased = ask(both, email)
    same_answer(stranger, erased)
    nothing_more(bus)


def test_the_link_comes_from_configuration_never_from_the_host(both, bus):
    email = known(both, new_email())
    form = both.call("GET", "/new-link", key=None, headers={**BROWSER, **HOSTILE})
    assert form.status == 200 and "evil" not in form.text and f'action="{FORM_URL}"' in form.text
    reply = ask(both, email, headers=HOSTILE)
    assert reply.status == 200 and "evil" not in reply.text
    event = bus.received(1)[0]
    assert event["detail"]["url"].startswith(f"{BASE}/p/")
    assert event["detail"]["unsubscribe_url"].startswith(f"{BASE}/p/")
    assert "evil" not in json.dumps(event)


# --- what is not an address --------------------------------------------------------------------

def test_an_invalid_address_is_said_on_the_form(both, bus):
    link = expired_link(new_email())
    for text in ("", "   ", "not an address", "+1 555", "a@b", "x" * 300 + "@example.com"):
        reply = ask(both, text, link=token_of(link["url"]))
        assert reply.status == 400, text
        assert '<p role="alert" id="address-error">' in reply.text and 'aria-invalid="true"' in reply.text
        assert f'<form method="post" action="{FORM_URL}">' in reply.text
        assert f'value="{token_of(link["url"])}"' in reply.text  # the link's brand is kept for the next try
    nothing_more(bus)


def test_what_is_typed_is_escaped_on_the_form(both):
    reply = ask(both, '<script>alert(1)</script>"')
    assert reply.status == 400 and "<script>alert" not in reply.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;" in reply.text or "&lt;script&gt;" in reply.text


def test_only_the_form_is_read(both):
    reply = both.call("POST", "/new-link", key=None, raw=b'{"address": "a@example.com"}',
                      headers={"content-type": "application/json", **BROWSER}, client=new_client())
    assert reply.status == 400 and "send the page&#39;s form" in reply.text.replace("&#x27;", "&#39;")


# --- rate limits -------------------------------------------------------------------------------

def test_at_most_three_per_address_an_hour_known_or_not(both, bus):
    email = known(both, new_email())
    stranger = new_email()
    for _ in range(3):
        same_answer(ask(both, email), ask(both, stranger))  # each from a new client
    over = [ask(both, email), ask(both, stranger)]
    assert over[0].status == 429 and "try again" in over[0].text.lower()
    same_answer(*over)  # the limit tells nothing about registration either
    assert len(links_of(bus.received(4, timeout=4))) == 3


def test_at_most_twenty_per_client_an_hour_whatever_it_claims(both, bus):
    client = new_client()
    for n in range(20):
        reply = ask(both, new_email(), client=client, headers={"x-forwarded-for": f"203.0.113.{n}"})
        assert reply.status == 200, (n, reply.text)
    email = known(both, new_email())
    over = ask(both, email, client=client, headers={"x-forwarded-for": "198.51.100.1"})
    assert over.status == 429
    json_over = both.call("POST", "/new-link", key=None, headers=FORM, client=client,
                          raw=urllib.parse.urlencode({"address": email}).encode())
    assert_error(json_over, 429, "rate_limited")
    nothing_more(bus)
    assert ask(both, email).status == 200  # another client is not held back
    assert [address for address, _ in links_of(bus.received(2, timeout=4))] == [email]


def test_an_ipv6_client_is_counted_by_its_64(api, bus, configure):
    configure(REGISTRY_LINK_RECOVERY_CLIENT_LIMIT="2")
    prefix = f"2001:db8:{random.SystemRandom().randrange(1 << 16):x}:{random.SystemRandom().randrange(1 << 16):x}"
    assert ask(api, new_email(), client=f"{prefix}::1").status == 200
    assert ask(api, new_email(), client=f"{prefix}:ffff::2").status == 200
    assert ask(api, new_email(), client=f"{prefix}:1234:5678:9abc:def0").status == 429


def test_counters_hold_no_address_and_expire(api, bus, dynamodb_client, dynamodb_table):
    email = known(api, new_email())
    client = new_client()
    assert ask(api, email, client=client).status == 200
    from registry.services.address_keys import address_hash
    from registry.services.link_recovery import client_digest

    items = [item for pk in (f"RL#address#{address_hash(email)}", f"RL#client#{client_digest(client)}")
             for item in dynamodb_client.query(TableName=dynamodb_table, KeyConditionExpression="pk = :p",
                                               ExpressionAttributeValues={":p": {"S": pk}})["Items"]]
    assert len(items) == 2 and all(item["n"] == {"N": "1"} for item in items)
    assert email not in json.dumps(items) and client not in json.dumps(items)
    now = time.time()
    assert all(now < float(item["expires_at_epoch"]["N"]) <= now + 2 * 3600 + 60 for item in items)


# --- the same time, known or not ---------------------------------------------------------------

def test_the_answer_takes_its_floor_known_or_not(both, bus, configure):
    configure(REGISTRY_LINK_RECOVERY_MIN_SECONDS="1.0")
    email = known(both, new_email())
    for address in (email, new_email()):
        started = time.monotonic()
        assert ask(both, address).status == 200
        assert time.monotonic() - started >= 1.0
    assert [address for address, _ in links_of(bus.received(2, timeout=4))] == [email]


def test_logs_never_hold_the_address(both, bus, logs):
    email = known(both, new_email())
    phone = new_phone()
    ask(both, email)
    ask(both, phone)
    ask(both, "bad@address")
    text = "\n".join(logs.take_text())
    assert "new preference link requested" in text
    for value in (email, phone, phone[-4:] + '"', "bad@address", email.split("@")[0]):
        assert value not in text


# --- in the person's language (issue 13, item 3): the way out and the form speak it too ---------

SPANISH = {**BROWSER, "accept-language": "es-MX,es;q=0.9,en;q=0.5"}
SENT_ES = "Si esta dirección está registrada, le enviamos un enlace nuevo."


def test_the_expired_page_in_spanish_leads_to_the_form_in_spanish(both):
    link = expired_link(new_email(), brand="acme")
    page = both.call("GET", path_of(link["url"]), key=None, headers=SPANISH)
    assert page.status == 410 and '<html lang="es">' in page.text
    found = re.search(r'<a href="([^"]+)">Obtener un enlace nuevo</a>', page.text)
    assert found, page.text
    assert "Get a new link" not in page.text
    form = both.call("GET", path_of(html.unescape(found.group(1))), key=None, headers=SPANISH)
    assert form.status == 200 and '<html lang="es">' in form.text
    assert "<h1>Obtener un enlace nuevo</h1>" in form.text
    assert '<label for="address">Correo electrónico o número de teléfono</label>' in form.text
    assert ">Enviarme un enlace nuevo</button>" in form.text
    assert '<input type="hidden" name="lang" value="es">' in form.text
    assert "Send me a new link" not in form.text


def test_a_language_chosen_on_the_expired_page_goes_on_to_the_form(both):
    link = expired_link(new_email())
    page = both.call("GET", path_of(link["url"]) + "?lang=es", key=None, headers=BROWSER)  # an English browser
    href = html.unescape(re.search(r'<a href="([^"]+)">Obtener un enlace nuevo</a>', page.text).group(1))
    assert href == f"{FORM_URL}?link={token_of(link['url'])}&lang=es"
    form = both.call("GET", path_of(href), key=None, headers=BROWSER)
    assert '<html lang="es">' in form.text and "<h1>Obtener un enlace nuevo</h1>" in form.text


def test_the_forms_switch_keeps_its_link(both):
    link = expired_link(new_email())
    form = both.call("GET", f"/new-link?link={token_of(link['url'])}", key=None, headers=BROWSER)
    assert '<html lang="en">' in form.text
    switch = re.search(r'<a id="lang-es" href="([^"]+)"', form.text)
    assert switch and html.unescape(switch.group(1)) == f"?link={token_of(link['url'])}&lang=es"
    spanish = both.call("GET", f"/new-link{html.unescape(switch.group(1))}", key=None, headers=BROWSER)
    assert '<html lang="es">' in spanish.text
    assert f'<input type="hidden" name="link" value="{token_of(link["url"])}">' in spanish.text


def test_the_answer_speaks_the_forms_language_and_is_the_same_known_or_not(both, bus):
    email = known(both, new_email())
    told = ask(both, email, headers={"accept-language": "es"})
    not_told = ask(both, new_email(), headers={"accept-language": "es"})
    same_answer(told, not_told)
    assert told.status == 200 and SENT_ES in told.text and '<html lang="es">' in told.text
    # the form's hidden lang wins over the browser's header: the page the person read was Spanish
    fields = urllib.parse.urlencode({"address": new_email(), "lang": "es"}).encode()
    chosen = both.call("POST", "/new-link", key=None, raw=fields, headers={**FORM, **BROWSER}, client=new_client())
    assert SENT_ES in chosen.text
    assert [address for address, _ in links_of(bus.received(1))] == [email]


def test_a_bad_address_is_said_in_spanish(both, bus):
    reply = ask(both, "not an address", headers={"accept-language": "es"})
    assert reply.status == 400 and "<h1>Revise la dirección</h1>" in reply.text
    assert "No es un correo electrónico ni un número de teléfono que podamos usar" in reply.text
    empty = ask(both, "  ", headers={"accept-language": "es"})
    assert "Escriba el correo electrónico o el número de teléfono al que se le envió el enlace." in empty.text
    nothing_more(bus)


def test_a_program_gets_english_json_whatever_its_accept_language(both):
    reply = both.call("POST", "/new-link", key=None, headers={**FORM, "accept-language": "es"}, client=new_client(),
                      raw=urllib.parse.urlencode({"address": new_email()}).encode())
    assert reply.status == 200 and reply.json() == {"message": reply.json()["message"]}
    assert SENT in reply.json()["message"]
