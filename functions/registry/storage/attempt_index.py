"""The attempts of a time range, in order, without a scan: the sparse index ``AttemptsByDay``.

Every attempt's history entry (``pk = C#<address hash>``, ``sk = H#<occurred_at>#<recorded_at>#<id>``)
also carries ``attempt_day`` (the UTC day it occurred, ``yyyy-mm-dd``) and ``attempt_at``
(``<occurred_at>#<id>``, fixed-width UTC: it sorts by time, then id), written in the same transaction
as the attempt (storage.contacts.commit). No other item has them, so the index holds attempts only.
A range is read day by day, one Query per day (pages of ``limit``), oldest first; the position
reached is the last ``attempt_at`` read. The index is eventually consistent: an attempt recorded a
moment ago may not be in it yet.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..domain.vocabulary import HistoryType
from .contacts import HISTORY_PREFIX, HistoryEntry, attempt_index_keys
from .errors import CorruptItem, StorageUnavailable, dynamodb

INDEX = "AttemptsByDay"
ATTEMPTED = HistoryType.CONTACT_ATTEMPTED.value


@dataclass(frozen=True)
class IndexedAttempt:
    """One attempt as the index holds it: its contact's key, its position, and its history entry's data."""

    pk: str
    position: str  # attempt_at: "<occurred_at>#<id>"
    fact_id: str
    occurred_at: str
    recorded_at: str
    data: dict[str, Any]


def _entry(raw: dict[str, Any]) -> IndexedAttempt | CorruptItem:
    """Read straight from the raw item (the few attributes the index projects; PynamoDB's model would
    cost more than the report's own decision)."""
    pk = str((raw.get("pk") or {}).get("S"))
    try:
        with dynamodb("read an attempt from the attempts index", reading=pk):
            data = json.loads(raw["data"]["S"])
            if not isinstance(data, dict) or not raw["fact_id"]["S"]:
                raise TypeError("an attempt's history entry holds no attempt")
            return IndexedAttempt(pk, raw["attempt_at"]["S"], raw["fact_id"]["S"], raw["occurred_at"]["S"],
                                  raw["recorded_at"]["S"], data)
    except CorruptItem as corrupt:
        return corrupt


def _days(first: str, last: str) -> Iterator[str]:
    day, end = date.fromisoformat(first[:10]), date.fromisoformat(last[:10])
    while day <= end:
        yield day.isoformat()
        day += timedelta(days=1)


Found = tuple[str, IndexedAttempt | CorruptItem]  # (attempt_at, the entry or why it cannot be read)


def read(start: str, end: str, after: str | None, limit: int) -> tuple[list[Found], bool]:
    """Up to ``limit`` attempts with ``start <= attempt_at < end`` (sortable instants: ``end`` is
    exclusive) and, when ``after`` is given, ``attempt_at > after``, in ``attempt_at`` order, each
    with its position; and whether more may follow. An entry that cannot be read is a ``CorruptItem``."""
    connection = HistoryEntry._get_connection()
    out: list[Found] = []
    low = max(start, after) if after is not None else start
    if low >= end:
        return out, False
    for day in _days(low, end):
        if day == end[:10] and end[10:] == "T00:00:00.000000Z":
            break  # ``end`` is exclusive: its day holds nothing before it
        condition = HistoryEntry.attempt_at.between(max(low, day), f"{day}~" if day < end[:10] else end)
        exclusive: dict[str, Any] | None = None
        while True:
            with dynamodb("read the attempts index"):
                page = connection.query(day, range_key_condition=condition, index_name=INDEX,
                                        exclusive_start_key=exclusive, limit=limit - len(out) + 1,
                                        consistent_read=False)
            for raw in page.get("Items", []):
                position = ((raw.get("attempt_at") or {}).get("S")) or ""
                if position >= end or (after is not None and position <= after):
                    continue  # bounds: ``between`` includes both ends
                if len(out) == limit:
                    return out, True
                out.append((position, _entry(raw)))
            exclusive = page.get("LastEvaluatedKey")
            if not exclusive:
                break
    return out, False


def backfill(page_size: int = 1000) -> int:
    """Give the attempts recorded before the index existed their index keys (a one-time migration):
    one Scan of the table for attempts' history entries without ``attempt_day``, and an UpdateItem of
    each (on condition the entry still exists: erasure may delete it meanwhile). Idempotent: a second
    run finds nothing. Returns how many entries it indexed."""
    from botocore.exceptions import ClientError

    from .table import table_name, write_connection

    client = write_connection().client
    done = 0
    scan: dict[str, Any] = {
        "TableName": table_name(), "Limit": page_size, "ProjectionExpression": "pk, sk",
        "FilterExpression": "begins_with(sk, :h) AND #t = :attempt AND attribute_not_exists(attempt_day)",
        "ExpressionAttributeNames": {"#t": "type"},
        "ExpressionAttributeValues": {":h": {"S": HISTORY_PREFIX}, ":attempt": {"S": ATTEMPTED}}}
    while True:
        with dynamodb("scan for attempts without index keys"):
            page = client.scan(**scan)
        for item in page.get("Items", []):
            day, position = attempt_index_keys(item["sk"]["S"])
            try:
                with dynamodb("index an attempt"):
                    client.update_item(TableName=table_name(), Key={"pk": item["pk"], "sk": item["sk"]},
                                       UpdateExpression="SET attempt_day = :d, attempt_at = :a",
                                       ConditionExpression="attribute_exists(sk)",
                                       ExpressionAttributeValues={":d": {"S": day}, ":a": {"S": position}})
                done += 1
            except StorageUnavailable as err:
                cause = err.__cause__
                if not (isinstance(cause, ClientError)
                        and cause.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"):
                    raise
        if "LastEvaluatedKey" not in page:
            return done
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]
