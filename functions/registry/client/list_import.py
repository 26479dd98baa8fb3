"""``registry lists import``: a national-registry file into a suppression list, followed to its end.

1. The file goes into the import bucket under ``imports/{list}/full/...`` or
   ``imports/{list}/changes/...`` (boto3; a multipart upload for a large file), its key carrying the
   version's date when one is given (``imports/national/full/2026-12-01/dnc.txt``).
2. ``POST /v1/suppression-lists/{list}/imports`` with ``{"bucket", "key", "mode", "version"?}``
   starts the import (or finds the one the bucket's notification started: the registry keys an
   import by list, mode, bucket, key and ETag, so both are the same import) and answers its id.
3. ``GET /v1/suppression-lists/{list}/imports/{id}`` is read every ``interval`` seconds, with a
   progress bar of the lines read (of the lines the file has, counted before the upload), until
   its ``status`` is ``done`` or ``failed``. A 404 just after the start is taken as "queued" for a
   while: the importer may not have written its record yet.

The final import record is printed as JSON on stdout; the command's status is 0 only for ``done``.
"""
from __future__ import annotations

import json
import os
import re
import sys
import time
import urllib.parse
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from .http import Registry, RequestFailed
from .target import Target

MODES = ("full", "changes")
LIST_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")  # as the registry checks it (services.suppression)
QUEUED_PATIENCE = 120.0  # seconds an import may answer 404 before it is taken as lost
FINISHED = ("done", "failed")


class ImportFailed(Exception):
    """The file could not be put in the bucket, or the import could not be started or followed."""


@dataclass(frozen=True)
class Upload:
    bucket: str
    key: str
    lines: int
    size: int


def object_key(list_name: str, mode: str, filename: str, version: str | None) -> str:
    base = os.path.basename(filename) or "file"
    return f"imports/{list_name}/{mode}/" + (f"{version}/" if version else "") + base


def check(list_name: str, mode: str, version: str | None) -> None:
    if not LIST_NAME.match(list_name):
        raise ValueError(f"list name {list_name!r}: 1-64 letters, digits, '.', '_' or '-'")
    if mode not in MODES:
        raise ValueError(f"mode {mode!r}: one of {', '.join(MODES)}")
    if version is not None:
        try:
            date.fromisoformat(version)
        except ValueError:
            raise ValueError(f"version {version!r}: a date, YYYY-MM-DD") from None
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", version):
            raise ValueError(f"version {version!r}: a date, YYYY-MM-DD")


def s3_client(target: Target) -> Any:
    import boto3

    if target.local:  # the emulator takes any credentials; never the caller's real ones
        return boto3.client("s3", endpoint_url=target.s3_endpoint, region_name="us-east-1",
                            aws_access_key_id="local", aws_secret_access_key="local")
    return boto3.client("s3", endpoint_url=target.s3_endpoint)


def count_lines(path: str) -> int:
    """The file's lines (a last line without a newline counts), read in 1 MB chunks: seconds for gigabytes."""
    lines, last = 0, b"\n"
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def upload(path: str, target: Target, list_name: str, mode: str, version: str | None, s3: Any = None,
           show_progress: bool = True, err: IO[str] | None = None) -> Upload:
    from boto3.s3.transfer import TransferConfig
    from botocore.exceptions import BotoCoreError, ClientError
    from tqdm import tqdm

    if not target.bucket:
        raise ImportFailed("no import bucket: pass --bucket or set REGISTRY_IMPORT_BUCKET (the stack's ImportBucket)")
    key = object_key(list_name, mode, path, version)
    size = os.path.getsize(path)
    s3 = s3 or s3_client(target)
    lines = count_lines(path)
    config = TransferConfig(multipart_threshold=64 << 20, multipart_chunksize=64 << 20)
    with tqdm(total=size, unit="B", unit_scale=True, unit_divisor=1024, file=err or sys.stderr,
              disable=not show_progress, desc="upload", mininterval=0.5) as bar:
        try:
            s3.upload_file(path, target.bucket, key, Config=config, Callback=bar.update)
        except (BotoCoreError, ClientError) as error:
            raise ImportFailed(f"could not put {path} in s3://{target.bucket}/{key}: {error}") from error
    return Upload(target.bucket, key, lines, size)


def start(registry: Registry, list_name: str, mode: str, uploaded: Upload, version: str | None) -> str:
    body: dict[str, Any] = {"bucket": uploaded.bucket, "key": uploaded.key, "mode": mode}
    if version:
        body["version"] = version
    answer = registry.post(f"/v1/suppression-lists/{_quote(list_name)}/imports", body)
    import_id = answer.get("id") or answer.get("import_id") if isinstance(answer, dict) else None
    if not import_id:
        raise ImportFailed(f"the registry started the import but answered no id: {json.dumps(answer)[:200]}")
    return str(import_id)


def follow(registry: Registry, list_name: str, import_id: str, lines: int | None, interval: float = 1.0,
           show_progress: bool = True, err: IO[str] | None = None, patience: float = QUEUED_PATIENCE,
           clock: Any = time) -> dict[str, Any]:
    """Poll the import until it is done or failed; answers its last record."""
    from tqdm import tqdm

    path = f"/v1/suppression-lists/{_quote(list_name)}/imports/{_quote(import_id)}"
    queued_since = clock.monotonic()
    with tqdm(total=lines or None, unit=" lines", file=err or sys.stderr, disable=not show_progress, desc="import",
              mininterval=0.5, dynamic_ncols=True) as bar:
        while True:
            try:
                record = registry.get(path)
            except RequestFailed as error:
                if error.status != 404 or clock.monotonic() - queued_since > patience:
                    raise
                bar.set_postfix(status="queued")
                clock.sleep(interval)
                continue
            if not isinstance(record, dict):
                raise ImportFailed(f"the import's progress was not an object: {json.dumps(record)[:200]}")
            read = int(record.get("lines") or 0)
            if read > bar.n:
                bar.update(read - bar.n)
            bar.set_postfix(status=record.get("status"), added=str(record.get("added", 0)),
                            removed=str(record.get("removed", 0)), rejected=str(rejected_of(record)[0]), refresh=False)
            if record.get("status") in FINISHED:
                bar.refresh()
                return record
            clock.sleep(interval)


def rejected_of(record: dict[str, Any]) -> tuple[Any, list[Any]]:
    """The rejected count and the first bad line numbers, however the record words them: the contract
    says only "``rejected`` with the first bad line numbers" (a count beside a list, or an object)."""
    rejected = record.get("rejected")
    if isinstance(rejected, dict):
        count = rejected.get("count", next((v for v in rejected.values() if isinstance(v, int)), "?"))
        lines = next((v for v in rejected.values() if isinstance(v, list)), [])
        return count, lines
    lines = next((record[k] for k in ("rejected_lines", "first_rejected", "bad_lines") if isinstance(record.get(k), list)),
                 [])
    return (rejected if rejected is not None else 0), lines


def summary_line(record: dict[str, Any], seconds: float) -> str:
    count, bad = rejected_of(record)
    first_bad = f" (first bad lines: {', '.join(str(n) for n in bad[:10])})" if bad else ""
    reason = f"; {record['reason']}" if record.get("reason") else ""
    return (f"import {record.get('status')}: {record.get('lines', 0):,} lines, {record.get('added', 0):,} added, "
            f"{record.get('removed', 0):,} removed, {count} rejected{first_bad} in {seconds:,.1f} s{reason}")


def _quote(part: str) -> str:
    return urllib.parse.quote(part, safe="")
