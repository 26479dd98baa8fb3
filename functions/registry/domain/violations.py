"""The violations report's rule: would a recorded attempt have been allowed at its moment, and did the
registry know in time?

An attempt is re-decided as a lookup made at its ``occurred_at`` for its channel, purpose, brand and
dialing would have been, from the contact's facts *before* the attempt: the attempt itself and what
it implies (the opt-out of a ``do_not_contact`` disposition, the reassignment of a ``wrong_party``
or ``disconnected`` outcome, the undeliverable marker of a disconnect or bounce) were not there yet,
nor was any later attempt. Otherwise every confirmation text would spend its own one exception,
every third call would count itself against the cap, and every disconnect would deny itself.

The contact's preferences (quiet hours, zone, preferred channel, snooze, state on file) and its own
list memberships are those that stood at ``occurred_at`` (replayed from its history when they
changed since: ``stood``).

- **A violation**: that decision, with every fact the registry holds now, is not ``allow``. A
  backdated opt-out recorded after the attempt, or a late list entry, makes one.
- **known_in_time**: the same decision knowing only the facts recorded at or before the attempt's
  ``occurred_at`` (``known_at = occurred_at``, the replay of contract rev. 2) was already not
  ``allow``: a lookup at that moment would have said no. False when only facts recorded later make
  it a violation.

Pure: the facts, the policy and the attempt are passed in.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from .changes import opt_out_from_disposition, undeliverable_from_attempt
from .decide import Question, Reason, verdict
from .facts import Attempt, ContactFacts
from .policy import Policy
from .reassignment import reassignment_from_attempt
from .replay import Entry, known_by, memberships_at, preferences_at
from .vocabulary import DecisionKind

KnownBy = Callable[[ContactFacts, datetime], ContactFacts]


@dataclass(frozen=True)
class Finding:
    """An attempt that would not have been allowed: the decision with everything known now (at the
    attempt's moment), its reasons, and whether a lookup at that moment would already have said no."""

    attempt: Attempt
    decision: DecisionKind
    reasons: tuple[Reason, ...]
    known_in_time: bool
    decision_then: DecisionKind  # the decision knowing only what was recorded by the attempt's moment


def before(facts: ContactFacts, attempt: Attempt) -> ContactFacts:
    """The contact's facts as a lookup just before ``attempt`` would have found them: without the
    attempt, any later attempt, and what the attempt itself implies."""
    own_opt_out = opt_out_from_disposition(attempt).id
    own_reassignment = reassignment_from_attempt(attempt)
    marker = undeliverable_from_attempt(replace(attempt, recorded_at=None))  # matched whenever it was recorded
    undeliverable = list(facts.undeliverable)
    same = [m for m in undeliverable if marker is not None and replace(m, recorded_at=None) == marker]
    if same:
        undeliverable.remove(same[0])  # one marker: another attempt at the same moment keeps its own
    return replace(
        facts,
        attempts=tuple(a for a in facts.attempts if a.id != attempt.id and a.occurred_at <= attempt.occurred_at),
        opt_outs=tuple(o for o in facts.opt_outs if o.id != own_opt_out),
        reassignments=tuple(r for r in facts.reassignments
                            if own_reassignment is None or r.id != own_reassignment.id),
        undeliverable=tuple(undeliverable),
    )


def question(facts: ContactFacts, attempt: Attempt) -> Question:
    """The lookup the attempt stood for: its channel, purpose, brand and dialing, at its moment."""
    return Question(address=facts.address, kind=facts.kind, channel=attempt.channel, purpose=attempt.purpose,
                    brand=attempt.brand, at=attempt.occurred_at, dialing=attempt.dialing)


def stood(facts: ContactFacts, attempt: Attempt, history: Iterable[Entry] | None) -> ContactFacts:
    """The contact with its preferences (quiet hours, zone, preferred channel, snooze, state on file,
    line type) and its own list memberships (internal, litigator) as they stood at the attempt's
    moment: replayed from ``history`` (the replay's own rules, ``replay.preferences_at`` and
    ``replay.memberships_at``) when either changed after it; as they stand when neither did
    (``history`` None: the service read none, since ``replay.preferences_changed_after`` and
    ``replay.memberships_changed_after`` said no)."""
    if history is None:
        return facts
    entries = list(history)
    return replace(facts, preferences=preferences_at(facts.preferences, entries, attempt.occurred_at),
                   suppressions=memberships_at(facts.suppressions, entries, attempt.occurred_at))


def review(attempt: Attempt, facts: ContactFacts, policy: Policy, knew: KnownBy = known_by,
           history: Iterable[Entry] | None = None) -> Finding | None:
    """The finding for one recorded attempt of the contact ``facts`` describes (as the registry holds
    them now, with its ``history`` when its preferences or memberships changed since the attempt);
    None when the attempt would have been allowed. Preferences and memberships take effect when
    recorded, so both judgements use them as they stood at the attempt's moment."""
    facts = stood(facts, attempt, history)
    asked = question(facts, attempt)
    prior = before(facts, attempt)
    decision, reasons = verdict(asked, prior, policy)
    if decision == DecisionKind.ALLOW:
        return None
    then, _ = verdict(asked, knew(prior, attempt.occurred_at), policy)
    return Finding(attempt, decision, reasons, then != DecisionKind.ALLOW, then)
