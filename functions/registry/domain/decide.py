"""The decision: may this address be contacted on this channel, for this purpose and brand, at this moment?

Pure: it reads facts and a policy and never touches storage, so a dialer's plan, a test's pinned
clock and the live answer all go through the same rules.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Iterable, Mapping

from . import frequency_cap, quiet_hours
from .addresses import normalise
from .errors import ChannelAddressMismatch, InvalidAddress
from .facts import Consent, ContactFacts, OptOut, Relationship
from .lead_temperature import lead_temperature
from .policy import BASIS_CONSENT, BASIS_CONSENT_OR_EBR, BASIS_NONE, Policy
from .timeutil import format_instant
from .vocabulary import ALL, CHANNELS, DEFER_REASONS, DENY_REASONS, EVERY_BRAND, channels_for_kind

# Attempt outcomes that prove the channel reaches the person again after it was reported dead.
_REACHED = frozenset({"answered", "delivered"})
_NOUNS = {"call": "calls", "sms": "texts", "email": "emails"}
# A bought list is never the person's own act, so it never overrides their opt-out on any channel.
NEVER_LIFTS_OPT_OUT = frozenset({"purchased_list"})


@dataclass(frozen=True)
class Question:
    address: str  # normalised (E.164 or lower-case email)
    kind: str  # "phone" | "email"
    channel: str
    purpose: str
    brand: str  # "default" when the caller gave none
    at: datetime  # aware; kept in UTC

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError("Question.at must be timezone-aware")
        object.__setattr__(self, "at", self.at.astimezone(timezone.utc))


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    list: str | None = None  # only for on_suppression_list

    def to_dict(self) -> dict:
        out = {"code": self.code, "message": self.message}
        if self.list is not None:
            out["list"] = self.list
        return out


@dataclass(frozen=True)
class Decision:
    question: Question
    decision: str  # allow | defer | deny
    reasons: tuple[Reason, ...]
    next_allowed_at: datetime | None
    preferred_channel: str | None
    recommended_channel: str | None
    lead_temperature: str
    timezones: tuple[str, ...]

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"

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
        }


# --- scope rules, public so the contact profile can show the same statuses -----------------------

def consent_covers(consent: Consent, channel: str, purpose: str, brand: str) -> bool:
    """Strict: a consent speaks only for the channels, purposes and brand it names."""
    return channel in consent.channels and purpose in consent.purposes and consent.brand == brand


def opt_out_covers(opt_out: OptOut, channel: str, purpose: str, brand: str) -> bool:
    return ((channel in opt_out.channels or ALL in opt_out.channels)
            and (purpose in opt_out.purposes or ALL in opt_out.purposes)
            and (opt_out.brand == brand or opt_out.brand == EVERY_BRAND))


def consent_problem(consent: Consent, channel: str, at: datetime, policy: Policy) -> str | None:
    """Why the policy does not accept this consent as a basis at ``at``; None when it does."""
    if consent.expires_at is not None and at >= consent.expires_at:
        return f"consent expired at {format_instant(consent.expires_at)}"
    if consent.source in policy.rejected_consent_sources.get(channel, ()):
        return f"consent from {consent.source} is not accepted for {_NOUNS.get(channel, channel)}"
    return None


def add_months(value: datetime, months: int) -> datetime:
    """Calendar months, the day clamped to the month's end (Nov 30 + 3 months = Feb 28/29)."""
    years, month0 = divmod(value.month - 1 + months, 12)
    year, month = value.year + years, month0 + 1
    return value.replace(year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1]))


def ebr_until(relationship: Relationship, policy: Policy) -> datetime | None:
    """When the relationship stops being an established business relationship; None if it never is one."""
    months = policy.ebr_months.get(relationship.kind)
    if months is None:
        return None
    return add_months(relationship.occurred_at, months)


def ebr_in_force(relationships: Iterable[Relationship], brand: str, at: datetime,
                 policy: Policy) -> Relationship | None:
    """A relationship with this brand giving an EBR at ``at`` (the longest-lasting one)."""
    live = []
    for r in relationships:
        until = ebr_until(r, policy)
        if r.brand == brand and until is not None and r.occurred_at <= at < until:
            live.append((until, r))
    return max(live, key=lambda pair: pair[0])[1] if live else None


def as_of(facts: ContactFacts, at: datetime) -> ContactFacts:
    """Only the facts that had happened by ``at``; preferences and list memberships stand as they are."""
    return replace(
        facts,
        consents=tuple(c for c in facts.consents if c.occurred_at <= at),
        opt_outs=tuple(o for o in facts.opt_outs if o.occurred_at <= at),
        relationships=tuple(r for r in facts.relationships if r.occurred_at <= at),
        attempts=tuple(a for a in facts.attempts if a.occurred_at <= at),
        undeliverable=tuple(u for u in facts.undeliverable if u.occurred_at <= at),
    )


def latest_opt_out(facts: ContactFacts, channel: str, purpose: str, brand: str) -> OptOut | None:
    """The newest opt-out covering the scope; pass facts cut with ``as_of`` to ask about a moment."""
    covering = [o for o in facts.opt_outs if opt_out_covers(o, channel, purpose, brand)]
    return max(covering, key=lambda o: o.occurred_at) if covering else None


def basis_consent(facts: ContactFacts, channel: str, purpose: str, brand: str, at: datetime,
                  policy: Policy) -> Consent | None:
    """An accepted consent strictly newer than every covering opt-out (on a tie the opt-out wins).

    ``facts`` should already be cut with ``as_of(facts, at)``.
    """
    blocker = latest_opt_out(facts, channel, purpose, brand)
    usable = [c for c in facts.consents
              if consent_covers(c, channel, purpose, brand)
              and consent_problem(c, channel, at, policy) is None
              and (blocker is None or (c.occurred_at > blocker.occurred_at
                                       and c.source not in NEVER_LIFTS_OPT_OUT))]
    return max(usable, key=lambda c: c.occurred_at) if usable else None


# --- reasons ---------------------------------------------------------------------------------------

def _scope(channel: str, purpose: str, brand: str) -> str:
    return f"{purpose} {_NOUNS.get(channel, channel)} for brand {brand}"


def _no_basis_message(facts: ContactFacts, q: Question, basis: str, policy: Policy,
                      blocker: OptOut | None) -> str:
    wanted = "consent" if basis == BASIS_CONSENT else "consent or established business relationship"
    text = f"no {wanted} for {_scope(q.channel, q.purpose, q.brand)}"
    covering = sorted((c for c in facts.consents if consent_covers(c, q.channel, q.purpose, q.brand)),
                      key=lambda c: c.occurred_at, reverse=True)
    for consent in covering:
        problem = consent_problem(consent, q.channel, q.at, policy)
        if problem is None and blocker is not None:
            problem = ("consent from purchased_list cannot override an opt-out"
                       if consent.source in NEVER_LIFTS_OPT_OUT else "consent is not newer than the opt-out")
        if problem:
            return f"{text}; {problem}"
    return text


def _undeliverable(facts: ContactFacts, channel: str) -> tuple[datetime, str] | None:
    """The latest report that the channel is dead, unless a later answered/delivered attempt disproves it."""
    reports = [(u.occurred_at, u.reason) for u in facts.undeliverable if channel in u.channels]
    if channel in ("call", "sms"):
        # A dialer reporting the number disconnected is the contract's undeliverable phone.
        reports += [(a.occurred_at, "disconnected") for a in facts.attempts
                    if a.outcome == "disconnected" and a.channel in ("call", "sms")]
    elif channel == "email":
        # An email attempt reported "bounced" (a soft failure is "failed") is a hard bounce.
        reports += [(a.occurred_at, "hard_bounce") for a in facts.attempts
                    if a.outcome == "bounced" and a.channel == "email"]
    if not reports:
        return None
    when, why = max(reports, key=lambda r: r[0])
    if any(a.channel == channel and a.outcome in _REACHED and a.occurred_at > when for a in facts.attempts):
        return None
    return when, why


def _deny_reasons(q: Question, facts: ContactFacts, policy: Policy) -> list[Reason]:
    """Reasons that do not pass with time; ``facts`` already cut to ``q.at``."""
    out: list[Reason] = []
    blocker = latest_opt_out(facts, q.channel, q.purpose, q.brand)
    consent = basis_consent(facts, q.channel, q.purpose, q.brand, q.at, policy)
    ebr = ebr_in_force(facts.relationships, q.brand, q.at, policy)

    if blocker is not None and consent is None:
        who = "every brand" if blocker.brand == EVERY_BRAND else f"brand {q.brand}"
        what = f"{q.purpose} {_NOUNS.get(q.channel, q.channel)}"
        when = format_instant(blocker.occurred_at)
        out.append(Reason("opted_out", f"opted out of {what} for {who} at {when}"))

    seen: set[str] = set()
    for member in sorted(facts.suppressions, key=lambda m: m.list_name):
        if member.list_name in seen:
            continue
        if member.kind in ("national", "state"):
            # Do-not-call lists bar telemarketing only, and yield to the person's own consent or an EBR.
            if q.purpose != "marketing" or consent is not None or ebr is not None:
                continue
        seen.add(member.list_name)  # internal, litigator, and any unknown kind: deny (fail closed)
        out.append(Reason("on_suppression_list", f"on {member.kind} list {member.list_name}",
                          list=member.list_name))

    basis = policy.basis_for(q.channel, q.purpose)
    missing = ((basis == BASIS_CONSENT and consent is None)
               or (basis == BASIS_CONSENT_OR_EBR and consent is None and ebr is None)
               or basis not in (BASIS_NONE, BASIS_CONSENT, BASIS_CONSENT_OR_EBR))
    if missing:
        out.append(Reason("no_consent", _no_basis_message(facts, q, basis, policy, blocker)))

    dead = _undeliverable(facts, q.channel)
    if dead is not None:
        when, why = dead
        what = {"hard_bounce": "email hard-bounced", "disconnected": "number reported disconnected"}.get(
            why, f"reported undeliverable ({why})")
        out.append(Reason("undeliverable", f"{what} at {format_instant(when)}"))
    return out


def _defer_reasons(q: Question, facts: ContactFacts, policy: Policy, at: datetime,
                   zones: tuple[str, ...], messages: bool = True) -> list[Reason]:
    """Reasons that pass with time, checked at ``at`` (which may be later than the question's moment)."""
    out: list[Reason] = []
    prefs = facts.preferences
    if quiet_hours.applies_to(q.channel, policy):  # no zone known: always quiet (fail closed)
        if not messages:
            if quiet_hours.is_quiet(at, zones, policy, prefs.contact_hours):
                return [Reason("quiet_hours", "")]
        else:
            text = quiet_hours.quiet_message(at, zones, policy, q.channel, prefs.contact_hours)
            if text is not None:
                out.append(Reason("quiet_hours", text))
    if frequency_cap.is_capped(facts.attempts, q.channel, q.purpose, q.brand, at, policy):
        if not messages:
            return [Reason("frequency_cap", "")]
        out.append(Reason("frequency_cap", frequency_cap.cap_message(
            facts.attempts, q.channel, q.purpose, q.brand, at, policy)))
    if prefs.snooze_until is not None and at < prefs.snooze_until:
        out.append(Reason("snoozed", f"snoozed until {format_instant(prefs.snooze_until)}"))
    return out


def _next_allowed(q: Question, facts: ContactFacts, policy: Policy,
                  zones: tuple[str, ...]) -> datetime | None:
    """The first moment within the horizon with no defer reason, found by checking, in order, every
    instant at which a defer reason can lift (window openings, cap expiries, the snooze's end)."""
    horizon = q.at + timedelta(days=policy.horizon_days)
    prefs = facts.preferences
    candidates = {q.at}
    if quiet_hours.applies_to(q.channel, policy) and zones:
        candidates.update(quiet_hours.openings(zones, q.at, horizon, policy, prefs.contact_hours))
    candidates.update(frequency_cap.expiries(facts.attempts, q.channel, q.purpose, q.brand, policy))
    if prefs.snooze_until is not None:
        candidates.add(prefs.snooze_until.astimezone(timezone.utc))
    for moment in sorted(c for c in candidates if q.at <= c <= horizon):
        if not _defer_reasons(q, facts, policy, moment, zones, messages=False):
            return moment.astimezone(timezone.utc)
    return None


@dataclass(frozen=True)
class _Core:
    decision: str
    reasons: tuple[Reason, ...]
    next_allowed_at: datetime | None
    timezones: tuple[str, ...]


def _order(reasons: list[Reason]) -> tuple[Reason, ...]:
    rank = {code: i for i, code in enumerate(DENY_REASONS + DEFER_REASONS)}
    return tuple(sorted(reasons, key=lambda r: rank.get(r.code, len(rank))))  # stable within a code


def _core(q: Question, facts: ContactFacts, policy: Policy, want_next: bool) -> _Core:
    if q.channel not in channels_for_kind(q.kind):
        raise ChannelAddressMismatch(f"channel {q.channel} cannot reach a {q.kind} address", "channel")
    now = as_of(facts, q.at)
    zones = tuple(sorted(quiet_hours.zones_for(q.address, q.kind, facts.preferences)))
    deny = _deny_reasons(q, now, policy)
    defer = _defer_reasons(q, facts, policy, q.at, zones)
    decision = "deny" if deny else "defer" if defer else "allow"
    nxt = _next_allowed(q, facts, policy, zones) if decision == "defer" and want_next else None
    return _Core(decision, _order(deny + defer), nxt, zones)


def _kind_of(address: str) -> str:
    try:
        return normalise(address).kind
    except InvalidAddress:
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
    snooze = facts.preferences.snooze_until
    if snooze is not None and q.at < snooze:
        return None  # the person asked for quiet on every channel, not just this address
    known = _known_addresses(q, facts, linked)

    def allowed_on(channel: str) -> bool:
        for other in known:
            if channel not in channels_for_kind(other.kind):
                continue
            if other.address == q.address and channel == q.channel:
                ok = core.decision == "allow"
            else:
                sub = Question(other.address, other.kind, channel, q.purpose, q.brand, q.at)
                ok = _core(sub, other, policy, want_next=False).decision == "allow"
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
    core = _core(question, facts, policy, want_next=True)
    return Decision(
        question=question,
        decision=core.decision,
        reasons=core.reasons,
        next_allowed_at=core.next_allowed_at,
        preferred_channel=facts.preferences.preferred_channel,
        recommended_channel=_recommend(question, facts, policy, linked, core),
        lead_temperature=lead_temperature(facts, question.at, policy, brand=question.brand),
        timezones=core.timezones,
    )
