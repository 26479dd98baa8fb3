"""The local stack's stand-in for Lambda's DynamoDB stream event source: a background thread that
reads the registry table's stream on the emulator (moto's, or DynamoDB Local's when
AWS_ENDPOINT_URL_DYNAMODB points there) and calls the change-event publisher's own handler
(``registry.handlers.change_events.lambda_handler``) with the event Lambda would build.

As the template's event source does: it starts at LATEST, sends a shard's records in order, a
batch at a time, only a contact's STATE items (the filter), and with ReportBatchItemFailures
reads a batch again from the first record the handler reported failed, up to
MAX_RETRY_ATTEMPTS times; after that the batch is logged (the local stand-in for the DLQ) and
passed over.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from . import pauses
from .template import load_template, resource

log = logging.getLogger("infra.stream_poller")

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def _event_source() -> dict[str, Any]:
    function = resource("ChangeEventsFunction", load_template())["Properties"]
    (event,) = function["Events"].values()
    return dict(event["Properties"])


class LocalContext:
    """What the handler reads of a Lambda context (Powertools' logger puts it in each line)."""

    function_name = "ChangeEventsFunction"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:ChangeEventsFunction"
    aws_request_id = "local-stream-poller"
    log_group_name = "/local/ChangeEventsFunction"
    log_stream_name = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 28_000


def lambda_record(record: dict[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A record of GetRecords as Lambda hands it to a function (the creation time in epoch seconds)."""
    change = dict(record["dynamodb"])
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        change["ApproximateCreationDateTime"] = created.timestamp()
    return {"eventID": record.get("eventID"), "eventName": record.get("eventName"),
            "eventVersion": record.get("eventVersion", "1.1"), "eventSource": "aws:dynamodb",
            "awsRegion": record.get("awsRegion", region), "dynamodb": change, "eventSourceARN": stream_arn}


def matches(pattern: Any, value: Any) -> bool:
    """An event pattern as Lambda's FilterCriteria reads one, as far as the template uses it: keys
    that must be there, lists of values (exact, or ``{"prefix": ...}``) of which one must match."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(k in value and matches(p, value[k]) for k, p in pattern.items())
    if isinstance(pattern, list):
        return any(_matches_one(p, value) for p in pattern)
    return bool(pattern == value)


def _matches_one(allowed: Any, value: Any) -> bool:
    if isinstance(allowed, dict):
        return isinstance(value, str) and value.startswith(allowed["prefix"])
    return bool(allowed == value)


def admits(filters: list[dict[str, Any]], record: dict[str, Any]) -> bool:
    """Whether the template's FilterCriteria let the record through (no filter: every record)."""
    return not filters or any(matches(json.loads(f["Pattern"]), record) for f in filters)


class StreamPoller:
    """``start()`` it once the table exists; ``stop()`` ends the thread (within one poll interval)."""

    def __init__(self, dynamodb_endpoint: str, table: str, region: str, handler: Handler | None = None,
                 interval: float = 0.1) -> None:
        import boto3

        self.table, self.region, self.interval = table, region, interval
        self._dynamodb = boto3.client("dynamodb", region_name=region, endpoint_url=dynamodb_endpoint)
        self._streams = boto3.client("dynamodbstreams", region_name=region, endpoint_url=dynamodb_endpoint)
        self._handler = handler
        source = _event_source()
        self.batch_size = int(source.get("BatchSize", 100))
        self.max_retries = int(source.get("MaximumRetryAttempts", 10))
        self.filters: list[dict[str, Any]] = (source.get("FilterCriteria") or {}).get("Filters") or []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._iterators: dict[str, str | None] = {}  # shard id -> next iterator (None: shard closed, read)
        self.stream_arn = ""

    def start(self) -> StreamPoller:
        self.stream_arn = self._dynamodb.describe_table(TableName=self.table)["Table"].get("LatestStreamArn", "")
        if not self.stream_arn:
            raise RuntimeError(f"table {self.table} has no stream (template.yaml: StreamSpecification)")
        self._discover("LATEST")  # what exists now is not news: changes from here on
        self._thread = threading.Thread(target=self._run, name="stream-poller", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            pauses.join(self._thread, timeout)
            self._thread = None

    def __enter__(self) -> StreamPoller:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the loop ---------------------------------------------------------------------------------

    def _handler_function(self) -> Handler:
        if self._handler is None:
            from registry.handlers.change_events import lambda_handler

            self._handler = lambda_handler
        return self._handler

    def _discover(self, position: str) -> None:
        """Shards not seen yet get an iterator: at ``position`` for those open at the start, at the
        beginning (TRIM_HORIZON) for those that appear later (a shard rolled over)."""
        shards = self._streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"].get("Shards", [])
        for shard in shards:
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                self._iterators[shard_id] = self._streams.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType=position)["ShardIterator"]

    def _run(self) -> None:
        discovered = time.monotonic()
        while not self._stop.is_set():
            busy = False
            try:
                if time.monotonic() - discovered > 1.0:  # a new shard (DynamoDB Local rolls them over)
                    self._discover("TRIM_HORIZON")
                    discovered = time.monotonic()
                for shard_id in list(self._iterators):
                    busy |= self._poll(shard_id)
            except Exception:  # noqa: BLE001 - the emulator stopping, a network hiccup: try again
                if self._stop.is_set():
                    return
                log.warning("reading the table's stream failed; trying again", exc_info=True)
            if not busy:
                pauses.pause(self._stop, self.interval)

    def _poll(self, shard_id: str) -> bool:
        iterator = self._iterators[shard_id]
        if iterator is None:
            return False
        answer = self._streams.get_records(ShardIterator=iterator, Limit=self.batch_size)
        records = answer.get("Records") or []
        if not records:
            self._iterators[shard_id] = answer.get("NextShardIterator")
            return False
        self._deliver(shard_id, records)
        self._iterators[shard_id] = answer.get("NextShardIterator")
        return True

    def _deliver(self, shard_id: str, records: list[dict[str, Any]]) -> None:
        """The batch to the handler until it reports no failure (records from the first failed one
        on are sent again), or the retries run out."""
        batch = [lambda_record(r, self.stream_arn, self.region) for r in records]
        batch = [r for r in batch if admits(self.filters, r)]
        for attempt in range(self.max_retries + 1):
            if not batch or self._stop.is_set():
                return
            try:
                answer = self._handler_function()({"Records": batch}, LocalContext()) or {}
            except Exception:  # noqa: BLE001 - a function error: Lambda retries the whole batch
                log.warning("the change-event handler failed; the batch is tried again", exc_info=True)
                answer = {"batchItemFailures": [{"itemIdentifier": batch[0]["dynamodb"]["SequenceNumber"]}]}
            failed = {f.get("itemIdentifier") for f in answer.get("batchItemFailures") or []}
            if not failed:
                return
            first = next((i for i, r in enumerate(batch) if r["dynamodb"]["SequenceNumber"] in failed), 0)
            batch = batch[first:]
            pauses.pause(self._stop, min(0.05 * 2 ** attempt, 2.0))
        log.error("change events of %d stream records not published after %d retries (shard %s, from "
                  "sequence number %s): what AWS would send to the DLQ", len(batch), self.max_retries, shard_id,
                  batch[0]["dynamodb"]["SequenceNumber"])

