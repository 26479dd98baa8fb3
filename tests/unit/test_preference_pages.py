"""The preference center's pages come from Jinja2 templates (issue 8, item 9): one template per
page, inside the Lambda code asset, autoescaped, with every word a gettext message (issue 13)."""
from __future__ import annotations

import re
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace as NS

import pytest
from jinja2 import ChoiceLoader, DictLoader

from registry.domain.location import Whereabouts
from registry.handlers import page_texts
from registry.handlers import preference_pages as pages
from registry.services import preference_links as links

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "functions" / "registry" / "handlers" / "templates"
PAGES = ("base.html", "preference.html", "unsubscribe_confirm.html", "unsubscribed.html", "message.html",
         "stop_confirm.html")
HOSTILE = '<script>alert("x")</script>&\'"'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;&quot;"
# a value put into a message (gettext's %(name)s) is escaped by markupsafe: the same, with numeric entities
IN_MESSAGE = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#39;&#34;"
NOW = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)
STATUSES = (links.SUBSCRIBED, links.NOT_SUBSCRIBED, links.OPTED_OUT, links.BLOCKED, links.UNDELIVERABLE)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(pages, "utc_now", lambda: NOW)


def link(brand="default", kind="phone"):
    return NS(brand=brand, address=NS(kind=kind), expires_at=NOW + timedelta(days=30))


def view(brand="default", display="(415) 555-0123", snooze=None, preferred=None):
    own = NS(ref="r0", display=display, own=True, address=NS(kind="phone", value="+14155550123"),
             scopes=(NS(channel="call", purpose="marketing", status=links.OPTED_OUT),
                     NS(channel="sms", purpose="informational", status=links.SUBSCRIBED)))
    other = NS(ref="r1", display="a***@example.com", own=False, address=NS(kind="email", value="al@example.com"),
               scopes=(NS(channel="email", purpose="marketing", status=links.BLOCKED),))
    return NS(link=link(brand), addresses=(own, other), snooze_until=snooze, preferred_channel=preferred,
              channels=("call", "sms", "email"), whereabouts=Whereabouts(zones=("America/Los_Angeles",)))


def rows(html):
    return re.findall(r"<tr id=[^>]*>(.*?)</tr>", html)


def test_every_page_has_its_template_inside_the_code_asset():
    """The templates sit in functions/ (the Lambda's CodeUri), next to the module that loads them
    package-relative, and the wheel's package data names them."""
    for name in PAGES:
        assert (TEMPLATES / name).is_file(), name
        assert pages.environment().get_template(name).filename == str(TEMPLATES / name)
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "handlers/templates/**/*" in package_data["registry"]
    assert "CodeUri: functions/" in (ROOT / "template.yaml").read_text()


def test_autoescape_is_on_and_no_template_writes_words_of_its_own():
    env = pages.environment()
    assert env.autoescape is True
    for name in PAGES:
        source = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}|<[^>]*>", " ", (TEMPLATES / name).read_text(), flags=re.S)
        assert not re.search(r"[A-Za-z]{3,}", source), (name, source.split())


def test_every_status_and_channel_has_words_in_every_language():
    """(Every msgid translated: tests/unit/test_catalogues.py.)"""
    for status in STATUSES:
        assert f"status.{status}" in page_texts.WORDS
    for word in ("channel.call", "channel.sms", "channel.email", "purpose.marketing", "purpose.informational"):
        assert word in page_texts.WORDS
    assert page_texts.word("channel.sms", "es") == "Mensajes de texto"
    assert page_texts.word("channel.sms", "xx") == page_texts.word("channel.sms") == "Text messages"  # the default


def test_the_page_shows_every_channel_and_the_form():
    html = pages.preference_page(view(), "https://prefs.test/p/tok")
    assert html.startswith('<!doctype html>\n<html lang="en">') and html.endswith("</html>\n")
    assert "<title>Your contact preferences · Default</title>" in html and "<h1>Your contact preferences</h1>" in html
    assert ('<td data-label="Address">(415) 555-0123</td><td data-label="Channel">Phone calls</td>'
            '<td data-label="Messages">Offers and news (marketing)</td>'
            '<td class="status" data-label="Status" data-status="opted_out">Not receiving: you opted out</td>') in rows(html)
    assert ('<td data-label="Address">a***@example.com</td><td data-label="Channel">Email</td>'
            '<td data-label="Messages">Offers and news (marketing)</td>'
            '<td class="status" data-label="Status" data-status="blocked">Not receiving: on a do-not-contact list</td>'
            ) in rows(html)
    assert '<form method="post" action="https://prefs.test/p/tok">\n' in html
    assert '<input type="radio" id="s0-call-marketing-in" name="scope.r0.call.marketing" value="in"> Yes. ' in html
    assert 'name="scope.r1.email.marketing" value="in"' not in html  # a linked address: opt-out only
    assert '<input type="radio" id="preferred-none" name="preferred_channel" value="none" checked> No preference' in html
    # dates in words, in the person's zone
    assert 'min="2026-12-03"' in html and "This link works until January 1, 2027 at 6:00\u202fAM (Pacific Standard Time)." in html
    assert "Choose <strong>" not in html and "choose <strong>Save my choices</strong>." in html  # our own markup
    assert "<script" not in html and "src=" not in html
    assert re.findall(r'href="([^"]*)"', html) == ["?lang=es"]  # the language switch only
    assert "paused" not in html and "snooze_clear" not in html and "Nothing was saved" not in html

    snoozed = pages.preference_page(view(snooze=NOW + timedelta(days=2), preferred="sms"), "u", saved=True,
                                    error="pick a date")
    assert "All messages are paused until December 4, 2026 at 6:00\u202fAM (Pacific Standard Time)." in snoozed
    assert 'name="snooze_clear"' in snoozed
    assert '<p class="notice" role="status" id="notice">Your choices are saved.</p>' in snoozed
    assert '<div class="notice" role="alert" id="error"><p>Nothing was saved: pick a date</p></div>' in snoozed
    assert 'value="sms" checked> Text messages' in snoozed


def test_data_is_escaped_wherever_it_is_written():
    html = pages.preference_page(view(brand=HOSTILE, display=HOSTILE), HOSTILE, error=HOSTILE)
    assert "<script" not in html and HOSTILE not in html
    assert f'action="{ESCAPED}"' in html
    assert f'<td data-label="Address">{ESCAPED}</td>' in html  # the address
    assert f"Here is how {IN_MESSAGE} may contact you" in html  # the brand
    assert f"Nothing was saved: {IN_MESSAGE}" in html
    assert f"Phone calls to {IN_MESSAGE}: Offers and news (marketing)." in html  # inside the legend
    for page in (pages.unsubscribe_confirm(link(HOSTILE, "email"), HOSTILE), pages.unsubscribed(link(HOSTILE)),
                 pages.error_page(403, HOSTILE)):
        assert "<script" not in page and (ESCAPED in page or IN_MESSAGE in page)


def test_unsubscribe_and_error_pages():
    confirm = pages.unsubscribe_confirm(link("acme", "email"), "https://prefs.test/p/t/unsubscribe")
    assert '<form method="post" action="https://prefs.test/p/t/unsubscribe">' in confirm
    assert '<input type="hidden" name="List-Unsubscribe" value="One-Click">' in confirm
    assert ('<p id="unsubscribe-what">Stop marketing email from Acme? Account and service messages are not affected.</p>'
            in confirm)
    done = pages.unsubscribed(link("default", "phone"))
    assert "<title>You are unsubscribed · Default</title>" in done
    assert '<p role="status" id="notice">You will get no more marketing calls and texts from Default.</p>' in done
    assert "<title>This link has expired</title>" in pages.error_page(410, "x")
    assert "<title>Something went wrong</title>" in pages.error_page(500, "x")
    assert '<p role="alert" id="message">x</p>' in pages.error_page(410, "x")


def test_a_brand_can_have_its_own_look(monkeypatch):
    """templates/brands/<brand>/base.html, when there is one, is the brand's layout; a brand name
    that is not a plain slug never names a folder."""
    env = pages.environment()
    brand_base = ('{% extends "base.html" %}{% block style %}body{color:#c00}{% endblock %}')
    monkeypatch.setattr(env, "loader", ChoiceLoader([
        DictLoader({"brands/acme/base.html": brand_base, "brands/x/base.html": brand_base}), env.loader]))
    assert "<style>body{color:#c00}</style>" in pages.unsubscribed(link("acme"))
    assert "<style>body{color:#c00}</style>" in pages.preference_page(view(brand="acme"), "u")
    assert "<style>*,*::before" in pages.unsubscribed(link("globex"))
    assert "<style>*,*::before" in pages.unsubscribed(link("../x"))
