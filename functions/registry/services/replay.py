"""Replay (contract rev. 2): a contact's facts as the registry knew them at ``known_at``.

A plain lookup (``known_at`` now) reads nothing more than its one round trip. A replay of a
contact whose record changed after ``known_at`` reads its history as well (one Query, paged;
concurrently for a batch) and rebuilds what the state alone cannot tell (``domain.replay``); a
contact unchanged since ``known_at`` is read from its state alone. A history entry that cannot be
read makes that address unreadable (503 for it alone); a failed read, the registry unavailable.
The violations report reads the histories of the contacts whose preferences changed after their
attempts (``histories``) and replays only those preferences (``domain.violations.stood``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from ..domain.addresses import Address
from ..domain.errors import InvalidRequest, UnreadableRecord
from ..domain.facts import ContactFacts
from ..domain.replay import Entry, as_known, known_by, needs_history
from ..domain.timeutil import parse_instant
from ..settings import derived, get_settings
from ..storage import contacts as store
from .address_keys import contact_key
from .failures import log_unreadable, storage_failures

READ_FAILED = "the registry could not be read"
HISTORY_READERS = 8  # concurrent history Queries of a batch replay
# made on the first batch replay and kept, as the page readers are (storage.operations.page_readers):
# a history read never waits on another, so requests may share them
history_readers = derived(lambda _: ThreadPoolExecutor(max_workers=HISTORY_READERS,
                                                       thread_name_prefix="registry-history-reader"))


def entry_of(entry: store.HistoryEntry) -> Entry:
    """A stored history entry as the replay reads it; ``UnreadableRecord`` if its times cannot be read."""
    try:
        recorded = parse_instant(entry.recorded_at, "recorded_at")
    except InvalidRequest as err:
        log_unreadable(str(entry.pk), err)
        raise UnreadableRecord("a stored record could not be read") from err
    return Entry(type=entry.type, recorded_at=recorded, fact_id=entry.fact_id, data=entry.data or {},
                 key=str(entry.sk))


def history(address: Address) -> list[Entry]:
    return history_of_key(contact_key(address.value))


def history_of_key(pk: str) -> list[Entry]:
    with storage_failures(READ_FAILED):
        entries = store.history(pk)
    return [entry_of(e) for e in entries]


def histories(pks: Sequence[str]) -> dict[str, list[Entry] | UnreadableRecord]:
    """Each contact's history (by contact key), read concurrently; one with an entry that cannot be
    read is its ``UnreadableRecord``. A failed read raises (the registry is unavailable)."""
    def one(pk: str) -> list[Entry] | UnreadableRecord:
        try:
            return history_of_key(pk)
        except UnreadableRecord as err:
            return err

    if len(pks) <= 1:
        return {pk: one(pk) for pk in pks}
    return dict(zip(pks, history_readers().map(one, pks), strict=True))


def replayed(address: Address, facts: ContactFacts, known_at: datetime) -> ContactFacts:
    """``facts`` (read now) as known at ``known_at``."""
    if not needs_history(facts, known_at):
        return known_by(facts, known_at)
    try:
        return as_known(facts, history(address), known_at, get_settings().attempts_retention_days)
    except (KeyError, TypeError, ValueError, AttributeError) as err:  # an entry's data not as written
        raise UnreadableRecord("a stored record could not be read") from err


def replayed_many(addresses: Mapping[str, Address], loaded: Mapping[str, ContactFacts | UnreadableRecord],
                  known_at: datetime) -> dict[str, ContactFacts | UnreadableRecord]:
    """Each readable contact of ``loaded`` (by normalised address) as known at ``known_at``; an address
    whose history cannot be read becomes its ``UnreadableRecord``."""
    def one(name: str) -> ContactFacts | UnreadableRecord:
        found = loaded[name]
        if isinstance(found, UnreadableRecord):
            return found
        try:
            return replayed(addresses[name], found, known_at)
        except UnreadableRecord as err:
            return err

    names = list(loaded)
    if sum(1 for n in names if isinstance(f := loaded[n], ContactFacts) and needs_history(f, known_at)) <= 1:
        return {name: one(name) for name in names}
    return dict(zip(names, history_readers().map(one, names), strict=True))
