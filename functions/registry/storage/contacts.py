"""Contacts in the table: one state item per address, its history, its idempotency marks.

Key design (see docs/storage.md):

- ``pk = C#<keyed hash of the address>`` names a contact. The address itself is only an
  attribute, so erasure can drop it while the opt-outs stay findable under the same key.
- ``sk = STATE``: everything a decision needs, in one item, so a lookup is one GetItem and a
  batch is BatchGetItem. ``version`` guards read-modify-write; suppression-list memberships
  are a string set changed with ADD/DELETE and never rewritten by fact writes.
- ``sk = H#<occurred_at>#<recorded_at>#<id>``: the history, in ``occurred_at`` order.
- ``sk = R#<pk of another contact>``: that contact links to this address (its preferences'
  ``linked_addresses``), written in the transaction that links it, so erasure finds who names
  the address without a scan.
- ``sk = CR#<sent at>#<id>``: a consent request (rev. 2: a double opt-in question sent by SMS),
  written with its history entry; it expires (table TTL) a day after the 7 days a YES may answer it.
- ``pk = IDEM#<keyed hash of a request id>, sk = IDEM``: the idempotency mark of a write,
  committed in the same transaction. One per id in the whole registry, whatever the address,
  and it holds no personal data (a keyed hash of the request, the time, a request token), so
  erasure keeps it and a replayed request stays a duplicate.
"""
from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.constants import NULL
from pynamodb.exceptions import AttributeDeserializationError
from pynamodb.expressions.update import Action
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection

from ..retry import CONFLICTS, UNPROCESSED, Backoff
from .errors import ConditionFailed, CorruptItem, StorageError, StorageUnavailable, dynamodb
from .operations import (
    BATCH_GET_LIMIT,
    CONDITION_FAILED,
    TRANSACTION_CONFLICT,
    Cancellation,
    Transaction,
    TransactionCancelled,
    batch_delete,
    batch_get,
    read_pages,
)
from .table import RegistryModel

__all__ = ["CorruptItem", "StorageError", "StorageUnavailable"]  # storage's errors, re-exported for callers

STATE = "STATE"
HISTORY_PREFIX = "H#"
LINKED_FROM_PREFIX = "R#"
CONSENT_REQUEST_PREFIX = "CR#"
MARK_PK_PREFIX = "IDEM#"
MARK_SK = "IDEM"
LEGACY_MARK_PREFIX = "I#"  # marks once lived in the contact's partition, with the first answer


class VersionConflict(ConditionFailed):
    """Another writer changed the contact first: re-read and try again."""


class DuplicateWrite(ConditionFailed):
    """The idempotency mark exists: this write was applied before."""

    def __init__(self, mark: StoredMark):
        super().__init__("duplicate")
        self.mark = mark


class AlreadyMember(ConditionFailed):
    """The address is already on that suppression list: nothing to change."""


class NotMember(ConditionFailed):
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
    # The fact whose write changed the item last ({type, id, occurred_at, recorded_at}): the cause a
    # change event names (the stream shows the item, not the history entry written with it).
    last_change = JSONAttribute(null=True)
    # When a list membership on the item last changed (``change_membership``): the violations report
    # reads a contact's history only when it changed after an attempt. Absent on older items.
    memberships_changed_at = UnicodeAttribute(null=True)


class AttemptsByDay(GlobalSecondaryIndex):
    """The sparse index of attempts' history entries (template.yaml; storage.attempt_index reads it)."""

    class Meta:
        index_name = "AttemptsByDay"
        projection = IncludeProjection(["type", "fact_id", "occurred_at", "recorded_at", "data"])

    attempt_day = UnicodeAttribute(hash_key=True)
    attempt_at = UnicodeAttribute(range_key=True)


class HistoryEntry(RegistryModel):
    type = UnicodeAttribute()
    fact_id = UnicodeAttribute(null=True)
    occurred_at = UnicodeAttribute()
    recorded_at = UnicodeAttribute()
    source = UnicodeAttribute(null=True)
    actor = UnicodeAttribute(null=True)
    data = JSONAttribute(null=True)
    # An attempt's entry only: the keys of the sparse index ``AttemptsByDay`` (storage.attempt_index)
    attempt_day = UnicodeAttribute(null=True)
    attempt_at = UnicodeAttribute(null=True)
    attempts_by_day = AttemptsByDay()


class IdempotencyMark(RegistryModel):
    """No address, no evidence: what tells a retry (same body), a conflict (another body) and a
    lost answer (the same request token) apart."""

    request_hash = UnicodeAttribute()  # keyed hash of the request as recorded
    type = UnicodeAttribute(null=True)  # the fact type it recorded
    token = UnicodeAttribute(null=True)  # the request that wrote it
    created_at = UnicodeAttribute()  # when it was recorded (the record's recorded_at)


class ConsentRequestItem(RegistryModel):
    """``pk = C#<address hash>``, ``sk = CR#<sent at>#<id>``: the request as the domain writes it."""

    data = JSONAttribute()


@dataclass(frozen=True)
class SideItem:
    """An item in the contact's partition written with a fact (a consent request): its sort key,
    its document, when the table may drop it."""

    sk: str
    data: dict[str, Any]
    expires_at_epoch: int | None = None


def consent_request_sk(sent_at: str, request_id: str) -> str:
    return f"{CONSENT_REQUEST_PREFIX}{sent_at}#{request_id}"


class LinkedFrom(RegistryModel):
    """``pk = C#<linked address>``, ``sk = R#<pk of the contact that links to it>``."""


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
    last_change: dict[str, Any] | None = None
    updated_at: str | None = None  # when the item last changed (every write sets it)
    memberships_changed_at: str | None = None  # when a membership last changed (absent on older items)

    @classmethod
    def of(cls, item: ContactItem) -> Snapshot:
        return cls(pk=item.pk, address=item.address, kind=item.kind, version=int(item.version or 0),
                   state=item.state or {}, suppressions=frozenset(item.suppressions or ()),
                   erased_at=item.erased_at, last_change=item.last_change, updated_at=item.updated_at,
                   memberships_changed_at=item.memberships_changed_at)


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
    indexed: bool = False  # an attempt: findable by the day it occurred (the ``AttemptsByDay`` index)


@dataclass(frozen=True)
class MarkRecord:
    key: str  # the keyed hash of the request id
    request_hash: str
    type: str
    token: str
    created_at: str
    expires_at_epoch: int


@dataclass(frozen=True)
class StoredMark:
    request_hash: str
    type: str | None
    token: str | None
    created_at: str

    @classmethod
    def of(cls, item: IdempotencyMark) -> StoredMark:
        return cls(item.request_hash, item.type, item.token, item.created_at)


def contact_pk(address_hash: str) -> str:
    return f"C#{address_hash}"


def mark_pk(key: str) -> str:
    return MARK_PK_PREFIX + key


def linked_from_sk(contact: str) -> str:
    return LINKED_FROM_PREFIX + contact


def history_sk(occurred_at: str, recorded_at: str, fact_id: str) -> str:
    return f"{HISTORY_PREFIX}{occurred_at}#{recorded_at}#{fact_id}"


# --- reads -----------------------------------------------------------------------------------

def load(pk: str) -> Snapshot | None:
    """One GetItem, strongly consistent: an opt-out written a moment ago must already count."""
    with dynamodb("read a contact", reading=pk):
        try:
            return Snapshot.of(ContactItem.get(pk, STATE, consistent_read=True))
        except ContactItem.DoesNotExist:
            return None


class ContactItemForWrite(ContactItem):
    """The same item, read with the write path's timeouts: the read before a write may wait as long
    as the write will (a lookup's fail-fast timeouts would turn a busy moment into a failed write)."""

    class Meta(ContactItem.Meta):
        write_path = True


def load_for_write(pk: str) -> Snapshot | None:
    with dynamodb("read a contact before writing it", reading=pk):
        try:
            return Snapshot.of(ContactItemForWrite.get(pk, STATE, consistent_read=True))
        except ContactItemForWrite.DoesNotExist:
            return None


def load_many(pks: Sequence[str], policy: Backoff = UNPROCESSED) -> dict[str, Snapshot | CorruptItem]:
    """BatchGetItem in pages of 100, run concurrently; UnprocessedKeys asked for again under ``policy``.

    An item that cannot be read is a ``CorruptItem`` under its key, never the whole batch's failure."""
    unique = list(dict.fromkeys(pks))
    if not unique:
        return {}
    pages = [unique[i:i + BATCH_GET_LIMIT] for i in range(0, len(unique), BATCH_GET_LIMIT)]
    results = read_pages(lambda page: _load_page(page, policy), pages)
    return {pk: snapshot for found in results for pk, snapshot in found}


def snapshot_from_raw(raw: dict[str, Any]) -> tuple[str, Snapshot | CorruptItem]:
    """A raw state item (from a BatchGetItem) as a snapshot, or the ``CorruptItem`` it is."""
    return _from_raw(raw)


def _from_raw(raw: dict[str, Any]) -> tuple[str, Snapshot | CorruptItem]:
    pk = str((raw.get("pk") or {}).get("S"))
    try:
        with dynamodb("read a contact", reading=pk):
            return pk, _snapshot_of(_state_values(raw))
    except CorruptItem as corrupt:
        return pk, corrupt


# (attribute name, DynamoDB type, deserialise) of every ContactItem attribute, read once: a batch
# of 1,000 contacts reads them without making 1,000 PynamoDB models (a third of its reading time).
_STATE_ATTRIBUTES = tuple((attr.attr_name, attr.attr_type, attr.deserialize)
                          for attr in ContactItem.get_attributes().values())


def _state_values(raw: dict[str, Any]) -> dict[str, Any]:
    """The attribute values of a raw state item exactly as ``ContactItem.from_raw_data`` reads them:
    an attribute absent, empty or NULL is left out, one of another type than its own raises
    (``AttributeDeserializationError``, a ``TypeError``), JSON and numbers are decoded the same way.
    ``test_state_values_read_as_pynamodb_does`` compares the two."""
    values: dict[str, Any] = {}
    for name, attr_type, deserialize in _STATE_ATTRIBUTES:
        stored = raw.get(name)
        if stored and NULL not in stored:
            if attr_type not in stored:
                raise AttributeDeserializationError(name, attr_type)
            values[name] = deserialize(stored[attr_type])
    return values


def _snapshot_of(values: dict[str, Any]) -> Snapshot:
    """``Snapshot.of`` for the values ``_state_values`` read."""
    get = values.get
    return Snapshot(pk=cast(str, get("pk")), address=get("address"), kind=get("kind"), version=int(get("version") or 0),
                    state=get("state") or {}, suppressions=frozenset(get("suppressions") or ()),
                    erased_at=get("erased_at"), last_change=get("last_change"), updated_at=get("updated_at"),
                    memberships_changed_at=get("memberships_changed_at"))


def from_image(image: dict[str, Any]) -> Snapshot:
    """A state item as a DynamoDB stream shows it (the same typed form as the API's): ``CorruptItem``
    if it cannot be read."""
    pk = str((image.get("pk") or {}).get("S"))
    with dynamodb("read a contact from the table's stream", reading=pk):
        return Snapshot.of(ContactItem.from_raw_data(image))


def _load_page(pks: Sequence[str], policy: Backoff) -> list[tuple[str, Snapshot | CorruptItem]]:
    return [_from_raw(raw) for raw in batch_get(ContactItem, [(pk, STATE) for pk in pks], policy=policy)]


class _MarkForWrite(IdempotencyMark):
    """The mark read on the write path (after a cancelled transaction): the write's timeouts."""

    class Meta(IdempotencyMark.Meta):
        write_path = True


def get_mark(key: str) -> StoredMark | None:
    with dynamodb("read an idempotency mark", reading=mark_pk(key)):
        try:
            return StoredMark.of(_MarkForWrite.get(mark_pk(key), MARK_SK, consistent_read=True))
        except _MarkForWrite.DoesNotExist:
            return None


def linked_from(pk: str) -> list[str]:
    """The contacts whose preferences link to this one (their pks), from the ``R#`` items."""
    with dynamodb("read the contacts that link to a contact"):
        return [item.sk[len(LINKED_FROM_PREFIX):] for item in
                LinkedFrom.query(pk, LinkedFrom.sk.startswith(LINKED_FROM_PREFIX), consistent_read=True)]


def consent_requests(pk: str, sent_from: str, sent_until: str) -> list[dict[str, Any]]:
    """The consent requests sent in [``sent_from``, ``sent_until``] (sortable instants), oldest first."""
    with dynamodb("read a contact's consent requests", reading=pk):
        items = ConsentRequestItem.query(
            pk, ConsentRequestItem.sk.between(CONSENT_REQUEST_PREFIX + sent_from, CONSENT_REQUEST_PREFIX + sent_until + "~"),
            consistent_read=True)
        out = []
        for item in items:
            if not isinstance(item.data, dict):
                raise TypeError("a consent request is not a JSON object")
            out.append(item.data)
        return out


def history_page(pk: str, cursor: str | None, limit: int) -> tuple[list[HistoryEntry], str | None]:
    """One page of history, oldest first; the cursor is the opaque last sort key of the page."""
    start = {"pk": {"S": pk}, "sk": {"S": decode_cursor(cursor)}} if cursor else None
    with dynamodb("read a contact's history", reading=pk):
        result = HistoryEntry.query(pk, HistoryEntry.sk.startswith(HISTORY_PREFIX), consistent_read=True,
                                    limit=limit, last_evaluated_key=start)
        entries = list(result)
    last = result.last_evaluated_key
    return entries, encode_cursor(last["sk"]["S"]) if last else None


def history(pk: str, page_size: int = 500) -> list[HistoryEntry]:
    """Every history entry of a contact, oldest first (a replay's read: one Query, paged)."""
    out: list[HistoryEntry] = []
    cursor: str | None = None
    while True:
        entries, cursor = history_page(pk, cursor, page_size)
        out += entries
        if cursor is None:
            return out


def all_items(pk: str) -> Iterable[dict[str, Any]]:
    """Every item of a contact (state, history, marks): for erasure. Follows pagination."""
    connection = ContactItem._get_connection()
    start = None
    while True:
        with dynamodb("read a contact's items"):
            page = connection.query(pk, exclusive_start_key=start, consistent_read=True)
        yield from page.get("Items", [])
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def history_entry(raw: dict[str, Any]) -> HistoryEntry:
    """A raw history item (from ``all_items``) as an entry; ``CorruptItem`` if it cannot be read."""
    with dynamodb("read a history entry", reading=str((raw.get("pk") or {}).get("S"))):
        return HistoryEntry.from_raw_data(raw)


def encode_cursor(sk: str) -> str:
    return base64.urlsafe_b64encode(sk.encode()).decode().rstrip("=")


class BadCursor(StorageError, ValueError):
    """A history cursor this registry did not give out (the caller's mistake: a 400, not a 503)."""


def decode_cursor(cursor: str) -> str:
    try:
        sk = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        raise BadCursor(cursor) from None
    if not sk.startswith(HISTORY_PREFIX):
        raise BadCursor(cursor)
    return sk


# --- writes ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LinkChange:
    """Contact ``contact`` starts (``add``) or stops linking to the address whose pk is ``target``:
    the ``R#<contact>`` item in the target's partition is put or deleted."""

    target: str
    contact: str
    add: bool


def commit(snapshot_pk: str, expected_version: int, address: str | None, kind: str, state: dict[str, Any],
           now: str, history: Sequence[HistoryRecord], mark: MarkRecord | None,
           erased_at: str | None = None, clear_address: bool = False, links: Sequence[LinkChange] = (),
           side_items: Sequence[SideItem] = ()) -> int:
    """State change, history entries, idempotency mark and reverse links: one transaction, all or nothing.

    ``erased_at`` stamps the contact's erasure; it stays on the item for good (later writes never
    remove it), so facts dated before it can be told apart from those of a person who came back.

    Raises VersionConflict when another writer got there first, DuplicateWrite when the mark exists.
    """
    new_version = expected_version + 1
    contact = ContactItem(snapshot_pk, STATE)
    actions = [ContactItem.state.set(state), ContactItem.version.set(new_version), ContactItem.kind.set(kind),
               ContactItem.updated_at.set(now), ContactItem.created_at.set(ContactItem.created_at | now),
               _last_change(history)]
    if clear_address:
        actions.append(ContactItem.address.remove())
    elif address is not None:
        actions.append(ContactItem.address.set(address))
    if erased_at is not None:
        actions.append(ContactItem.erased_at.set(erased_at))
    condition = (ContactItem.version.does_not_exist() if expected_version == 0
                 else ContactItem.version == expected_version)
    tx = Transaction("write a contact")
    tx.update("state", contact, actions, condition)
    for entry in history:
        tx.put("history", _history_item(snapshot_pk, entry), condition=HistoryEntry.sk.does_not_exist())
    if mark is not None:
        tx.put("mark", _mark_item(mark), condition=IdempotencyMark.sk.does_not_exist())
    for side in side_items:
        tx.put("side", ConsentRequestItem(snapshot_pk, side.sk, data=side.data, expires_at_epoch=side.expires_at_epoch))
    for link in links:
        item = LinkedFrom(link.target, linked_from_sk(link.contact))
        if link.add:
            tx.put("link", item)
        else:
            tx.delete("link", item)
    try:
        tx.commit()
    except TransactionCancelled as err:
        _read_cancellation(err, snapshot_pk, mark)  # returns only if it was applied
    return new_version


def last_change(entry: HistoryRecord) -> dict[str, Any]:
    """What the state item says of the write that changed it: the fact's type, id and times; no data."""
    return {"type": entry.type, "id": entry.fact_id, "occurred_at": entry.occurred_at,
            "recorded_at": entry.recorded_at}


def _last_change(history: Sequence[HistoryRecord]) -> Action:
    """The first history entry is the write's own fact (those it implies follow it)."""
    return ContactItem.last_change.set(last_change(history[0])) if history else ContactItem.last_change.remove()


def _read_cancellation(err: TransactionCancelled, pk: str, mark: MarkRecord | None) -> None:
    """Raises what a cancelled commit means; returns when it means "this write was applied before"."""
    cancelled = err.cancellation
    if mark is not None and cancelled.condition_failed("mark"):
        existing = get_mark(mark.key)
        if existing is not None:
            raise DuplicateWrite(existing) from err
    if mark is None and cancelled.condition_failed("history"):
        # History keys carry this write's own id and time: the write was applied by an earlier
        # attempt whose answer was lost (botocore sent it again). (With a mark, the mark says so.)
        return
    if cancelled.condition_failed("state") or cancelled.conflict:
        raise VersionConflict(pk) from err
    raise err


def _history_item(pk: str, entry: HistoryRecord) -> HistoryEntry:
    item = HistoryEntry(pk, entry.sk, type=entry.type, fact_id=entry.fact_id, occurred_at=entry.occurred_at,
                        recorded_at=entry.recorded_at, source=entry.source, data=entry.data, actor=entry.actor)
    if entry.indexed:
        item.attempt_day, item.attempt_at = attempt_index_keys(entry.sk)
    return item


def attempt_index_keys(history_sk: str) -> tuple[str, str]:
    """An attempt's keys in ``AttemptsByDay``, from its history sort key ``H#<occurred_at>#<recorded_at>#<id>``
    (fixed-width UTC instants): the UTC day it occurred, and ``<occurred_at>#<id>``, which sorts by time, then id."""
    occurred, _, rest = history_sk[len(HISTORY_PREFIX):].partition("#")
    _, _, fact_id = rest.partition("#")
    return occurred[:10], f"{occurred}#{fact_id}"


def _mark_item(mark: MarkRecord) -> IdempotencyMark:
    return IdempotencyMark(mark_pk(mark.key), MARK_SK, request_hash=mark.request_hash, type=mark.type,
                           token=mark.token, created_at=mark.created_at, expires_at_epoch=mark.expires_at_epoch)


@dataclass(frozen=True)
class MembershipChange:
    """One list membership to add or remove, with the history entry that records it (its id is the
    change's own: sent again, an applied change is recognised by it)."""

    pk: str
    address: str
    kind: str
    member: str
    add: bool
    now: str
    history: HistoryRecord


# Each membership change is two actions (the contact's update and its history entry); DynamoDB takes
# at most 100 actions in one TransactWriteItems.
MEMBERSHIPS_PER_TRANSACTION = 50
APPLIED, UNCHANGED, FAILED = "applied", "unchanged", "failed"


def _add_membership_change(tx: Transaction, change: MembershipChange, label: str) -> None:
    """The update of the contact's memberships (on the condition that it changes something) and the
    history entry (on the condition that this very change was not applied before)."""
    contact = ContactItem(change.pk, STATE)
    now, member = change.now, change.member
    actions: list[Action]
    if change.add:
        actions = [ContactItem.suppressions.add({member}), ContactItem.updated_at.set(now),
                   ContactItem.memberships_changed_at.set(now),
                   ContactItem.kind.set(ContactItem.kind | change.kind),
                   ContactItem.created_at.set(ContactItem.created_at | now)]
        if change.address:
            actions.append(ContactItem.address.set(ContactItem.address | change.address))
        condition = ~ContactItem.suppressions.contains(member)
    else:
        actions = [ContactItem.suppressions.delete({member}), ContactItem.updated_at.set(now),
                   ContactItem.memberships_changed_at.set(now)]
        condition = ContactItem.suppressions.contains(member)
    actions.append(_last_change([change.history]))
    tx.update(f"membership{label}", contact, actions, condition)
    tx.put(f"history{label}", _history_item(change.pk, change.history), condition=HistoryEntry.sk.does_not_exist())


def change_membership(pk: str, address: str, kind: str, member: str, add: bool, now: str,
                      history: HistoryRecord, policy: Backoff = CONFLICTS) -> None:
    """Add or remove one list membership with its history entry, atomically.

    ``history`` carries an id of this change alone: sent again (a retry after an answer that was
    lost, even by another call), a change that was applied is recognised by its own history entry
    and reported as applied, not as "already a member".

    Memberships live in a string set changed with ADD/DELETE, so they never race fact writes,
    which rewrite only ``state`` under the version check. DynamoDB may still cancel it with
    TransactionConflict while a fact write holds the item: that is retried under ``policy``.
    """
    change = MembershipChange(pk, address, kind, member, add, now, history)
    busy: TransactionCancelled | None = None
    for _ in policy.attempts():
        tx = Transaction("change a list membership")
        _add_membership_change(tx, change, "")
        try:
            tx.commit()
            return
        except TransactionCancelled as err:
            cancelled = err.cancellation
            if cancelled.condition_failed("history"):
                # This change's own history entry exists (its key holds this change's id): an earlier
                # attempt of this very change was applied, its answer was lost and it was sent again.
                return
            if cancelled.condition_failed("membership"):
                raise (AlreadyMember if add else NotMember)(pk) from err
            if not cancelled.conflict:
                raise
            busy = err  # another transaction (a fact write) held the item: nothing was applied
    raise busy or StorageUnavailable("could not change a list membership")


def change_memberships(changes: Sequence[MembershipChange], policy: Backoff = CONFLICTS) -> list[str]:
    """Many membership changes (at most ``MEMBERSHIPS_PER_TRANSACTION``, on different contacts) in one
    transaction: what each came to, ``APPLIED`` (now or by an earlier try of the same change),
    ``UNCHANGED`` (already a member, or not one) or ``FAILED`` (not applied: send it again).

    Each change keeps its own atomicity (its contact's update and its history entry commit together
    or not at all); grouping them only saves round trips. A transaction is all or nothing, so a
    change whose condition fails cancels the others: the reasons, one per action, say which
    changes settled that way, and the rest are sent again at once. Changes that met another write
    on their contact (TransactionConflict) are sent again under ``policy``; any other reason fails
    the change. Should the reasons not name their actions, each change is sent on its own.
    """
    if len(changes) > MEMBERSHIPS_PER_TRANSACTION:
        raise ValueError(f"at most {MEMBERSHIPS_PER_TRANSACTION} membership changes a transaction")
    outcomes: dict[int, str] = {}
    pending = list(range(len(changes)))
    for _ in policy.attempts():
        while pending:
            tx = Transaction("change list memberships")
            for index in pending:
                _add_membership_change(tx, changes[index], f":{index}")
            try:
                tx.commit()
            except TransactionCancelled as err:
                cancelled = err.cancellation
                if not cancelled.reasons:  # the reasons do not name their actions
                    return _one_by_one(changes, outcomes, policy)
                settled = _settled(cancelled, pending)
                outcomes.update(settled)
                pending = [index for index in pending if index not in settled]
                if not settled or cancelled.conflict:
                    break  # what is left met another write: wait, then try again
            except StorageUnavailable:  # not sent or not answered: the caller sends them again
                outcomes.update({index: FAILED for index in pending})
                return [outcomes[index] for index in range(len(changes))]
            else:
                outcomes.update({index: APPLIED for index in pending})
                pending = []
        if not pending:
            break
    outcomes.update({index: FAILED for index in pending})
    return [outcomes[index] for index in range(len(changes))]


def _settled(cancelled: Cancellation, pending: Sequence[int]) -> dict[int, str]:
    """What the reasons of a cancelled group say of its changes: applied before (its history entry
    exists), unchanged (its membership condition failed), failed (any reason but a conflict).
    Changes given no reason, or a conflict, are not settled."""
    settled: dict[int, str] = {}
    for index in pending:
        history, membership = cancelled.reason(f"history:{index}"), cancelled.reason(f"membership:{index}")
        if history == CONDITION_FAILED:
            settled[index] = APPLIED
        elif membership == CONDITION_FAILED:
            settled[index] = UNCHANGED
        elif {history, membership} - {None, TRANSACTION_CONFLICT}:
            settled[index] = FAILED
    return settled


def _one_by_one(changes: Sequence[MembershipChange], outcomes: dict[int, str], policy: Backoff) -> list[str]:
    for index, change in enumerate(changes):
        if index in outcomes:
            continue
        try:
            change_membership(change.pk, change.address, change.kind, change.member, change.add, change.now,
                              change.history, policy)
            outcomes[index] = APPLIED
        except (AlreadyMember, NotMember):
            outcomes[index] = UNCHANGED
        except StorageUnavailable:
            outcomes[index] = FAILED
    return [outcomes[index] for index in range(len(changes))]


def save_history(entry: HistoryEntry) -> None:
    """Rewrite one history entry (erasure strips free-text notes from the opt-outs it keeps)."""
    with dynamodb("rewrite a history entry"):
        entry.save()


def delete_items(keys: Iterable[tuple[str, str]]) -> None:
    """Delete items, 25 to a request; what a request leaves unprocessed is sent again."""
    batch_delete(keys)
