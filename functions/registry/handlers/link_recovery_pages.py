"""The pages of "get a new link" (issue 13, "no dead ends"), and every word they show.

``TEXTS`` holds this feature's words by key, as English msgids marked with ``N_`` for ``pybabel
extract``; each page translates them into its language with the preference center's catalogues
(``registry.i18n``), as the preference pages do. JSON answers say the English words. The pages use
the preference center's Jinja2 environment and layout (autoescaped, no script, the same headers);
the template is ``templates/link_request.html``.

The answer to a request is one text (``sent``) whether or not the address is known; the 400 and
429 pages say what is wrong with the request, never whether the address is registered.
"""
from __future__ import annotations

from typing import Any

from markupsafe import Markup

from ..domain.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from ..i18n import N_, gettext_for
from . import preference_pages as pages

TEXTS: dict[str, str] = {
    "title.form": N_("Get a new link"),
    "intro": N_("Enter the email address or phone number your link was sent to. "
                "We will send a new link there."),
    "label": N_("Email address or phone number"),
    "button": N_("Send me a new link"),
    "title.sent": N_("Check your messages"),
    "sent": N_("If this address is registered, a new link is on its way. It may take a few minutes to arrive. "
               "If nothing arrives, check the address and ask again."),
    "title.invalid": N_("Please check the address"),
    "invalid": N_("This is not an email address or phone number we can use: %(error)s."),
    "missing": N_("Enter the email address or phone number your link was sent to."),
    "title.limited": N_("Please try again later"),
    "limited": N_("Too many new links were asked for. Please try again in an hour."),
    "title.unavailable": N_("Please try again later"),
    "unavailable": N_("Your request could not be completed. Please try again later."),
    # on the expired and tampered link pages (templates/message.html)
    "error_page.button": N_("Get a new link"),
}
SENT = TEXTS["sent"]  # the JSON answer's words (English)


def text(key: str, language: str | None = DEFAULT_LANGUAGE, **values: Any) -> str:
    """The words of ``key`` in ``language`` (English for one the pages do not speak)."""
    words = gettext_for(language)(TEXTS[key])
    return words % values if values else words


def recovery_label(language: str | None) -> str:
    """The label of the way out on the expired and tampered pages."""
    return text("error_page.button", language)


def _t(language: str):
    def translate(key: str, **values: Any) -> Markup:
        return Markup(text(key, language, **{name: pages.escape(value) for name, value in values.items()}))
    return translate


def _render(title_key: str, language: str, switch_query: str = "", **context: Any) -> str:
    language = language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE
    env = pages.environment(language)
    values = {"message": None, "form": False, "error": None, "link": None, "address": "", "action": ""}
    values.update(context)
    t = _t(language)
    # the pages' layout, with no brand (the form cannot trust one) and the language switch
    return env.get_template("link_request.html").render(
        layout=env.get_template("base.html"), lang=language, title=t(title_key), t=t, brand=None,
        switch=pages.language_switch(language, SUPPORTED_LANGUAGES, switch_query), **values)


def form_page(action: str, link: str | None, language: str = DEFAULT_LANGUAGE, address: str = "",
              error: str | None = None, switch_query: str = "") -> str:
    """The form; ``error`` (already in words, in ``language``) above it when the request could not be read."""
    return _render("title.invalid" if error else "title.form", language, switch_query, form=True, action=action,
                   link=link, address=address, error=error)


def sent_page(language: str = DEFAULT_LANGUAGE) -> str:
    """The one answer to a request, known address or not."""
    return _render("title.sent", language, message=text("sent", language))


def limited_page(language: str = DEFAULT_LANGUAGE) -> str:
    return _render("title.limited", language, message=text("limited", language))


def unavailable_page(language: str = DEFAULT_LANGUAGE) -> str:
    return _render("title.unavailable", language, message=text("unavailable", language))
