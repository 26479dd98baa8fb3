"""The requests every item type shares: transactions read by key, batch reads and batch deletes.

A cancelled ``TransactWriteItems`` gives one reason per action, in the order the actions were sent.
PynamoDB regroups the actions it sends (deletes, puts, updates, each in the order given:
``Connection.transact_write_items``), and ``Transaction`` keeps its labels in that same order.
Every conditional action asks for ``ReturnValuesOnConditionCheckFailure = ALL_OLD``, so DynamoDB
returns, with a failed condition, the item as it was, and its ``pk``/``sk`` name the action. The
reasons are read by position (``Cancellation.reasons``: one per label) only when that reading agrees
with every item returned, and every condition that failed without an item sits at an action whose
condition needs the item to exist (an update; a put's ``attribute_not_exists`` cannot fail on a
missing item). Otherwise they are read by the items alone: a condition that failed on a missing item
then belongs to the one action that needs the item, or to nobody the caller can name.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from ..retry import UNPROCESSED, Backoff
from ..settings import derived
from .errors import StorageUnavailable, dynamodb
from .table import RegistryModel, table_name, write_connection

CONDITION_FAILED = "ConditionalCheckFailed"
TRANSACTION_CONFLICT = "TransactionConflict"
ALL_OLD = "ALL_OLD"
BATCH_GET_LIMIT = 100
BATCH_WRITE_LIMIT = 25

Key = tuple[str, str]
P = TypeVar("P")
R = TypeVar("R")

# The process's page readers: ``batch_get_concurrency`` threads, made on the first batch and kept (in
# Lambda, from one invocation to the next). A pool made per request started its threads every time:
# about 25 ms of a 1,000-address batch's wall time, the threads waiting on each other for the GIL.
# Only BatchGetItem pages run in it (a page never waits on another), so requests may share it.
page_readers = derived(lambda settings: ThreadPoolExecutor(max_workers=settings.batch_get_concurrency,
                                                           thread_name_prefix="registry-page-reader"))


def read_pages(read: Callable[[P], R], pages: Sequence[P]) -> list[R]:
    """``read`` of each page, in order: a single page in this thread, more in the page readers
    (``batch_get_concurrency`` at a time). An exception of one page is raised here."""
    if len(pages) <= 1:
        return [read(page) for page in pages]
    return list(page_readers().map(read, pages))


def key_of(item: Mapping[str, Any]) -> Key:
    """(pk, sk) of a raw item."""
    return item["pk"]["S"], item["sk"]["S"]


@dataclass(frozen=True)
class Cancellation:
    """What a cancelled transaction says, by the labels its actions were given."""

    failed: Mapping[str, tuple[dict[str, Any] | None, ...]] = field(default_factory=dict)  # label -> items as they were
    codes: frozenset[str] = frozenset()  # every reason given ("ConditionalCheckFailed", "TransactionConflict", ...)
    unattributed: bool = False  # a condition failed on an item none of the actions names
    # label -> its action's reason, when the reasons could be read by position (empty otherwise)
    reasons: Mapping[str, str] = field(default_factory=dict)

    def reason(self, label: str) -> str | None:
        """The reason given for ``label``'s action (None: it was not a reason for the cancellation)."""
        return self.reasons.get(label)

    def condition_failed(self, label: str) -> bool:
        return label in self.failed

    def old_item(self, label: str) -> dict[str, Any] | None:
        """The item as it was when ``label``'s condition failed; None if it did not exist."""
        return (self.failed.get(label) or (None,))[0]

    @property
    def conflict(self) -> bool:
        """Another transaction held one of the items: nothing was applied, trying again may work."""
        return TRANSACTION_CONFLICT in self.codes


class TransactionCancelled(StorageUnavailable):
    """DynamoDB cancelled the transaction: nothing of it was applied. ``cancellation`` says why;
    a caller that cannot read it lets it through: the registry could not write."""

    def __init__(self, action: str, cancellation: Cancellation) -> None:
        super().__init__(f"could not {action}: cancelled ({', '.join(sorted(cancellation.codes)) or 'no reason'})")
        self.cancellation = cancellation


class Transaction:
    """One TransactWriteItems through the write connection, each action under a label."""

    def __init__(self, action: str) -> None:
        self.action = action
        self._tx = TransactWrite(connection=write_connection())
        self._labels: dict[Key, str] = {}
        self._need_the_item: list[str] = []  # labels whose condition fails when the item is missing
        # labels in the order PynamoDB sends their actions (``Connection.transact_write_items``)
        self._sent: dict[str, list[str]] = {"delete": [], "put": [], "update": []}

    def _add(self, label: str, model: RegistryModel, kind: str) -> None:
        self._labels[(model.pk, model.sk)] = label
        self._sent[kind].append(label)

    def put(self, label: str, model: RegistryModel, condition: Any = None) -> None:
        """A put, on a condition (``attribute_not_exists``: it cannot fail on a missing item)."""
        self._tx.save(model, condition=condition, return_values=ALL_OLD if condition is not None else None)
        self._add(label, model, "put")

    def update(self, label: str, model: RegistryModel, actions: list, condition: Any) -> None:
        """An update on a condition that may need the item to exist (``version = :v``, ``contains``)."""
        self._tx.update(model, actions=actions, condition=condition, return_values=ALL_OLD)
        self._add(label, model, "update")
        self._need_the_item.append(label)

    def delete(self, label: str, model: RegistryModel) -> None:
        self._tx.delete(model)
        self._add(label, model, "delete")

    def commit(self) -> None:
        """All or nothing. ``TransactionCancelled`` when DynamoDB cancelled it, ``StorageUnavailable``
        when it could not be sent or answered."""
        with dynamodb(self.action):
            try:
                with self._tx:
                    pass  # the actions are in: leaving the block sends them
            except TransactWriteError as err:
                if not err.cancellation_reasons:  # not cancelled: not sent, or not answered
                    raise
                raise TransactionCancelled(self.action, self._read(err)) from err

    def _read(self, err: TransactWriteError) -> Cancellation:
        reasons = err.cancellation_reasons
        sent = self._sent["delete"] + self._sent["put"] + self._sent["update"]
        if self._in_order(reasons, sent):
            return self._read_by_position(reasons, sent)
        return self._read_by_item(reasons)

    def _in_order(self, reasons: Sequence[Any], sent: Sequence[str]) -> bool:
        """Whether the reasons line up with the actions as sent: one each, every failed condition
        that returned its item at that item's action, every one that returned none at an action
        whose condition needs the item. Otherwise the items are read, not the positions."""
        if len(reasons) != len(sent):
            return False
        keys = {label: key for key, label in self._labels.items()}
        for label, reason in zip(sent, reasons, strict=True):
            if getattr(reason, "code", None) != CONDITION_FAILED:
                continue
            item = reason.raw_item
            if (key_of(item) != keys[label]) if item else (label not in self._need_the_item):
                return False
        return True

    @staticmethod
    def _read_by_position(reasons: Sequence[Any], sent: Sequence[str]) -> Cancellation:
        failed: dict[str, tuple[dict[str, Any] | None, ...]] = {}
        by_label: dict[str, str] = {}
        for label, reason in zip(sent, reasons, strict=True):
            code = getattr(reason, "code", None)
            if not code or code == "None":
                continue
            by_label[label] = code
            if code == CONDITION_FAILED:
                failed[label] = (reason.raw_item or None,)
        return Cancellation(failed, frozenset(by_label.values()), False, by_label)

    def _read_by_item(self, reasons: Sequence[Any]) -> Cancellation:
        failed: dict[str, list[dict[str, Any] | None]] = {}
        codes: set[str] = set()
        unattributed = False
        for reason in reasons:
            code = getattr(reason, "code", None)
            if not code or code == "None":
                continue
            codes.add(code)
            if code != CONDITION_FAILED:
                continue
            item = reason.raw_item if reason is not None else None
            if item:
                label = self._labels.get(key_of(item))
            else:  # the item did not exist
                label = self._need_the_item[0] if len(self._need_the_item) == 1 else None
            if label is None:
                unattributed = True
            else:
                failed.setdefault(label, []).append(item or None)
        return Cancellation({label: tuple(items) for label, items in failed.items()}, frozenset(codes), unattributed)


def batch_get(model: type[RegistryModel], keys: Sequence[Key], consistent_read: bool = True,
              policy: Backoff = UNPROCESSED) -> list[dict[str, Any]]:
    """The raw items stored under ``keys`` (at most 100): one BatchGetItem, and the keys it left
    unprocessed asked for again under ``policy``; ``StorageUnavailable`` if some never are."""
    connection = model._get_connection()
    table = table_name()
    pending: list[dict[str, str]] = [{"pk": pk, "sk": sk} for pk, sk in keys]
    items: list[dict[str, Any]] = []
    for _ in policy.attempts():
        with dynamodb("read a batch of items"):
            # PynamoDB's annotation says Sequence[str]; it takes (and documents) key dicts
            data = connection.batch_get_item(pending, consistent_read=consistent_read)  # type: ignore[arg-type]
        items.extend(data.get("Responses", {}).get(table, []))
        unprocessed = data.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
        if not unprocessed:
            return items
        pending = [{name: value["S"] for name, value in key.items()} for key in unprocessed]
    raise StorageUnavailable(f"{len(pending)} keys still unprocessed after {policy.tries} attempts")


def batch_delete(keys: Iterable[Key], policy: Backoff = UNPROCESSED) -> None:
    """Delete items, 25 per BatchWriteItem through the write connection; the items a request left
    unprocessed are sent again under ``policy``; ``StorageUnavailable`` if some never are."""
    keys = list(dict.fromkeys(keys))
    table = table_name()
    for start in range(0, len(keys), BATCH_WRITE_LIMIT):
        pending = [{"DeleteRequest": {"Key": {"pk": {"S": pk}, "sk": {"S": sk}}}}
                   for pk, sk in keys[start:start + BATCH_WRITE_LIMIT]]
        for _ in policy.attempts():
            with dynamodb("delete a batch of items"):
                data = write_connection().client.batch_write_item(RequestItems={table: pending})
            pending = data.get("UnprocessedItems", {}).get(table, [])
            if not pending:
                break
        else:
            raise StorageUnavailable(f"{len(pending)} deletes still unprocessed after {policy.tries} attempts")
