"""Contacts in the table: one state item per address, its history, its idempotency marks.

Key design (see docs/storage.md):

- ``pk = C#<keyed hash of the address>`` names a contact. The address itself is only an
  attribute, so erasure can drop it while the opt-outs stay findable under the same key.
- ``sk = STATE``: everything a decision needs, in one item, so a lookup is one GetItem and a
  batch is BatchGetItem. ``version`` guards read-modify-write; suppression-list memberships
  are a string set changed with ADD/DELETE and never rewritten by fact writes.
- ``sk = H#<occurred_at>#<recorded_at>#<id>``: the history, in ``occurred_at`` order.
- ``sk = I#<id>``: the idempotency mark of a write, committed in the same transaction.
"""
from __future__ import annotations

import base64
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.transactions import TransactWrite

from ..settings import get_settings
from .table import RegistryModel, write_connection

_settings = get_settings()

STATE = "STATE"
HISTORY_PREFIX = "H#"
MARK_PREFIX = "I#"
BATCH_GET_LIMIT = 100
MEMBERSHIP_TRIES = 8  # a membership change retried after a TransactionConflict


class StorageUnavailable(Exception):
    """DynamoDB could not be read or written (timeouts, throttling, 5xx, unprocessed keys)."""


class CorruptItem(StorageUnavailable):
    """A stored item that cannot be read (not JSON where JSON belongs, an attribute of the wrong
    type): the registry cannot answer for that contact. A batch read reports it for that key alone."""


# What deserialising a damaged item raises (json.loads, int(), a missing or mistyped attribute).
_UNREADABLE = (ValueError, TypeError, KeyError, AttributeError)


class VersionConflict(Exception):
    """Another writer changed the contact first: re-read and try again."""


class DuplicateWrite(Exception):
    """The idempotency mark exists: this write was applied before."""

    def __init__(self, mark: "IdempotencyMark"):
        super().__init__(mark.sk)
        self.mark = mark


class AlreadyMember(Exception):
    """The address is already on that suppression list: nothing to change."""


class NotMember(Exception):
    """The address is not on that suppression list: nothing to change."""


class ContactItem(RegistryModel):
    address = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    state = JSONAttribute(null=True)
    suppressions = UnicodeSetAttribute(null=True)  # "kind:list-name"
    created_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    erased_at = UnicodeAttribute(null=True)


class HistoryEntry(RegistryModel):
    type = UnicodeAttribute()
    fact_id = UnicodeAttribute(null=True)
    occurred_at = UnicodeAttribute()
    recorded_at = UnicodeAttribute()
    source = UnicodeAttribute(null=True)
    actor = UnicodeAttribute(null=True)
    data = JSONAttribute(null=True)


class IdempotencyMark(RegistryModel):
    request_hash = UnicodeAttribute()
    record = JSONAttribute()
    created_at = UnicodeAttribute()


@dataclass(frozen=True)
class Snapshot:
    """A contact's state item as read, with the version a write must still find."""

    pk: str
    address: str | None
    kind: str | None
    version: int
    state: dict[str, Any]
    suppressions: frozenset[str]
    erased_at: str | None

    @classmethod
    def of(cls, item: ContactItem) -> "Snapshot":
        return cls(pk=item.pk, address=item.address, kind=item.kind, version=int(item.version or 0),
                   state=item.state or {}, suppressions=frozenset(item.suppressions or ()),
                   erased_at=item.erased_at)


@dataclass(frozen=True)
class HistoryRecord:
    sk: str
    type: str
    fact_id: str | None
    occurred_at: str
    recorded_at: str
    source: str | None
    data: dict[str, Any] | None
    actor: str | None = None


@dataclass(frozen=True)
class MarkRecord:
    id: str
    request_hash: str
    record: dict[str, Any]
    created_at: str
    expires_at_epoch: int


def contact_pk(address_hash: str) -> str:
    return f"C#{address_hash}"


def history_sk(occurred_at: str, recorded_at: str, fact_id: str) -> str:
    return f"{HISTORY_PREFIX}{occurred_at}#{recorded_at}#{fact_id}"


def _wrap(err: Exception) -> StorageUnavailable:
    return StorageUnavailable(type(err).__name__)


# --- reads -----------------------------------------------------------------------------------

def load(pk: str) -> Snapshot | None:
    """One GetItem, strongly consistent: an opt-out written a moment ago must already count."""
    try:
        item = ContactItem.get(pk, STATE, consistent_read=True)
    except ContactItem.DoesNotExist:
        return None
    except (PynamoDBException, OSError) as err:
        raise _wrap(err) from err
    except _UNREADABLE as err:
        raise CorruptItem(pk) from err
    return _snapshot(item)


def _snapshot(item: ContactItem) -> Snapshot:
    try:
        return Snapshot.of(item)
    except _UNREADABLE as err:
        raise CorruptItem(item.pk) from err


class ContactItemForWrite(ContactItem):
    """The same item, read with the write path's timeouts: the read before a write may wait as long
    as the write will (a lookup's fail-fast timeouts would turn a busy moment into a failed write)."""

    class Meta(ContactItem.Meta):
        connect_timeout_seconds = _settings.write_connect_timeout
        read_timeout_seconds = _settings.write_timeout
        max_retry_attempts = max(_settings.write_max_attempts - 1, 0)


def load_for_write(pk: str) -> Snapshot | None:
    try:
        item = ContactItemForWrite.get(pk, STATE, consistent_read=True)
    except ContactItemForWrite.DoesNotExist:
        return None
    except (PynamoDBException, OSError) as err:
        raise _wrap(err) from err
    except _UNREADABLE as err:
        raise CorruptItem(pk) from err
    return _snapshot(item)


def load_many(pks: Sequence[str], max_attempts: int = 6) -> dict[str, Snapshot | CorruptItem]:
    """BatchGetItem in pages of 100, run concurrently; UnprocessedKeys retried with jittered backoff.

    An item that cannot be read is a ``CorruptItem`` under its key, never the whole batch's failure."""
    unique = list(dict.fromkeys(pks))
    if not unique:
        return {}
    pages = [unique[i:i + BATCH_GET_LIMIT] for i in range(0, len(unique), BATCH_GET_LIMIT)]
    workers = max(1, min(len(pages), get_settings().batch_get_concurrency))
    found: dict[str, Snapshot | CorruptItem] = {}
    if len(pages) == 1:
        results = [_load_page(pages[0], max_attempts)]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(lambda page: _load_page(page, max_attempts), pages))
    for items in results:
        for pk, item in items:
            if isinstance(item, CorruptItem):
                found[pk] = item
                continue
            try:
                found[pk] = _snapshot(item)
            except CorruptItem as err:
                found[pk] = err
    return found


def _from_raw(raw: dict[str, Any]) -> tuple[str, ContactItem | CorruptItem]:
    pk = str((raw.get("pk") or {}).get("S"))
    try:
        return pk, ContactItem.from_raw_data(raw)
    except _UNREADABLE as err:
        corrupt = CorruptItem(pk)
        corrupt.__cause__ = err
        return pk, corrupt


def _load_page(pks: Sequence[str], max_attempts: int) -> list[tuple[str, ContactItem | CorruptItem]]:
    connection = ContactItem._get_connection()
    table = ContactItem.Meta.table_name
    keys: list[dict[str, str]] = [{"pk": pk, "sk": STATE} for pk in pks]
    items: list[tuple[str, ContactItem | CorruptItem]] = []
    for attempt in range(max_attempts):
        try:
            data = connection.batch_get_item(keys, consistent_read=True)
        except (PynamoDBException, OSError) as err:
            raise _wrap(err) from err
        items.extend(_from_raw(raw) for raw in data.get("Responses", {}).get(table, []))
        unprocessed = data.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
        if not unprocessed:
            return items
        keys = [{name: value["S"] for name, value in key.items()} for key in unprocessed]
        if attempt + 1 < max_attempts:
            time.sleep(random.uniform(0, 0.02 * (2 ** attempt)))  # full jitter: 20 ms, 40 ms, 80 ms...
    raise StorageUnavailable(f"{len(keys)} keys still unprocessed after {max_attempts} attempts")


def get_mark(pk: str, request_id: str) -> IdempotencyMark | None:
    try:
        return IdempotencyMark.get(pk, MARK_PREFIX + request_id, consistent_read=True)
    except IdempotencyMark.DoesNotExist:
        return None
    except (PynamoDBException, OSError) as err:
        raise _wrap(err) from err
    except _UNREADABLE as err:
        raise CorruptItem(pk) from err


def history_page(pk: str, cursor: str | None, limit: int) -> tuple[list[HistoryEntry], str | None]:
    """One page of history, oldest first; the cursor is the opaque last sort key of the page."""
    start = {"pk": {"S": pk}, "sk": {"S": decode_cursor(cursor)}} if cursor else None
    try:
        result = HistoryEntry.query(pk, HistoryEntry.sk.startswith(HISTORY_PREFIX), consistent_read=True,
                                    limit=limit, last_evaluated_key=start)
        entries = list(result)
    except (PynamoDBException, OSError) as err:
        raise _wrap(err) from err
    except _UNREADABLE as err:
        raise CorruptItem(pk) from err
    last = result.last_evaluated_key
    return entries, encode_cursor(last["sk"]["S"]) if last else None


def all_items(pk: str) -> Iterable[dict[str, Any]]:
    """Every item of a contact (state, history, marks): for erasure. Follows pagination."""
    connection = ContactItem._get_connection()
    start = None
    while True:
        try:
            page = connection.query(pk, exclusive_start_key=start, consistent_read=True)
        except (PynamoDBException, OSError) as err:
            raise _wrap(err) from err
        yield from page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def encode_cursor(sk: str) -> str:
    return base64.urlsafe_b64encode(sk.encode()).decode().rstrip("=")


class BadCursor(ValueError):
    """A history cursor this registry did not give out."""


def decode_cursor(cursor: str) -> str:
    try:
        sk = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise BadCursor(cursor) from None
    if not sk.startswith(HISTORY_PREFIX):
        raise BadCursor(cursor)
    return sk


# --- writes ----------------------------------------------------------------------------------

def commit(snapshot_pk: str, expected_version: int, address: str | None, kind: str, state: dict[str, Any],
           now: str, history: Sequence[HistoryRecord], mark: MarkRecord | None,
           erased_at: str | None = None, clear_address: bool = False) -> int:
    """State change, history entries and idempotency mark: one transaction, all or nothing.

    Raises VersionConflict when another writer got there first, DuplicateWrite when the mark exists.
    """
    new_version = expected_version + 1
    contact = ContactItem(snapshot_pk, STATE)
    actions = [ContactItem.state.set(state), ContactItem.version.set(new_version), ContactItem.kind.set(kind),
               ContactItem.updated_at.set(now), ContactItem.created_at.set(ContactItem.created_at | now)]
    if clear_address:
        actions.append(ContactItem.address.remove())
    elif address is not None:
        actions.append(ContactItem.address.set(address))
    if erased_at is not None:
        actions.append(ContactItem.erased_at.set(erased_at))
    elif address is not None:
        actions.append(ContactItem.erased_at.remove())
    condition = (ContactItem.version.does_not_exist() if expected_version == 0
                 else ContactItem.version == expected_version)
    try:
        with TransactWrite(connection=write_connection()) as tx:
            tx.update(contact, actions=actions, condition=condition)
            for entry in history:
                tx.save(_history_item(snapshot_pk, entry), condition=HistoryEntry.sk.does_not_exist())
            if mark is not None:
                tx.save(_mark_item(snapshot_pk, mark), condition=IdempotencyMark.sk.does_not_exist())
    except TransactWriteError as err:
        _raise_for_cancellation(err, snapshot_pk, mark, has_history=len(history))
    except (PynamoDBException, OSError) as err:
        raise _wrap(err) from err
    return new_version


def _raise_for_cancellation(err: TransactWriteError, pk: str, mark: MarkRecord | None, has_history: int) -> None:
    # PynamoDB sends a transaction's actions grouped by kind, whatever order they were added in:
    # condition checks, deletes, puts, updates. Here: the history puts, the mark put, the state update.
    reasons = [getattr(r, "code", None) for r in (err.cancellation_reasons or [])]
    mark_index = has_history
    state_index = has_history + (1 if mark is not None else 0)
    if mark is not None and len(reasons) > mark_index and reasons[mark_index] == "ConditionalCheckFailed":
        existing = get_mark(pk, mark.id)
        if existing is not None:
            raise DuplicateWrite(existing) from err
    if len(reasons) > state_index and reasons[state_index] == "ConditionalCheckFailed":
        raise VersionConflict(pk) from err
    if "TransactionConflict" in reasons:
        raise VersionConflict(pk) from err
    raise _wrap(err) from err


def _history_item(pk: str, entry: HistoryRecord) -> HistoryEntry:
    return HistoryEntry(pk, entry.sk, type=entry.type, fact_id=entry.fact_id, occurred_at=entry.occurred_at,
                        recorded_at=entry.recorded_at, source=entry.source, data=entry.data, actor=entry.actor)


def _mark_item(pk: str, mark: MarkRecord) -> IdempotencyMark:
    return IdempotencyMark(pk, MARK_PREFIX + mark.id, request_hash=mark.request_hash, record=mark.record,
                           created_at=mark.created_at, expires_at_epoch=mark.expires_at_epoch)


def change_membership(pk: str, address: str, kind: str, member: str, add: bool, now: str,
                      history: HistoryRecord) -> None:
    """Add or remove one list membership with its history entry, atomically.

    Memberships live in a string set changed with ADD/DELETE, so they never race fact writes,
    which rewrite only ``state`` under the version check. DynamoDB may still cancel it with
    TransactionConflict while a fact write holds the item: that is retried.
    """
    contact = ContactItem(pk, STATE)
    if add:
        actions = [ContactItem.suppressions.add({member}), ContactItem.updated_at.set(now),
                   ContactItem.kind.set(ContactItem.kind | kind), ContactItem.created_at.set(ContactItem.created_at | now)]
        if address:
            actions.append(ContactItem.address.set(ContactItem.address | address))
        condition = ~ContactItem.suppressions.contains(member)
    else:
        actions = [ContactItem.suppressions.delete({member}), ContactItem.updated_at.set(now)]
        condition = ContactItem.suppressions.contains(member)
    for attempt in range(MEMBERSHIP_TRIES):
        try:
            with TransactWrite(connection=write_connection()) as tx:
                tx.update(contact, actions=actions, condition=condition)
                tx.save(_history_item(pk, history), condition=HistoryEntry.sk.does_not_exist())
            return
        except TransactWriteError as err:
            # PynamoDB sends puts before updates: [history put, membership update]
            reasons = [getattr(r, "code", None) for r in (err.cancellation_reasons or [])]
            if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
                raise (AlreadyMember if add else NotMember)(pk) from err
            # Another transaction (a fact write) held the item at that moment: nothing was applied.
            if "TransactionConflict" in reasons and attempt + 1 < MEMBERSHIP_TRIES:
                time.sleep(random.uniform(0, 0.01 * (2 ** attempt)))
                continue
            raise _wrap(err) from err
        except (PynamoDBException, OSError) as err:
            raise _wrap(err) from err


def save_history(entry: HistoryEntry) -> None:
    """Rewrite one history entry (erasure strips free-text notes from the opt-outs it keeps)."""
    try:
        entry.save()
    except (PynamoDBException, OSError) as err:
        raise _wrap(err) from err


def delete_items(keys: Iterable[tuple[str, str]]) -> None:
    """Delete items in batches of 25 (PynamoDB's BatchWrite resends UnprocessedItems)."""
    try:
        with HistoryEntry.batch_write() as batch:
            for pk, sk in keys:
                batch.delete(HistoryEntry(pk, sk))
    except (PynamoDBException, OSError) as err:
        raise _wrap(err) from err
