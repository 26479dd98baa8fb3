"""Bulk lists (``national``, ``state``) in the one table: one item per list and telephone exchange.

Design and numbers: docs/scale.md, section (e). Items (docs/storage.md):

- ``pk = LX#<list>#<keyed digest of the NPA-NXX>``, ``sk = LX``: the exchange. ``b`` the
  1,250-byte bitmap of its line numbers (absent: none), ``v`` the full copy it belongs to
  (yyyymmdd; absent: no full copy wrote it, only change records), ``n`` bits set, ``rev`` a write
  counter (every write adds one; writes are conditional on the one read), ``da``/``dr`` the
  numbers the full copy's write added and removed (a replay of the same version answers them),
  ``d`` the date of the newest change record applied, and while a checkpointed import runs
  ``nb``/``nv``, the staged bitmap of the next copy (readers never look at it).
- ``pk = LA#<list>#<NPA>``, ``sk = LA``: the area code. ``x`` the NXX codes that have an
  exchange item (a string set, changed with ADD/DELETE), ``v`` the copy that last swept it,
  ``n`` how many.
- ``pk = LISTS``, ``sk = LISTS``: the catalog every lookup reads. ``lists`` maps each bulk list's
  name to ``{kind, state, version, refreshed_at, entries, rev}``; ``plan_rev`` changes when a
  bulk list is added to it (the keys a lookup reads change then).

The list's own item ``LIST#<name>`` (storage.suppression_lists) holds the same ``entries``,
``version``, ``refreshed_at``: it is where the counts are kept (atomically, ``rev`` counting
the updates); the catalog holds a copy, written only by a newer ``rev``.

No transactions: every write is one item, conditional on what was read.
"""
from __future__ import annotations

import threading
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from botocore.exceptions import ClientError
from pynamodb.attributes import BinaryAttribute, MapAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute

from ..domain.exchange_bitmaps import (
    BITMAP_BYTES,
    ChangeRecord,
    added_and_removed,
    apply_records,
    count,
    record_applies,
    union,
    version_of,
    version_text,
)

__all__ = ["ChangeRecord", "ExchangeWrite", "apply_changes", "apply_many", "commit_copy", "count_changes", "put_full",
           "register", "stage", "sweep_area", "version_of"]
from ..domain.timeutil import format_instant
from ..keyed import keyed_digest
from ..retry import CONFLICTS, Backoff
from .errors import ConditionFailed, StorageUnavailable, dynamodb
from .operations import BATCH_GET_LIMIT, batch_get
from .suppression_lists import LIST, list_pk
from .table import RegistryModel, table_name, write_connection

EXCHANGE_SK = "LX"
AREA_SK = "LA"
CATALOG_KEY = "LISTS"
BULK_KINDS = ("national", "state")
_CONDITION_FAILED = "ConditionalCheckFailedException"
_EMPTY = bytes(BITMAP_BYTES)


class ExchangeItem(RegistryModel):
    """``LX#<list>#<digest>`` / ``LX``."""

    v = UnicodeAttribute(null=True)
    b = BinaryAttribute(null=True, legacy_encoding=False)
    n = NumberAttribute(null=True)
    rev = NumberAttribute(null=True)
    da = NumberAttribute(null=True)
    dr = NumberAttribute(null=True)
    d = UnicodeAttribute(null=True)
    nv = UnicodeAttribute(null=True)
    nb = BinaryAttribute(null=True, legacy_encoding=False)


class AreaItem(RegistryModel):
    """``LA#<list>#<NPA>`` / ``LA``."""

    x = UnicodeSetAttribute(null=True)
    v = UnicodeAttribute(null=True)
    n = NumberAttribute(null=True)


class CatalogItem(RegistryModel):
    """``LISTS`` / ``LISTS``."""

    lists = MapAttribute(null=True)  # type: ignore[var-annotated]
    plan_rev = NumberAttribute(null=True)


@dataclass(frozen=True)
class ExchangeWrite:
    added: int  # numbers this write added to the list
    removed: int  # numbers this write removed


class UnknownList(ConditionFailed):
    """No list of that name: nothing was counted."""


# --- keys ------------------------------------------------------------------------------------

def exchange_pk(list_name: str, exchange: str) -> str:
    """The exchange's key: the table alone never shows which NPA-NXX it is."""
    return f"LX#{list_name}#{keyed_digest('lx', exchange)[:32]}"


def area_pk(list_name: str, npa: str) -> str:
    return f"LA#{list_name}#{npa}"


def exchange_key(list_name: str, exchange: str) -> tuple[str, str]:
    return exchange_pk(list_name, exchange), EXCHANGE_SK


CATALOG = (CATALOG_KEY, CATALOG_KEY)


# --- raw access ------------------------------------------------------------------------------

def _client() -> Any:
    return write_connection().client


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _get(pk: str, sk: str, action: str) -> dict[str, Any] | None:
    with dynamodb(action):
        return _client().get_item(TableName=table_name(), Key=_key(pk, sk), ConsistentRead=True).get("Item")


def _conditional(call: str, action: str, **request: Any) -> dict[str, Any] | None:
    """One conditional write: its answer, or None when its condition did not hold."""
    with dynamodb(action):
        try:
            return getattr(_client(), call)(TableName=table_name(), **request)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") == _CONDITION_FAILED:
                return None
            raise


def _n(value: int) -> dict[str, str]:
    return {"N": str(value)}


@dataclass(frozen=True)
class _Exchange:
    """An exchange item as read."""

    bitmap: bytes
    version: date | None
    rev: int
    added: int
    removed: int
    changed: date | None
    staged: bytes | None
    staged_version: date | None


def _exchange(raw: Mapping[str, Any]) -> _Exchange:
    def day(name: str) -> date | None:
        return version_of(raw[name]["S"]) if name in raw else None

    def blob(name: str) -> bytes | None:
        if name not in raw:
            return None
        value = bytes(raw[name]["B"])
        if len(value) != BITMAP_BYTES:
            raise ValueError("a bitmap of the wrong size")
        return value

    def number(name: str) -> int:
        return int(raw[name]["N"]) if name in raw else 0

    return _Exchange(bitmap=blob("b") or _EMPTY, version=day("v"), rev=number("rev"), added=number("da"),
                     removed=number("dr"), changed=day("d"), staged=blob("nb"), staged_version=day("nv"))


def _read_exchange(pk: str) -> _Exchange | None:
    raw = _get(pk, EXCHANGE_SK, "read a list's exchange")
    if raw is None:
        return None
    with dynamodb("read a list's exchange", reading=pk):
        return _exchange(raw)


def bitmap_of(raw: Mapping[str, Any]) -> bytes:
    """The listed numbers of a raw exchange item (a lookup reads only ``b``); ``CorruptItem`` if unreadable."""
    pk = str((raw.get("pk") or {}).get("S"))
    with dynamodb("read a list's exchange", reading=pk):
        return _exchange(raw).bitmap


def _if_read(old: _Exchange | None) -> dict[str, Any]:
    """The condition that the item is still the one read (or still missing)."""
    if old is None:
        return {"ConditionExpression": "attribute_not_exists(pk)"}
    return {"ConditionExpression": "rev = :rev", "ExpressionAttributeValues": {":rev": _n(old.rev)}}


def _set_if_read(pk: str, old: _Exchange | None, action: str, fields: Mapping[str, dict[str, Any]]) -> bool:
    """Set ``fields`` on the exchange and count the write in ``rev``, on condition that it is still
    ``old`` as read (a missing one: created). False when it changed meanwhile (nothing written)."""
    if old is None:
        done = _conditional("put_item", action, Item={**_key(pk, EXCHANGE_SK), **fields, "rev": _n(1)},
                            **_if_read(None))
    else:
        sets = ", ".join(f"{name} = :{name}" for name in fields)
        done = _conditional(
            "update_item", action, Key=_key(pk, EXCHANGE_SK), UpdateExpression=f"SET {sets}, rev = :next",
            ConditionExpression="rev = :rev",
            ExpressionAttributeValues={**{f":{name}": value for name, value in fields.items()},
                                       ":next": _n(old.rev + 1), ":rev": _n(old.rev)})
    return done is not None


# --- full copies ---------------------------------------------------------------------------

def put_full(list_name: str, exchange: str, bitmap: bytes, version: date,
             policy: Backoff = CONFLICTS) -> ExchangeWrite | None:
    """The exchange's complete new copy, in one write (readers see the old copy or the new, never less).

    A staged bitmap of the same version (``stage``) is OR'ed in and removed. A replay of the same
    version writes nothing and answers the counts the first write stored. None: a newer copy is
    there (refused, nothing written)."""
    if len(bitmap) != BITMAP_BYTES:
        raise ValueError("a bitmap is 1,250 bytes")
    pk = exchange_pk(list_name, exchange)
    wanted = version_text(version)
    for _ in policy.attempts():
        old = _read_exchange(pk)
        if old is not None and old.version is not None and old.version > version:
            return None
        staged = old.staged if old is not None and old.staged_version == version else None
        if old is not None and old.version == version and staged is None:
            return ExchangeWrite(old.added, old.removed)  # a replay: the first write's counts
        new = union(bitmap, staged) if staged is not None else bytes(bitmap)
        if old is not None and old.version == version:  # a replay that finds a checkpoint left over
            new = union(new, old.bitmap)
            added, removed = old.added, old.removed
        else:
            added, removed = added_and_removed(old.bitmap if old is not None else None, new)
        item = {**_key(pk, EXCHANGE_SK), "v": {"S": wanted}, "b": {"B": new}, "n": _n(count(new)),
                "rev": _n((old.rev if old is not None else 0) + 1), "da": _n(added), "dr": _n(removed)}
        if _conditional("put_item", "write a list's exchange", Item=item, **_if_read(old)) is not None:
            return ExchangeWrite(added, removed)
    raise StorageUnavailable("could not write a list's exchange: it kept changing")


def stage(list_name: str, exchange: str, bitmap: bytes, version: date, policy: Backoff = CONFLICTS) -> None:
    """A checkpoint during a full import: ``bitmap`` OR'ed into the staged copy of ``version``
    (a staged copy of another version is replaced). Readers never see it."""
    if len(bitmap) != BITMAP_BYTES:
        raise ValueError("a bitmap is 1,250 bytes")
    pk = exchange_pk(list_name, exchange)
    for _ in policy.attempts():
        old = _read_exchange(pk)
        staged = union(old.staged, bitmap) if old is not None and old.staged is not None and \
            old.staged_version == version else bytes(bitmap)
        if _set_if_read(pk, old, "stage a list's exchange", {"nb": {"B": staged}, "nv": {"S": version_text(version)}}):
            return
    raise StorageUnavailable("could not stage a list's exchange: it kept changing")


# --- change records --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Change:
    """Change records applied to an exchange as read: what to write."""

    bitmap: bytearray
    written: ExchangeWrite
    newest: date  # the newest record applied (or the exchange's own, if newer)


def _change(old: _Exchange | None, records: Sequence[ChangeRecord]) -> _Change | None:
    """The one rule of ``apply_changes`` and ``apply_many``; None when no bit changes."""
    copy = old.version if old is not None else None
    new, added, removed = apply_records(old.bitmap if old is not None else _EMPTY, copy, records)
    if not added and not removed:
        return None
    newest = max(r.dated for r in records if record_applies(r, copy))
    if old is not None and old.changed is not None:
        newest = max(newest, old.changed)
    return _Change(new, ExchangeWrite(added, removed), newest)


def _write_change(pk: str, old: _Exchange | None, change: _Change) -> bool:
    return _set_if_read(pk, old, "change a list's exchange", {
        "b": {"B": bytes(change.bitmap)}, "n": _n(count(change.bitmap)), "d": {"S": version_text(change.newest)}})


def apply_changes(list_name: str, exchange: str, records: Sequence[ChangeRecord],
                  policy: Backoff = CONFLICTS) -> ExchangeWrite:
    """Change records of one exchange, in order: read (consistent), set/clear bits, one write
    conditional on the read (retried on a conflict). A record dated before the exchange's copy is
    skipped, and so is a D dated on the copy's own day; applying the same records again changes
    nothing (bits already set or clear)."""
    if any(record.exchange != exchange for record in records):
        raise ValueError("every record must be of the exchange")
    pk = exchange_pk(list_name, exchange)
    for _ in policy.attempts():
        old = _read_exchange(pk)
        change = _change(old, records)
        if change is None:
            return ExchangeWrite(0, 0)
        if old is None or old.version is None:
            # an exchange no full copy wrote: the area code's sweep must know of it
            _note_exchange(list_name, exchange)
        if _write_change(pk, old, change):
            return change.written
    raise StorageUnavailable("could not change a list's exchange: it kept changing")


def _note_exchange(list_name: str, exchange: str) -> None:
    _note_exchanges(list_name, exchange[:3], [exchange[3:]])


def _note_exchanges(list_name: str, npa: str, nxx: Collection[str]) -> None:
    with dynamodb("note a list's exchange"):
        _client().update_item(TableName=table_name(), Key=_key(area_pk(list_name, npa), AREA_SK),
                              UpdateExpression="ADD x :x", ExpressionAttributeValues={":x": {"SS": sorted(nxx)}})


class _ExchangeForWrite(ExchangeItem):
    """Exchange items read on the write path (the write's timeouts)."""

    class Meta(ExchangeItem.Meta):
        write_path = True


MAX_WORKERS = 8


def apply_many(list_name: str, records: Sequence[ChangeRecord], policy: Backoff = CONFLICTS) -> ExchangeWrite:
    """Change records of many exchanges (an entries request, a chunk of a change file): the exchanges
    read in BatchGetItem pages, each changed one written on condition of its read (an exchange whose
    write lost a race goes through ``apply_changes``). The same rules and counts as ``apply_changes``."""
    by_exchange: dict[str, list[ChangeRecord]] = {}
    for record in records:
        by_exchange.setdefault(record.exchange, []).append(record)
    if not by_exchange:
        return ExchangeWrite(0, 0)
    keys = {exchange_pk(list_name, exchange): exchange for exchange in by_exchange}
    pages = [list(keys)[i:i + BATCH_GET_LIMIT] for i in range(0, len(keys), BATCH_GET_LIMIT)]

    def read(page: list[str]) -> list[dict[str, Any]]:
        return batch_get(_ExchangeForWrite, [(pk, EXCHANGE_SK) for pk in page])

    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(pages))) as pool:
        found = {item["pk"]["S"]: item for items in pool.map(read, pages) for item in items}
    plans: list[tuple[str, _Exchange | None, _Change]] = []
    notes: dict[str, set[str]] = {}
    for pk, exchange in keys.items():
        raw = found.get(pk)
        if raw is None:
            old = None
        else:
            with dynamodb("read a list's exchange", reading=pk):
                old = _exchange(raw)
        change = _change(old, by_exchange[exchange])
        if change is None:
            continue
        if old is None or old.version is None:
            notes.setdefault(exchange[:3], set()).add(exchange[3:])
        plans.append((exchange, old, change))
    for npa, nxx in notes.items():  # before the exchanges: the sweep must never miss one
        _note_exchanges(list_name, npa, nxx)

    def write(plan: tuple[str, _Exchange | None, _Change]) -> ExchangeWrite:
        exchange, old, change = plan
        if _write_change(exchange_pk(list_name, exchange), old, change):
            return change.written
        return apply_changes(list_name, exchange, by_exchange[exchange], policy)  # lost a race: read again

    if not plans:
        return ExchangeWrite(0, 0)
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(plans))) as pool:
        written = list(pool.map(write, plans))
    return ExchangeWrite(sum(w.added for w in written), sum(w.removed for w in written))


# --- sweep and commit ------------------------------------------------------------------------

# An exchange the new copy does not have is deleted only if an older copy wrote it, or, if no copy
# did, if no change record dated on or after the new copy's day touched it.
_SWEPT = ("(attribute_exists(v) AND v < :v) OR "
          "(attribute_not_exists(v) AND (attribute_not_exists(d) OR d < :v))")


def sweep_area(list_name: str, npa: str, exchanges: Collection[str], version: date) -> ExchangeWrite:
    """After every ``put_full`` of a full copy: the area code's exchange items the new copy does not
    have are deleted (each on condition that it is older than the copy), then the area item says
    which exchanges it has. Answers the numbers removed."""
    if len(npa) != 3 or not npa.isdigit():
        raise ValueError("an area code is 3 digits")
    if any(len(x) != 6 or not x.startswith(npa) for x in exchanges):
        raise ValueError("every exchange must be of the area code")
    pk = area_pk(list_name, npa)
    wanted = version_text(version)
    raw = _get(pk, AREA_SK, "read a list's area code")
    with dynamodb("read a list's area code", reading=pk):
        had = set(raw["x"]["SS"]) if raw and "x" in raw else set()
        swept = version_of(raw["v"]["S"]) if raw and "v" in raw else None
    if swept is not None and swept > version:
        return ExchangeWrite(0, 0)  # a newer copy swept it already
    keep = {x[3:] for x in exchanges}
    removed, gone = 0, set()
    for nxx in sorted(had - keep):
        answer = _conditional("delete_item", "sweep a list's exchange", Key=_key(exchange_pk(list_name, npa + nxx),
                                                                                  EXCHANGE_SK),
                              ConditionExpression=_SWEPT, ExpressionAttributeValues={":v": {"S": wanted}},
                              ReturnValues="ALL_OLD", ReturnValuesOnConditionCheckFailure="ALL_OLD")
        if answer is not None:
            old = answer.get("Attributes")
            if old:
                with dynamodb("read a list's exchange", reading=exchange_pk(list_name, npa + nxx)):
                    removed += count(_exchange(old).bitmap)
            gone.add(nxx)
        elif _get(exchange_pk(list_name, npa + nxx), EXCHANGE_SK, "read a list's exchange") is None:
            gone.add(nxx)  # not there at all
    kept = (had - gone) | keep
    update = "SET v = :v, n = :n" + (" ADD x :keep" if keep else "")
    values: dict[str, Any] = {":v": {"S": wanted}, ":n": _n(len(kept))}
    if keep:
        values[":keep"] = {"SS": sorted(keep)}
    _conditional("update_item", "write a list's area code", Key=_key(pk, AREA_SK), UpdateExpression=update,
                 ConditionExpression="attribute_not_exists(v) OR v <= :v", ExpressionAttributeValues=values)
    if gone:
        _conditional("update_item", "write a list's area code", Key=_key(pk, AREA_SK),
                     UpdateExpression="DELETE x :gone", ConditionExpression="v = :v",
                     ExpressionAttributeValues={":gone": {"SS": sorted(gone)}, ":v": {"S": wanted}})
    return ExchangeWrite(0, removed)


def commit_copy(list_name: str, version: date, refreshed_at: datetime, added: int, removed: int) -> None:
    """The full copy is in force: ``LIST#<name>`` and the catalog get its version (unless a newer one
    is there), ``refreshed_at``, and ``entries += added - removed``."""
    if refreshed_at.tzinfo is None:
        raise ValueError("refreshed_at must be timezone-aware")
    _count(list_name, added - removed, (version_text(version), format_instant(refreshed_at)))


def count_changes(list_name: str, added: int, removed: int) -> None:
    """A change file (or an entries request) was applied: ``entries += added - removed``."""
    _count(list_name, added - removed, None)


def _count(list_name: str, delta: int, copy: tuple[str, str] | None) -> None:
    base = "SET entries = if_not_exists(entries, :zero) + :delta, rev = if_not_exists(rev, :zero) + :one"
    values: dict[str, Any] = {":zero": _n(0), ":delta": _n(delta), ":one": _n(1)}
    condition = "attribute_exists(pk)"
    answer = None
    if copy is not None:
        answer = _conditional(
            "update_item", "count a list's entries", Key=_key(list_pk(list_name), LIST),
            UpdateExpression=base + ", version = :v, refreshed_at = :r",
            ConditionExpression=condition + " AND (attribute_not_exists(version) OR version <= :v)",
            ExpressionAttributeValues={**values, ":v": {"S": copy[0]}, ":r": {"S": copy[1]}}, ReturnValues="ALL_NEW")
    if answer is None:
        answer = _conditional("update_item", "count a list's entries", Key=_key(list_pk(list_name), LIST),
                              UpdateExpression=base, ConditionExpression=condition,
                              ExpressionAttributeValues=values, ReturnValues="ALL_NEW")
    if answer is None:
        raise UnknownList(list_name)
    stored = answer["Attributes"]
    kind = stored.get("kind", {}).get("S")
    if kind in BULK_KINDS:
        _publish(list_name, stored)


def _summary(stored: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": {"S": stored["kind"]["S"]}, "entries": stored.get("entries", _n(0)),
                           "rev": stored.get("rev", _n(0))}
    for name in ("state", "version", "refreshed_at"):
        if name in stored:
            out[name] = {"S": stored[name]["S"]}
    return out


def _ensure_catalog() -> None:
    _conditional("put_item", "create the lists catalog",
                 Item={**_key(*CATALOG), "lists": {"M": {}}, "plan_rev": _n(0)},
                 ConditionExpression="attribute_not_exists(pk)")


def _publish(list_name: str, stored: Mapping[str, Any]) -> None:
    """The list's summary, in the catalog: only over an older one; a list new to it changes ``plan_rev``."""
    summary = {"M": _summary(stored)}
    names = {"#l": list_name}
    newer = _conditional("update_item", "write the lists catalog", Key=_key(*CATALOG),
                         UpdateExpression="SET lists.#l = :s", ConditionExpression="lists.#l.rev < :rev",
                         ExpressionAttributeNames=names,
                         ExpressionAttributeValues={":s": summary, ":rev": summary["M"]["rev"]})
    if newer is not None:
        return
    _ensure_catalog()
    _conditional("update_item", "write the lists catalog", Key=_key(*CATALOG),
                 UpdateExpression="SET lists.#l = :s ADD plan_rev :one",
                 ConditionExpression="attribute_not_exists(lists.#l)", ExpressionAttributeNames=names,
                 ExpressionAttributeValues={":s": summary, ":one": _n(1)})
    # a failed condition here: a summary at least as new is there already


def register(list_name: str) -> None:
    """A national or state list, in the catalog (``PUT`` of one): lookups read its exchanges from now."""
    answer = _conditional("update_item", "register a list", Key=_key(list_pk(list_name), LIST),
                          UpdateExpression="SET entries = if_not_exists(entries, :zero), rev = if_not_exists(rev, :zero)",
                          ConditionExpression="attribute_exists(pk)", ExpressionAttributeValues={":zero": _n(0)},
                          ReturnValues="ALL_NEW")
    if answer is None:
        raise UnknownList(list_name)
    stored = answer["Attributes"]
    if stored.get("kind", {}).get("S") in BULK_KINDS:
        _publish(list_name, stored)


# --- the catalog, as lookups read it ---------------------------------------------------------

@dataclass(frozen=True)
class BulkList:
    name: str
    kind: str
    state: str | None
    version: date | None  # the newest full copy's date (None: never fully imported)
    refreshed_at: str | None
    entries: int


@dataclass(frozen=True)
class Catalog:
    plan_rev: int
    lists: tuple[BulkList, ...]  # by name

    @property
    def names(self) -> frozenset[str]:
        return frozenset(bulk.name for bulk in self.lists)


EMPTY_CATALOG = Catalog(0, ())


def catalog_of(raw: Mapping[str, Any] | None) -> Catalog:
    """The catalog as stored (None: never written); ``CorruptItem`` if it cannot be read."""
    if raw is None:
        return EMPTY_CATALOG
    with dynamodb("read the lists catalog", reading=CATALOG_KEY):
        lists = []
        for name, entry in sorted(raw.get("lists", {"M": {}})["M"].items()):
            fields = entry["M"]
            lists.append(BulkList(
                name=name, kind=fields["kind"]["S"], state=fields["state"]["S"] if "state" in fields else None,
                version=version_of(fields["version"]["S"]) if "version" in fields else None,
                refreshed_at=fields["refreshed_at"]["S"] if "refreshed_at" in fields else None,
                entries=int(fields.get("entries", {"N": "0"})["N"])))
        return Catalog(int(raw.get("plan_rev", {"N": "0"})["N"]), tuple(lists))


def read_catalog() -> Catalog:
    return catalog_of(_get(*CATALOG, "read the lists catalog"))


_plan_lock = threading.Lock()
_plan: Catalog | None = None


def planned() -> Catalog | None:
    """The catalog as this container last read it: the bulk lists whose exchanges a lookup asks for."""
    return _plan


def replan(catalog: Catalog) -> bool:
    """Keep ``catalog`` as the plan; True when the bulk lists changed (the keys to read changed)."""
    global _plan
    with _plan_lock:
        changed = _plan is None or _plan.plan_rev != catalog.plan_rev or _plan.names != catalog.names
        _plan = catalog
    return changed


def forget_plan() -> None:
    global _plan
    with _plan_lock:
        _plan = None
