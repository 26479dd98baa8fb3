"""The pages of "get a new link" (issue 13, "no dead ends"), and every word they show.

``TEXTS`` holds all of this feature's words, in plain English, in one place: the form, the answers
and the label of the button the expired and tampered pages show (``RECOVERY_LABEL``). They are
meant to move into the preference center's message catalogues as they are (same keys, prefixed
``recovery.``). The pages use the preference center's Jinja2 environment and layout (autoescaped,
no script, the same headers); the template is ``templates/link_request.html``.

The answer to a request is one text (``sent``) whether or not the address is known; the 400 and
429 pages say what is wrong with the request, never whether the address is registered.
"""
from __future__ import annotations

from typing import Any

from markupsafe import Markup

from . import preference_pages as pages

LANGUAGE = "en"

TEXTS: dict[str, str] = {
    "title.form": "Get a new link",
    "intro": "Enter the email address or phone number your link was sent to. "
             "We will send a new link there.",
    "label": "Email address or phone number",
    "button": "Send me a new link",
    "title.sent": "Check your messages",
    "sent": "If this address is registered, a new link is on its way. It may take a few minutes to arrive. "
            "If nothing arrives, check the address and ask again.",
    "title.invalid": "Please check the address",
    "invalid": "This is not an email address or phone number we can use: {error}.",
    "missing": "Enter the email address or phone number your link was sent to.",
    "title.limited": "Please try again later",
    "limited": "Too many new links were asked for. Please try again in an hour.",
    "title.unavailable": "Please try again later",
    "unavailable": "Your request could not be completed. Please try again later.",
    # on the expired and tampered link pages (templates/message.html)
    "error_page.button": "Get a new link",
}
RECOVERY_LABEL = TEXTS["error_page.button"]
SENT = TEXTS["sent"]


def text(key: str, **values: Any) -> str:
    return TEXTS[key].format(**values)


def _t(key: str, **values: Any) -> Markup:
    return Markup(TEXTS[key]).format(**{name: pages.escape(value) for name, value in values.items()})


def _render(title_key: str, **context: Any) -> str:
    env = pages.environment(LANGUAGE)
    values = {"message": None, "form": False, "error": None, "link": None, "address": "", "action": ""}
    values.update(context)
    # the pages' layout, with no brand (the form cannot trust one) and no language switch (English only)
    return env.get_template("link_request.html").render(
        layout=env.get_template("base.html"), lang=LANGUAGE, title=_t(title_key), t=_t, brand=None, switch=[],
        **values)


def form_page(action: str, link: str | None, address: str = "", error: str | None = None) -> str:
    """The form; ``error`` (already in words) above it when the request could not be read."""
    return _render("title.invalid" if error else "title.form", form=True, action=action, link=link,
                   address=address, error=error)


def sent_page() -> str:
    """The one answer to a request, known address or not."""
    return _render("title.sent", message=TEXTS["sent"])


def limited_page() -> str:
    return _render("title.limited", message=TEXTS["limited"])


def unavailable_page() -> str:
    return _render("title.unavailable", message=TEXTS["unavailable"])
