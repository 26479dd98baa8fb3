"""Reassigned numbers (rev. 2): when a number changed hands, and what that voids.

Consent is the current subscriber's (47 CFR 64.1200(m); FCC 15-72): from a reassignment on,
every consent and EBR of the number dated at or before it is void, for every brand and for good
(an answered call later does not bring them back). A reassignment is recorded by an attempt with
outcome ``disconnected`` (on a phone channel) or ``wrong_party``, by an SMS reply saying "wrong
number", or by a reassigned-numbers check answering ``yes`` (at the moment it was checked).

Each is kept as a ``Reassignment`` fact (``changes.add_reassignment``), which outlives the
attempts the contact keeps; ``reassigned_at`` also reads the attempts themselves, so an attempt
recorded before reassignments were kept counts too.
"""
from __future__ import annotations

from datetime import datetime

from .facts import Attempt, ContactFacts, OptOut, ReassignedCheck, Reassignment
from .vocabulary import PHONE_CHANNELS, Outcome, ReassignedCheckResult, ReassignmentCause, Source


# Attempt outcomes that say the number now belongs to someone else: disconnected (on a phone
# channel: an email is not "disconnected") and wrong_party (on any channel).
def reassignment_from_attempt(attempt: Attempt) -> Reassignment | None:
    if attempt.outcome == Outcome.WRONG_PARTY:
        cause = ReassignmentCause.WRONG_PARTY
    elif attempt.outcome == Outcome.DISCONNECTED and attempt.channel in PHONE_CHANNELS:
        cause = ReassignmentCause.DISCONNECTED
    else:
        return None
    return Reassignment(id=f"{attempt.id}:reassigned", occurred_at=attempt.occurred_at, cause=cause,
                        cause_id=attempt.id, source=Source.DIALER, recorded_at=attempt.recorded_at)


def reassignment_from_check(check: ReassignedCheck) -> Reassignment | None:
    """A check answering ``yes`` is a reassignment at the moment it was checked (``occurred_at``)."""
    if check.result != ReassignedCheckResult.YES:
        return None
    return Reassignment(id=f"{check.id}:reassigned", occurred_at=check.occurred_at,
                        cause=ReassignmentCause.REASSIGNED_CHECK, cause_id=check.id, source=check.source,
                        recorded_at=check.recorded_at)


def reassignment_from_reply(opt_out: OptOut) -> Reassignment:
    """An SMS reply saying "wrong number": a reassignment at the reply's moment, beside its opt-out."""
    return Reassignment(id=f"{opt_out.id}:reassigned", occurred_at=opt_out.occurred_at,
                        cause=ReassignmentCause.WRONG_NUMBER_REPLY, cause_id=opt_out.id, source=opt_out.source,
                        recorded_at=opt_out.recorded_at)


def reassigned_at(facts: ContactFacts, at: datetime) -> datetime | None:
    """The latest reassignment of the number by ``at``: every consent and EBR at or before it is void."""
    moments = [r.occurred_at for r in facts.reassignments]
    moments += [a.occurred_at for a in facts.attempts if reassignment_from_attempt(a) is not None]
    return max((m for m in moments if m <= at), default=None)


def void_at(occurred_at: datetime, reassigned: datetime | None) -> bool:
    """Whether a consent or EBR from ``occurred_at`` is void by a reassignment at ``reassigned`` (a tie
    is void: the number may already have been someone else's)."""
    return reassigned is not None and occurred_at <= reassigned
