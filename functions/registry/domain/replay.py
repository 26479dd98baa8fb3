"""Replay (contract rev. 2, "Jurisdiction and time"): what the registry knew at ``known_at``.

``at`` says which moment a decision is for; ``known_at`` says what the registry may know: only
the facts *recorded* at or before it. Together they answer "what would the registry have said
at ``at``, knowing only what it knew at ``known_at``?", and with ``at = known_at = T`` they give
back the answer given at T.

``known_by`` works on a contact's facts as stored (its state item): every consent, opt-out,
relationship, attempt, reassignment, check and undeliverable marker carries the time it was
recorded, so the ones recorded later are left out, and a START recorded later has not undone its
opt-out yet. A fact with no recorded time (written before the field existed) is taken as
recorded at its ``occurred_at``: the earliest moment it can have been recorded, so a replay never
leaves out an old opt-out it might have known (docs/decisions.md, "Replay").

Preferences and list memberships carry no recorded time in the state; ``known_by`` leaves them
as they stand. ``as_known`` (below) rebuilds them from the contact's history.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Protocol

from .facts import ContactFacts, OptOut


class _Recorded(Protocol):
    @property
    def occurred_at(self) -> datetime: ...

    @property
    def recorded_at(self) -> datetime | None: ...


def recorded_at(fact: _Recorded) -> datetime:
    """When the registry learned of the fact; a record from before the field existed: its ``occurred_at``."""
    return fact.recorded_at if fact.recorded_at is not None else fact.occurred_at


def _undo_known(opt_out: OptOut, known_at: datetime) -> OptOut:
    """The opt-out as known at ``known_at``: a START recorded after it has not undone it yet."""
    if opt_out.undone_at is None:
        return opt_out
    undone = opt_out.undone_recorded_at if opt_out.undone_recorded_at is not None else opt_out.undone_at
    if undone <= known_at:
        return opt_out
    return replace(opt_out, undone_at=None, undone_by=None, undone_recorded_at=None)


def known_by(facts: ContactFacts, known_at: datetime) -> ContactFacts:
    """Only what had been recorded at or before ``known_at``; preferences, list memberships and the
    lists' copies stand as they are (see ``as_known`` for those)."""
    def kept(items):
        return tuple(f for f in items if recorded_at(f) <= known_at)

    return replace(
        facts,
        consents=kept(facts.consents),
        opt_outs=tuple(_undo_known(o, known_at) for o in kept(facts.opt_outs)),
        relationships=kept(facts.relationships),
        attempts=kept(facts.attempts),
        undeliverable=kept(facts.undeliverable),
        reassignments=kept(facts.reassignments),
        reassigned_checks=kept(facts.reassigned_checks),
    )
