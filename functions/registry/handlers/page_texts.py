"""The words the preference pages choose by a value: statuses, channels, purposes, error texts.

The sentences of a page are in its template (``_("...")``); the words picked by a value that
comes from data (a scope's status, a channel) are here, by key, as English msgids marked with
``N_`` for ``pybabel extract``, and translated where they are shown (``registry.i18n``). A key
with no words is a ``KeyError``, never a blank or a wrong word (a status must not read
"Receiving" by default). JSON errors say the English words (``text``).

Words that are also kept as evidence (the consent wording next to an opt-in,
``services.preference_links.disclosure``) are not here: they are stored word for word with the
consent, so they are written where the consent is made.
"""
from __future__ import annotations

from ..i18n import N_, gettext_for
from ..services import preference_links as links

WORDS: dict[str, str] = {
    # vocabulary
    "channel.call": N_("Phone calls"),
    "channel.sms": N_("Text messages"),
    "channel.email": N_("Email"),
    "purpose.marketing": N_("Offers and news (marketing)"),
    "purpose.informational": N_("Account and service messages (informational)"),
    f"status.{links.SUBSCRIBED}": N_("Receiving"),
    f"status.{links.NOT_SUBSCRIBED}": N_("Not receiving: you have not agreed to these"),
    f"status.{links.OPTED_OUT}": N_("Not receiving: you opted out"),
    f"status.{links.BLOCKED}": N_("Not receiving: on a do-not-contact list"),
    f"status.{links.UNDELIVERABLE}": N_("Not receiving: messages could not be delivered"),
    f"status.{links.NEEDS_WRITTEN}": N_("Not receiving: these need your agreement here (choose Yes below)"),
    # one-click unsubscribe: what stops
    "unsubscribe.what.email": N_("marketing email"),
    "unsubscribe.what.phone": N_("marketing calls and texts"),
    # error pages (by HTTP status), and what they say; they never name the link's address
    "error.title.400": N_("Please check your choices"),
    "error.title.403": N_("This link is not valid"),
    "error.title.410": N_("This link has expired"),
    "error.title.503": N_("Please try again later"),
    "error.title.other": N_("Something went wrong"),
    "error.forbidden": N_("This link is not valid. Use the link exactly as you received it."),
    "error.gone": N_("This link has expired or is no longer valid. Ask for a new one where you got this one."),
    "error.gone.brand": N_("This link has expired or is no longer valid. Ask %(brand)s for a new one, or use the "
                           "link in their latest message."),
    "error.unavailable": N_("Your request could not be completed. Please try again later."),
}

# What the form may be refused for (services.preference_links.apply and the route's form reader
# raise these words): shown translated on the page; any other message is shown as it is.
FORM_ERRORS = (
    N_("the page has changed since it was opened; reload it and choose again"),
    N_("the form is not one this page sent; reload it and choose again"),
    N_("the form has too many fields"),
    N_("send the page's form"),
    N_("choose a preferred channel from the list"),
    N_("the preferred channel must be one of your channels"),
    N_("give the pause's end as a date, YYYY-MM-DD"),
    N_("pick a pause date after today"),
    N_("a pause lasts at most 365 days"),
    N_("you can agree to messages here only at the address this link was sent to; for your other addresses "
       "you can only opt out"),
)


def word(key: str, language: str | None = None) -> str:
    """The words for a key, in the language (KeyError for a key with none)."""
    return gettext_for(language)(WORDS[key])


def form_error(message: str, language: str | None = None) -> str:
    """A refusal of the form, in the language when it is one of ``FORM_ERRORS``."""
    return gettext_for(language)(message) if message in FORM_ERRORS else message


def text(key: str) -> str:
    """One text, in English (for a JSON error that says what the page would say)."""
    return WORDS[key]
