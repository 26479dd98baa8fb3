"""How each recorded fact changes a contact's facts. Pure: the service stores the result.

Facts are kept, not folded into a status, because a decision may be asked for any moment
(``at``) and must count only what had happened by then.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from .facts import Attempt, Consent, ContactFacts, OptOut, Relationship, Undeliverable
from .vocabulary import ALL, Channel, Disposition, HistoryType, Outcome, Source, UndeliverableReason

MAX_ATTEMPTS_KEPT = 200


def _by_time(items):
    return tuple(sorted(items, key=lambda f: (f.occurred_at, getattr(f, "id", ""))))


def add_consent(facts: ContactFacts, consent: Consent) -> ContactFacts:
    return replace(facts, consents=_by_time((*facts.consents, consent)))


def add_opt_out(facts: ContactFacts, opt_out: OptOut) -> ContactFacts:
    return replace(facts, opt_outs=_by_time((*facts.opt_outs, opt_out)))


def add_relationship(facts: ContactFacts, relationship: Relationship) -> ContactFacts:
    return replace(facts, relationships=_by_time((*facts.relationships, relationship)))


def add_attempt(facts: ContactFacts, attempt: Attempt, now: datetime, retention_days: int) -> ContactFacts:
    """Keeps only attempts young enough to matter for caps and the profile; the history keeps all.

    A ``do_not_contact`` disposition opts the address out of that channel, all purposes, that brand;
    a ``disconnected`` outcome makes the phone undeliverable, a ``bounced`` email the email.
    """
    # Measured from the newest attempt when that is older than now: a dialer backfilling past
    # attempts must keep them together, or a decision pinned (``at``) to their week loses its cap.
    newest = max(a.occurred_at for a in (*facts.attempts, attempt))
    cutoff = min(now, newest) - timedelta(days=retention_days)
    kept = [a for a in (*facts.attempts, attempt) if a.occurred_at >= cutoff or a is attempt]
    attempts = _by_time(kept)[-MAX_ATTEMPTS_KEPT:]
    result = replace(facts, attempts=attempts)
    if attempt.disposition == Disposition.DO_NOT_CONTACT:
        result = add_opt_out(result, opt_out_from_disposition(attempt))
    if attempt.outcome == Outcome.DISCONNECTED:
        result = add_undeliverable(result, Undeliverable(channels=frozenset({Channel.CALL, Channel.SMS}),
                                                         occurred_at=attempt.occurred_at,
                                                         reason=UndeliverableReason.DISCONNECTED, source=Source.DIALER))
    if attempt.outcome == Outcome.BOUNCED and attempt.channel == Channel.EMAIL:
        result = add_undeliverable(result, Undeliverable(channels=frozenset({Channel.EMAIL}),
                                                         occurred_at=attempt.occurred_at,
                                                         reason=UndeliverableReason.HARD_BOUNCE, source=Source.DIALER))
    return result


def opt_out_from_disposition(attempt: Attempt) -> OptOut:
    return OptOut(id=f"{attempt.id}:dnc", channels=frozenset({attempt.channel}), purposes=frozenset({ALL}),
                  brand=attempt.brand, source=Source.DIALER, occurred_at=attempt.occurred_at,
                  note="do_not_contact disposition", recorded_at=attempt.recorded_at)


def add_undeliverable(facts: ContactFacts, marker: Undeliverable) -> ContactFacts:
    return replace(facts, undeliverable=_by_time((*facts.undeliverable, marker)))


def update_preferences(facts: ContactFacts, patch: dict[str, Any]) -> ContactFacts:
    """PUT semantics per field: a field sent replaces (null clears), a field left out stays."""
    return replace(facts, preferences=replace(facts.preferences, **patch))


# What a fact dated at or before a contact's erasure gets, when it arrives after it.
ACCEPT, REFUSE, KEEP_AS_ERASED = "accept", "refuse", "keep_as_erased"
# The facts erasure keeps (history types): the person's "no" outlives their erasure.
KEPT_BY_ERASURE = frozenset({HistoryType.OPT_OUT_RECORDED})


def after_erasure(fact_type: HistoryType, occurred_at: datetime, erased_at: datetime | None) -> str:
    """How a fact about a contact that was erased at ``erased_at`` is taken.

    Facts dated after the erasure are the person coming back: accepted. Earlier ones would bring
    back what erasure removed (a replayed consent would turn its deny into an allow): refused,
    except an opt-out, which is kept the way erasure keeps opt-outs (no note, no address), since
    refusing a late "stop" could leave the person reachable. At the very instant of the erasure
    counts as before it.
    """
    if erased_at is None or occurred_at > erased_at:
        return ACCEPT
    return KEEP_AS_ERASED if fact_type in KEPT_BY_ERASURE else REFUSE


def strip_notes_until(facts: ContactFacts, erased_at: datetime) -> ContactFacts:
    """Opt-outs dated at or before an erasure keep no free-text note (as erasure leaves them)."""
    return replace(facts, opt_outs=tuple(replace(o, note=None) if o.occurred_at <= erased_at else o
                                         for o in facts.opt_outs))


def erase(facts: ContactFacts) -> ContactFacts:
    """What erasure keeps: the opt-outs (without free-text notes) and the list memberships, so the
    person stays suppressed; everything else, preferences included, goes."""
    opt_outs = tuple(replace(o, note=None) for o in facts.opt_outs)
    return ContactFacts(address="", kind=facts.kind, opt_outs=opt_outs, suppressions=facts.suppressions)
