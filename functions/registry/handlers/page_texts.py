"""Every word the preference center's pages show, in one place per language.

The templates (``templates/*.html``) hold the markup and no words; they ask for a text by its key
(``t("page.saved")``). A text is ours, so it may hold markup (``<strong>``); the values put into
it (``{sender}``, ``{error}``, ...) come from data and are escaped when they are put in.

A second language is a second dictionary with the same keys under its language tag (a test checks
that every language has every key). Words that are also kept as evidence (the disclosure next to
an opt-in, ``services.preference_links.disclosure``) are not here: they are stored word for word
with the consent, so they are written where the consent is made.
"""
from __future__ import annotations

from ..services import preference_links as links

DEFAULT_LANGUAGE = "en"

EN: dict[str, str] = {
    # page titles
    "title.page": "Your contact preferences",
    "title.unsubscribe": "Unsubscribe",
    "title.unsubscribed": "You are unsubscribed",
    # the preference page
    "page.saved": "Your choices are saved.",
    "page.not_saved": "Nothing was saved: {error}",
    "page.intro": "Here is how {sender} may contact you, and what you have told us. "
                  "Change anything below and choose <strong>Save my choices</strong>.",
    "page.paused_until": "All messages are paused until {date}.",
    "page.channels": "Your channels",
    "page.channels_caption": "What each of your addresses receives now",
    "page.column.address": "Address",
    "page.column.channel": "Channel",
    "page.column.messages": "Messages",
    "page.column.status": "Status",
    "page.change": "Change your choices",
    "page.scope": "{channel} to {address}: {purpose}. Now: {status}",
    "page.keep": "No change",
    "page.opt_in": "Yes. {disclosure}",
    "page.opt_out": "No, do not contact me this way.",
    "page.preferred": "How would you rather be contacted?",
    "page.no_preference": "No preference",
    "page.pause": "Pause all messages",
    "page.pause_until": "Pause every channel until (a date, YYYY-MM-DD):",
    "page.pause_end": "End the pause now",
    "page.everything": "Opt out of everything",
    "page.everything_out": "No calls, texts or emails from {sender}, for any purpose, at any of the addresses above. "
                           "This overrides every Yes above.",
    "page.save": "Save my choices",
    "page.valid_until": "This link works until {date}.",
    "sender.default": "the sender",
    # vocabulary
    "channel.call": "Phone calls",
    "channel.sms": "Text messages",
    "channel.email": "Email",
    "purpose.marketing": "Offers and news (marketing)",
    "purpose.informational": "Account and service messages (informational)",
    f"status.{links.SUBSCRIBED}": "Receiving",
    f"status.{links.NOT_SUBSCRIBED}": "Not receiving: you have not agreed to these",
    f"status.{links.OPTED_OUT}": "Not receiving: you opted out",
    f"status.{links.BLOCKED}": "Not receiving: on a do-not-contact list",
    f"status.{links.UNDELIVERABLE}": "Not receiving: messages could not be delivered",
    f"status.{links.NEEDS_WRITTEN}": "Not receiving: these need your agreement here (choose Yes below)",
    # one-click unsubscribe
    "unsubscribe.what.email": "marketing email",
    "unsubscribe.what.phone": "marketing calls and texts",
    "unsubscribe.ask": "Stop {what} from {sender}? Account and service messages are not affected.",
    "unsubscribe.button": "Unsubscribe",
    "unsubscribed.done": "You will get no more {what} from {sender}.",
    # error pages (by HTTP status), and what they say; they never name the link's address or brand
    "error.title.400": "Please check your choices",
    "error.title.403": "This link is not valid",
    "error.title.410": "This link has expired",
    "error.title.503": "Please try again later",
    "error.title.other": "Something went wrong",
    "error.forbidden": "This link is not valid. Use the link exactly as you received it.",
    "error.gone": "This link has expired or is no longer valid. Ask the sender for a new one.",
    "error.unavailable": "Your request could not be completed. Please try again later.",
}

TEXTS: dict[str, dict[str, str]] = {DEFAULT_LANGUAGE: EN}


def texts(language: str | None = None) -> dict[str, str]:
    """The texts of a language; the default language's for one the registry does not have."""
    return TEXTS.get(language or DEFAULT_LANGUAGE) or TEXTS[DEFAULT_LANGUAGE]


def text(key: str, language: str | None = None) -> str:
    """One text, plain (for a JSON error that says what the page would say)."""
    return texts(language)[key]
