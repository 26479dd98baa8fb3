"""The preference page a person trusts, on a phone, in their language (issue 13, items 1-3),
through the Lambda handler and the local server (``both``).

- item 1: the brand's name, logo (its origin alone allowed for images by the CSP), privacy link
  and contact on the page, its consent wording and its expired-link page; a tampered link's page
  names no brand; ``logo_url`` must be https.
- item 2: "Stop all messages" first on the page, then one confirmation, then done; the status table
  carries what its cards show on a narrow screen (each cell's column name).
- item 3: the language from ``?lang=`` (the switch), else ``Accept-Language``, among the brand's
  languages; numbers in national format; dates in words; ``<html lang>``.
"""
from __future__ import annotations

import re
import urllib.parse

import pytest

from registry.domain.addresses import national
from tests.api.conftest import new_email, new_phone
from tests.api.helpers import assert_error, clean, codes, consent, preferences, profile, unique
from tests.api.test_preference_center_api import (
    BROWSER,
    _expired_link,
    decide,
    field,
    make_link,
    open_url,
    path_of,
    post_form,
    status_rows,
    tampered,
)

pytestmark = pytest.mark.dynamodb

SPANISH = {**BROWSER, "accept-language": "es-MX,es;q=0.9,en;q=0.5"}
ENGLISH = {**BROWSER, "accept-language": "en-US,en;q=0.9"}
FACE = {"display_name": "Acme Energía & Co", "logo_url": "https://cdn.acme.example/logo.png",
        "privacy_url": "https://acme.example/privacy", "support_email": "Help@Acme.example",
        "support_phone": "+14155550100"}


def brand_with(api, **fields) -> str:
    brand = unique("acme")
    reply = api.call("PUT", f"/v1/brands/{brand}", {**FACE, **fields})
    assert reply.status == 201, reply.text
    return brand


def csp(reply) -> str:
    return reply.headers["content-security-policy"]


# --- item 1: the brand's face ------------------------------------------------------------------

def test_the_brand_answers_its_face(both):
    brand = brand_with(both, languages=["es", "en"])
    answer = clean(both.call("GET", f"/v1/brands/{brand}", key="dialer"))
    assert {k: answer[k] for k in (*FACE, "languages")} == {
        **FACE, "support_email": "help@acme.example", "languages": ["es", "en"]}
    cleared = clean(both.call("PUT", f"/v1/brands/{brand}", {"logo_url": None, "languages": None}))
    assert cleared["logo_url"] is None and cleared["languages"] is None and cleared["display_name"] == FACE["display_name"]


@pytest.mark.parametrize("fields, field_name", [
    ({"logo_url": "http://cdn.acme.example/logo.png"}, "logo_url"),
    ({"logo_url": "javascript:alert(1)"}, "logo_url"),
    ({"logo_url": "https://cdn.acme.example/x.png'; script-src *"}, "logo_url"),
    ({"privacy_url": "http://acme.example/privacy"}, "privacy_url"),
    ({"support_email": "not an email"}, "support_email"),
    ({"support_email": "+14155550100"}, "support_email"),
    ({"support_phone": "12"}, "support_phone"),
    ({"support_phone": "help@acme.example"}, "support_phone"),
    ({"languages": ["en", "fr"]}, "languages[1]"),
    ({"languages": []}, "languages"),
    ({"display_name": " "}, "display_name"),
    ({"display_name": "x" * 101}, "display_name"),
])
def test_a_bad_face_is_refused_and_changes_nothing(both, fields, field_name):
    brand = brand_with(both)
    before = clean(both.call("GET", f"/v1/brands/{brand}", key="dialer"))
    reply = both.call("PUT", f"/v1/brands/{brand}", {**fields, "help_text": "changed?"})
    code = "invalid_address" if field_name in ("support_email", "support_phone") else "invalid_request"
    assert_error(reply, 400, code, field_name)
    assert clean(both.call("GET", f"/v1/brands/{brand}", key="dialer")) == before
    assert_error(both.call("PUT", f"/v1/brands/{unique('new')}", fields), 400, code, field_name)


def test_the_page_shows_the_brands_name_logo_privacy_link_and_contact(both):
    brand = brand_with(both)
    phone = new_phone()
    link = make_link(both, phone, brand=brand)
    page = open_url(both, link["url"], ENGLISH)
    assert page.status == 200, page.text
    html = page.text
    escaped = "Acme Energía &amp; Co"
    assert f"<title>Your contact preferences · {escaped}</title>" in html
    assert f'<img id="brand-logo" src="https://cdn.acme.example/logo.png" alt="{escaped}" height="48">' in html
    assert f"Here is how {escaped} may contact you" in html
    assert f"I agree that {escaped} may call me at {national(phone)} with marketing calls." in html
    assert '<a id="privacy-link" href="https://acme.example/privacy" rel="noopener noreferrer">Privacy notice</a>' in html
    assert '<a id="support-email" href="mailto:help@acme.example">help@acme.example</a>' in html
    assert '<a id="support-phone" href="tel:+14155550100">(415) 555-0100</a>' in html
    assert "the sender" not in html and "<script" not in html
    # the CSP: the logo's origin for images and nothing else; the page's own style by its hash
    policy = csp(page)
    assert "img-src 'self' https://cdn.acme.example;" in policy
    assert re.search(r"style-src 'sha256-[A-Za-z0-9+/]+=*';", policy) and "unsafe-inline" not in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy and "form-action 'self'" in policy
    assert "img-src" not in csp(open_url(both, make_link(both, new_email())["url"]))  # no logo: no image at all


def test_the_consent_kept_names_the_brand_as_the_page_did(both):
    brand = brand_with(both)
    phone = new_phone()
    link = make_link(both, phone, brand=brand)
    html = open_url(both, link["url"], ENGLISH).text
    assert post_form(both, link["url"], {field(html, 0, "sms", "marketing"): "in"}).status == 303
    (kept,) = [c for c in profile(both, phone)["consents"] if c["source"] == "preference_center"]
    text = kept["evidence"]["disclosure_text"]
    assert text == (f"I agree that Acme Energía & Co may text me at {national(phone)} with marketing messages. "
                    "I can change this at any time on this page.")
    assert kept["evidence"]["disclosure_language"] == "en"


def test_an_expired_page_names_the_brand_but_never_the_address(both):
    brand = brand_with(both)
    email = new_email()
    link = _expired_link(email, brand=brand)
    page = open_url(both, link["url"], SPANISH)
    assert page.status == 410 and '<html lang="es">' in page.text
    assert "Acme Energía &amp; Co" in page.text and 'id="brand-logo"' in page.text
    assert "Pida uno nuevo a Acme Energía &amp; Co" in page.text
    assert email not in page.text and "img-src 'self' https://cdn.acme.example" in csp(page)
    assert_error(open_url(both, link["url"]), 410, "link_expired")  # a program: the contract's JSON
    assert brand not in open_url(both, link["url"]).text


def test_a_tampered_page_is_neutral(both):
    brand = brand_with(both)
    email = new_email()
    link = make_link(both, email, brand=brand)
    for url in (link["url"], link["unsubscribe_url"]):
        page = both.call("GET", tampered(url), key=None, headers=SPANISH)
        assert page.status == 403 and '<html lang="es">' in page.text
        assert "Este enlace no es válido" in page.text
        assert "Acme" not in page.text and brand not in page.text and email not in page.text
        assert 'id="brand"' not in page.text and "img-src" not in csp(page)


# --- item 2: on a phone --------------------------------------------------------------------------

def test_stop_all_messages_is_one_tap_and_one_confirmation(both):
    brand = brand_with(both)
    phone, email = new_phone(), new_email()
    consent(both, phone, channels=["call", "sms"], purposes=["marketing", "informational"], brand=brand,
            occurred_at="2026-11-20T12:00:00Z")
    preferences(both, phone, linked_addresses=[email])
    link = make_link(both, phone, brand=brand)
    html = open_url(both, link["url"], ENGLISH).text
    # first on the page, before the statuses and the form: a GET form (it changes nothing)
    stop = html.index('<form class="stop-all" id="stop-all" method="get"')
    assert stop < html.index('id="statuses"') < html.index('<form method="post"')
    assert '<input type="hidden" name="stop" value="all">' in html
    assert '<button type="submit" class="danger" id="stop-all-button">Stop all messages</button>' in html

    confirm = open_url(both, link["url"] + "?stop=all&lang=en", ENGLISH)
    assert confirm.status == 200
    assert "<h1>Stop all messages from Acme Energía &amp; Co?</h1>" in confirm.text
    assert national(phone) in confirm.text and f"{email[0]}***@example.com" in confirm.text
    assert f'<form method="post" action="{link["url"]}" id="stop-all-confirm">' in confirm.text
    assert '<input type="hidden" name="opt_out_all" value="1">' in confirm.text
    assert f'<a id="stop-all-no" href="{link["url"]}?lang=en">' in confirm.text
    assert decide(both, phone, "call", brand=brand)["decision"] == "allow"  # the GET changed nothing

    done = post_form(both, link["url"], {"opt_out_all": "1", "lang": "en"}, headers=ENGLISH)
    assert done.status == 303 and done.headers["location"] == f"{link['url']}?stopped=1&lang=en"
    for address, channel in ((phone, "call"), (phone, "sms"), (email, "email")):
        for purpose in ("marketing", "informational"):
            assert "opted_out" in codes(decide(both, address, channel, purpose=purpose, brand=brand))
    after = open_url(both, done.headers["location"], ENGLISH).text
    assert "Done: Acme Energía &amp; Co will send you no more calls, texts or emails." in after
    assert {row[3] for row in status_rows(after)} == {"Not receiving: you opted out"}


def test_the_status_table_carries_its_cards(both):
    phone = new_phone()
    link = make_link(both, phone)
    html = open_url(both, link["url"], ENGLISH).text
    assert '<table class="statuses" id="statuses">' in html
    assert '<th scope="col">Status</th>' in html  # a real table for a wide screen and a screen reader
    row = re.search(r'<tr id="row-s0-call-marketing">(.*?)</tr>', html).group(1)
    assert f'<td data-label="Address">{national(phone)}</td>' in row
    assert '<td class="status" data-label="Status" data-status="not_subscribed">' in row  # the card's Status line
    assert "@media (max-width:37.5em)" in html and ".statuses td::before{content:attr(data-label)" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "min-height:44px" in html  # tap targets


# --- item 3: in the person's language --------------------------------------------------------------

def test_the_page_speaks_spanish_to_a_spanish_browser(both):
    phone = new_phone()
    link = make_link(both, phone)
    page = open_url(both, link["url"], SPANISH)
    html = page.text
    assert page.status == 200 and html.startswith('<!doctype html>\n<html lang="es">')
    assert page.headers["content-language"] == "es" and page.headers["vary"] == "Accept-Language"
    assert "<h1>Sus preferencias de contacto</h1>" in html and "Detener todos los mensajes" in html
    assert 'data-label="Estado"' in html and "Llamadas telefónicas" in html
    assert f"Acepto que Default me llame al {national(phone)} con llamadas de marketing." in html
    assert re.search(r"Este enlace funciona hasta el \d{1,2} de [a-z]+ de \d{4} a las \d{1,2}:\d{2} "
                     r"\(hora (estándar|de verano) del Pacífico\)\.", html), html[-400:]
    assert '<a id="lang-en" href="?lang=en" hreflang="en" lang="en">English</a>' in html
    assert '<span id="lang-es" lang="es" aria-current="true">Español</span>' in html
    assert '<input type="hidden" name="lang" value="es">' in html
    english = open_url(both, link["url"], ENGLISH).text
    assert '<html lang="en">' in english and "<h1>Your contact preferences</h1>" in english
    assert '<html lang="en">' in open_url(both, link["url"], {**BROWSER, "accept-language": "fr, de;q=0.5"}).text


def test_the_switch_wins_and_keeps_the_token(both):
    link = make_link(both, new_email())
    spanish = open_url(both, link["url"] + "?lang=es", ENGLISH)
    assert spanish.status == 200 and '<html lang="es">' in spanish.text
    english = open_url(both, link["url"] + "?lang=en", SPANISH)
    assert '<html lang="en">' in english.text
    assert '<html lang="es">' in open_url(both, link["url"] + "?lang=fr", SPANISH).text  # unknown: the browser's
    # the switch's links are relative: the same path, so the same token
    target = urllib.parse.urljoin(link["url"], "?lang=es")
    assert path_of(target) == path_of(link["url"]) + "?lang=es"


def test_only_the_brands_languages(both):
    only_spanish = brand_with(both, languages=["es"])
    link = make_link(both, new_email(), brand=only_spanish)
    page = open_url(both, link["url"] + "?lang=en", ENGLISH)
    assert '<html lang="es">' in page.text and 'id="language-switch"' not in page.text  # one language: no switch
    only_english = brand_with(both, languages=["en"])
    link = make_link(both, new_email(), brand=only_english)
    assert '<html lang="en">' in open_url(both, link["url"] + "?lang=es", SPANISH).text


def test_choices_made_in_spanish_are_kept_in_spanish(both):
    brand = brand_with(both)
    phone = new_phone()
    link = make_link(both, phone, brand=brand)
    html = open_url(both, link["url"], SPANISH).text
    reply = post_form(both, link["url"], {field(html, 0, "call", "marketing"): "in", "lang": "es"}, headers=SPANISH)
    assert reply.status == 303 and reply.headers["location"] == f"{link['url']}?saved=1&lang=es"
    assert "Sus opciones se han guardado." in open_url(both, reply.headers["location"], ENGLISH).text
    (kept,) = [c for c in profile(both, phone)["consents"] if c["source"] == "preference_center"]
    assert kept["evidence"]["disclosure_language"] == "es"
    assert kept["evidence"]["disclosure_text"] == (
        f"Acepto que Acme Energía & Co me llame al {national(phone)} con llamadas de marketing. "
        "Puedo cambiar esto en cualquier momento en esta página.")
    assert decide(both, phone, "call", brand=brand)["decision"] == "allow"


def test_a_refused_form_says_why_in_the_persons_language(both):
    link = make_link(both, new_phone())
    reply = post_form(both, link["url"], {"snooze_until": "mañana", "lang": "es"}, headers=SPANISH)
    assert reply.status == 400 and '<html lang="es">' in reply.text
    assert "No se guardó nada: indique el fin de la pausa como una fecha, AAAA-MM-DD" in reply.text


def test_the_unsubscribe_pages_speak_the_language_too(both):
    brand = brand_with(both)
    email = new_email()
    link = make_link(both, email, brand=brand)
    confirm = open_url(both, link["unsubscribe_url"] + "?lang=es", ENGLISH)
    assert '<html lang="es">' in confirm.text and "¿Dejar de recibir correos electrónicos de marketing" in confirm.text
    assert f'<form method="post" action="{link["unsubscribe_url"]}?lang=es">' in confirm.text
    done = post_form(both, link["unsubscribe_url"] + "?lang=es", None, raw=b"List-Unsubscribe=One-Click",
                     headers=ENGLISH)
    assert done.status == 200 and "Se ha dado de baja" in done.text and "Acme Energía &amp; Co" in done.text
    assert "opted_out" in codes(decide(both, email, "email", brand=brand))
