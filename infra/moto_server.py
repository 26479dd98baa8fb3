"""An in-process moto server: the AWS emulator behind the local stack and the tests."""
from __future__ import annotations

import copy
import logging
import threading
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import StreamShard
from moto.server import ThreadedMotoServer

from .net import LOCALHOST, port_in_use

# Every DynamoDB operation of moto's backend that reads or writes a table.
_DYNAMODB_OPERATIONS = ("transact_write_items", "transact_get_items", "put_item", "update_item", "delete_item",
                        "batch_write_item", "batch_get_item", "get_item", "query", "scan")
_serialised = False


def serialise_dynamodb() -> None:
    """Make moto apply DynamoDB operations one at a time, isolated as DynamoDB isolates them.

    moto serves each request on its own thread with no lock, and its TransactWriteItems rolls a
    cancelled transaction back by restoring a copy of the whole table taken when it began: with
    concurrent writers that undoes transactions committed in between, and reads or the copy
    fail with "dictionary changed size during iteration" (a 500). That is the emulator, not the
    registry; DynamoDB and DynamoDB Local isolate transactions. Idempotent; moto only.
    """
    global _serialised
    if _serialised:
        return
    lock = threading.RLock()
    for name in _DYNAMODB_OPERATIONS:
        original = getattr(DynamoDBBackend, name, None)
        if original is None:
            continue

        def serialised(self, *args, __original=original, **kwargs):
            with lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, serialised)
    StreamShard.__deepcopy__ = _copy_stream_shard  # type: ignore[attr-defined]
    _serialised = True


def _copy_stream_shard(self: StreamShard, memo: dict[int, Any]) -> StreamShard:
    """moto backs up the whole table, deep, before each TransactWriteItems (to roll a cancelled one
    back), and with the table's stream (change events) that copies every stream record ever written:
    each transaction slower than the last. The records never change once written, so the backup
    needs only the list of them: a rolled-back transaction still leaves no record of its own."""
    clone = copy.copy(self)
    memo[id(self)] = clone
    clone.table = memo.get(id(self.table), self.table)
    clone.items = list(self.items)
    return clone


class MotoServer:
    """ThreadedMotoServer that refuses a busy port (moto itself would hang waiting for it)."""

    def __init__(self, port: int = 0, host: str = LOCALHOST):
        if port and port_in_use(port, host):
            raise OSError(f"port {port} on {host} is already in use (set MOTO_PORT to another)")
        self._server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        self.url = ""

    def start(self) -> str:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        serialise_dynamodb()
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self.url

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
