"""The decision: may this address be contacted on this channel, for this purpose and brand, at this moment?

Pure: it reads facts and a policy and never touches storage, so a dialer's plan, a test's pinned
clock and the live answer all go through the same rules.

A decision is two things: the scope's status (``scope_status``: opt-outs, consent, EBR, lists,
delivery; the deny reasons) and timing (quiet hours and contact hours in the contact's
``Whereabouts``, caps, a pause; the defer reasons and ``next_allowed_at``).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from . import frequency_cap, opt_out_confirmation, quiet_hours, receipts, state_rules
from .errors import ChannelAddressMismatch, InvalidRequest
from .facts import CheckedList, ContactFacts, SuppressionMembership
from .lead_temperature import lead_temperature
from .location import Whereabouts, locate
from .policy import BASIS_CONSENT, Policy, RuleId, cite
from .scope_status import Scope, ScopeStatus, scope_status
from .timeutil import format_instant
from .vocabulary import CHANNEL_NOUNS as _NOUNS
from .vocabulary import (
    CHANNELS,
    DEFER_REASONS,
    DENY_REASONS,
    EVERY_BRAND,
    OPT_OUT_CONFIRMATION,
    Channel,
    DecisionKind,
    DeferReason,
    DenyReason,
    Purpose,
    SuppressionKind,
    UndeliverableReason,
    channels_for_kind,
    require_exactly,
)


@dataclass(frozen=True)
class Question:
    address: str  # normalised (E.164 or lower-case email)
    kind: str  # "phone" | "email"
    channel: str
    purpose: str
    brand: str  # "default" when the caller gave none
    at: datetime  # aware; kept in UTC
    dialing: str | None = None  # rev. 2: how a call is placed (None: manual); sms and email ignore it
    known_at: datetime | None = None  # rev. 2: what the registry knew then (replay); answered, not read
    # the number's own time zones when the caller worked them out already (``Address.zones``); not an answer
    number_zones: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError("Question.at must be timezone-aware")
        object.__setattr__(self, "at", self.at.astimezone(UTC))


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    list: str | None = None  # only for on_suppression_list and list_stale
    rule: str | None = None  # rev. 2: the citation of the written rule it comes from (policy.RULES)
    reassigned_at: datetime | None = None  # rev. 2: only for consent_void
    version: date | None = None  # rev. 2: only for list_stale (the date of the list's newest full copy)

    def to_dict(self) -> dict:
        out: dict = {"code": self.code, "message": self.message}
        if self.list is not None:
            out["list"] = self.list
        if self.rule is not None:
            out["rule"] = self.rule
        if self.reassigned_at is not None:
            out["reassigned_at"] = format_instant(self.reassigned_at)
        if self.version is not None:
            out["version"] = self.version.isoformat()
        return out


@dataclass(frozen=True)
class Decision:
    question: Question
    decision: DecisionKind
    reasons: tuple[Reason, ...]
    next_allowed_at: datetime | None
    preferred_channel: str | None
    recommended_channel: str | None
    lead_temperature: str
    whereabouts: Whereabouts
    status: ScopeStatus  # the scope's status the deny reasons come from
    policy_version: str = ""  # rev. 2: the version of the policy in force at ``at`` (domain.policy_versions)
    basis: receipts.Basis | None = None  # rev. 2: what an allow rests on (None for deny and defer)
    lists: tuple[CheckedList, ...] = ()  # rev. 2: the national and state lists checked, with their versions

    @property
    def allowed(self) -> bool:
        return self.decision == DecisionKind.ALLOW

    @property
    def timezones(self) -> tuple[str, ...]:
        return self.whereabouts.zones

    def to_dict(self, evaluated_at: datetime | None = None) -> dict:
        q = self.question
        return {
            "address": q.address, "channel": q.channel, "purpose": q.purpose, "brand": q.brand,
            "evaluated_at": format_instant(evaluated_at or q.at),
            "decision": self.decision, "allowed": self.allowed,
            "reasons": [r.to_dict() for r in self.reasons],
            "next_allowed_at": format_instant(self.next_allowed_at),
            "preferred_channel": self.preferred_channel, "recommended_channel": self.recommended_channel,
            "lead_temperature": self.lead_temperature, "timezones": list(self.timezones),
            "dialing": self.status.dialing, "policy_version": self.policy_version or None,
            "known_at": format_instant(q.known_at),
            "basis": self.basis.to_dict() if self.basis is not None else None,
            "lists": [receipts.list_dict(c) for c in self.lists],
        }


# --- deny reasons: the scope's status, in words -------------------------------------------------

def _scope(channel: str, purpose: str, brand: str) -> str:
    return f"{purpose} {_NOUNS.get(channel, channel)} for brand {brand}"


def _opt_out_rule(channel: str, purpose: str) -> RuleId | None:
    """An opt-out of marketing calls and texts is a do-not-call request (64.1200(d)(3)); of other
    calls and texts, a revocation (64.1200(a)(10)); of marketing email, CAN-SPAM's; of other email,
    the registry's own rule (no citation)."""
    if channel == Channel.EMAIL:
        return RuleId.EMAIL_OPT_OUT if purpose == Purpose.MARKETING else None
    return RuleId.COMPANY_DO_NOT_CALL if purpose == Purpose.MARKETING else RuleId.REVOCATION


def _opted_out(q: Question, status: ScopeStatus) -> list[Reason]:
    blocker = status.opt_out
    assert blocker is not None
    who = "every brand" if blocker.brand == EVERY_BRAND else f"brand {q.brand}"
    if status.revoked_all:  # rev. 2: a reply under the revoke-all rule (policy_versions)
        return [Reason(DenyReason.OPTED_OUT, f"a reply revoked every autodialed, prerecorded and artificial-voice "
                       f"call and every text of {who}, for every purpose, at {format_instant(blocker.occurred_at)}",
                       rule=cite(RuleId.REVOKE_ALL))]
    what = f"{q.purpose} {_NOUNS.get(q.channel, q.channel)}"
    return [Reason(DenyReason.OPTED_OUT, f"opted out of {what} for {who} at {format_instant(blocker.occurred_at)}",
                   rule=cite(_opt_out_rule(q.channel, q.purpose)))]


_LIST_RULES: Mapping[str, RuleId] = {SuppressionKind.NATIONAL: RuleId.NATIONAL_DO_NOT_CALL,
                                     SuppressionKind.STATE: RuleId.STATE_LIST}


def _list_rule(member: SuppressionMembership, pack: state_rules.Pack) -> str | None:
    """A state list's own statute when the state rules pack has it (rev. 2), else the kind's rule."""
    own = state_rules.list_citation(member.state, pack) if member.kind == SuppressionKind.STATE else None
    return own or cite(_LIST_RULES.get(member.kind, RuleId.HOUSE_LIST))


def _on_lists(q: Question, status: ScopeStatus) -> list[Reason]:
    pack = state_rules.pack_named(status.state_pack)
    return [Reason(DenyReason.ON_SUPPRESSION_LIST, f"on {m.kind} list {m.list_name}", list=m.list_name,
                   rule=_list_rule(m, pack))
            for m in status.lists]


def _robocall(channel: str, dialing: str | None) -> str:
    if channel == Channel.SMS:
        return "a text"
    return f"an {dialing} call" if (dialing or "x")[0] in "aeiou" else f"a {dialing} call"


def _no_consent(q: Question, status: ScopeStatus) -> list[Reason]:
    wanted = "consent" if status.basis_rule == BASIS_CONSENT else "consent or established business relationship"
    text = f"no {wanted} for {_scope(q.channel, q.purpose, q.brand)}"
    if status.basis_law == RuleId.WIRELESS_CONSENT:
        text += f" ({_robocall(q.channel, status.dialing)} to a number that may be wireless)"
    return [Reason(DenyReason.NO_CONSENT, f"{text}; {status.problem}" if status.problem else text,
                   rule=cite(status.basis_law))]


def _written_required(q: Question, status: ScopeStatus) -> list[Reason]:
    scope = _scope(q.channel, q.purpose, q.brand)
    have = "only an express consent" if status.consent is not None else "no consent"
    out = []
    if status.written_needed and status.written is None:
        out.append(Reason(DenyReason.WRITTEN_CONSENT_REQUIRED,
                          f"{_robocall(q.channel, status.dialing)} for marketing needs prior express written "
                          f"consent; {have} for {scope}", rule=cite(RuleId.WRITTEN_CONSENT)))
    if status.list_needs_written:
        names = ", ".join(m.list_name for m in status.lists if m.kind in _LIST_RULES)
        # rev. 2: a state list whose statute takes no EBR (the pack's ebr_accepted: false)
        pack = state_rules.pack_named(status.state_pack)
        no_ebr = [m for m in status.lists
                  if m.kind == SuppressionKind.STATE and not state_rules.ebr_lifts_list(m.state, pack)]
        lifts = "a written consent" if len(no_ebr) == len(names.split(", ")) else \
            "a written consent or an established business relationship"
        out.append(Reason(DenyReason.WRITTEN_CONSENT_REQUIRED,
                          f"only {lifts} lifts do-not-call "
                          f"{'lists' if ', ' in names else 'list'} {names} for marketing; {have} for {scope}",
                          rule=_list_rule(no_ebr[0], pack) if no_ebr else cite(RuleId.DO_NOT_CALL_EXEMPTION)))
    return out


def _consent_void(q: Question, status: ScopeStatus) -> list[Reason]:
    when = status.reassigned_at
    assert when is not None
    return [Reason(DenyReason.CONSENT_VOID,
                   f"the number was reassigned at {format_instant(when)}: every consent and established business "
                   "relationship from before then is void", rule=cite(RuleId.REASSIGNED_NUMBER), reassigned_at=when)]


def _undeliverable(q: Question, status: ScopeStatus) -> list[Reason]:
    dead = status.undelivered
    assert dead is not None
    words: dict[str, str] = {UndeliverableReason.HARD_BOUNCE: "email hard-bounced",
                             UndeliverableReason.DISCONNECTED: "number reported disconnected"}
    what = words.get(
        dead.reason, f"reported undeliverable ({dead.reason})")
    return [Reason(DenyReason.UNDELIVERABLE, f"{what} at {format_instant(dead.at)}", rule=cite(RuleId.UNDELIVERABLE))]


def _list_stale(q: Question, status: ScopeStatus) -> list[Reason]:
    return [Reason(DenyReason.LIST_STALE,
                   f"the newest full copy of national list {c.list_name} is of {c.version.isoformat()}, more than "
                   f"31 days before {q.at.date().isoformat()}: import a newer copy", list=c.list_name,
                   rule=cite(RuleId.LIST_AGE), version=c.version)
            for c in status.stale_lists]


# Every deny code a scope's status can give, in words (a code missing here fails every lookup
# that meets it, and the property tests: it never passes silently).
_DENY_WORDS: Mapping[DenyReason, Callable[[Question, ScopeStatus], list[Reason]]] = {
    DenyReason.OPTED_OUT: _opted_out, DenyReason.ON_SUPPRESSION_LIST: _on_lists, DenyReason.NO_CONSENT: _no_consent,
    DenyReason.UNDELIVERABLE: _undeliverable, DenyReason.WRITTEN_CONSENT_REQUIRED: _written_required,
    DenyReason.CONSENT_VOID: _consent_void, DenyReason.LIST_STALE: _list_stale,
}
require_exactly(DenyReason, _DENY_WORDS, "decide._DENY_WORDS")


def _deny_reasons(q: Question, status: ScopeStatus) -> list[Reason]:
    """Reasons that do not pass with time: the scope's status at ``q.at``."""
    return [reason for code in status.deny_codes for reason in _DENY_WORDS[code](q, status)]


def _state_rules(q: Question, where: Whereabouts, policy: Policy) -> list[state_rules.StateRule]:
    """rev. 2: the state rules that bind this question (marketing calls and texts; the area code's state and the
    state on file), from the state rules pack of the policy version in force (``policy.state_pack``)."""
    return state_rules.applicable(where.states, q.channel, q.purpose, q.dialing,
                                  pack=state_rules.pack_named(policy.state_pack))


def _defer_reasons(q: Question, facts: ContactFacts, policy: Policy, at: datetime,
                   where: Whereabouts, messages: bool = True) -> list[Reason]:
    """Reasons that pass with time, checked at ``at`` (which may be later than the question's moment)."""
    out: list[Reason] = []
    prefs = facts.preferences
    states = _state_rules(q, where, policy)
    if quiet_hours.applies_to(q.channel, policy):  # no zone known: always quiet (fail closed)
        if not messages:
            if quiet_hours.is_quiet(at, where, policy, prefs.contact_hours, states):
                return [Reason(DeferReason.QUIET_HOURS, "")]
        else:
            quiet = quiet_hours.quiet_reason(at, where, policy, q.channel, prefs.contact_hours, states)
            if quiet is not None:
                # The law's window (64.1200(c)(1)) is for solicitations; for anything else, or when only
                # the contact's own hours are shut, the window is the policy's or the person's: no citation.
                # A state's window that binds more than the federal one: the state's citation.
                law = q.purpose == Purpose.MARKETING and quiet_hours.is_quiet(at, where, policy)
                rule = state_rules.citations(quiet.states) if quiet.states else cite(RuleId.QUIET_HOURS) if law else None
                out.append(Reason(DeferReason.QUIET_HOURS, quiet.message, rule=rule))
    if frequency_cap.is_capped(facts.attempts, q.channel, q.purpose, q.brand, at, policy):
        if not messages:
            return [Reason(DeferReason.FREQUENCY_CAP, "")]
        out.append(Reason(DeferReason.FREQUENCY_CAP, frequency_cap.cap_message(
            facts.attempts, q.channel, q.purpose, q.brand, at, policy) or "", rule=cite(RuleId.FREQUENCY_CAP)))
    state_cap = frequency_cap.state_cap_message(facts.attempts, q.channel, q.purpose, q.brand, at, states)
    if state_cap is not None:
        if not messages:
            return [Reason(DeferReason.FREQUENCY_CAP, "")]
        out.append(Reason(DeferReason.FREQUENCY_CAP, state_cap[0], rule=state_cap[1]))
    if prefs.snooze_until is not None and at < prefs.snooze_until:
        out.append(Reason(DeferReason.SNOOZED, f"snoozed until {format_instant(prefs.snooze_until)}",
                          rule=cite(RuleId.SNOOZE)))
    return out


def _next_allowed(q: Question, facts: ContactFacts, policy: Policy, where: Whereabouts) -> datetime | None:
    """The first moment within the horizon with no defer reason, found by checking, in order, every
    instant at which a defer reason can lift (window openings, cap expiries, the snooze's end)."""
    horizon = q.at + timedelta(days=policy.horizon_days)
    prefs = facts.preferences
    candidates = {q.at}
    states = _state_rules(q, where, policy)
    if quiet_hours.applies_to(q.channel, policy) and where.known:
        candidates.update(quiet_hours.openings(where, q.at, horizon, policy, prefs.contact_hours, states))
    candidates.update(frequency_cap.expiries(facts.attempts, q.channel, q.purpose, q.brand, policy))
    candidates.update(frequency_cap.state_expiries(facts.attempts, q.channel, q.purpose, q.brand, states))
    if prefs.snooze_until is not None:
        candidates.add(prefs.snooze_until)  # aware; the moment found is answered in UTC
    for moment in sorted(c for c in candidates if q.at <= c <= horizon):
        if not _defer_reasons(q, facts, policy, moment, where, messages=False):
            return moment.astimezone(UTC)
    return None


@dataclass(frozen=True)
class _Core:
    decision: DecisionKind
    reasons: tuple[Reason, ...]
    next_allowed_at: datetime | None
    whereabouts: Whereabouts
    status: ScopeStatus


def _order(reasons: list[Reason]) -> tuple[Reason, ...]:
    rank: dict[str, int] = {code: i for i, code in enumerate(DENY_REASONS + DEFER_REASONS)}
    return tuple(sorted(reasons, key=lambda r: rank.get(r.code, len(rank))))  # stable within a code


def check_question(channel: str, purpose: str) -> None:
    """A question the registry can answer: the opt-out confirmation is a text, and only a text."""
    if purpose == OPT_OUT_CONFIRMATION and channel != Channel.SMS:
        raise InvalidRequest("purpose opt_out_confirmation is the one text confirming an opt-out: ask with channel "
                             "sms", "channel")


def _confirmation_core(q: Question, facts: ContactFacts, policy: Policy, where: Whereabouts) -> _Core:
    """The one text confirming an opt-out (``opt_out_confirmation``): not a solicitation, so quiet
    hours, caps, a pause and the opt-out itself do not hold it back, nor do the consent rules of rev. 2
    (written consent, the wireless rule, a reassignment's void: the scope's status is read without
    them); a do-not-contact list that bars every purpose (internal, litigator) and a dead number still do."""
    status = scope_status(facts, Scope(q.channel, q.purpose, q.brand), q.at, policy)
    refused = opt_out_confirmation.refusal(facts, q.brand, q.at)
    deny = [] if refused is None else [Reason(refused.code, refused.message, rule=cite(RuleId.OPT_OUT_CONFIRMATION))]
    if status.lists:
        deny += _on_lists(q, status)
    if status.undelivered is not None:
        deny += _undeliverable(q, status)
    return _Core(DecisionKind.DENY if deny else DecisionKind.ALLOW, _order(deny), None, where, status)


def _core(q: Question, facts: ContactFacts, policy: Policy, want_next: bool, where: Whereabouts) -> _Core:
    if q.channel not in channels_for_kind(q.kind):
        raise ChannelAddressMismatch(f"channel {q.channel} cannot reach a {q.kind} address", "channel")
    check_question(q.channel, q.purpose)
    if q.purpose == OPT_OUT_CONFIRMATION:
        return _confirmation_core(q, facts, policy, where)
    status = scope_status(facts, Scope(q.channel, q.purpose, q.brand), q.at, policy, q.dialing)
    deny = _deny_reasons(q, status)
    defer = _defer_reasons(q, facts, policy, q.at, where)
    decision = DecisionKind.DENY if deny else DecisionKind.DEFER if defer else DecisionKind.ALLOW
    nxt = _next_allowed(q, facts, policy, where) if decision == DecisionKind.DEFER and want_next else None
    return _Core(decision, _order(deny + defer), nxt, where, status)


def _kind_of(address: str) -> str:
    """A linked address's kind (stored normalised: an email has its @, a phone has none)."""
    return "email" if "@" in address else "phone"


def _known_addresses(q: Question, facts: ContactFacts,
                     linked: Mapping[str, ContactFacts] | None) -> list[ContactFacts]:
    """The contact's own address first, then linked ones in the order the contact listed them."""
    linked = linked or {}
    listed = list(facts.preferences.linked_addresses)
    names = listed + sorted(set(linked) - set(listed))
    out, seen = [facts], {q.address}
    for name in names:
        if name in seen:
            continue
        seen.add(name)
        other = linked.get(name)
        out.append(other if other is not None else ContactFacts(address=name, kind=_kind_of(name)))
    return out


def _recommend(q: Question, facts: ContactFacts, policy: Policy, linked: Mapping[str, ContactFacts] | None,
               core: _Core) -> str | None:
    if q.purpose == OPT_OUT_CONFIRMATION:
        return q.channel if core.decision == DecisionKind.ALLOW else None  # a text to this number, or nothing
    snooze = facts.preferences.snooze_until
    if snooze is not None and q.at < snooze:
        return None  # the person asked for quiet on every channel, not just this address
    known = _known_addresses(q, facts, linked)
    located = {q.address: core.whereabouts}  # each address located once, for all its channels

    def allowed_on(channel: str) -> bool:
        for other in known:
            if channel not in channels_for_kind(other.kind):
                continue
            if other.address == q.address and channel == q.channel:
                ok = core.decision == "allow"
            else:
                sub = Question(other.address, other.kind, channel, q.purpose, q.brand, q.at, q.dialing)
                if other.address not in located:
                    located[other.address] = locate(other.address, other.kind, other.preferences)
                ok = _core(sub, other, policy, False, located[other.address]).decision == "allow"
            if ok:
                return True
        return False

    preferred = facts.preferences.preferred_channel
    order = ([preferred] if preferred in CHANNELS else []) + [q.channel] + list(CHANNELS)
    for channel in dict.fromkeys(order):
        if allowed_on(channel):
            return channel
    return None


def decide(question: Question, facts: ContactFacts, policy: Policy,
           linked: Mapping[str, ContactFacts] | None = None) -> Decision:
    """The full answer for one address: decision, every reason, when to retry, and where to go instead."""
    where = locate(question.address, question.kind, facts.preferences,  # once, for every rule that needs it
                   question.number_zones)
    core = _core(question, facts, policy, True, where)
    return Decision(
        question=question,
        decision=core.decision,
        reasons=core.reasons,
        next_allowed_at=core.next_allowed_at,
        preferred_channel=facts.preferences.preferred_channel,
        recommended_channel=_recommend(question, facts, policy, linked, core),
        lead_temperature=lead_temperature(facts, question.at, policy, brand=question.brand),
        whereabouts=core.whereabouts,
        status=core.status,
        policy_version=policy.version,
        basis=receipts.basis_of(core.status, facts, policy) if core.decision == DecisionKind.ALLOW else None,
        lists=facts.checked_lists,
    )


def verdict(question: Question, facts: ContactFacts, policy: Policy) -> tuple[DecisionKind, tuple[Reason, ...]]:
    """The decision and every reason, without what only a live caller needs (``next_allowed_at``, the
    recommended channel, lead temperature): the violations report re-decides many past attempts."""
    core = _core(question, facts, policy, False, locate(question.address, question.kind, facts.preferences,
                                                        question.number_zones))
    return core.decision, core.reasons
