"""The preference center's HTML: plain, accessible pages with no script and no external asset.

One Jinja2 template per page (``templates/``, found next to this module by a package-relative
loader, so it is inside the Lambda code asset), with autoescape on: everything that comes from
data (addresses, brand, messages, URLs) is escaped where it is written out, and only our own
texts (``page_texts``) may hold markup. Escaping is ``html.escape`` (``&quot;``, ``&#x27;``)
wherever a value is written. The words are in ``page_texts``, one dictionary per language; a
brand's own look is a ``templates/brands/<brand>/base.html`` that extends ``base.html``.

The pages show the person's own channels only, and the error pages show nothing about whose link
it was.
"""
from __future__ import annotations

import html
import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jinja2 itself is imported on the first page, not on a lookup's cold start
    from jinja2 import Environment, Template
from markupsafe import Markup

from ..domain.timeutil import format_instant, utc_now
from ..services import preference_links as links
from . import page_texts

# No script runs, nothing loads from elsewhere, no other site may frame the page (a one-click
# form must not be clickjacked), and the token in the URL never leaves in a Referer header.
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                               "frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
}
CONTENT_TYPE = "text/html; charset=utf-8"

# A brand's templates live under templates/brands/<brand>/: only a brand name that is a plain
# slug names a folder (a brand is free text: "../x" or "a/b" names none).
_BRAND_FOLDER = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def escape(value: Any) -> Markup:
    """A value as HTML text: our own markup (``Markup``) as it is, anything else escaped."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(html.escape(str(value), quote=True))


@lru_cache(maxsize=1)
def environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    # finalize: every {{ value }} goes through ``escape`` (autoescape then leaves it alone, as it
    # is Markup); a name the template uses and the page does not give is an error, never "".
    return Environment(loader=PackageLoader("registry.handlers", "templates"), autoescape=True,
                       finalize=escape, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def _layout(brand: str | None) -> Template:
    from jinja2 import TemplateNotFound

    env = environment()
    if brand and _BRAND_FOLDER.match(brand):
        try:
            return env.get_template(f"brands/{brand}/base.html")
        except TemplateNotFound:
            pass
    return env.get_template("base.html")


def _translator(language: str | None):
    texts = page_texts.texts(language)

    def t(key: str, **values: Any) -> Markup:
        """Our text (it may hold markup), with the values escaped into it."""
        return Markup(texts[key]).format(**{name: escape(value) for name, value in values.items()})

    return t


def _render(page: str, title_key: str, brand: str | None, language: str | None, **context: Any) -> str:
    t = _translator(language)
    return environment().get_template(page).render(
        layout=_layout(brand), lang=language or page_texts.DEFAULT_LANGUAGE, title=t(title_key), t=t, **context)


def _sender(link: links.Link, language: str | None) -> str:
    return page_texts.texts(language)["sender.default"] if link.brand == "default" else link.brand


def _date(value: datetime | None) -> str:
    return format_instant(value) or ""


def _what(link: links.Link, language: str | None) -> str:
    return page_texts.texts(language)["unsubscribe.what.email" if link.address.kind == "email"
                                      else "unsubscribe.what.phone"]


def preference_page(view: links.PageView, url: str, saved: bool = False, error: str | None = None,
                    language: str | None = None) -> str:
    link = view.link
    now = utc_now()
    scopes = [{"index": index, "display": address.display, "own": address.own,
               "name": f"scope.{address.ref}.{scope.channel}.{scope.purpose}",
               "channel": scope.channel, "purpose": scope.purpose, "status": scope.status,
               "disclosure": links.disclosure(link, address, scope.channel, scope.purpose) if address.own else None}
              for index, address in enumerate(view.addresses) for scope in address.scopes]
    return _render(
        "preference.html", "title.page", link.brand, language,
        saved=saved, error=error, url=url, sender=_sender(link, language), scopes=scopes,
        snoozed=view.snooze_until is not None and view.snooze_until > now, snooze_until=_date(view.snooze_until),
        channels=list(view.channels), preferred=view.preferred_channel or "none",
        tomorrow=(now + timedelta(days=1)).date().isoformat(), expires_at=_date(link.expires_at))


def unsubscribe_confirm(link: links.Link, url: str, language: str | None = None) -> str:
    """What a person who opens the one-click URL in a browser sees (a button: see the template)."""
    return _render("unsubscribe_confirm.html", "title.unsubscribe", link.brand, language,
                   url=url, what=_what(link, language), sender=_sender(link, language))


def unsubscribed(link: links.Link, language: str | None = None) -> str:
    return _render("unsubscribed.html", "title.unsubscribed", link.brand, language,
                   what=_what(link, language), sender=_sender(link, language))


def error_page(status: int, text: str, language: str | None = None, recovery_url: str | None = None,
               recovery_label: str = "") -> str:
    """An error page: the message only, never the address or the brand of the link; an expired or
    tampered link's page also leads to the form for a new link (``recovery_url``)."""
    texts = page_texts.texts(language)
    title_key = f"error.title.{status}" if f"error.title.{status}" in texts else "error.title.other"
    return _render("message.html", title_key, None, language, text=text, recovery_url=recovery_url,
                   recovery_label=recovery_label)
