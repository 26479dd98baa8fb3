"""A brand as a resource (contract rev. 2, "Brands"): the numbers it texts from, the words it
answers with, the stop words it adds, its policy overrides, and whether it has a Twilio token;
and (issue 13) the face its preference pages show: its name, logo, privacy notice, contact and
languages.

Pure: what a brand is and what it says; ``services.brands`` stores it (the token itself is a
secret kept outside the table: only ``twilio_auth_token_set`` is here).
"""
from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from .errors import InvalidRequest
from .policy import DEFAULT_POLICY, Policy, with_overrides
from .policy_versions import BrandVersion, FederalVersion, brand_version_at, policy_at
from .sms_replies import readable_word
from .vocabulary import EVERY_BRAND

# Bounds: a PUT is one DynamoDB transaction (at most 100 items): the brand, each number it adds and
# each it gives up, so 1 + 40 + 40 items at most.
MAX_SMS_NUMBERS = 40
MAX_TEXT_LENGTH = 1600  # the longest SMS body Twilio sends (10 segments)
MAX_STOP_WORDS = 50
MAX_STOP_WORD_LENGTH = 64
MAX_TOKEN_LENGTH = 256
MAX_DISPLAY_NAME_LENGTH = 100
MAX_URL_LENGTH = 2048

# What the registry answers with when the brand set nothing. Neither text markets anything: a
# confirmation may only confirm (47 CFR 64.1200(a)(12)), and HELP only says how to stop.
DEFAULT_HELP_TEXT = "Reply STOP to stop receiving these texts. Msg & data rates may apply."
DEFAULT_CONFIRMATION_TEXT = "You have been unsubscribed and will receive no further texts from us."


@dataclass(frozen=True)
class Brand:
    name: str  # normalised (domain.brands.normalise_brand)
    sms_numbers: tuple[str, ...] = ()  # E.164
    help_text: str | None = None
    confirmation_text: str | None = None
    stop_words: tuple[str, ...] = ()
    policy: Mapping[str, Any] = field(default_factory=dict)  # overrides: a seed's, or as stored before versions
    policy_versions: tuple[BrandVersion, ...] = ()  # rev. 2: the overrides as versions (policy_versions)
    twilio_auth_token_set: bool = False
    # issue 13: the brand's face on its preference pages
    display_name: str | None = None
    logo_url: str | None = None  # https (check_https_url); the page's CSP allows its origin for images
    privacy_url: str | None = None  # https
    support_email: str | None = None  # normalised email
    support_phone: str | None = None  # E.164; shown in national format
    languages: tuple[str, ...] = ()  # a subset of domain.languages.SUPPORTED_LANGUAGES; () = every one
    created_at: datetime | None = None
    updated_at: datetime | None = None
    stored: bool = True  # False: only seeded by configuration (never PUT)

    @property
    def help_reply(self) -> str:
        return self.help_text or DEFAULT_HELP_TEXT

    @property
    def confirmation(self) -> str:
        return self.confirmation_text or DEFAULT_CONFIRMATION_TEXT

    @property
    def versions(self) -> tuple[BrandVersion, ...]:
        """The brand's policy versions; overrides with none (a seed: version 0, stored before versions
        were kept: version 1) are one version in force from the beginning."""
        if self.policy_versions:
            return self.policy_versions
        return (BrandVersion(1 if self.stored else 0, None, dict(self.policy)),) if self.policy else ()

    def overrides_at(self, at: datetime) -> Mapping[str, Any]:
        """The overrides in force at ``at`` ({} before the first version)."""
        version = brand_version_at(self.versions, at)
        return dict(version.overrides) if version is not None else {}

    def rules_at(self, at: datetime, history: tuple[FederalVersion, ...] | None = None) -> Policy:
        """The policy in force for the brand at ``at``: the federal version then, the brand's version
        then, and its stop words (not versioned: a word added is read from then on)."""
        policy = policy_at(self.name, self.versions, at, history)
        if self.stop_words:
            policy = replace(policy, sms_replies=policy.sms_replies.with_stop_words(self.stop_words))
        return policy

    @property
    def shown_name(self) -> str:
        """The name the pages and the consent wording give the brand: its ``display_name``, else its
        id with each word capitalised (``acme corp`` reads "Acme Corp"); never "the sender"."""
        return self.display_name or shown_name(self.name)

    @property
    def logo_origin(self) -> str | None:
        """The origin of the logo (``https://cdn.example``): all the page's CSP allows images from."""
        return origin(self.logo_url) if self.logo_url else None

    def rules(self, default: Policy = DEFAULT_POLICY) -> Policy:
        """The policy in force for the brand: the default, its overrides, and its stop words."""
        policy = with_overrides(default, self.policy)  # no overrides: the default as it is
        if self.stop_words:
            policy = replace(policy, sms_replies=policy.sms_replies.with_stop_words(self.stop_words))
        return policy


def unnamed(name: str) -> Brand:
    """A brand the registry holds nothing for: the defaults (``default`` and ``*`` included)."""
    return Brand(name=name, stored=False)


def shown_name(brand_id: str) -> str:
    """A brand id as a name, when the brand has no ``display_name``."""
    return string.capwords(brand_id)


# A host name as a CSP source expression may spell it: letters, digits, hyphens and dots (an
# internationalised name in its A-label form), so a URL cannot smuggle a directive into the policy.
_HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_URL_CHARACTERS = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no space


def check_https_url(raw: str, field: str) -> str:
    """An absolute https URL a page may link to (or load a logo from): printable ASCII with no
    quote, angle bracket, backslash or backtick, a plain host name (no user, no IP literal
    brackets), an optional port; InvalidRequest naming ``field`` otherwise."""
    text = raw.strip()
    if len(text) > MAX_URL_LENGTH or not _URL_CHARACTERS.match(text) or any(c in text for c in "\"'<>\\`"):
        raise InvalidRequest("give an https URL of printable characters (percent-encode the others)", field)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise InvalidRequest("the URL could not be read", field) from None
    if parts.scheme.lower() != "https":
        raise InvalidRequest("the URL must be https", field)
    host = (parts.hostname or "").lower()
    if parts.username is not None or parts.password is not None or not _HOST.match(host):
        raise InvalidRequest("the URL must name a host (no user name or password)", field)
    if port == 0:  # urlsplit refuses a port over 65535 itself (above)
        raise InvalidRequest("the URL's port is not one", field)
    return text


def origin(url: str) -> str:
    """The origin of a URL ``check_https_url`` accepted: scheme, host and a port other than 443."""
    parts = urlsplit(url)
    host = str(parts.hostname).lower()
    return f"https://{host}" + (f":{parts.port}" if parts.port not in (None, 443) else "")


def check_stop_words(entries: Sequence[str]) -> tuple[str, ...]:
    """A brand's stop words, each read as at least one word; the index of a bad one in the error."""
    out: list[str] = []
    for index, entry in enumerate(entries):
        if not readable_word(entry):
            raise InvalidRequest("a stop word must hold a letter or a digit (punctuation and emoji are ignored "
                                 "when a reply is read)", f"stop_words[{index}]")
        if entry not in out:
            out.append(entry)
    return tuple(out)


def check_policy(overrides: Mapping[str, Any]) -> Mapping[str, Any]:
    """Overrides the policy can apply (the error names ``policy.<setting>``)."""
    try:
        with_overrides(DEFAULT_POLICY, overrides)
    except InvalidRequest as err:
        raise InvalidRequest(err.message, f"policy.{err.field}" if err.field else "policy") from None
    except (TypeError, ValueError, KeyError, AttributeError):
        raise InvalidRequest("a policy override could not be read (see GET /v1/policy for the settings and "
                             "their shapes)", "policy") from None
    return dict(overrides)


def names_one_brand(name: str) -> bool:
    """``*`` names every brand (only in an opt-out); a brand resource is one seller."""
    return name != EVERY_BRAND

