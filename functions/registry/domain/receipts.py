"""Receipts (contract rev. 2, "Jurisdiction and time"): what an ``allow`` rests on.

Every ``allow`` carries ``basis``: the consent or EBR it rests on, or ``{"kind": "none_needed"}``
when nothing is needed (the policy asks no basis for the channel and purpose, e.g. informational
calls and marketing email, and no do-not-call list had to be lifted; and the one text confirming an
opt-out). ``lists`` names the national and state lists the number was checked against, with the
version (the date of the newest full copy) in force.

Which fact, when several would do: the one meeting everything the scope asks (a ``written``
consent when the dialing needs one; a ``written`` consent or an EBR when the number is on a
national or state list, for marketing; a consent when the policy or the wireless rule needs one),
the strongest first: a ``written`` consent, then any consent the policy accepts, then the EBR;
among consents, the newest (docs/decisions.md, "Receipts").

Plain functions (mutmut skips decorated ones).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .ebr import ebr_until
from .facts import CheckedList, Consent, ContactFacts, Relationship
from .policy import BASIS_CONSENT, BASIS_NONE, Policy
from .scope_status import ScopeStatus
from .timeutil import format_instant
from .vocabulary import OPT_OUT_CONFIRMATION, Grade, Purpose

CONSENT, EBR, NONE_NEEDED = "consent", "ebr", "none_needed"
# The lists a written consent or an EBR lifts for marketing (47 CFR 64.1200(c)(2)(ii)).
DO_NOT_CALL_KINDS = ("national", "state")


@dataclass(frozen=True)
class Basis:
    """What an allow rests on: a consent, an EBR (a relationship), or nothing needed."""

    kind: str  # consent | ebr | none_needed
    id: str | None = None
    grade: str | None = None  # a consent's; None for an EBR
    occurred_at: datetime | None = None
    brand: str | None = None
    source: str | None = None
    relationship: str | None = None  # an EBR's: inquiry | transaction
    expires_at: datetime | None = None  # a consent's own expiry; when an EBR lapses

    def to_dict(self) -> dict:
        if self.kind == NONE_NEEDED:
            return {"kind": NONE_NEEDED}
        out: dict = {"kind": self.kind, "id": self.id, "grade": self.grade,
                     "occurred_at": format_instant(self.occurred_at), "brand": self.brand, "source": self.source,
                     "expires_at": format_instant(self.expires_at)}
        if self.kind == EBR:
            out["relationship"] = self.relationship
        return out


def on_do_not_call_list(facts: ContactFacts) -> bool:
    """Whether the number is on a national or state list (which only a written consent or an EBR lifts)."""
    return any(m.kind in DO_NOT_CALL_KINDS for m in facts.suppressions)


def qualifies(fact: Consent | Relationship, status: ScopeStatus, listed: bool) -> bool:
    """Whether ``fact`` meets what the scope asks of a basis; ``listed``: a do-not-call list had to be
    lifted. (A scope that needs a written consent is allowed only with one in force, and that one is
    the first candidate: ``chosen`` never gets this far with another.)"""
    if listed and isinstance(fact, Consent) and fact.grade != Grade.WRITTEN:
        return False
    return not (status.basis_rule == BASIS_CONSENT and not isinstance(fact, Consent))


def needs_basis(status: ScopeStatus, listed: bool) -> bool:
    return status.basis_rule != BASIS_NONE or status.written_needed or listed


def chosen(status: ScopeStatus, facts: ContactFacts) -> Consent | Relationship | None:
    """The fact the allow rests on (see the module text); None when no basis is needed or none
    qualifies (never for an allow that needs one)."""
    listed = status.scope.purpose == Purpose.MARKETING and on_do_not_call_list(facts)
    if not needs_basis(status, listed):
        return None
    candidates: list[Consent | Relationship | None] = [status.written, status.consent, status.ebr]
    return next((c for c in candidates if c is not None and qualifies(c, status, listed)), None)


def basis_of(status: ScopeStatus, facts: ContactFacts, policy: Policy) -> Basis | None:
    """The receipt's basis of an allow; None only if a basis was needed and none qualifies."""
    if status.scope.purpose == OPT_OUT_CONFIRMATION:
        return Basis(NONE_NEEDED)
    listed = status.scope.purpose == Purpose.MARKETING and on_do_not_call_list(facts)
    fact = chosen(status, facts)
    if fact is None:
        return None if needs_basis(status, listed) else Basis(NONE_NEEDED)
    if isinstance(fact, Consent):
        return Basis(CONSENT, fact.id, fact.grade, fact.occurred_at, fact.brand, fact.source,
                     expires_at=fact.expires_at)
    return Basis(EBR, fact.id, None, fact.occurred_at, fact.brand, fact.source, relationship=fact.kind,
                 expires_at=ebr_until(fact, policy))


def list_dict(checked: CheckedList) -> dict:
    version: date | None = checked.version
    return {"name": checked.list_name, "kind": checked.kind,
            "version": version.isoformat() if version is not None else None,
            "refreshed_at": format_instant(checked.refreshed_at)}
