"""Views of a contact's facts for people: the status of each scope, the EBR it has."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from .facts import ContactFacts
from .policy import Policy
from .timeutil import format_instant
from .decide import NEVER_LIFTS_OPT_OUT, consent_covers, ebr_until, opt_out_covers
from .vocabulary import ALL, PURPOSES, channels_for_kind


def scope_statuses(facts: ContactFacts, at: datetime, policy: Policy) -> list[dict[str, Any]]:
    """For every channel/purpose/brand a consent or opt-out names: consented, opted out, or expired.

    Every recorded fact counts, even one whose ``occurred_at`` is later than ``at`` (a sender's clock
    ahead of ours): the profile is the record of what the person said; ``at`` judges expiry only.
    """
    scopes: set[tuple[str, str, str]] = set()
    channels, purposes = channels_for_kind(facts.kind), PURPOSES
    for c in facts.consents:
        scopes |= {(ch, p, c.brand) for ch in c.channels for p in c.purposes}
    for o in facts.opt_outs:
        chs = channels if ALL in o.channels else tuple(ch for ch in o.channels if ch in channels)
        ps = purposes if ALL in o.purposes else tuple(o.purposes)
        scopes |= {(ch, p, o.brand) for ch in chs for p in ps}
    out = []
    for channel, purpose, brand in sorted(scopes):
        covering_consents = [c for c in facts.consents if consent_covers(c, channel, purpose, brand)]
        covering_opt_outs = [o for o in facts.opt_outs if opt_out_covers(o, channel, purpose, brand)]
        latest_consent = max(covering_consents, key=lambda c: c.occurred_at, default=None)
        latest_opt_out = max(covering_opt_outs, key=lambda o: o.occurred_at, default=None)
        # as in decisions: a bought list's "consent" never undoes the person's own opt-out
        lifting = max((c for c in covering_consents if c.source not in NEVER_LIFTS_OPT_OUT),
                      key=lambda c: c.occurred_at, default=None)
        if brand == "*":
            status, fact = "opted_out", latest_opt_out
        elif latest_opt_out and (not lifting or latest_opt_out.occurred_at >= lifting.occurred_at):
            status, fact = "opted_out", latest_opt_out
        elif latest_consent and latest_consent.expires_at and latest_consent.expires_at <= at:
            status, fact = "expired", latest_consent
        else:
            status, fact = "consented", latest_consent
        entry = {"channel": channel, "purpose": purpose, "brand": brand, "status": status,
                 "source": fact.source if fact else None,
                 "occurred_at": format_instant(fact.occurred_at) if fact else None,
                 "id": fact.id if fact else None}
        if status in ("consented", "expired") and fact is not None:
            entry["evidence"] = fact.evidence
            entry["expires_at"] = format_instant(fact.expires_at)
        out.append(entry)
    return out


def relationships_view(facts: ContactFacts, at: datetime, policy: Policy) -> list[dict[str, Any]]:
    out = []
    for r in facts.relationships:
        ends = ebr_until(r, policy)
        out.append({"kind": r.kind, "brand": r.brand, "occurred_at": format_instant(r.occurred_at),
                    "source": r.source, "expires_at": format_instant(ends),
                    "active": ends is not None and r.occurred_at <= at < ends})
    return out

