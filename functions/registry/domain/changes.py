"""How each recorded fact changes a contact's facts. Pure: the service stores the result.

Facts are kept, not folded into a status, because a decision may be asked for any moment
(``at``) and must count only what had happened by then.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from . import undeliverable
from .facts import (
    Attempt,
    Consent,
    ContactFacts,
    OptOut,
    ReassignedCheck,
    Reassignment,
    Relationship,
    Undeliverable,
)
from .reassignment import reassignment_from_attempt, reassignment_from_check
from .vocabulary import ALL, PHONE_CHANNELS, Channel, Disposition, HistoryType, Outcome, Source, UndeliverableReason

MAX_ATTEMPTS_KEPT = 200
MAX_CHECKS_KEPT = 100  # the newest reassigned-numbers checks in the state; the history keeps every one


def by_time(items):
    """Facts as the state keeps them: by ``occurred_at``, then id."""
    return tuple(sorted(items, key=lambda f: (f.occurred_at, getattr(f, "id", ""))))



def add_consent(facts: ContactFacts, consent: Consent) -> ContactFacts:
    return replace(facts, consents=by_time((*facts.consents, consent)))


def add_opt_out(facts: ContactFacts, opt_out: OptOut) -> ContactFacts:
    return replace(facts, opt_outs=by_time((*facts.opt_outs, opt_out)))


def last_keyword_opt_out(facts: ContactFacts, brand: str, at: datetime) -> OptOut | None:
    """What a START (or UNSTOP) from this number for ``brand`` undoes: its newest opt-out by an SMS
    keyword for exactly that brand (``*`` only for ``*``) that occurred by ``at`` and is not undone."""
    mine = [o for o in facts.opt_outs if o.source == Source.SMS_KEYWORD and o.brand == brand
            and o.occurred_at <= at and o.undone_at is None]
    return max(mine, key=lambda o: (o.occurred_at, o.id), default=None)


def undo_keyword_opt_out(facts: ContactFacts, brand: str, at: datetime, by: str,
                         recorded_at: datetime | None = None) -> ContactFacts:
    """START: the sender's last keyword opt-out for the brand no longer counts from ``at`` on, so the
    consents it stood against count again. It grants nothing of its own. ``recorded_at``: when the
    registry recorded the START (a replay knowing less finds the opt-out in force)."""
    target = last_keyword_opt_out(facts, brand, at)
    if target is None:
        return facts
    return replace(facts, opt_outs=tuple(replace(o, undone_at=at, undone_by=by, undone_recorded_at=recorded_at)
                                         if o is target else o for o in facts.opt_outs))


def add_relationship(facts: ContactFacts, relationship: Relationship) -> ContactFacts:
    return replace(facts, relationships=by_time((*facts.relationships, relationship)))


def add_attempt(facts: ContactFacts, attempt: Attempt, now: datetime, retention_days: int) -> ContactFacts:
    """Keeps only attempts young enough to matter for caps and the profile (and, however old, the
    ones that disproved an undeliverable report: ``undeliverable.lifting``); the history keeps all.

    A ``do_not_contact`` disposition opts the address out of that channel, all purposes, that brand
    (on a phone: calls and texts, rev. 2); a ``disconnected`` outcome makes the phone undeliverable,
    a ``bounced`` email the email; ``disconnected`` and ``wrong_party`` reassign the number (rev. 2).
    """
    # Measured from the newest attempt when that is older than now: a dialer backfilling past
    # attempts must keep them together, or a decision pinned (``at``) to their week loses its cap.
    every = (*facts.attempts, attempt)
    newest = max(a.occurred_at for a in every)
    cutoff = min(now, newest) - timedelta(days=retention_days)
    kept = by_time(a for a in every if a.occurred_at >= cutoff or a is attempt)[-MAX_ATTEMPTS_KEPT:]
    marker = undeliverable_from_attempt(attempt)
    # The attempt that disproved an undeliverable report stays however old: pruning it would bring
    # the report back (domain.undeliverable; the attempt's own report is among ``every``)
    lifts = undeliverable.lifting(facts.undeliverable, every)
    result = replace(facts, attempts=by_time((*kept, *(a for a in every if a.id in lifts and a not in kept))))
    if attempt.disposition == Disposition.DO_NOT_CONTACT:
        result = add_opt_out(result, opt_out_from_disposition(attempt))
    if marker is not None:
        result = add_undeliverable(result, marker)
    reassignment = reassignment_from_attempt(attempt)
    if reassignment is not None:
        result = add_reassignment(result, reassignment)
    return result


def undeliverable_from_attempt(attempt: Attempt) -> Undeliverable | None:
    """A ``disconnected`` outcome makes the phone undeliverable (calls and texts), a ``bounced`` email the email."""
    if attempt.outcome == Outcome.DISCONNECTED:
        return Undeliverable(channels=frozenset({Channel.CALL, Channel.SMS}), occurred_at=attempt.occurred_at,
                             reason=UndeliverableReason.DISCONNECTED, source=Source.DIALER,
                             recorded_at=attempt.recorded_at)
    if attempt.outcome == Outcome.BOUNCED and attempt.channel == Channel.EMAIL:
        return Undeliverable(channels=frozenset({Channel.EMAIL}), occurred_at=attempt.occurred_at,
                             reason=UndeliverableReason.HARD_BOUNCE, source=Source.DIALER,
                             recorded_at=attempt.recorded_at)
    return None


def opt_out_from_disposition(attempt: Attempt) -> OptOut:
    """rev. 2: on a phone, calls and texts alike (a text is a call under the TCPA), every purpose,
    the attempt's brand; on an email, email."""
    channels = PHONE_CHANNELS if attempt.channel in PHONE_CHANNELS else (attempt.channel,)
    return OptOut(id=f"{attempt.id}:dnc", channels=frozenset(channels), purposes=frozenset({ALL}),
                  brand=attempt.brand, source=Source.DIALER, occurred_at=attempt.occurred_at,
                  note="do_not_contact disposition", recorded_at=attempt.recorded_at)


# --- reassignment (rev. 2) ----------------------------------------------------------------------

def add_reassignment(facts: ContactFacts, reassignment: Reassignment) -> ContactFacts:
    """Kept for good: a reassignment is never pruned, so a consent it voids never counts again."""
    if any(r.id == reassignment.id for r in facts.reassignments):
        return facts
    return replace(facts, reassignments=by_time((*facts.reassignments, reassignment)))


def add_reassigned_check(facts: ContactFacts, check: ReassignedCheck) -> ContactFacts:
    """Every answer is kept (the newest ``MAX_CHECKS_KEPT`` here, all in the history); ``yes``
    reassigns the number at the moment it was checked."""
    checks = by_time((*facts.reassigned_checks, check))[-MAX_CHECKS_KEPT:]
    result = replace(facts, reassigned_checks=checks)
    reassignment = reassignment_from_check(check)
    return add_reassignment(result, reassignment) if reassignment is not None else result


def add_undeliverable(facts: ContactFacts, marker: Undeliverable) -> ContactFacts:
    return replace(facts, undeliverable=by_time((*facts.undeliverable, marker)))


def preference_patch(patch: dict[str, Any], source: str | None) -> dict[str, Any]:
    """The patch as recorded: a ``timezone`` sent keeps who set it (``timezone_source``), since only
    the person's own (``preference_center``) replaces the number's zones (domain.location)."""
    out = {k: v for k, v in patch.items() if k != "timezone_source"}  # not an input: it follows ``timezone``
    if "timezone" in out:
        out["timezone_source"] = source if out["timezone"] is not None else None
    return out


def update_preferences(facts: ContactFacts, patch: dict[str, Any], now: datetime) -> ContactFacts:
    """PUT semantics per field: a field sent replaces (null clears), a field left out stays. ``now``:
    when it is recorded (the moment it takes effect), kept as ``preferences_changed_at`` so the
    violations report knows whose preferences stood otherwise at an attempt's moment."""
    return replace(facts, preferences=replace(facts.preferences, **patch), preferences_changed_at=now)


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
