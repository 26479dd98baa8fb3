"""A scope's status: the one answer to "what is this contact's standing on this channel, for this
purpose and brand, at this moment?", as far as their word, the lists and delivery go.

``scope_status`` works it out, once; the lookup's deny reasons (``decide``), the profile's
per-scope ``status`` and the preference page's status (``profile``) are all read off its
result, so the three cannot disagree (tests/property/test_scope_status_properties.py).
Time windows (quiet hours, caps, a pause) are not part of it: they defer, never deny, and live
in ``decide``.

The rules (contract rev. 1 and rev. 2, and docs/decisions.md where it is silent):
- An opt-out covers the channels, purposes and brand it names (``all``, ``*`` included); a
  consent covers exactly the ones it names.
- Only facts that occurred by the moment count; expiries are judged at the moment.
- An opt-out and a consent for the same scope resolve to whichever ``occurred_at`` is later; on
  a tie the opt-out wins. Only a consent the policy accepts at that moment (not expired, from a
  source accepted on the channel, not void) lifts an opt-out, and (rev. 2) only one from a
  first-party source (the person's own act: ``vocabulary.FIRST_PARTY_SOURCES``); a consent from a
  CRM, an import, a bought list ... never does, however new.
- rev. 2: a reassignment of the number voids every consent and EBR at or before it, for good.
- rev. 2: what the scope needs depends on how it is contacted (``dialing``): a text, or an
  autodialed, prerecorded or artificial-voice call, to a number that may be wireless needs a
  consent of any grade (an EBR is not one); marketing that way needs a ``written`` consent.
- A ``national`` or ``state`` list bars marketing only, and yields to a ``written`` consent (rev. 2;
  an express one no longer lifts it; a list that bars gives ``written_consent_required`` too) or
  an EBR; every other list
  (``internal``, ``litigator``, a kind unknown here) bars every purpose.
- An undeliverable report stands until a later attempt on the channel got through.
- rev. 2: ``consent_void`` when the scope lacks the basis it needs (``no_consent``,
  ``written_consent_required``) and a consent or EBR for it is older than a reassignment.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from . import state_rules
from .ebr import ebr_in_force
from .facts import Consent, ContactFacts, OptOut, Relationship, SuppressionMembership, as_of
from .list_age import ListCopy, stale_copies
from .policy import BASIS_CONSENT, BASIS_CONSENT_OR_EBR, BASIS_NONE, Policy, RuleId
from .policy_versions import revokes_all
from .reassignment import reassigned_at, void_at
from .timeutil import format_instant
from .undeliverable import reached, reports
from .vocabulary import ALL, EVERY_BRAND, FIRST_PARTY_SOURCES, DenyReason, Grade, LineType, dialing_of
from .vocabulary import CHANNEL_NOUNS as _NOUNS

# rev. 2: only the person's own act lifts their opt-out (a consent from a CRM, an import, a list never does).
LIFTS_OPT_OUT = FIRST_PARTY_SOURCES
# Attempt outcomes that prove the channel reaches the person again after it was reported dead.


class Standing(StrEnum):
    """Where the person's own word stands for a scope: the profile's ``status``."""

    CONSENTED = "consented"  # a consent the policy accepts, newer than any opt-out, is in force
    OPTED_OUT = "opted_out"  # an opt-out stands: no accepted consent is newer
    EXPIRED = "expired"  # no opt-out; the newest consent has expired (and no other is in force)
    NOT_ACCEPTED = "not_accepted"  # no opt-out; the newest consent's source is not accepted on the channel
    VOID = "void"  # rev. 2: no opt-out; the newest consent is older than a reassignment of the number
    NONE = "none"  # nothing said for the scope by the moment


@dataclass(frozen=True, order=True)
class Scope:
    channel: str
    purpose: str
    brand: str  # "*" only when listing opt-outs for every brand; a question names one brand


@dataclass(frozen=True)
class Undelivered:
    at: datetime
    reason: str  # hard_bounce | disconnected | what the report said


@dataclass(frozen=True)
class ScopeStatus:
    """A scope's status at a moment, with the facts that decide it."""

    scope: Scope
    at: datetime
    standing: Standing
    basis_rule: str  # what the scope needs (policy.BASES): the policy's, raised by the wireless rule
    opt_out: OptOut | None = None  # the newest covering opt-out by ``at``, standing or lifted
    consent: Consent | None = None  # the accepted consent in force: the consent basis (None: none)
    consents: tuple[Consent, ...] = ()  # every covering consent by ``at``, newest first
    ebr: Relationship | None = None  # the brand's EBR in force at ``at``
    lists: tuple[SuppressionMembership, ...] = ()  # the suppression lists that bar the scope
    undelivered: Undelivered | None = None
    problem: str | None = None  # why no consent is the basis: the newest covering consent's problem
    # rev. 2
    dialing: str | None = None  # how the contact is placed (vocabulary.dialing_of)
    # the rule the basis comes from: WIRELESS_CONSENT, or BASIS (the policy's, also when it needs none)
    basis_law: RuleId | None = None
    written: Consent | None = None  # the accepted ``written`` consent in force
    written_needed: bool = False  # the scope needs a written consent (47 CFR 64.1200(a)(2))
    list_needs_written: bool = False  # a national/state list bars marketing: only a written consent (or EBR) lifts it
    reassigned_at: datetime | None = None  # the latest reassignment of the number by ``at``
    voided: bool = False  # the reassignment is what denies: without it fewer reasons would
    stale_lists: tuple[ListCopy, ...] = ()  # national lists whose copy is too old for the scope at ``at``
    revoked_all: bool = False  # the opt-out reaches the scope only by the revoke-all rule (FCC DA 26-12)
    state_pack: str = state_rules.PACK_PATH.name  # the state rules pack it was read with (the policy version's)

    # The properties read rules kept in plain functions below: mutmut (make mutation) does not
    # mutate a decorated function, and these are the rules the deny reasons come from.
    @property
    def opted_out(self) -> bool:
        return self.standing is Standing.OPTED_OUT

    @property
    def has_basis(self) -> bool:
        """Whether the policy's basis for the channel and purpose is met (an unknown rule never is)."""
        return _has_basis(self)

    @property
    def shown(self) -> Consent | OptOut | None:
        """The fact that decides the standing: the opt-out that stands, the consent in force, or the
        newest consent, which is not one."""
        return _shown(self)

    @property
    def needs_written(self) -> bool:
        """Whether only a ``written`` consent meets what the scope needs (its dialing, or a list)."""
        return self.written_needed or self.list_needs_written

    @property
    def consented(self) -> bool:
        """Whether a consent of the person's meets everything the scope asks of one: opting in again
        (on the preference page, which records a written consent) would change nothing."""
        return (self.written if self.needs_written else self.consent) is not None

    @property
    def deny_codes(self) -> tuple[DenyReason, ...]:
        """The deny reasons of the scope, in the contract's order (``vocabulary.DENY_REASONS``)."""
        return _deny_codes(self)


def _has_basis(status: ScopeStatus) -> bool:
    if status.basis_rule == BASIS_NONE:
        return True
    if status.basis_rule == BASIS_CONSENT:
        return status.consent is not None
    if status.basis_rule == BASIS_CONSENT_OR_EBR:
        return status.consent is not None or status.ebr is not None
    return False


def _shown(status: ScopeStatus) -> Consent | OptOut | None:
    if status.standing is Standing.OPTED_OUT:
        return status.opt_out
    if status.standing is Standing.CONSENTED:
        return status.consent
    if status.standing in (Standing.EXPIRED, Standing.NOT_ACCEPTED, Standing.VOID):
        return status.consents[0]
    return None


def _deny_codes(status: ScopeStatus) -> tuple[DenyReason, ...]:
    codes = []
    if status.opted_out:
        codes.append(DenyReason.OPTED_OUT)
    if status.lists:
        codes.append(DenyReason.ON_SUPPRESSION_LIST)
    if not status.has_basis:
        codes.append(DenyReason.NO_CONSENT)
    if status.undelivered is not None:
        codes.append(DenyReason.UNDELIVERABLE)
    if (status.written_needed and status.written is None) or status.list_needs_written:
        codes.append(DenyReason.WRITTEN_CONSENT_REQUIRED)
    if status.voided:
        codes.append(DenyReason.CONSENT_VOID)
    if status.stale_lists:
        codes.append(DenyReason.LIST_STALE)
    return tuple(codes)


# --- coverage and acceptance -------------------------------------------------------------------

def consent_covers(consent: Consent, scope: Scope) -> bool:
    """Strict: a consent speaks only for the channels, purposes and brand it names."""
    return scope.channel in consent.channels and scope.purpose in consent.purposes and consent.brand == scope.brand


def opt_out_covers(opt_out: OptOut, scope: Scope) -> bool:
    return ((scope.channel in opt_out.channels or ALL in opt_out.channels)
            and (scope.purpose in opt_out.purposes or ALL in opt_out.purposes)
            and (opt_out.brand == scope.brand or opt_out.brand == EVERY_BRAND))


def opt_out_reaches(opt_out: OptOut, scope: Scope, dialing: str | None) -> bool:
    """The opt-out covers the scope, or (rev. 2) it is a reply made under the revoke-all rule and the
    scope is a robocall or a text of its brand (``policy_versions.revokes_all``)."""
    return opt_out_covers(opt_out, scope) or revokes_all(opt_out, scope.channel, scope.brand, dialing)


def _refusal(consent: Consent, channel: str, at: datetime, policy: Policy,
             reassigned: datetime | None = None) -> tuple[Standing, str] | None:
    """Why the policy does not accept this consent as a basis at ``at``; None when it does."""
    if void_at(consent.occurred_at, reassigned):
        assert reassigned is not None
        return Standing.VOID, f"consent void: the number was reassigned at {format_instant(reassigned)}"
    if consent.expires_at is not None and at >= consent.expires_at:
        return Standing.EXPIRED, f"consent expired at {format_instant(consent.expires_at)}"
    if consent.source in policy.rejected_consent_sources.get(channel, ()):
        return (Standing.NOT_ACCEPTED,
                f"consent from {consent.source} is not accepted for {_NOUNS.get(channel, channel)}")
    return None


# --- the status --------------------------------------------------------------------------------

def scope_status(facts: ContactFacts, scope: Scope, at: datetime, policy: Policy,
                 dialing: str | None = None) -> ScopeStatus:
    """The scope's status at ``at``: only facts that occurred by then count (preferences and list
    memberships stand as they are). ``dialing``: how a call is placed (None: ``manual``; every sms
    is ``autodialed``): what the scope needs depends on it."""
    facts = as_of(facts, at)
    dialing = dialing_of(scope.channel, dialing)
    reassigned = reassigned_at(facts, at)
    covering = sorted((c for c in facts.consents if consent_covers(c, scope)),
                      key=lambda c: c.occurred_at, reverse=True)  # stable: ties keep their order
    blocker = max((o for o in facts.opt_outs if opt_out_reaches(o, scope, dialing)),
                  key=lambda o: o.occurred_at, default=None)
    refusals = [_refusal(c, scope.channel, at, policy, reassigned) for c in covering]

    def lifts(consent: Consent) -> bool:
        return blocker is None or (consent.occurred_at > blocker.occurred_at and consent.source in LIFTS_OPT_OUT)

    accepted = [c for c, refused in zip(covering, refusals, strict=True) if refused is None and lifts(c)]
    consent = next(iter(accepted), None)
    written = next((c for c in accepted if c.grade == Grade.WRITTEN), None)
    if consent is not None:
        standing = Standing.CONSENTED
    elif blocker is not None:
        standing = Standing.OPTED_OUT
    elif (newest := refusals[0] if refusals else None) is not None:
        standing = newest[0]  # no opt-out and no accepted consent: every consent is refused
    else:
        standing = Standing.NONE

    problem = None
    if consent is None:
        for c, refused in zip(covering, refusals, strict=True):
            if refused is not None:
                problem = refused[1]
            elif blocker is not None:
                problem = (f"consent from {c.source} cannot lift an opt-out: only the person's own act can"
                           if c.source not in LIFTS_OPT_OUT else "consent is not newer than the opt-out")
            if problem:
                break

    relationships = tuple(r for r in facts.relationships if not void_at(r.occurred_at, reassigned))
    ebr = ebr_in_force(relationships, scope.brand, at, policy)
    basis_rule, basis_law = policy.basis_for(scope.channel, scope.purpose), RuleId.BASIS
    if (policy.needs_wireless_consent(scope.channel, scope.purpose, dialing)
            and facts.preferences.line_type != LineType.LANDLINE):
        basis_rule, basis_law = BASIS_CONSENT, RuleId.WIRELESS_CONSENT  # a consent of any grade; an EBR is none
    lists = _lists(facts, scope, written is not None, ebr is not None, state_rules.pack_named(policy.state_pack))
    status = ScopeStatus(
        scope=scope, at=at, standing=standing, basis_rule=basis_rule,
        opt_out=blocker, consent=consent, consents=tuple(covering), ebr=ebr, lists=lists,
        undelivered=_undelivered(facts, scope.channel), problem=problem,
        dialing=dialing, basis_law=basis_law, written=written,
        written_needed=policy.needs_written_consent(scope.channel, scope.purpose, dialing),
        list_needs_written=any(m.kind in _LIFTED_LISTS for m in lists),  # (they bar only without written/EBR)
        reassigned_at=reassigned, stale_lists=stale_copies(facts.list_copies, scope.channel, scope.purpose, at),
        revoked_all=blocker is not None and not opt_out_covers(blocker, scope), state_pack=policy.state_pack)
    # consent_void: the scope lacks the basis it needs, and a consent or EBR for it is older than a
    # reassignment (it would count, but was the number's earlier owner's).
    missing = {DenyReason.NO_CONSENT, DenyReason.WRITTEN_CONSENT_REQUIRED} & set(status.deny_codes)
    if missing and (any(void_at(c.occurred_at, reassigned) for c in covering)
                    or any(void_at(r.occurred_at, reassigned) for r in facts.relationships if r.brand == scope.brand)):
        status = replace(status, voided=True)
    return status


# The lists a written consent or an EBR lifts for marketing (47 CFR 64.1200(c)(2)(ii)).
_LIFTED_LISTS = ("national", "state")


def _lists(facts: ContactFacts, scope: Scope, has_written: bool, has_ebr: bool,
           pack: state_rules.Pack) -> tuple[SuppressionMembership, ...]:
    out: list[SuppressionMembership] = []
    seen: set[str] = set()
    for member in sorted(facts.suppressions, key=lambda m: m.list_name):
        if member.list_name in seen:
            continue
        if member.kind in _LIFTED_LISTS:
            # Do-not-call lists bar telemarketing only, and yield to the person's written consent or an EBR
            # (rev. 2: a state list whose state's statute takes no EBR yields to a written consent only).
            ebr_lifts = has_ebr and (member.kind != "state" or state_rules.ebr_lifts_list(member.state, pack))
            if scope.purpose != "marketing" or has_written or ebr_lifts:
                continue
        seen.add(member.list_name)  # internal, litigator, and any unknown kind: deny (fail closed)
        out.append(member)
    return tuple(out)


def _undelivered(facts: ContactFacts, channel: str) -> Undelivered | None:
    """The latest report that the channel is dead, unless a later answered/delivered attempt disproves it
    (domain.undeliverable)."""
    found = reports(facts.undeliverable, facts.attempts, channel)
    if not found:
        return None
    when, why = max(found, key=lambda r: r[0])
    if any(reached(a, channel) and a.occurred_at > when for a in facts.attempts):
        return None
    return Undelivered(when, why)
