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

Preferences and list memberships carry no recorded time in the state, and the state keeps only
recent attempts; ``known_by`` leaves them as they stand. ``as_known`` puts them back as they
stood at ``known_at`` from the contact's history (every change is an entry with the time it was
recorded): preferences replayed from their changes, the contact's own list memberships rolled back
over the changes recorded later, attempts replayed with the state's own pruning. What stays as it
is now: the national and state lists (their bitmaps keep no past), and whatever an erasure took
(docs/replay.md).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from . import changes
from .facts import Attempt, ContactFacts, OptOut, Preferences, SuppressionMembership
from .vocabulary import HistoryType


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


# --- the history: what ``known_by`` cannot know from the state alone ------------------------------

@dataclass(frozen=True)
class Entry:
    """One history entry of the contact, as the replay reads it."""

    type: str  # vocabulary.HistoryType
    recorded_at: datetime
    fact_id: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    key: str = ""  # its sort key: entries recorded at one instant keep the history's order


def needs_history(facts: ContactFacts, known_at: datetime) -> bool:
    """Whether the contact's record changed after ``known_at``: only then can the state differ from
    what it was at ``known_at`` (a record never written, or unchanged since, is as it was)."""
    return facts.changed_at is not None and facts.changed_at > known_at


def preferences_changed_after(facts: ContactFacts, at: datetime) -> bool:
    """Whether the contact's preferences changed after ``at`` (so stood otherwise then); a record stored
    before ``preferences_changed_at`` existed may have (``PREFERENCES_CHANGE_UNKNOWN``)."""
    return facts.preferences_changed_at is not None and facts.preferences_changed_at > at


def memberships_changed_after(facts: ContactFacts, at: datetime) -> bool:
    """Whether one of the contact's own list memberships changed after ``at`` (so stood otherwise then)."""
    return facts.memberships_changed_at is not None and facts.memberships_changed_at > at


def stood_otherwise_after(facts: ContactFacts, at: datetime) -> bool:
    """Whether the contact's preferences or own list memberships changed after ``at``: only then does
    the violations report need its history to see them as they stood at ``at``."""
    return preferences_changed_after(facts, at) or memberships_changed_after(facts, at)


def memberships_at(current: tuple[SuppressionMembership, ...], history: Iterable[Entry],
                   known_at: datetime) -> tuple[SuppressionMembership, ...]:
    """The contact's own memberships as they stood at ``known_at`` (a membership takes effect when
    recorded), from its history; the replay's own rule, for the violations report's attempts."""
    return _memberships(current, sorted(history, key=lambda e: (e.recorded_at, e.key)), known_at)


def preferences_at(current: Preferences, history: Iterable[Entry], known_at: datetime) -> Preferences:
    """The preferences as they stood at ``known_at`` (they take effect when recorded), from the
    contact's history; the replay's own rule, for the violations report's attempts."""
    return _preferences(current, sorted(history, key=lambda e: (e.recorded_at, e.key)), known_at)


def as_known(facts: ContactFacts, history: Iterable[Entry], known_at: datetime,
             retention_days: int) -> ContactFacts:
    """The contact as the registry knew it at ``known_at``: ``known_by``, with preferences, the
    contact's own list memberships and its attempts as they stood then, from ``history`` (every
    entry of the contact). ``retention_days``: how long the state keeps attempts (settings)."""
    entries = sorted(history, key=lambda e: (e.recorded_at, e.key))
    known = known_by(facts, known_at)
    return replace(known,
                   preferences=_preferences(known.preferences, entries, known_at),
                   suppressions=_memberships(known.suppressions, entries, known_at),
                   attempts=_attempts(known, entries, known_at, retention_days))


def _preferences(current: Preferences, entries: Sequence[Entry], known_at: datetime) -> Preferences:
    """Every change recorded by ``known_at`` applied in turn (a field sent replaces, one left out
    stays); an erasure clears them. A contact whose history holds no change of them keeps its own."""
    if not any(e.type in (HistoryType.PREFERENCES_UPDATED, HistoryType.CONTACT_ERASED) for e in entries):
        return current
    doc: dict[str, Any] = {}
    for e in entries:
        if e.recorded_at > known_at:
            break
        if e.type == HistoryType.CONTACT_ERASED:
            doc = {}
        elif e.type == HistoryType.PREFERENCES_UPDATED:
            doc.update(e.data.get("preferences") or {})
    return Preferences.from_document(doc)


def _memberships(current: tuple[SuppressionMembership, ...], entries: Sequence[Entry],
                 known_at: datetime) -> tuple[SuppressionMembership, ...]:
    """The contact's own memberships (internal and litigator lists, and national or state ones
    stored on it before the bitmaps) with every change recorded after ``known_at`` undone, newest
    first; the bulk lists' (read from their bitmaps) stand as they are."""
    bulk = {(m.list_name, m.kind): m for m in current if m.bulk}
    own = {(m.list_name, m.kind): m for m in current if not m.bulk}
    for e in reversed(entries):
        if e.recorded_at <= known_at:
            break
        key = (str(e.data.get("list")), str(e.data.get("kind")))
        if e.type == HistoryType.SUPPRESSION_ADDED:
            own.pop(key, None)
        elif e.type == HistoryType.SUPPRESSION_REMOVED and key not in bulk:
            own[key] = SuppressionMembership(list_name=key[0], kind=key[1])
    return tuple(sorted((*own.values(), *bulk.values()), key=lambda m: (m.list_name, m.kind)))


def _attempts(known: ContactFacts, entries: Sequence[Entry], known_at: datetime,
              retention_days: int) -> tuple[Attempt, ...]:
    """The attempts the state held at ``known_at``: each one recorded by then added in turn, pruned
    as the write pruned them (``changes.add_attempt``, at its recorded time); an erasure empties
    them. Attempts in the state with no history entry (none are written so) are kept."""
    replayed = replace(known, attempts=())  # only its attempts are read back
    seen: set[str] = set()
    for e in entries:
        if e.recorded_at > known_at:
            break
        if e.type == HistoryType.CONTACT_ERASED:
            replayed = replace(replayed, attempts=())
        elif e.type == HistoryType.CONTACT_ATTEMPTED and e.fact_id is not None:
            attempt = replace(Attempt.from_document({**e.data, "id": e.fact_id}), recorded_at=e.recorded_at)
            seen.add(attempt.id)
            replayed = changes.add_attempt(replayed, attempt, e.recorded_at, retention_days)
    if not seen:
        return known.attempts
    return changes.by_time(replayed.attempts + tuple(a for a in known.attempts if a.id not in seen))
