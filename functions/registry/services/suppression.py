"""Suppression lists: create one, read it, add and remove entries.

Internal and litigator lists: each entry is a change on its contact, with a history entry (who
added the number and when matters there). National and state lists (rev. 2, docs/scale.md (e)):
entries go into the list's exchange bitmaps as change records dated today (no per-contact write,
no per-number history; the list's version and its imports are the evidence), and creating one
puts it in the ``LISTS`` catalog every lookup reads."""
from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..domain.addresses import Address, normalise
from ..domain.documents import membership_token
from ..domain.errors import Conflict, InvalidRequest, NotFound, RegistryUnavailable, TooLarge
from ..domain.exchange_bitmaps import ChangeRecord, exchange_of
from ..domain.timeutil import format_instant, sortable_instant, utc_now
from ..domain.vocabulary import SUPPRESSION_KINDS, HistoryType, Source, SuppressionKind
from ..retry import ENTRIES
from ..settings import get_settings
from ..storage import contacts as store
from ..storage import list_exchanges as bulk
from ..storage import suppression_lists as lists
from ..storage.errors import CorruptItem, StorageError
from ..storage.table import MAX_POOL_CONNECTIONS
from .address_keys import contact_key
from .failures import storage_failures
from .recording import new_id

log = logging.getLogger(__name__)

LIST_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_ENTRIES = 1000  # the contract's limit, in ``add`` and in ``remove`` (the request model says it too)
# Entries of an internal or litigator list go fifty to a transaction (``store.change_memberships``),
# this many transactions at a time: as many as the write connection's pool holds. Each waits on
# DynamoDB far longer than it keeps this process busy (docs/benchmarks.md, "The 1,000-entry request").
ENTRY_WRITERS = MAX_POOL_CONNECTIONS


def check_name(name: str) -> str:
    if not LIST_NAME.match(name or ""):
        raise InvalidRequest("list name: 1-64 letters, digits, '.', '_' or '-'", "name")
    return name


BULK_KINDS = (SuppressionKind.NATIONAL, SuppressionKind.STATE)
US_STATE = re.compile(r"^[A-Z]{2}$")


def create_list(name: str, kind: str, state: str | None = None) -> tuple[dict[str, Any], bool]:
    check_name(name)
    if kind not in SUPPRESSION_KINDS:
        raise InvalidRequest(f"kind must be one of {', '.join(SUPPRESSION_KINDS)}", "kind")
    if state is not None and (kind != SuppressionKind.STATE or not US_STATE.match(state)):
        raise InvalidRequest("state: the two-letter state (e.g. FL) of a list of kind state", "state")
    now = format_instant(utc_now())
    with storage_failures("the registry could not be written"):
        created = lists.create(name, kind, now, state)
        existing = None if created else lists.get(name)
        if existing is not None and existing.kind != kind:
            raise Conflict(f"list {name} exists with kind {existing.kind}", "kind")
        if kind in BULK_KINDS:
            bulk.register(name)  # again on a repeated PUT: a registration that failed half-way is completed
    item = existing
    out: dict[str, Any] = {"name": name, "kind": kind, "created_at": item.created_at if item else now}
    kept_state = item.state if item else state
    if kept_state is not None:
        out["state"] = kept_state
    return out, created


def describe(name: str) -> dict[str, Any]:
    """``GET /v1/suppression-lists/{name}``: the list, its entries (count), the date of its newest full
    copy and when that copy was entirely in force (null for a list never fully imported)."""
    check_name(name)
    with storage_failures("the registry could not be read"):
        item = lists.get(name)
    if item is None:
        raise NotFound(f"no suppression list named {name}")
    out: dict[str, Any] = {"name": name, "kind": item.kind, "created_at": item.created_at,
                           "entries": int(item.entries or 0),
                           "version": bulk.version_of(item.version).isoformat() if item.version else None,
                           "refreshed_at": item.refreshed_at}
    if item.state is not None:
        out["state"] = item.state
    return out


def change_entries(name: str, add: Sequence[str], remove: Sequence[str]) -> dict[str, Any]:
    settings = get_settings()
    check_name(name)
    for field, values in (("add", add), ("remove", remove)):
        if len(values) > MAX_ENTRIES:
            raise TooLarge(f"at most {MAX_ENTRIES} entries in {field}", field)
    # Validate everything first: bad input changes nothing.
    region = settings.phone_default_region
    to_add = [normalise(raw, region, field=f"add[{i}]") for i, raw in enumerate(add)]
    to_remove = [normalise(raw, region, field=f"remove[{i}]") for i, raw in enumerate(remove)]
    adding = {a.value for a in to_add}
    for index, address in enumerate(to_remove):
        if address.value in adding:
            raise InvalidRequest(f"remove[{index}] is also in add: an entry is added or removed, not both, "
                                 "in one request", f"remove[{index}]")
    with storage_failures("the registry could not be read"):
        definition = lists.get(name)
    if definition is None:
        raise NotFound(f"no suppression list named {name}")
    if definition.kind in BULK_KINDS:
        return _change_bulk(name, definition.kind, to_add, to_remove)
    member = membership_token(name, definition.kind)
    changes = [_entry_change(a, True, name, definition.kind, member) for a in dict.fromkeys(to_add)] + \
        [_entry_change(a, False, name, definition.kind, member) for a in dict.fromkeys(to_remove)]
    outcomes = ["failed"] * len(changes)
    for index in _changing_nothing(changes):
        outcomes[index] = "unchanged"
    # Entries go to DynamoDB in groups, one transaction each (every entry's change and its history
    # entry commit together), the groups ENTRY_WRITERS at a time. Entries that failed (throttling, a
    # conflict with another write to the same contact that outlasted its retries, an answer that never
    # came) get another try after a pause, as the same change: one that was applied after all is
    # recognised by its own history entry.
    for _ in ENTRIES.attempts():
        pending = [index for index, outcome in enumerate(outcomes) if outcome == "failed"]
        if not pending:
            break
        for index, outcome in zip(pending, _apply([changes[index] for index in pending]), strict=True):
            outcomes[index] = outcome
    failed = sum(1 for o in outcomes if o == "failed")
    result = {"list": name, "kind": definition.kind,
              "added": sum(1 for o in outcomes if o == "added"),
              "removed": sum(1 for o in outcomes if o == "removed"),
              "unchanged": sum(1 for o in outcomes if o == "unchanged")}
    if failed:
        raise RegistryUnavailable(f"{failed} entries could not be written; send the request again "
                                  "(entries already applied are not applied twice)")
    _count(name, sum(1 for o in outcomes if o == "added"), sum(1 for o in outcomes if o == "removed"))
    return result


def _count(name: str, added: int, removed: int) -> None:
    """The list's ``entries`` count. The entries are in already: a count that could not be written is
    logged, never the request's failure (the count is informational; the memberships are what count)."""
    if not added and not removed:
        return
    try:
        bulk.count_changes(name, added, removed)
    except StorageError as err:
        log.warning("a suppression list's count could not be updated", extra={"list": name, "cause": repr(err)})


def _change_bulk(name: str, kind: str, to_add: Sequence[Address], to_remove: Sequence[Address]) -> dict[str, Any]:
    """Entries of a national or state list: change records dated today, applied to its exchanges.

    Only a US (NANP) number has an exchange; anything else is refused before anything changes."""
    today = utc_now().date()
    records = []
    for field, addresses, add in (("add", to_add, True), ("remove", to_remove, False)):
        for index, address in enumerate(addresses):
            where = exchange_of(address.value) if address.kind == "phone" else None
            if where is None:
                raise InvalidRequest(f"{field}[{index}]: a {kind} list holds US telephone numbers only",
                                     f"{field}[{index}]")
            records.append(ChangeRecord(where[0], where[1], add, today))
    records = list(dict.fromkeys(records))
    again = ("the registry could not be written; send the request again (entries already applied are not "
             "applied twice)")
    with storage_failures(again):
        done = bulk.apply_many(name, records)
        # a membership stored on the contact before the list moved to bitmaps goes too
        legacy = _remove_legacy(name, kind, list(dict.fromkeys(to_remove)))
    if legacy is None:
        raise RegistryUnavailable(again)
    removed = min(done.removed + legacy, len(records) - done.added)  # a number on both counts once (roughly)
    _count(name, done.added, done.removed)
    return {"list": name, "kind": kind, "added": done.added, "removed": removed,
            "unchanged": len(records) - done.added - removed}


def _remove_legacy(name: str, kind: str, addresses: Sequence[Address]) -> int | None:
    """Removes the list's per-contact memberships of ``addresses`` (from before bitmaps), with their
    history: how many there were, None if one could not be removed."""
    if not addresses:
        return 0
    member = membership_token(name, kind)
    keys = {a.value: contact_key(a.value) for a in addresses}
    found = store.load_many(list(keys.values()))
    holding = [a for a in addresses if isinstance(s := found.get(keys[a.value]), store.Snapshot)
               and member in s.suppressions]
    outcomes = _apply([_entry_change(a, False, name, kind, member) for a in holding])
    if "failed" in outcomes:
        return None
    return sum(1 for o in outcomes if o == "removed")


def _changing_nothing(changes: Sequence[store.MembershipChange]) -> list[int]:
    """The entries that would change nothing (an add of a member, a removal of a non-member), found by
    one strongly consistent read of their contacts (BatchGetItem pages, read together): a list sent
    again costs reads, not a transaction per entry that its condition cancels. A contact that cannot
    be read, or a read that fails, leaves its entries to their transactions, whose conditions decide."""
    try:
        found = store.load_many([c.pk for c in changes])
    except StorageError as err:
        log.info("entries sent without reading their contacts first", extra={"cause": repr(err)})
        return []
    nothing = []
    for index, change in enumerate(changes):
        snapshot = found.get(change.pk)
        if isinstance(snapshot, CorruptItem):  # a damaged item: its transaction decides
            continue
        if (snapshot is not None and change.member in snapshot.suppressions) == change.add:
            nothing.append(index)
    return nothing


def _entry_change(address: Address, add: bool, name: str, kind: str, member: str) -> store.MembershipChange:
    """One entry's change, with the id and history entry it keeps across its tries."""
    now = utc_now()
    recorded = format_instant(now)
    fact_id = new_id()
    history = store.HistoryRecord(
        sk=store.history_sk(sortable_instant(now), sortable_instant(now), fact_id),
        type=HistoryType.SUPPRESSION_ADDED if add else HistoryType.SUPPRESSION_REMOVED, fact_id=fact_id,
        occurred_at=recorded,
        recorded_at=recorded, source=Source.API, data={"list": name, "kind": kind})
    return store.MembershipChange(contact_key(address.value), address.value, address.kind, member, add, recorded,
                                  history)


def _apply(changes: Sequence[store.MembershipChange]) -> list[str]:
    """Each change's outcome ("added", "removed", "unchanged" or "failed"), the changes sent in groups of
    ``MEMBERSHIPS_PER_TRANSACTION`` (one transaction each), ``ENTRY_WRITERS`` groups at a time."""
    size = store.MEMBERSHIPS_PER_TRANSACTION
    groups = [list(changes[i:i + size]) for i in range(0, len(changes), size)]
    if not groups:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(len(groups), ENTRY_WRITERS))) as pool:
        done = list(pool.map(store.change_memberships, groups))
    return [_outcome(change, result) for group, results in zip(groups, done, strict=True)
            for change, result in zip(group, results, strict=True)]


def _outcome(change: store.MembershipChange, result: str) -> str:
    if result == store.APPLIED:
        return "added" if change.add else "removed"
    return "unchanged" if result == store.UNCHANGED else "failed"
