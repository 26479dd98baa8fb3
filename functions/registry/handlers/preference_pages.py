"""The preference center's HTML: plain, accessible pages with no script, in the person's language,
with the brand's face (issue 13).

One Jinja2 template per page (``templates/``, found next to this module by a package-relative
loader, so it is inside the Lambda code asset), with autoescape on: everything that comes from
data (addresses, brand, messages, URLs) is escaped where it is written out, and only our own
texts (the msgids) may hold markup. Escaping is ``html.escape`` (``&quot;``, ``&#x27;``) wherever
a value is written. The words are gettext messages (``registry.i18n``): one Jinja2 environment per
language, with that language's catalogue installed (``_("...")`` in the templates,
``page_texts.word`` for words picked by a value). A brand's own look is a
``templates/brands/<brand>/base.html`` that extends ``base.html``.

The pages show the person's own channels only. An error page names the brand only for a genuine
(expired) link, and never the link's address; a tampered link's page is neutral.

Headers: ``headers(page, logo_origin)``: the Content-Security-Policy allows the page's own
``<style>`` by its hash (no 'unsafe-inline'), images from the brand's logo origin only, forms
to the page's own origin only, and nothing else.
"""
from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jinja2 itself is imported on the first page, not on a lookup's cold start
    from jinja2 import Environment, Template
from markupsafe import Markup

from .. import i18n
from ..domain.addresses import national
from ..domain.brand_settings import Brand, unnamed
from ..domain.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, SUPPORTED_LANGUAGES, spoken
from ..domain.timeutil import utc_now
from ..services import preference_links as links
from . import page_texts

# No script runs, nothing loads from elsewhere, no other site may frame the page (a one-click
# form must not be clickjacked), and the token in the URL never leaves in a Referer header.
# These are every answer's (a JSON refusal's too); an HTML page adds its own policy (``headers``).
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
}
CONTENT_TYPE = "text/html; charset=utf-8"

# A brand's templates live under templates/brands/<brand>/: only a brand name that is a plain
# slug names a folder (a brand is free text: "../x" or "a/b" names none).
_BRAND_FOLDER = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_LANG = re.compile(r'<html lang="([a-z]{2,3})">')


def escape(value: Any) -> Markup:
    """A value as HTML text: our own markup (``Markup``) as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(html.escape(str(value), quote=True))


def environment(language: str = DEFAULT_LANGUAGE) -> Environment:
    """The templates with the language's catalogue installed (one environment per language, so two
    pages rendered at once in two languages never share a ``_``)."""
    return _environment(_lang(language))


@lru_cache(maxsize=len(SUPPORTED_LANGUAGES))
def _environment(language: str) -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    # finalize: every {{ value }} goes through ``escape`` (autoescape then leaves it alone, as it
    # is Markup); a name the template uses and the page does not give is an error, never "".
    env = Environment(loader=PackageLoader("registry.handlers", "templates"), autoescape=True,
                      finalize=escape, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


def _layout(env: Environment, brand: str | None) -> Template:
    from jinja2 import TemplateNotFound

    if brand and _BRAND_FOLDER.match(brand):
        try:
            return env.get_template(f"brands/{brand}/base.html")
        except TemplateNotFound:
            pass
    return env.get_template("base.html")


# --- the brand's face ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Face:
    """What a page shows of the brand: its name, logo, privacy notice and contact."""

    id: str
    name: str
    logo_url: str | None = None
    logo_origin: str | None = None
    privacy_url: str | None = None
    support_email: str | None = None
    support_phone: str | None = None  # E.164, for the tel: link
    support_phone_display: str | None = None  # the national format
    languages: tuple[str, ...] = SUPPORTED_LANGUAGES


def face(brand: Brand) -> Face:
    return Face(id=brand.name, name=brand.shown_name, logo_url=brand.logo_url, logo_origin=brand.logo_origin,
                privacy_url=brand.privacy_url, support_email=brand.support_email, support_phone=brand.support_phone,
                support_phone_display=national(brand.support_phone) if brand.support_phone else None,
                languages=spoken(brand.languages))


def _face_of(brand: Brand | None, brand_id: str) -> Face:
    return face(brand if brand is not None else unnamed(brand_id))


# --- rendering ----------------------------------------------------------------------------------

def language_switch(language: str, languages: Sequence[str], query: str = "") -> list[dict[str, Any]]:
    """The language switch: a plain link per language (``?lang=``, relative: the same page, its token kept)."""
    return [{"code": code, "name": LANGUAGE_NAMES[code], "current": code == language,
             "href": f"?{query}lang={code}"} for code in languages]


def _render(page: str, title: str, brand: Face | None, language: str, switch_query: str = "", **context: Any) -> str:
    env = environment(language)
    languages = brand.languages if brand is not None else SUPPORTED_LANGUAGES
    return env.get_template(page).render(
        layout=_layout(env, brand.id if brand else None), lang=language, title=title, brand=brand,
        switch=language_switch(language, languages, switch_query), word=lambda key: page_texts.word(key, language),
        **context)


def _lang(language: str | None) -> str:
    return language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def _zone(view: links.PageView) -> str | None:
    """The zone times are shown in: the person's own, else the number's when it has one; else UTC."""
    where = getattr(view, "whereabouts", None)
    if where is None:
        return None
    if where.own_zone:
        return where.own_zone
    return where.zones[0] if len(where.zones) == 1 else None


def _when(value: datetime | None, zone: str | None, language: str) -> str:
    return i18n.when(value, zone, language) if value is not None else ""


def _display(address: links.AddressView, language: str) -> str:
    """The link's own address in full; a linked phone as its last digits, a linked email masked."""
    if address.own or address.address.kind != "phone":
        return address.display
    _ = i18n.gettext_for(language)
    return _("your phone number ending in %(digits)s") % {"digits": address.address.value[-4:]}


def _scopes(view: links.PageView, brand: Face, language: str) -> list[dict[str, Any]]:
    word = page_texts.word
    return [{"id": f"s{index}-{scope.channel}-{scope.purpose}", "display": _display(address, language),
             "own": address.own, "name": f"scope.{address.ref}.{scope.channel}.{scope.purpose}",
             "channel": scope.channel, "purpose": scope.purpose, "status": scope.status,
             "channel_words": word(f"channel.{scope.channel}", language),
             "purpose_words": word(f"purpose.{scope.purpose}", language),
             "status_words": word(f"status.{scope.status}", language),
             "disclosure": links.disclosure(address, scope.channel, scope.purpose, brand.name, language)
             if address.own else None}
            for index, address in enumerate(view.addresses) for scope in address.scopes]


def preference_page(view: links.PageView, url: str, saved: bool = False, error: str | None = None,
                    language: str | None = None, brand: Brand | None = None, stopped: bool = False) -> str:
    language = _lang(language)
    _ = i18n.gettext_for(language)
    link = view.link
    now = utc_now()
    zone = _zone(view)
    shown = _face_of(brand, link.brand)
    return _render(
        "preference.html", _("Your contact preferences"), shown, language,
        saved=saved, stopped=stopped, error=page_texts.form_error(error, language) if error else None, url=url,
        scopes=_scopes(view, shown, language),
        snoozed=view.snooze_until is not None and view.snooze_until > now,
        snooze_until=_when(view.snooze_until, zone, language),
        channels=list(view.channels), preferred=view.preferred_channel or "none",
        tomorrow=(now + timedelta(days=1)).date().isoformat(), expires_at=_when(link.expires_at, zone, language))


def stop_confirm(view: links.PageView, url: str, language: str | None = None, brand: Brand | None = None) -> str:
    """The one confirmation step of "Stop all messages"."""
    language = _lang(language)
    shown = _face_of(brand, view.link.brand)
    _ = i18n.gettext_for(language)
    addresses = ", ".join(_display(a, language) for a in view.addresses)
    return _render("stop_confirm.html", _("Stop all messages from %(brand)s?") % {"brand": shown.name}, shown,
                   language, switch_query="stop=all&", url=url, addresses=addresses, back=f"{url}?lang={language}")


def _what(link: links.Link, language: str) -> str:
    return page_texts.word("unsubscribe.what.email" if link.address.kind == "email" else "unsubscribe.what.phone",
                           language)


def unsubscribe_confirm(link: links.Link, url: str, language: str | None = None, brand: Brand | None = None) -> str:
    """What a person who opens the one-click URL in a browser sees (a button: see the template)."""
    language = _lang(language)
    _ = i18n.gettext_for(language)
    return _render("unsubscribe_confirm.html", _("Unsubscribe"), _face_of(brand, link.brand),
                   language, url=url, what=_what(link, language))


def unsubscribed(link: links.Link, language: str | None = None, brand: Brand | None = None) -> str:
    language = _lang(language)
    _ = i18n.gettext_for(language)
    return _render("unsubscribed.html", _("You are unsubscribed"),
                   _face_of(brand, link.brand), language, what=_what(link, language))


def error_page(status: int, text: str, language: str | None = None, brand: Brand | None = None,
               recovery_url: str | None = None, recovery_label: str = "") -> str:
    """An error page: the message, and the brand's face when the caller knows it for sure (an
    expired genuine link); never the address of the link. An expired or tampered link's page also
    leads to the form for a new link (``recovery_url``: link recovery)."""
    language = _lang(language)
    key = f"error.title.{status}" if f"error.title.{status}" in page_texts.WORDS else "error.title.other"
    return _render("message.html", page_texts.word(key, language), face(brand) if brand is not None else None,
                   language, text=text, recovery_url=recovery_url, recovery_label=recovery_label)


# --- headers ------------------------------------------------------------------------------------

def _hash(style: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii") + "'"


def headers(page: str, logo_origin: str | None = None) -> dict[str, str]:
    """The page's headers: ``HEADERS`` with a Content-Security-Policy that allows exactly the
    page's own style element(s), by hash, the brand's logo origin for images, and forms posted to
    the page's own origin; ``Content-Language`` (the page's ``<html lang>``) and ``Vary``."""
    styles = " ".join(_hash(style) for style in _STYLE.findall(page)) or "'none'"
    policy = [f"default-src 'none'; style-src {styles}"]
    if logo_origin:
        policy.append(f"img-src 'self' {logo_origin}")
    policy.append("form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    language = _LANG.search(page)
    # the page's words depend on Accept-Language: say so to any cache (none should keep it: no-store)
    spoken_in = {"Content-Language": language.group(1)} if language else {}
    return {**HEADERS, "Content-Security-Policy": "; ".join(policy), "Vary": "Accept-Language", **spoken_in}
