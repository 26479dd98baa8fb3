"""Views of a contact's status for people: the profile's per-scope statuses and EBR, and what the
preference page shows for each channel. Both read ``scope_status``; neither decides anything."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from .ebr import ebr_until
from .facts import Consent, ContactFacts
from .policy import Policy
from .policy_versions import REPLY_SOURCES, reply_revokes_all
from .reassignment import reassigned_at, void_at
from .scope_status import Scope, ScopeStatus, scope_status
from .timeutil import format_instant
from .vocabulary import ALL, PURPOSES, Channel, DenyReason, channels_for_kind

# --- the profile -------------------------------------------------------------------------------

def named_scopes(facts: ContactFacts) -> list[Scope]:
    """Every channel/purpose/brand a recorded consent or opt-out names, sorted; an opt-out of
    every brand is its own scope (brand ``*``)."""
    scopes: set[Scope] = set()
    channels, purposes = channels_for_kind(facts.kind), PURPOSES
    for c in facts.consents:
        scopes |= {Scope(ch, p, c.brand) for ch in c.channels for p in c.purposes}
    for o in facts.opt_outs:
        chs = channels if ALL in o.channels else tuple(ch for ch in o.channels if ch in channels)
        ps = purposes if ALL in o.purposes else tuple(o.purposes)
        scopes |= {Scope(ch, p, o.brand) for ch in chs for p in ps}
        if Channel.SMS in channels and o.source in REPLY_SOURCES and reply_revokes_all(o.occurred_at):
            # rev. 2: a reply under the revoke-all rule reaches every text of its brand (and robocalls,
            # which the profile's call scopes, manual calls, do not show)
            scopes |= {Scope(Channel.SMS, p, o.brand) for p in purposes}
    return sorted(scopes)


def profile_entry(status: ScopeStatus) -> dict[str, Any]:
    """One scope of the profile: its standing and the fact that decides it."""
    scope, fact = status.scope, status.shown
    entry: dict[str, Any] = {
        "channel": scope.channel, "purpose": scope.purpose, "brand": scope.brand, "status": str(status.standing),
        "source": fact.source if fact else None,
        "occurred_at": format_instant(fact.occurred_at) if fact else None,
        "id": fact.id if fact else None}
    if isinstance(fact, Consent):
        entry["evidence"] = fact.evidence
        entry["expires_at"] = format_instant(fact.expires_at)
        entry["grade"] = fact.grade
    if status.reassigned_at is not None:
        entry["reassigned_at"] = format_instant(status.reassigned_at)
    return entry


def scope_statuses(facts: ContactFacts, at: datetime, policy_for: Callable[[str], Policy]) -> list[dict[str, Any]]:
    """For every scope a consent or opt-out names, its status at ``at``: the lookup's answer for
    that scope (``policy_for`` gives each brand's policy, as lookups use). A fact dated after
    ``at`` names its scope but counts from its ``occurred_at`` on, as in lookups."""
    return [profile_entry(scope_status(facts, scope, at, policy_for(scope.brand))) for scope in named_scopes(facts)]


def relationships_view(facts: ContactFacts, at: datetime, policy: Policy) -> list[dict[str, Any]]:
    """Each relationship and whether it is an EBR at ``at``: not once it ended, nor (rev. 2) once a
    reassignment of the number voided it (``void``)."""
    reassigned = reassigned_at(facts, at)
    out = []
    for r in facts.relationships:
        ends = ebr_until(r, policy)
        void = void_at(r.occurred_at, reassigned)
        out.append({"kind": r.kind, "brand": r.brand, "occurred_at": format_instant(r.occurred_at),
                    "source": r.source, "expires_at": format_instant(ends),
                    "active": ends is not None and r.occurred_at <= at < ends and not void, "void": void})
    return out


# --- the preference page -----------------------------------------------------------------------

class PageStatus(StrEnum):
    """What the person sees for a channel and purpose on their page."""

    SUBSCRIBED = "subscribed"  # receiving: allowed, or only deferred (quiet hours, caps, a pause)
    NOT_SUBSCRIBED = "not_subscribed"  # no_consent: the policy needs a basis and there is none
    OPTED_OUT = "opted_out"
    BLOCKED = "blocked"  # on a suppression list that applies (the page does not name it)
    UNDELIVERABLE = "undeliverable"
    # rev. 2: the person agreed, but not in writing, and these (marketing texts) need it in writing:
    # a Yes on the page is that (it records a written consent)
    NEEDS_WRITTEN = "needs_written_agreement"


# Every deny reason's page status, most telling first (the page shows one). Total over
# vocabulary.DENY_REASONS (a test checks it): a reason missing here is an error on the page,
# never "subscribed".
PAGE_STATUS_BY_REASON: Mapping[DenyReason, PageStatus] = {
    DenyReason.OPTED_OUT: PageStatus.OPTED_OUT,
    DenyReason.ON_SUPPRESSION_LIST: PageStatus.BLOCKED,
    DenyReason.UNDELIVERABLE: PageStatus.UNDELIVERABLE,
    DenyReason.NO_CONSENT: PageStatus.NOT_SUBSCRIBED,
    DenyReason.WRITTEN_CONSENT_REQUIRED: PageStatus.NEEDS_WRITTEN,  # agreeing on the page is written
    DenyReason.CONSENT_VOID: PageStatus.NOT_SUBSCRIBED,  # the agreement was the number's earlier owner's
    # rev. 2: the registry's copy of the national list is too old: held back, whatever the person said
    DenyReason.LIST_STALE: PageStatus.BLOCKED,
}
_PRECEDENCE = tuple(PAGE_STATUS_BY_REASON.values())


class NoPageStatus(LookupError):
    """A deny reason the page has no status for: a bug to fix here, not a person to show as receiving."""


def page_status(status: ScopeStatus) -> PageStatus:
    shown = []
    for code in status.deny_codes:
        if code not in PAGE_STATUS_BY_REASON:
            raise NoPageStatus(f"the preference page has no status for deny reason {code!r}")
        shown.append(PAGE_STATUS_BY_REASON[code])
    return min(shown, key=_PRECEDENCE.index) if shown else PageStatus.SUBSCRIBED


@dataclass(frozen=True)
class PageScope:
    channel: str
    purpose: str
    status: PageStatus
    consented: bool  # a consent of the person's meets what the scope needs: opting in again changes nothing


def page_scope(facts: ContactFacts, channel: str, purpose: str, brand: str, at: datetime,
               policy: Policy) -> PageScope:
    status = scope_status(facts, Scope(channel, purpose, brand), at, policy)
    return PageScope(channel, purpose, page_status(status), status.consented)
