"""Numbers and dates as the person reads them (issue 13, item 3): a phone number in its country's
national format, a moment in words, in the person's zone and language; and the brand's face
(item 1): its name, https URLs only, the logo's origin for the page's CSP."""
from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime

import pytest

from registry.domain.addresses import national
from registry.domain.brand_settings import Brand, check_https_url, origin, shown_name
from registry.domain.errors import InvalidRequest
from registry.domain.location import Whereabouts
from registry.handlers import preference_pages as pages
from registry.i18n import when

MOMENT = datetime(2027, 1, 1, 11, 24, tzinfo=UTC)


@pytest.mark.parametrize("e164, shown", [
    ("+14155550123", "(415) 555-0123"),
    ("+442079460018", "020 7946 0018"),
    ("+34912345678", "912 34 56 78"),
    ("+525512345678", "55 1234 5678"),
    ("not a number", "not a number"),  # what cannot be read is shown as it is
])
def test_a_number_in_its_national_format(e164, shown):
    assert national(e164) == shown


@pytest.mark.parametrize("zone, language, words", [
    ("America/Los_Angeles", "en", "January 1, 2027 at 3:24\u202fAM (Pacific Standard Time)"),
    ("America/New_York", "en", "January 1, 2027 at 6:24\u202fAM (Eastern Standard Time)"),
    ("America/Los_Angeles", "es", "1 de enero de 2027 a las 3:24 (hora estándar del Pacífico)"),
    ("Europe/Madrid", "es", "1 de enero de 2027 a las 12:24 (hora estándar de Europa central)"),
    (None, "en", "January 1, 2027 at 11:24\u202fAM (Coordinated Universal Time)"),
    ("Not/AZone", "es", "1 de enero de 2027 a las 11:24 (tiempo universal coordinado)"),
])
def test_a_moment_in_words_in_the_persons_zone_and_language(zone, language, words):
    assert when(MOMENT, zone, language) == words


def test_summer_time_has_its_own_name():
    assert when(datetime(2027, 7, 1, 19, 0, tzinfo=UTC), "America/Los_Angeles", "en") == \
        "July 1, 2027 at 12:00\u202fPM (Pacific Daylight Time)"


def test_the_zone_shown_is_the_persons_own_else_the_numbers_own_else_utc():
    from types import SimpleNamespace as NS

    assert pages._zone(NS(whereabouts=Whereabouts(zones=("America/Chicago", "America/Denver"),
                                                  own_zone="America/Denver"))) == "America/Denver"
    assert pages._zone(NS(whereabouts=Whereabouts(zones=("America/Los_Angeles",)))) == "America/Los_Angeles"
    assert pages._zone(NS(whereabouts=Whereabouts(zones=("America/Chicago", "America/Denver")))) is None  # a guess: UTC
    assert pages._zone(NS(whereabouts=Whereabouts())) is None


def test_the_brand_is_named_never_the_sender():
    assert Brand("acme energy").shown_name == "Acme Energy"
    assert Brand("acme", display_name="ACME Power & Light").shown_name == "ACME Power & Light"
    assert Brand("default").shown_name == "Default"
    assert shown_name("o'neil  co") == "O'neil Co"


@pytest.mark.parametrize("url", [
    "https://cdn.acme.example/logo.png",
    "https://CDN.Acme.example:8443/a/b.svg?v=1&x=2#top",
    "https://cdn.acme.example:1/X.png",
    "https://cdn.acme.example:65535/a;b,c",
    "https://acme.example/" + "a" * (2048 - len("https://acme.example/")),  # the longest taken
    "https://xn--bcher-kva.example/logo.png",
    " https://acme.example/privacy ",
])
def test_https_urls_are_taken(url):
    assert check_https_url(url, "logo_url") == url.strip()


PRINTABLE = "give an https URL of printable characters (percent-encode the others)"
UNREADABLE = "the URL could not be read"
NOT_HTTPS = "the URL must be https"
NO_HOST = "the URL must name a host (no user name or password)"


@pytest.mark.parametrize("url, message", [
    ("http://cdn.acme.example/logo.png", NOT_HTTPS),
    ("javascript:alert(1)", NOT_HTTPS),
    ("data:image/png;base64,AAAA", NOT_HTTPS),
    ("//cdn.acme.example/logo.png", NOT_HTTPS),
    ("https://", NO_HOST),
    ("https://user:pw@cdn.acme.example/logo.png", NO_HOST),
    ("https://user@cdn.acme.example/logo.png", NO_HOST),
    ("https://cdn.acme.example/logo.png\"onerror=\"x", PRINTABLE),
    ("https://cdn.acme.example/it's.png", PRINTABLE),
    ("https://cdn.acme.example/<logo>.png", PRINTABLE),
    ("https://cdn.acme.example/a b.png", PRINTABLE),
    ("https://cdn.acme.example/\u00e9.png", PRINTABLE),
    ("https://bücher.example/logo.png", PRINTABLE),  # the A-label form, please
    ("https://[::1]/logo.png", NO_HOST),
    ("https://cdn_acme.example/logo.png", NO_HOST),
    ("https://-acme.example/logo.png", NO_HOST),
    ("https://cdn.acme.example:99999/logo.png", UNREADABLE),
    ("https://cdn.acme.example:65536/logo.png", UNREADABLE),
    ("https://cdn.acme.example:0x1/logo.png", UNREADABLE),
    ("https://cdn.acme.example:0/logo.png", "the URL's port is not one"),
    ("https://cdn.acme.example\\@evil.example/", PRINTABLE),
    ("https://cdn.acme.example/`x`", PRINTABLE),
    ("https://" + "a" * 64 + ".example/", NO_HOST),
    ("https://acme.example/" + "a" * (2049 - len("https://acme.example/")), PRINTABLE),  # one too long
])
def test_anything_else_is_refused(url, message):
    with pytest.raises(InvalidRequest) as refused:
        check_https_url(url, "logo_url")
    assert (refused.value.message, refused.value.field) == (message, "logo_url")


def test_the_logo_origin_is_all_the_csp_allows():
    assert origin("https://CDN.acme.example/logo.png?x") == "https://cdn.acme.example"
    assert origin("https://cdn.acme.example:443/logo.png") == "https://cdn.acme.example"
    assert origin("https://cdn.acme.example:8443/logo.png") == "https://cdn.acme.example:8443"
    assert Brand("acme", logo_url="https://cdn.acme.example/l.png").logo_origin == "https://cdn.acme.example"
    assert Brand("acme").logo_origin is None


def test_the_csp_allows_the_pages_own_style_by_hash_and_the_logo_origin_only():
    page = "<html><head><style>body{color:red}</style></head><body></body></html>"
    digest = base64.b64encode(hashlib.sha256(b"body{color:red}").digest()).decode()
    policy = pages.headers(page, "https://cdn.acme.example")["Content-Security-Policy"]
    assert policy == (f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'self' https://cdn.acme.example; "
                      "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    assert "unsafe" not in policy
    plain = pages.headers(page)["Content-Security-Policy"]
    assert "img-src" not in plain and f"style-src 'sha256-{digest}';" in plain
    assert "style-src 'none'" in pages.headers("<p>no style</p>")["Content-Security-Policy"]


def test_every_rendered_page_has_one_style_and_its_hash_matches():
    html = pages.error_page(403, "x")
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in pages.headers(html)["Content-Security-Policy"]
