"""The rules a decision applies: the contract's default policy, overridable per brand.

A policy is data, not code, so it can be served at ``GET /v1/policy`` exactly as it is applied.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import time
from typing import Any

from .brands import normalise_brand
from .errors import InvalidRequest

# What a channel+purpose needs before anyone may be contacted.
BASIS_NONE = "none"
BASIS_CONSENT = "consent"
BASIS_CONSENT_OR_EBR = "consent_or_ebr"
BASES = (BASIS_NONE, BASIS_CONSENT, BASIS_CONSENT_OR_EBR)


@dataclass(frozen=True)
class FrequencyCap:
    attempts: int
    window_days: int


@dataclass(frozen=True)
class SmsReplyWords:
    """The words that give an SMS reply its meaning (``domain.sms_replies`` reads a reply with them).

    Each entry is a word or a phrase, written as people write it; it is read the way a reply is
    (``don't text`` is the words ``don t text``), and matched on whole words. A brand adds its own
    stop words (``Brand.stop_words``); it cannot remove these.
    """

    # Opt-out: the contract's words and phrases, plus a few more people use (when in doubt the
    # registry opts out).
    opt_out: tuple[str, ...] = (
        "stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout", "opt out", "remove",
        "alto", "parar", "cancelar", "baja", "arret",
        "remove me", "do not text", "don't text", "dont text", "no more texts", "leave me alone",
        "unsub", "do not contact", "don't contact", "take me off", "no more messages", "detener", "no mas",
    )
    # Wrong number: an opt-out, and the number has a new owner (a reassignment).
    wrong_number: tuple[str, ...] = ("wrong number", "not me", "wrong person", "numero equivocado")
    # Undo the sender's last keyword opt-out for the brand (grants nothing): the reply's first word.
    resubscribe: tuple[str, ...] = ("start", "unstop")
    # Answer an open consent request: the reply's first word.
    consent: tuple[str, ...] = ("yes",)
    # No change: the brand's help text is the answer.
    help: tuple[str, ...] = ("help", "info", "ayuda")
    rule: str = "47 CFR 64.1200(a)(10); FCC 24-24 (revocation by any reasonable means)"

    def with_stop_words(self, extra: Sequence[str]) -> SmsReplyWords:
        added = tuple(w for w in extra if w not in self.opt_out)
        return replace(self, opt_out=self.opt_out + added) if added else self

    def to_document(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "opt_out": list(self.opt_out), "wrong_number": list(self.wrong_number),
            "resubscribe": list(self.resubscribe), "consent": list(self.consent), "help": list(self.help),
            "reading": "lower-cased, accents dropped, every character that is not a letter or digit a space; "
                       "words and phrases match whole words. Precedence: wrong_number, opt_out (anywhere in "
                       "the reply), help (anywhere), resubscribe, consent (only as the reply's first word).",
        }


@dataclass(frozen=True)
class Policy:
    # "channel:purpose" -> one of BASES
    basis: Mapping[str, str] = field(default_factory=lambda: {
        "call:marketing": BASIS_CONSENT_OR_EBR,
        "call:informational": BASIS_NONE,
        "sms:marketing": BASIS_CONSENT,
        "sms:informational": BASIS_CONSENT,
        "email:marketing": BASIS_NONE,
        "email:informational": BASIS_NONE,
    })
    # relationship kind -> calendar months of EBR from its occurred_at
    ebr_months: Mapping[str, int] = field(default_factory=lambda: {"inquiry": 3, "transaction": 18})
    # channel -> consent sources not accepted as a basis on it
    rejected_consent_sources: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: {
        "call": ("purchased_list",), "sms": ("purchased_list",), "email": (),
    })
    quiet_hours_channels: tuple[str, ...] = ("call", "sms")
    quiet_hours_start: time = time(8, 0)
    quiet_hours_end: time = time(21, 0)
    # "channel:purpose" -> cap, per brand, rolling window
    frequency_caps: Mapping[str, FrequencyCap] = field(default_factory=lambda: {
        "call:marketing": FrequencyCap(3, 7),
        "sms:marketing": FrequencyCap(3, 7),
    })
    hot_days: int = 7
    warm_days: int = 90
    horizon_days: int = 30  # next_allowed_at is null past this
    sms_replies: SmsReplyWords = field(default_factory=SmsReplyWords)

    def basis_for(self, channel: str, purpose: str) -> str:
        return self.basis.get(f"{channel}:{purpose}", BASIS_CONSENT)

    def cap_for(self, channel: str, purpose: str) -> FrequencyCap | None:
        return self.frequency_caps.get(f"{channel}:{purpose}")

    def to_document(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["sms_replies"] = self.sms_replies.to_document()
        doc["basis"] = dict(self.basis)
        doc["ebr_months"] = dict(self.ebr_months)
        doc["rejected_consent_sources"] = {k: list(v) for k, v in self.rejected_consent_sources.items()}
        doc["quiet_hours_channels"] = list(self.quiet_hours_channels)
        doc["quiet_hours_start"] = self.quiet_hours_start.strftime("%H:%M")
        doc["quiet_hours_end"] = self.quiet_hours_end.strftime("%H:%M")
        doc["frequency_caps"] = {k: {"attempts": v.attempts, "window_days": v.window_days}
                                 for k, v in self.frequency_caps.items()}
        doc["suppression_lists"] = {
            "national": "deny marketing unless consent or EBR for the brand",
            "state": "deny marketing unless consent or EBR for the brand",
            "internal": "deny every purpose",
            "litigator": "deny every purpose",
        }
        return doc


DEFAULT_POLICY = Policy()


def with_overrides(base: Policy, overrides: Mapping[str, Any]) -> Policy:
    """A brand's policy: the default with the given keys replaced (config, e.g. {"basis": {"email:marketing": "consent"}})."""
    changes: dict[str, Any] = {}
    for key, value in overrides.items():
        if key == "basis":
            merged = dict(base.basis)
            for scope, basis in value.items():
                if basis not in BASES:
                    raise InvalidRequest(f"unknown basis {basis!r} for {scope}", "basis")
                merged[scope] = basis
            changes["basis"] = merged
        elif key == "ebr_months":
            changes["ebr_months"] = {**base.ebr_months, **{k: int(v) for k, v in value.items()}}
        elif key == "rejected_consent_sources":
            changes["rejected_consent_sources"] = {**base.rejected_consent_sources,
                                                   **{k: tuple(v) for k, v in value.items()}}
        elif key == "frequency_caps":
            caps = dict(base.frequency_caps)
            for scope, cap in value.items():
                if cap is None:
                    caps.pop(scope, None)
                else:
                    caps[scope] = FrequencyCap(int(cap["attempts"]), int(cap["window_days"]))
            changes["frequency_caps"] = caps
        elif key in ("quiet_hours_start", "quiet_hours_end"):
            changes[key] = time.fromisoformat(value)
        elif key == "quiet_hours_channels":
            changes[key] = tuple(value)
        elif key in ("hot_days", "warm_days", "horizon_days"):
            changes[key] = int(value)
        else:
            raise InvalidRequest(f"unknown policy setting {key!r}", key)
    return replace(base, **changes)


class PolicyBook:
    """The default policy and each brand's overrides, resolved once at start-up."""

    def __init__(self, brand_overrides: Mapping[str, Mapping[str, Any]] | None = None,
                 default: Policy = DEFAULT_POLICY):
        self.default = default
        self._brands = {normalise_brand(brand): with_overrides(default, o)
                        for brand, o in (brand_overrides or {}).items()}

    def for_brand(self, brand: str) -> Policy:
        """``brand`` as normalised at the entry points (config keys are normalised here alike)."""
        return self._brands.get(brand, self.default)

    def brands(self) -> list[str]:
        return sorted(self._brands)
