"""Bulk list imports: a full file or a change file from the import bucket into a national or state
list (docs/scale.md (e): "Full refresh", "Change files", "Resumability").

- ``start``: the import of one object (list, mode, bucket, key, ETag), created once: the same
  object notified again or posted again finds the same record and changes nothing.
- ``run``: one invocation's share of the work. It takes the list's lease (one import per list at
  a time), reads the file from the record's byte offset on, and, when the Lambda's remaining time
  drops below ``import_checkpoint_ms``, stops at a checkpoint: what it built is staged on the
  exchange items, the progress goes into the record, the lease is given back and a continuation
  message goes on the import queue. The next invocation resumes there.

A full file: every line sets a bit in its exchange's bitmap (memory: one 1,250-byte bitmap per
exchange, whatever the file's length); then each exchange's complete new copy is written in one
``put_full`` (a number in both copies never reads as absent), then ``sweep_area`` per area code the
file covers removes the exchanges the new copy no longer has, then ``commit_copy`` puts the copy
in force. A change file: records grouped by exchange in chunks of at most CHUNK_RECORDS, each
exchange changed by ``apply_changes`` (idempotent), ``count_changes`` after each chunk, and the
progress saved after each chunk.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar, cast

from ..domain import exchange_bitmaps as bitmaps
from ..domain import list_files as files
from ..domain.errors import Conflict, InvalidRequest, NotFound, RegistryUnavailable
from ..domain.timeutil import format_instant, utc_now
from ..domain.vocabulary import SuppressionKind
from ..settings import get_settings
from ..storage import list_exchanges as exchanges
from ..storage import list_imports as store
from ..storage import suppression_lists as lists
from ..storage.errors import StorageError
from .failures import storage_failures
from .suppression import check_name

log = logging.getLogger(__name__)

RUNNING, DONE, FAILED = "running", "done", "failed"
PARSE, WRITE, SWEEP, COMMIT, FINISHED = "parse", "write", "sweep", "commit", "done"
BULK_KINDS = (SuppressionKind.NATIONAL, SuppressionKind.STATE)
MESSAGE_KEY = "registry_import"   # the importer's own queue messages: {"registry_import": "<id>"}
CHUNK_RECORDS = 100_000           # change records held in memory at most
CLOCK_EVERY = 10_000              # lines between two looks at the remaining time
WRITE_BATCH = 512                 # exchanges written between two looks at the remaining time
WORKERS = 16                      # concurrent item writes
WAIT_SECONDS = 60                 # an import waiting for the list's lease asks again after this
LEASE_MARGIN_SECONDS = 60         # the lease outlives the invocation by this much

T = TypeVar("T")
R = TypeVar("R")


class Context(Protocol):
    def get_remaining_time_in_millis(self) -> int: ...


@dataclass
class Clock:
    """When to stop at a checkpoint: once the invocation's remaining time is below the margin."""
    context: Context | None
    margin_ms: int

    def low(self) -> bool:
        return self.context is not None and self.context.get_remaining_time_in_millis() < self.margin_ms

    def remaining_seconds(self) -> int:
        return 900 if self.context is None else self.context.get_remaining_time_in_millis() // 1000


class Checkpoint(Exception):
    """The invocation stops here; the import goes on in the next one."""


# --- what the API and the handler call ---------------------------------------------------------

def start(list_name: str, mode: str, bucket: str, key: str, version: date | None = None) -> tuple[dict[str, Any], bool]:
    """The import of this object into this list: created (True) or found (False). NotFound for an
    unknown list or object; Conflict for a list that takes no imports (internal, litigator).
    A full file older than the copy in force is recorded as a failed import with the reason."""
    check_name(list_name)
    if mode not in files.MODES:
        raise InvalidRequest("mode must be full or changes", "mode")
    with storage_failures("the registry could not be read"):
        definition = lists.get(list_name)
    if definition is None:
        raise NotFound(f"no suppression list named {list_name}")
    if definition.kind not in BULK_KINDS:
        raise Conflict(f"list {list_name} is {definition.kind}: only national and state lists take file imports",
                       "name")
    with storage_failures("the import bucket could not be read"):
        head = store.head(bucket, key)
    if head is None:
        raise NotFound(f"no object {key} in bucket {bucket}")
    version = version or files.version_in_key(key) or head.last_modified.date()
    import_id = files.import_id(list_name, mode, bucket, key, head.etag)
    now = format_instant(utc_now())
    fields: dict[str, Any] = {"list_name": list_name, "mode": mode, "bucket": bucket, "key": key, "etag": head.etag,
                              "size": head.size, "version": version.isoformat(), "status": RUNNING, "phase": PARSE,
                              "created_at": now, "updated_at": now}
    in_force = _version_in_force(definition)
    if mode == files.FULL and in_force is not None and version < in_force:
        fields.update(status=FAILED, reason=f"the file's copy ({version}) is older than the copy in force "
                                            f"({in_force})", finished_at=now)
    with storage_failures("the registry could not be written"):
        created = store.create(import_id, fields)
        item = store.get(import_id)
    if item is None:
        raise RegistryUnavailable("the import could not be read back")
    return view(item), created


def start_from_api(list_name: str, mode: str, bucket: str, key: str,
                   version: date | None) -> tuple[dict[str, Any], bool]:
    """``POST .../imports``: the import, and its start message on the import queue while it runs
    (again for a repeated POST: a message lost earlier is replaced, and a duplicate one finds the
    import running or done and does nothing). Only the configured import bucket is read (template.yaml
    lets the functions read nothing else); any key in it, so a file can be put outside
    ``imports/{list}/...``, where the bucket's notification would import it by itself, and be
    imported only when asked."""
    allowed = get_settings().import_bucket
    if allowed and bucket != allowed:
        raise InvalidRequest(f"imports are read from the bucket {allowed} only", "bucket")
    record, created = start(list_name, mode, bucket, key, version)
    if record["status"] == RUNNING:
        enqueue(record["id"])
    return record, created


def get(list_name: str, import_id: str) -> dict[str, Any]:
    check_name(list_name)
    if not (len(import_id) == 64 and all(c in "0123456789abcdef" for c in import_id)):
        raise NotFound(f"no import {import_id} of list {list_name}")
    with storage_failures("the registry could not be read"):
        item = store.get(import_id)
    if item is None or item.list_name != list_name:
        raise NotFound(f"no import {import_id} of list {list_name}")
    return view(item)


def enqueue(import_id: str, delay_seconds: int = 0) -> None:
    with storage_failures("the import queue could not be written"):
        store.enqueue({MESSAGE_KEY: import_id}, delay_seconds)


def view(item: store.ImportItem) -> dict[str, Any]:
    """The import as the API answers it."""
    answer: dict[str, Any] = {
        "id": item.pk.removeprefix("IMP#"), "list": item.list_name, "mode": item.mode, "bucket": item.bucket,
        "key": item.key, "version": item.version, "status": item.status, "phase": item.phase,
        "lines": int(item.lines), "added": int(item.added), "removed": int(item.removed),
        "rejected": int(item.rejected), "rejected_lines": _bad_lines(item),
        "bytes_read": int(item.offset), "size": int(item.size), "created_at": item.created_at,
        "updated_at": item.updated_at}
    if item.finished_at:
        answer["finished_at"] = item.finished_at
    if item.reason:
        answer["reason"] = item.reason
    return answer


# --- one invocation's work ---------------------------------------------------------------------

def run(import_id: str, context: Context | None = None) -> str:
    """Work on the import until it is done, failed, or the invocation's time runs low. Answers what
    happened: ``done``, ``failed``, ``checkpoint``, ``waiting`` (another import holds the list),
    ``elsewhere`` (this import runs in another invocation) or ``finished`` (nothing left to do).
    RegistryUnavailable when DynamoDB, S3 or SQS fail: the message is delivered again."""
    settings = get_settings()
    clock = Clock(context, settings.import_checkpoint_ms)
    with storage_failures("the import could not be read"):
        item = store.get(import_id)
    if item is None or item.status != RUNNING:
        return "finished"
    owner = uuid.uuid4().hex
    now = int(time.time())
    with storage_failures("the list's import lease could not be taken"):
        lease = store.claim(item.list_name, import_id, owner, now + clock.remaining_seconds() + LEASE_MARGIN_SECONDS,
                            now)
    if not lease.held:
        if lease.import_id == import_id:
            return "elsewhere"
        enqueue(import_id, WAIT_SECONDS)
        return "waiting"
    try:
        with storage_failures("the import could not be carried on"):
            outcome = _Run(item, clock).go()
            store.release(item.list_name, owner)
    except BaseException:
        try:
            store.release(item.list_name, owner)
        except StorageError:
            pass  # the lease runs out by itself
        raise
    if outcome == "checkpoint":
        enqueue(import_id)
    log.info("import run", extra={"import": import_id, "list": item.list_name, "mode": item.mode,
                                  "outcome": outcome, "lines": int(item.lines), "rejected": int(item.rejected)})
    return outcome


@dataclass
class _Run:
    item: store.ImportItem
    clock: Clock
    lines: int = 0
    added: int = 0
    removed: int = 0
    rejected: int = 0
    first_bad: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lines, self.added = int(self.item.lines), int(self.item.added)
        self.removed, self.rejected = int(self.item.removed), int(self.item.rejected)
        self.first_bad = _bad_lines(self.item)
        self.version = date.fromisoformat(self.item.version)
        self.list_name = self.item.list_name

    def counters(self) -> dict[str, Any]:
        return {"lines": self.lines, "added": self.added, "removed": self.removed, "rejected": self.rejected,
                "first_bad": list(self.first_bad), "updated_at": format_instant(utc_now()),
                "runs": int(self.item.runs) + 1}

    def go(self) -> str:
        try:
            if self.item.mode == files.FULL:
                return self.full()
            return self.changes()
        except Checkpoint:
            return "checkpoint"
        except store.FileChanged as err:
            self.fail(str(err))
            return FAILED

    def fail(self, reason: str) -> None:
        now = format_instant(utc_now())
        store.save(self.item, status=FAILED, reason=reason, finished_at=now, **self.counters())
        log.warning("import failed", extra={"import": self.item.pk, "list": self.list_name, "reason": reason})

    def finish(self) -> str:
        now = format_instant(utc_now())
        store.save(self.item, status=DONE, phase=FINISHED, finished_at=now, **self.counters())
        return DONE

    def lines_from(self) -> Iterable[tuple[int, str, int]]:
        offset = int(self.item.offset)
        if offset >= int(self.item.size):
            return ()
        return files.split_lines(store.read(self.item.bucket, self.item.key, self.item.etag, offset), offset,
                                 int(self.item.line))

    def parsed(self, parse: Callable[[str], T | None]) -> Generator[tuple[int, T | None, int], None, None]:
        """The file's lines from the checkpoint, each parsed (None: blank, or bad and counted as
        rejected), with its number and the offset after it; the file is closed when this is."""
        reader = self.lines_from()
        try:
            for line_no, text, next_offset in reader:
                self.lines += 1
                try:
                    parsed = parse(text)
                except files.BadLine:
                    self.bad(line_no)
                    parsed = None
                yield line_no, parsed, next_offset
        finally:
            close = getattr(reader, "close", None)
            if close is not None:
                close()

    def bad(self, line_no: int) -> None:
        self.rejected += 1
        files.note_bad(self.first_bad, line_no)

    # -- full files ------------------------------------------------------------------------------

    def full(self) -> str:
        definition = lists.get(self.list_name)
        in_force = _version_in_force(definition) if definition is not None else None
        if in_force is not None and self.version < in_force:
            self.fail(f"the file's copy ({self.version}) is older than the copy in force ({in_force})")
            return FAILED
        seen = files.unpack_seen(self.item.seen)
        built: dict[str, bytearray] = {}
        if self.item.phase == PARSE:
            self.parse_full(seen, built)
        order = files.exchanges_seen(seen)
        if self.item.phase in (PARSE, WRITE):
            self.write_full(seen, order, built)
        if self.item.phase in (PARSE, WRITE, SWEEP):
            self.sweep(seen, order)
        exchanges.commit_copy(self.list_name, self.version, utc_now(), self.added, self.removed)
        return self.finish()

    def parse_full(self, seen: dict[str, bytearray], built: dict[str, bytearray]) -> None:
        set_line, new_bitmap = bitmaps.set_line, bitmaps.new_bitmap
        with closing(self.parsed(files.parse_full_line)) as lines:
            for line_no, parsed, next_offset in lines:
                if parsed is not None:
                    exchange, line = parsed
                    bitmap = built.get(exchange)
                    if bitmap is None:
                        bitmap = built[exchange] = new_bitmap()
                        files.mark_exchange(seen, exchange)
                    set_line(bitmap, line)
                if self.lines % CLOCK_EVERY == 0 and self.clock.low():
                    self.stage(built)
                    store.save(self.item, phase=PARSE, offset=next_offset, line=line_no + 1,
                               seen=files.pack_seen(seen), **self.counters())
                    raise Checkpoint

    def stage(self, built: dict[str, bytearray], only: Sequence[str] | None = None) -> None:
        names = list(built) if only is None else [x for x in only if x in built]
        _each(names, lambda x: exchanges.stage(self.list_name, x, bytes(built[x]), self.version))

    def write_full(self, seen: dict[str, bytearray], order: list[str], built: dict[str, bytearray]) -> None:
        empty = bytes(bitmaps.new_bitmap())
        done = int(self.item.done_upto) if self.item.phase == WRITE else 0
        while done < len(order):
            if self.clock.low():
                self.stage(built, order[done:])
                store.save(self.item, phase=WRITE, done_upto=done, offset=int(self.item.size),
                           seen=files.pack_seen(seen), **self.counters())
                raise Checkpoint
            batch = order[done:done + WRITE_BATCH]
            results = _each(batch, lambda x: exchanges.put_full(self.list_name, x, bytes(built.get(x, empty)),
                                                                self.version))
            for result in results:
                if result is not None:  # None: a newer copy holds that exchange; it stays
                    self.added += result.added
                    self.removed += result.removed
            done += len(batch)

    def sweep(self, seen: dict[str, bytearray], order: list[str]) -> None:
        areas = sorted(seen)
        by_area: dict[str, list[str]] = {npa: [] for npa in areas}
        for exchange in order:
            by_area[exchange[:3]].append(exchange)
        done = int(self.item.done_upto) if self.item.phase == SWEEP else 0
        while done < len(areas):
            if self.clock.low():
                store.save(self.item, phase=SWEEP, done_upto=done, offset=int(self.item.size),
                           seen=files.pack_seen(seen), **self.counters())
                raise Checkpoint
            batch = areas[done:done + WRITE_BATCH]
            for result in _each(batch, lambda npa: exchanges.sweep_area(self.list_name, npa, by_area[npa],
                                                                        self.version)):
                self.added += result.added
                self.removed += result.removed
            done += len(batch)

    # -- change files ----------------------------------------------------------------------------

    def changes(self) -> str:
        chunk: dict[str, list[bitmaps.ChangeRecord]] = {}
        held = 0
        record = bitmaps.ChangeRecord
        with closing(self.parsed(files.parse_change_line)) as lines:
            for line_no, parsed, next_offset in lines:
                if parsed is not None:
                    exchange, line, add, dated = parsed
                    chunk.setdefault(exchange, []).append(record(exchange, line, add, dated))
                    held += 1
                if held >= CHUNK_RECORDS or (self.lines % CLOCK_EVERY == 0 and self.clock.low()):
                    self.apply(chunk)
                    chunk, held = {}, 0
                    store.save(self.item, offset=next_offset, line=line_no + 1, **self.counters())
                    if self.clock.low():
                        raise Checkpoint
        self.apply(chunk)
        store.save(self.item, offset=int(self.item.size), **self.counters())
        return self.finish()

    def apply(self, chunk: dict[str, list[bitmaps.ChangeRecord]]) -> None:
        if not chunk:
            return
        added = removed = 0
        for result in _each(list(chunk), lambda x: exchanges.apply_changes(self.list_name, x, chunk[x])):
            added += result.added
            removed += result.removed
        exchanges.count_changes(self.list_name, added, removed)
        self.added += added
        self.removed += removed


def _each(names: Sequence[T], work: Callable[[T], R]) -> list[R]:
    """``work`` for every name, WORKERS at a time; the first failure is raised (after all ended)."""
    if len(names) <= 1:
        return [work(name) for name in names]
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(names))) as pool:
        return list(pool.map(work, names))


def _bad_lines(item: store.ImportItem) -> list[int]:
    stored: list[Any] = cast(list[Any], item.first_bad or [])
    return [int(n) for n in stored]


def _version_in_force(definition: Any) -> date | None:
    """The date of the list's copy in force (None: it never had a full import)."""
    value = getattr(definition, "version", None)
    return bitmaps.version_of(value) if value else None
