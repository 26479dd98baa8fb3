"""``registry scrub``: a CSV of leads through the batch lookup (``POST /v1/permissions/batch``).

The file is read and written row by row (``csv``), in batches of 1,000 addresses, at most
``concurrency`` batches asked at once and at most twice that many held, so memory stays flat
whatever the file's size. Rows come out in input order with every input column, plus
``decision``, ``reasons`` (the reason codes, ``;``-joined) and ``next_allowed_at`` (if the input
already has one of these columns, e.g. a file scrubbed before, its value is replaced in place).

A row whose cell the registry cannot ask about (empty, not a phone or email) gets the registry's
own error for it: decision ``deny``, reason its code (``invalid_address``, ...), and the run goes
on. A batch the registry answers 429 or 503, or cannot be reached for, is asked again
(``client.http``); if it still fails, or the registry refuses the request itself (a bad key, a
bad channel), the run stops: ``ScrubFailed``, and the caller keeps no half-written output.
"""
from __future__ import annotations

import csv
import itertools
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Any

from .http import Registry, RequestFailed

BATCH_PATH = "/v1/permissions/batch"
BATCH_SIZE = 1000  # the contract's most addresses a batch
CONCURRENCY = 4
ADDED_COLUMNS = ("decision", "reasons", "next_allowed_at")
REASON_SEPARATOR = ";"
# A cell longer than any address (an email is at most 254 characters) is not sent: 1,000 of them
# could pass the API's 1 MB body limit and fail the whole batch. It gets invalid_address here.
MAX_CELL = 320
DENY = "deny"


class ScrubFailed(Exception):
    """The run could not complete (the rows before ``rows_done`` were answered)."""

    def __init__(self, message: str, rows_done: int):
        super().__init__(message)
        self.rows_done = rows_done


@dataclass(frozen=True)
class Ask:
    channel: str
    purpose: str
    brand: str | None = None
    dialing: str | None = None
    at: str | None = None

    def body(self, addresses: list[str]) -> dict[str, Any]:
        body: dict[str, Any] = {"channel": self.channel, "purpose": self.purpose}
        for name in ("brand", "dialing", "at"):
            if getattr(self, name) is not None:
                body[name] = getattr(self, name)
        body["addresses"] = addresses
        return body


@dataclass
class Summary:
    rows: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # rows answered with an error, by code
    retries: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "allow": self.decisions["allow"], "deny": self.decisions["deny"],
                "defer": self.decisions["defer"], "errors": sum(self.errors.values()),
                "error_codes": dict(sorted(self.errors.items())), "retries": self.retries,
                "seconds": round(self.seconds, 2)}

    def line(self) -> str:
        d = self.as_dict()
        rate = f" ({self.rows / self.seconds:,.0f} rows/s)" if self.seconds > 0 else ""
        errors = ", ".join(f"{code} {n}" for code, n in d["error_codes"].items())
        return (f"{self.rows:,} rows in {self.seconds:,.1f} s{rate}: allow {d['allow']:,}, deny {d['deny']:,}, "
                f"defer {d['defer']:,}; {d['errors']:,} rows with errors" + (f" ({errors})" if errors else "")
                + f"; {self.retries} retried requests")


@dataclass(frozen=True)
class Outcome:
    decision: str
    reasons: str
    next_allowed_at: str
    error: str | None = None


def outcome(result: Any) -> Outcome:
    """One batch result as the three added cells (an error entry: deny, its code as the reason)."""
    if not isinstance(result, dict):
        return Outcome(DENY, "invalid_response", "", "invalid_response")
    codes = [str(r.get("code")) for r in result.get("reasons") or [] if isinstance(r, dict) and r.get("code")]
    error = result.get("error")
    error_code = None
    if error is not None:
        error_code = str(error.get("code") or "error") if isinstance(error, dict) else "error"
        if error_code not in codes:
            codes.append(error_code)
    decision = str(result.get("decision") or DENY) if error is None else DENY
    return Outcome(decision, REASON_SEPARATOR.join(codes), str(result.get("next_allowed_at") or ""), error_code)


def _local_error(code: str) -> Outcome:
    return Outcome(DENY, code, "", code)


class Columns:
    """Where the address is read and the added cells go, given the input's header."""

    def __init__(self, header: list[str], column: str):
        names = [name.strip() for name in header]
        if column in header:
            self.address = header.index(column)
        elif column.strip().lower() in [n.lower() for n in names]:
            self.address = [n.lower() for n in names].index(column.strip().lower())
        else:
            shown = ", ".join(repr(n) for n in header[:20]) + (", ..." if len(header) > 20 else "")
            raise ValueError(f"no column {column!r} in the header ({shown})")
        self.header = list(header)
        self.added: list[int] = []
        for name in ADDED_COLUMNS:
            if name in self.header:
                self.added.append(self.header.index(name))
            else:
                self.added.append(len(self.header))
                self.header.append(name)
        self.width = len(self.header)

    def cell(self, row: list[str]) -> str:
        return row[self.address].strip() if self.address < len(row) else ""

    def fill(self, row: list[str], answer: Outcome) -> list[str]:
        if len(row) < self.width:
            row = row + [""] * (self.width - len(row))
        for index, value in zip(self.added, (answer.decision, answer.reasons, answer.next_allowed_at), strict=True):
            row[index] = value
        return row


def _ask(registry: Registry, ask: Ask, cells: list[str]) -> list[Outcome]:
    """One batch: the cells worth sending go to the registry, the rest get their error here."""
    sent = [i for i, cell in enumerate(cells) if len(cell) <= MAX_CELL]
    answers: list[Outcome] = [_local_error("invalid_address")] * len(cells)
    if not sent:
        return answers
    reply = registry.post(BATCH_PATH, ask.body([cells[i] for i in sent]))
    results = reply.get("results") if isinstance(reply, dict) else None
    if not isinstance(results, list) or len(results) != len(sent):
        raise RequestFailed(f"the registry answered {len(results) if isinstance(results, list) else 'no'} results "
                            f"for a batch of {len(sent)} addresses")
    for i, result in zip(sent, results, strict=True):
        answers[i] = outcome(result)
    return answers


def scrub(rows: Iterator[list[str]], write: Callable[[list[str]], None], registry: Registry, column: str, ask: Ask,
          batch_size: int = BATCH_SIZE, concurrency: int = CONCURRENCY,
          progress: Callable[[int, Summary], None] | None = None) -> Summary:
    """Scrub ``rows`` (the header first) into ``write``, in order. Raises ScrubFailed, ValueError (no such column)."""
    started = time.monotonic()
    summary = Summary()
    try:
        header = next(rows)
    except StopIteration:
        raise ValueError("the file is empty: a header row is needed") from None
    columns = Columns(header, column)
    write(columns.header)
    held: deque[tuple[list[list[str]], Future[list[Outcome]]]] = deque()

    def finish_oldest() -> None:
        batch, future = held.popleft()
        try:
            answers = future.result()
        except RequestFailed as err:
            raise ScrubFailed(str(err), summary.rows) from err
        for row, answer in zip(batch, answers, strict=True):
            write(columns.fill(row, answer))
            summary.decisions[answer.decision] += 1
            if answer.error:
                summary.errors[answer.error] += 1
        summary.rows += len(batch)
        if progress:
            progress(len(batch), summary)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="scrub") as pool:
        try:
            while batch := list(itertools.islice(rows, batch_size)):
                held.append((batch, pool.submit(_ask, registry, ask, [columns.cell(row) for row in batch])))
                if len(held) >= 2 * concurrency:
                    finish_oldest()
            while held:
                finish_oldest()
        except BaseException:
            for _, future in held:
                future.cancel()
            raise
        finally:
            summary.retries = registry.retries
            summary.seconds = time.monotonic() - started
    return summary


def count_rows(path: str) -> int | None:
    """About how many data rows a file holds (its lines, less the header), for the progress bar."""
    try:
        lines, last = 0, b"\n"
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        return max(lines - 1 + (last != b"\n"), 0)
    except OSError:
        return None


def run(source: str, output: str, registry: Registry, column: str, ask: Ask, concurrency: int = CONCURRENCY,
        show_progress: bool = True, err: IO[str] | None = None, batch_size: int = BATCH_SIZE) -> Summary:
    """The command: ``source`` and ``output`` are paths ("-": stdin, stdout). The output appears only
    when the run completed (written beside it under another name, then renamed); on failure nothing
    is left behind."""
    from tqdm import tqdm

    err = err or sys.stderr
    infile = sys.stdin if source == "-" else open(source, newline="", encoding="utf-8-sig")
    partial = None
    if output == "-":
        outfile = sys.stdout
    else:
        directory, name = os.path.split(os.path.abspath(output))
        partial = os.path.join(directory, f".{name}.{os.getpid()}.partial")
        outfile = open(partial, "w", newline="", encoding="utf-8")
    bar = tqdm(total=None if source == "-" else count_rows(source), unit=" rows", file=err, disable=not show_progress,
               mininterval=0.5, dynamic_ncols=True, desc="scrub")
    done = False
    try:
        writer = csv.writer(outfile)

        def progress(rows: int, summary: Summary) -> None:
            bar.update(rows)
            # as text: tqdm would show 100,000 as 1e+5
            bar.set_postfix(allow=str(summary.decisions["allow"]), deny=str(summary.decisions["deny"]),
                            defer=str(summary.decisions["defer"]), errors=str(sum(summary.errors.values())),
                            refresh=False)

        summary = scrub(iter(csv.reader(infile)), writer.writerow, registry, column, ask, batch_size=batch_size,
                        concurrency=concurrency, progress=progress)
        done = True
    finally:
        bar.close()
        if infile is not sys.stdin:
            infile.close()
        if outfile is not sys.stdout:
            outfile.close()
        else:
            outfile.flush()
        if partial:
            if done:
                os.replace(partial, output)
            else:
                try:
                    os.unlink(partial)
                except OSError:
                    pass
    return summary
