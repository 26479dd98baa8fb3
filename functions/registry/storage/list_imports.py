"""Bulk list imports: the import records (``pk = IMP#<id>``, ``sk = IMP``), the one-import-per-list
lease (on the list's own item ``LIST#<name>``), the import bucket (streaming reads) and the import
queue (start and continuation messages). docs/scale.md (e) is the design; docs/storage.md lists
the attributes.

An import record is created once (``attribute_not_exists``): the same object notified or posted
again finds it. Its progress (phase, byte offset, next line, counters, the first bad line
numbers, the exchanges the file covers) is written at each checkpoint.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.attributes import BinaryAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError

from ..settings import derived, get_settings
from .aws_clients import aws_client
from .errors import StorageError, StorageUnavailable, dynamodb
from .table import RegistryModel

IMP = "IMP"
LIST = "LIST"
CHUNK_BYTES = 1 << 20  # one streaming read


class ImportItem(RegistryModel):
    class Meta(RegistryModel.Meta):
        write_path = True

    list_name = UnicodeAttribute()
    mode = UnicodeAttribute()
    bucket = UnicodeAttribute()
    key = UnicodeAttribute()
    etag = UnicodeAttribute()
    size = NumberAttribute(default=0)
    version = UnicodeAttribute()                  # yyyy-mm-dd: the copy's date (full) or the file's (changes)
    status = UnicodeAttribute()                   # running | done | failed
    phase = UnicodeAttribute(default="parse")     # parse | write | sweep | commit (full files)
    offset = NumberAttribute(default=0)           # byte offset of the first line not yet taken in
    line = NumberAttribute(default=1)             # its line number (1-based)
    lines = NumberAttribute(default=0)
    added = NumberAttribute(default=0)
    removed = NumberAttribute(default=0)
    rejected = NumberAttribute(default=0)
    first_bad = ListAttribute(of=NumberAttribute, default=list)
    # Full files: the exchanges the file holds, as ``NPA`` + a 125-byte bitmap of its NXX codes per
    # area code (<= 128 KB for all 1,000 area codes), so a resumed run writes every one of them.
    seen = BinaryAttribute(null=True, legacy_encoding=False)
    done_upto = NumberAttribute(default=0)        # write/sweep phase: exchanges (or area codes) done
    reason = UnicodeAttribute(null=True)
    runs = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)


class ListLease(RegistryModel):
    """The lease attributes of ``LIST#<name>`` (nothing else of that item is read or written here)."""

    class Meta(RegistryModel.Meta):
        write_path = True

    lease_import = UnicodeAttribute(null=True)
    lease_owner = UnicodeAttribute(null=True)
    lease_until = NumberAttribute(null=True)


def import_pk(import_id: str) -> str:
    return f"IMP#{import_id}"


def get(import_id: str) -> ImportItem | None:
    with dynamodb("read an import", reading=import_pk(import_id)):
        try:
            return ImportItem.get(import_pk(import_id), IMP, consistent_read=True)
        except ImportItem.DoesNotExist:
            return None


def create(import_id: str, fields: dict[str, Any]) -> bool:
    """True when created; False when this import already exists (nothing is changed)."""
    item = ImportItem(import_pk(import_id), IMP, **fields)
    with dynamodb("create an import"):
        try:
            item.save(condition=ImportItem.pk.does_not_exist())
        except PutError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
    return True


def save(item: ImportItem, **fields: Any) -> None:
    """Write these fields of the import (its progress at a checkpoint, its end)."""
    actions = []
    for name, value in fields.items():
        attribute = getattr(ImportItem, name)
        actions.append(attribute.remove() if value is None else attribute.set(value))
        setattr(item, name, value)
    with dynamodb("save an import's progress"):
        item.update(actions=actions)


@dataclass(frozen=True)
class Lease:
    held: bool
    import_id: str | None = None  # who holds it, when it is not ours


def claim(list_name: str, import_id: str, owner: str, until: int, now: int) -> Lease:
    """Take the list's lease for this import and owner until ``until`` (epoch seconds): free, run
    out, or ours already. Otherwise: not held, with the import that holds it."""
    lease = ListLease(f"LIST#{list_name}", LIST)
    free = (ListLease.lease_until.does_not_exist() | (ListLease.lease_until < now)
            | (ListLease.lease_owner == owner))
    with dynamodb("take a list's import lease"):
        try:
            lease.update(actions=[ListLease.lease_import.set(import_id), ListLease.lease_owner.set(owner),
                                  ListLease.lease_until.set(until)],
                         condition=ListLease.pk.exists() & free)
            return Lease(True)
        except UpdateError as err:
            if err.cause_response_code != "ConditionalCheckFailedException":
                raise
        try:
            current = ListLease.get(f"LIST#{list_name}", LIST, consistent_read=True)
        except ListLease.DoesNotExist:
            return Lease(False)
    return Lease(False, current.lease_import)


def release(list_name: str, owner: str) -> None:
    """Give the lease back (only if it is still this owner's)."""
    lease = ListLease(f"LIST#{list_name}", LIST)
    with dynamodb("give a list's import lease back"):
        try:
            lease.update(actions=[ListLease.lease_import.remove(), ListLease.lease_owner.remove(),
                                  ListLease.lease_until.remove()],
                         condition=ListLease.lease_owner == owner)
        except UpdateError as err:
            if err.cause_response_code != "ConditionalCheckFailedException":
                raise


# --- the bucket ------------------------------------------------------------------------------

_s3 = derived(lambda settings: aws_client(settings, "s3", read_timeout=30))


@dataclass(frozen=True)
class ObjectHead:
    etag: str
    size: int
    last_modified: datetime


def head(bucket: str, key: str) -> ObjectHead | None:
    """The object's ETag, size and LastModified; None when there is no such object."""
    from botocore.exceptions import ClientError

    with dynamodb("read an import file's head"):
        try:
            answer = _s3().head_object(Bucket=bucket, Key=key)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound", "403"):
                return None
            raise
    return ObjectHead(str(answer["ETag"]).strip('"'), int(answer["ContentLength"]), answer["LastModified"])


class FileChanged(StorageError):
    """The import's object was replaced or removed since the import began (its ETag is not there)."""


def read(bucket: str, key: str, etag: str, offset: int) -> Iterator[bytes]:
    """The object's bytes from ``offset`` on, in chunks. FileChanged when the object no longer has
    this ETag (replaced or removed)."""
    from botocore.exceptions import ClientError

    with dynamodb("read an import file"):
        try:
            answer = _s3().get_object(Bucket=bucket, Key=key, Range=f"bytes={offset}-", IfMatch=f'"{etag}"')
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("PreconditionFailed", "412", "NoSuchKey", "404"):
                raise FileChanged("the file was replaced or removed during the import") from err
            raise
    body = answer["Body"]
    try:
        while True:
            with dynamodb("read an import file"):
                chunk = body.read(CHUNK_BYTES)
            if not chunk:
                return
            yield chunk
    finally:
        body.close()


# --- the queue -------------------------------------------------------------------------------

_sqs = derived(lambda settings: aws_client(settings, "sqs"))


def enqueue(message: dict[str, Any], delay_seconds: int = 0) -> None:
    """Put a start or continuation message on the import queue."""
    url = get_settings().import_queue_url
    if not url:
        raise StorageUnavailable("no import queue is configured (REGISTRY_IMPORT_QUEUE_URL)")
    with dynamodb("put a message on the import queue"):
        _sqs().send_message(QueueUrl=url, MessageBody=json.dumps(message), DelaySeconds=delay_seconds)
