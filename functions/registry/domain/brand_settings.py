"""A brand as a resource (contract rev. 2, "Brands"): the numbers it texts from, the words it
answers with, the stop words it adds, its policy overrides, and whether it has a Twilio token.

Pure: what a brand is and what it says; ``services.brands`` stores it (the token itself is a
secret kept outside the table: only ``twilio_auth_token_set`` is here).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

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

    def rules(self, default: Policy = DEFAULT_POLICY) -> Policy:
        """The policy in force for the brand: the default, its overrides, and its stop words."""
        policy = with_overrides(default, self.policy)  # no overrides: the default as it is
        if self.stop_words:
            policy = replace(policy, sms_replies=policy.sms_replies.with_stop_words(self.stop_words))
        return policy


def unnamed(name: str) -> Brand:
    """A brand the registry holds nothing for: the defaults (``default`` and ``*`` included)."""
    return Brand(name=name, stored=False)


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

