"""The rules a decision applies: the contract's default policy, overridable per brand.

A policy is data, not code, so it can be served at ``GET /v1/policy`` exactly as it is applied.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from .brands import normalise_brand
from .errors import InvalidRequest
from .vocabulary import ROBO_DIALING

# What a channel+purpose needs before anyone may be contacted.
BASIS_NONE = "none"
BASIS_CONSENT = "consent"
BASIS_CONSENT_OR_EBR = "consent_or_ebr"
BASES = (BASIS_NONE, BASIS_CONSENT, BASIS_CONSENT_OR_EBR)


# --- the rules, with their citations (rev. 2) ----------------------------------------------------

class RuleId(StrEnum):
    """Every rule a reason can come from. A reason from a written rule carries its citation as
    ``rule``; ``GET /v1/policy`` lists them all (``rules``), the policy's own with no citation."""

    QUIET_HOURS = "quiet_hours"
    NATIONAL_DO_NOT_CALL = "national_do_not_call"
    DO_NOT_CALL_EXEMPTION = "do_not_call_exemption"
    WRITTEN_CONSENT = "written_consent"
    WIRELESS_CONSENT = "wireless_consent"
    REVOCATION = "revocation"
    COMPANY_DO_NOT_CALL = "company_do_not_call"
    EMAIL_OPT_OUT = "email_opt_out"
    REASSIGNED_NUMBER = "reassigned_number"
    OPT_OUT_CONFIRMATION = "opt_out_confirmation"
    LIST_AGE = "list_age"
    # the registry's (and a brand's) own policy: no law behind it, so no citation
    BASIS = "basis"
    STATE_LIST = "state_do_not_call"
    HOUSE_LIST = "house_list"
    UNDELIVERABLE = "undeliverable"
    FREQUENCY_CAP = "frequency_cap"
    SNOOZE = "snooze"
    # rev. 2, a version of its own (policy_versions.json): from 2027-01-31 a reply revokes every robocall and text
    REVOKE_ALL = "revoke_all"


@dataclass(frozen=True)
class Rule:
    id: RuleId
    citation: str | None  # None: the registry's or the brand's own policy
    text: str

    def to_document(self) -> dict[str, Any]:
        return {"id": self.id.value, "citation": self.citation, "text": self.text}


# One table: the reasons read their citation from here (``cite``) and ``GET /v1/policy`` serves it.
RULES: Mapping[RuleId, Rule] = {rule.id: rule for rule in (
    Rule(RuleId.QUIET_HOURS, "47 CFR 64.1200(c)(1)",
         "no telephone solicitation (call or text) before 08:00 or after 21:00 at the called party's location; "
         "the registry holds informational calls and texts to the same window as its own policy (no citation)"),
    Rule(RuleId.NATIONAL_DO_NOT_CALL, "47 CFR 64.1200(c)(2)",
         "no telephone solicitation to a number on the national do-not-call registry"),
    Rule(RuleId.DO_NOT_CALL_EXEMPTION, "47 CFR 64.1200(c)(2)(ii)",
         "a national or state list entry is lifted for marketing only by the person's signed, written agreement "
         "(a written consent) or an established business relationship with the brand"),
    Rule(RuleId.WRITTEN_CONSENT, "47 CFR 64.1200(a)(2)",
         "marketing by text, or by an autodialed, prerecorded or artificial-voice call, needs prior express "
         "written consent to the brand"),
    Rule(RuleId.WIRELESS_CONSENT, "47 U.S.C. 227(b)(1)(A)(iii)",
         "a text, or an autodialed, prerecorded or artificial-voice call, to a number that may be wireless needs "
         "the called party's prior express consent, for any purpose; a number is taken as possibly wireless "
         "unless its line_type is landline"),
    Rule(RuleId.REVOCATION, "47 CFR 64.1200(a)(10)",
         "a consent revoked by any reasonable means is revoked; only the person's own later consent (from a "
         "first-party source) restores it"),
    Rule(RuleId.COMPANY_DO_NOT_CALL, "47 CFR 64.1200(d)(3)",
         "a person's request not to receive telemarketing calls or texts from a brand is honoured; a "
         "do_not_contact disposition on a call covers calls and texts"),
    Rule(RuleId.EMAIL_OPT_OUT, "15 U.S.C. 7704(a)(4)",
         "no commercial email after the recipient opted out (CAN-SPAM)"),
    Rule(RuleId.REASSIGNED_NUMBER, "47 CFR 64.1200(m)",
         "consent is the current subscriber's: a reassignment (a disconnect, a wrong party, a 'wrong number' "
         "reply, a reassigned-numbers check answering yes) voids every earlier consent and EBR of the number, "
         "for good"),
    Rule(RuleId.OPT_OUT_CONFIRMATION, "47 CFR 64.1200(a)(12)",
         "one text confirming an opt-out may be sent within 5 minutes of receiving it (purpose "
         "opt_out_confirmation): not a solicitation, so quiet hours, caps, consent rules and the opt-out itself "
         "do not hold it back; never a second one, never later"),
    Rule(RuleId.LIST_AGE, "47 CFR 64.1200(c)(2)(i)(D)",
         "telephone solicitations (marketing calls and texts) are scrubbed against a copy of the national "
         "do-not-call registry taken no more than 31 days before: from the 32nd day after the newest full copy "
         "(UTC dates) they are denied until a newer copy is imported"),
    Rule(RuleId.BASIS, None, "the policy's basis for the channel and purpose (the 'basis' table)"),
    Rule(RuleId.STATE_LIST, None,
         "a state do-not-call list bars marketing like the national one; its statute is the state's"),
    Rule(RuleId.HOUSE_LIST, None, "an internal or litigator list bars every purpose, consent or not"),
    Rule(RuleId.UNDELIVERABLE, None, "a hard-bounced email or a disconnected number is not contacted"),
    Rule(RuleId.FREQUENCY_CAP, None, "the brand's caps on marketing attempts (the 'frequency_caps' table)"),
    Rule(RuleId.SNOOZE, None, "the contact's own pause (snooze_until)"),
    Rule(RuleId.REVOKE_ALL, "47 CFR 64.1200(a)(10); FCC DA 26-12",
         "a revocation sent in reply to any message of a brand (an SMS reply) revokes every autodialed, "
         "prerecorded and artificial-voice call and every text of that brand, for every purpose; manual calls "
         "and email are not robocalls and keep their own scope"),
)}
assert set(RULES) == set(RuleId), "every rule has its entry"


def cite(rule: RuleId | None) -> str | None:
    """The citation a reason from this rule carries (None: the policy's own rule, or no rule)."""
    return RULES[rule].citation if rule is not None else None


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
    # rev. 2, law rather than policy (no brand overrides them): "channel:purpose" -> the dialing modes
    # that need prior express written consent (47 CFR 64.1200(a)(2)); every sms is autodialed.
    written_consent: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: {
        "call:marketing": tuple(sorted(ROBO_DIALING)), "sms:marketing": tuple(sorted(ROBO_DIALING)),
    })
    # ... and the dialing modes that need a consent of any grade when the number may be wireless
    # (47 U.S.C. 227(b)(1)(A)(iii)): any purpose, any channel that can reach a phone.
    wireless_consent: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: {
        f"{channel}:{purpose}": tuple(sorted(ROBO_DIALING))
        for channel in ("call", "sms") for purpose in ("marketing", "informational")
    })
    sms_replies: SmsReplyWords = field(default_factory=SmsReplyWords)
    # rev. 2, the version (domain.policy_versions): which rules are in force, its name and since when.
    # They are the version's, not settings: no brand overrides them.
    rules: tuple[Rule, ...] = tuple(RULES.values())
    version: str = ""
    effective_from: datetime | None = None
    revoke_all: bool = False  # a reply revokes every robocall and text of the brand (FCC DA 26-12)
    state_pack: str = "state_rules.json"  # the state rules pack of the version (a file beside state_rules.json)

    def basis_for(self, channel: str, purpose: str) -> str:
        return self.basis.get(f"{channel}:{purpose}", BASIS_CONSENT)

    def cap_for(self, channel: str, purpose: str) -> FrequencyCap | None:
        return self.frequency_caps.get(f"{channel}:{purpose}")

    def needs_written_consent(self, channel: str, purpose: str, dialing: str | None) -> bool:
        return dialing is not None and dialing in self.written_consent.get(f"{channel}:{purpose}", ())

    def needs_wireless_consent(self, channel: str, purpose: str, dialing: str | None) -> bool:
        return dialing is not None and dialing in self.wireless_consent.get(f"{channel}:{purpose}", ())

    def to_document(self) -> dict[str, Any]:
        doc = asdict(self)
        for versioned in ("version", "effective_from", "revoke_all", "state_pack"):  # answered beside it (GET /v1/policy)
            del doc[versioned]
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
            "national": "deny marketing unless written consent or EBR for the brand",
            "state": "deny marketing unless written consent or EBR for the brand",
            "internal": "deny every purpose",
            "litigator": "deny every purpose",
        }
        doc["written_consent"] = {k: list(v) for k, v in self.written_consent.items()}
        doc["wireless_consent"] = {k: list(v) for k, v in self.wireless_consent.items()}
        doc["rules"] = [rule.to_document() for rule in self.rules]
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
