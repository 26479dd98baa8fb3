"""Lead temperature: how fresh the contact's own interest is (hot / warm / cold).

Only first-party facts count: a bought or imported list says nothing about the person's interest.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from .facts import Consent, ContactFacts, OptOut
from .policy import Policy
from .reassignment import reassigned_at, void_at
from .scope_status import Scope, opt_out_covers
from .vocabulary import NOT_LEAD_SOURCES

HOT, WARM, COLD = "hot", "warm", "cold"


def is_first_party(source: str | None) -> bool:
    """A missing source (relationships may omit it) is the seller's own record, so first-party."""
    return source not in NOT_LEAD_SOURCES


def consent_in_force(consent: Consent, opt_outs: tuple[OptOut, ...], at: datetime) -> bool:
    """Not expired, and some scope of it not withdrawn by an opt-out at or after it (and by ``at``)."""
    if consent.occurred_at > at or (consent.expires_at is not None and at >= consent.expires_at):
        return False
    later = [o for o in opt_outs if consent.occurred_at <= o.occurred_at and o.in_force(at)]
    return any(not any(opt_out_covers(o, Scope(ch, p, consent.brand)) for o in later)
               for ch in consent.channels for p in consent.purposes)


def lead_temperature(facts: ContactFacts, at: datetime, policy: Policy, brand: str | None = None) -> str:
    """hot: first-party consent or inquiry at most hot_days old; warm: at most warm_days old, or a
    first-party consent still in force; else cold. ``brand`` None looks across every brand."""
    reassigned = reassigned_at(facts, at)  # rev. 2: the earlier owner's interest is not this person's

    def mine(fact_brand: str, occurred_at: datetime) -> bool:
        return (brand is None or fact_brand == brand) and occurred_at <= at and not void_at(occurred_at, reassigned)

    consents = [c for c in facts.consents if mine(c.brand, c.occurred_at) and is_first_party(c.source)]
    inquiries = [r for r in facts.relationships
                 if mine(r.brand, r.occurred_at) and r.kind == "inquiry" and is_first_party(r.source)]
    ages = [at - c.occurred_at for c in consents] + [at - r.occurred_at for r in inquiries]
    if any(age <= timedelta(days=policy.hot_days) for age in ages):
        return HOT
    if any(age <= timedelta(days=policy.warm_days) for age in ages):
        return WARM
    if any(consent_in_force(c, facts.opt_outs, at) for c in consents):
        return WARM
    return COLD
