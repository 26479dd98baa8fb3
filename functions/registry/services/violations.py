"""The violations report: every recorded attempt of [from, to), re-decided at its moment (domain.violations).

Per page: the attempts come from the ``AttemptsByDay`` index in (occurred_at, id) order
(storage.attempt_index), in chunks; the contacts of a chunk are read in BatchGetItem pages with the
bulk lists' exchanges of their numbers (contact_facts.load_keys); each attempt is reviewed against its
contact's facts, with its preferences and own list memberships as they stood at the attempt: a
contact whose preferences or memberships changed after its attempt (``preferences_changed_at`` and
``memberships_changed_at``, kept on its record) has its history read too, one Query a contact a
chunk, concurrently (services.replay.histories), and only those. A page
stops at ``limit`` violations, after examining ``violations_scan_limit`` attempts, or after
``violations_page_seconds`` (having examined one at least), whichever comes first, so a page's
work is bounded however few violations there are: a page may hold fewer than ``limit`` violations,
even none, and only a null ``next`` ends the report.

The cursor is opaque: the range it belongs to and the position (``<occurred_at>#<id>``) of the last
attempt examined. The order is stable: attempts recorded after a report began and dated before its
position are not seen by that walk.
"""
from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..domain import violations
from ..domain.errors import InvalidRequest, RegistryError, UnreadableRecord
from ..domain.facts import Attempt, ContactFacts
from ..domain.policy import Policy
from ..domain.replay import Entry, stood_otherwise_after
from ..domain.timeutil import format_instant, parse_instant, sortable_instant
from ..domain.vocabulary import DecisionKind
from ..settings import get_settings
from ..storage import attempt_index
from ..storage.errors import CorruptItem
from . import contact_facts, replay
from .failures import storage_failures, unreadable
from .policies import policy_for

MAX_RANGE_DAYS = 93  # a quarter: the longest range one report walks
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
CHUNK = 500  # attempts read from the index, and their contacts read, at a time
CURSOR_VERSION = "v1"
UNREADABLE_REASON = {"code": "registry_unavailable",
                     "message": "the contact's stored record could not be read; review this attempt by hand"}


@dataclass(frozen=True)
class Page:
    start: datetime
    end: datetime
    violations: list[dict[str, Any]]
    examined: int  # attempts re-decided on this page
    next: str | None


def check_range(start: datetime, end: datetime) -> None:
    if end <= start:
        raise InvalidRequest("to must be later than from", "to")
    if end - start > timedelta(days=MAX_RANGE_DAYS):
        raise InvalidRequest(f"a report covers at most {MAX_RANGE_DAYS} days; ask for the range in parts", "to")


def _cursor(start: str, end: str, position: str) -> str:
    raw = json.dumps([CURSOR_VERSION, start, end, position], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _position(cursor: str, start: str, end: str) -> str:
    """The position a cursor holds; 400 for one this registry did not give out for this very range."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, c_start, c_end, position = json.loads(raw)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidRequest("cursor is not one this report gave out", "cursor") from None
    if version != CURSOR_VERSION or not isinstance(position, str) or (c_start, c_end) != (start, end):
        raise InvalidRequest("cursor belongs to another report: pass the same from and to", "cursor")
    return position


def policy_at(brand: str, at: datetime) -> Policy:
    """The policy an attempt is re-decided under: the version in force at the attempt (policy versions)."""
    return policy_for(brand, at)


def report(start: datetime, end: datetime, cursor: str | None = None, limit: int | None = None) -> Page:
    check_range(start, end)
    limit = limit or DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidRequest(f"limit must be 1 to {MAX_LIMIT}", "limit")
    low, high = sortable_instant(start), sortable_instant(end)
    position = _position(cursor, low, high) if cursor else None
    settings = get_settings()
    budget, deadline = settings.violations_scan_limit, time.monotonic() + settings.violations_page_seconds
    found: list[dict[str, Any]] = []
    examined = 0
    more = True
    while more and examined < budget and len(found) < limit and (examined == 0 or time.monotonic() < deadline):
        with storage_failures(contact_facts.READ_FAILED):
            chunk, more = attempt_index.read(low, high, position, min(CHUNK, budget - examined))
        keys = [e.pk for _, e in chunk if isinstance(e, attempt_index.IndexedAttempt)]
        facts = contact_facts.load_keys(list(dict.fromkeys(keys))) if keys else {}
        history = _histories(chunk, facts)
        for index, (at, entry) in enumerate(chunk):
            examined += 1
            position = at
            row = _review(entry, facts, history)
            if row is not None:
                found.append(row)
            if len(found) == limit or time.monotonic() >= deadline:  # full, or out of time: the rest is next
                more = more or index < len(chunk) - 1
                break
        if not chunk:
            more = False
    return Page(start, end, found, examined, _cursor(low, high, position) if more and position else None)


def _histories(chunk: Sequence[tuple[str, attempt_index.IndexedAttempt | CorruptItem]],
               facts: Mapping[str, ContactFacts | UnreadableRecord | None]) -> dict[str, list[Entry] | UnreadableRecord]:
    """The histories of the chunk's contacts whose preferences or own list memberships changed after
    their earliest attempt of the chunk (``replay.stood_otherwise_after``), read concurrently; no
    other contact's is read."""
    earliest: dict[str, datetime] = {}
    for _, entry in chunk:
        if not isinstance(entry, attempt_index.IndexedAttempt):
            continue
        try:
            at = parse_instant(entry.occurred_at, "occurred_at")
        except InvalidRequest:
            continue  # the row says it cannot be read
        if entry.pk not in earliest or at < earliest[entry.pk]:
            earliest[entry.pk] = at
    wanted = [pk for pk, at in earliest.items()
              if isinstance(contact := facts.get(pk), ContactFacts) and stood_otherwise_after(contact, at)]
    return replay.histories(wanted) if wanted else {}


def _review(entry: attempt_index.IndexedAttempt | CorruptItem,
            facts: dict[str, ContactFacts | UnreadableRecord | None],
            histories: Mapping[str, list[Entry] | UnreadableRecord]) -> dict[str, Any] | None:
    """The attempt's row if it is a violation, or if the registry cannot tell (its record unreadable:
    listed with ``registry_unavailable``, never passed over as allowed); None otherwise."""
    if isinstance(entry, CorruptItem):
        unreadable(entry)  # logged under its key (a keyed hash, no address)
        return {"address": None, "attempt_id": None, "occurred_at": None, "recorded_at": None, "channel": None,
                "purpose": None, "brand": None, "dialing": None, "outcome": None, **_UNKNOWN}
    contact = facts.get(entry.pk)
    try:
        attempt = Attempt.from_document({**entry.data, "id": entry.fact_id, "recorded_at": entry.recorded_at})
    except (KeyError, TypeError, ValueError, AttributeError, RegistryError):
        return {"address": None, "attempt_id": entry.fact_id, "occurred_at": entry.occurred_at,
                "recorded_at": entry.recorded_at, "channel": None, "purpose": None, "brand": None, "dialing": None,
                "outcome": None, **_UNKNOWN}
    if contact is None:
        return None  # erased since (its attempts went with it), or never stored
    history = histories.get(entry.pk)
    if isinstance(contact, UnreadableRecord) or isinstance(history, UnreadableRecord):
        return {**_attempt_row(attempt, None), **_UNKNOWN}
    try:
        finding = violations.review(attempt, contact, policy_at(attempt.brand, attempt.occurred_at),
                                    history=history if stood_otherwise_after(contact, attempt.occurred_at) else None)
    except (KeyError, TypeError, ValueError, AttributeError, RegistryError):  # a history entry not as written
        return {**_attempt_row(attempt, None), **_UNKNOWN}
    if finding is None:
        return None
    return {**_attempt_row(attempt, contact.address), "decision": finding.decision,
            "reasons": [r.to_dict() for r in finding.reasons], "known_in_time": finding.known_in_time,
            "decision_then": finding.decision_then}


_UNKNOWN = {"decision": DecisionKind.DENY, "reasons": [UNREADABLE_REASON], "known_in_time": None,
            "decision_then": None}


def _attempt_row(attempt: Attempt, address: str | None) -> dict[str, Any]:
    return {"address": address, "attempt_id": attempt.id, "occurred_at": format_instant(attempt.occurred_at),
            "recorded_at": format_instant(attempt.recorded_at), "channel": attempt.channel,
            "purpose": attempt.purpose, "brand": attempt.brand, "dialing": attempt.dialing,
            "outcome": attempt.outcome}


def backfill_index() -> int:
    """The migration of docs/storage.md ("Attempts index"): attempts recorded before the index existed
    get its keys. Returns how many were indexed; 0 once done."""
    with storage_failures("the attempts could not be indexed"):
        return attempt_index.backfill()
