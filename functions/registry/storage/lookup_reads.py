"""What a decision reads, in one round trip: the contacts' ``STATE``, the ``LISTS`` catalog and one
exchange item per bulk list and exchange, in one BatchGetItem (pages of 100, run concurrently).

The exchange keys come from the catalog as this container last read it (``list_exchanges.planned``).
When the catalog that comes back names other bulk lists, the plan is kept anew and the exchanges
of the lists it did not have are read in a second round trip (right after a list is created, once
per container). Keys left unprocessed are asked for again under the retry policy, as ``batch_get``
does; an item that cannot be read is a ``CorruptItem`` under its key, never the whole batch's
failure, but for the catalog (every decision needs it).
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..domain.exchange_bitmaps import BITMAP_BYTES
from ..retry import UNPROCESSED, Backoff
from . import list_exchanges as lx
from .contacts import STATE, ContactItem, Snapshot, snapshot_from_raw
from .errors import CorruptItem, dynamodb
from .operations import BATCH_GET_LIMIT, Key, batch_get, key_of, read_pages


@dataclass(frozen=True)
class ExchangeRead:
    """One list's exchange as a lookup reads it: the line numbers listed and the copy they belong to."""

    bitmap: bytes
    version: date | None


NOTHING = ExchangeRead(bytes(BITMAP_BYTES), None)


@dataclass(frozen=True)
class LookupRead:
    contacts: dict[str, Snapshot | CorruptItem]  # by pk; a contact never written is missing
    catalog: lx.Catalog
    exchanges: dict[tuple[str, str], ExchangeRead | CorruptItem]  # (bulk list, exchange): every one asked for


def read(pks: Sequence[str], exchanges: Collection[str], policy: Backoff = UNPROCESSED) -> LookupRead:
    """The contacts under ``pks`` and every bulk list's items for ``exchanges`` (6-digit NPA-NXX)."""
    pks = list(dict.fromkeys(pks))
    wanted = sorted(set(exchanges))
    plan = lx.planned()
    planned_lists = [bulk.name for bulk in plan.lists] if plan is not None else []
    named = _exchange_keys(planned_lists, wanted)
    keys: list[Key] = [(pk, STATE) for pk in pks] + [lx.CATALOG] + list(named)
    found = _read_all(keys, policy)
    catalog_raw = found.pop(lx.CATALOG, None)
    catalog = lx.catalog_of(catalog_raw)  # CorruptItem: no decision without it
    if lx.replan(catalog):
        more = _exchange_keys([name for name in sorted(catalog.names) if name not in planned_lists], wanted)
        if more:
            found.update(_read_all(list(more), policy))
            named.update(more)
    contacts: dict[str, Snapshot | CorruptItem] = {}
    for pk in pks:
        state = found.get((pk, STATE))
        if state is not None:
            contacts[pk] = state
    in_force = catalog.names
    out: dict[tuple[str, str], ExchangeRead | CorruptItem] = {}
    for key, (name, exchange) in named.items():
        if name in in_force:
            raw = found.get(key)
            out[(name, exchange)] = NOTHING if raw is None else _exchange_read(raw)
    return LookupRead(contacts, catalog, out)


def _exchange_keys(names: Sequence[str], exchanges: Sequence[str]) -> dict[Key, tuple[str, str]]:
    return {lx.exchange_key(name, exchange): (name, exchange) for name in names for exchange in exchanges}


def _exchange_read(raw: dict[str, Any]) -> ExchangeRead | CorruptItem:
    pk = str((raw.get("pk") or {}).get("S"))
    try:
        bitmap = lx.bitmap_of(raw)
        with dynamodb("read a list's exchange", reading=pk):
            version = lx.version_of(raw["v"]["S"]) if "v" in raw else None
    except CorruptItem as corrupt:
        return corrupt
    return ExchangeRead(bitmap, version)


def _read_all(keys: Sequence[Key], policy: Backoff) -> dict[Key, Any]:
    """Items by key: pages of 100 read concurrently (the process's page readers); a contact's state
    item as its ``Snapshot`` (or the ``CorruptItem`` it is), any other item raw."""
    pages = [keys[i:i + BATCH_GET_LIMIT] for i in range(0, len(keys), BATCH_GET_LIMIT)]
    return {key: item for items in read_pages(lambda page: _read_page(page, policy), pages) for key, item in items}


def _read_page(keys: Sequence[Key], policy: Backoff) -> list[tuple[Key, Any]]:
    """One page's items, its contacts' state items read by the page reader that fetched them, as soon
    as they arrive: the other pages are still on their way meanwhile (reading them all after the last
    page came back added that time to a batch's wall time)."""
    out: list[tuple[Key, Any]] = []
    for raw in batch_get(ContactItem, keys, policy=policy):
        key = key_of(raw)
        out.append((key, snapshot_from_raw(raw)[1] if key[1] == STATE else raw))
    return out
