"""DynamoDB fault injection through botocore's event system.

Nothing here knows which DynamoDB answers (moto or DynamoDB Local): faults are injected on the
client side, on the botocore clients PynamoDB holds, so the same tests run against either.

- ``before-send.dynamodb.<Op>`` runs once per HTTP attempt (retries included). A handler that
  returns an ``AWSResponse`` replaces the network round trip; one that raises a botocore
  exception is treated as that network error (retried by botocore like the real thing).
- ``before-call`` / ``after-call`` run once per API call, around all of its attempts.

Every hook is registered with a unique id and removed by ``Faults.clear()``, which the
``faults`` fixture calls in its finalizer.
"""
from __future__ import annotations

import itertools
import json
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from botocore.httpsession import URLLib3Session

JSON = "application/x-amz-json-1.0"
DYNAMODB_ERROR = "com.amazonaws.dynamodb.v20120810#"
_ids = itertools.count(1)


class _Body:
    """The raw stream an AWSResponse reads its content from."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any):
        yield self.data


def response(url: str, status: int, body: dict[str, Any],
             headers: dict[str, str] | None = None) -> AWSResponse:
    data = json.dumps(body).encode()
    return AWSResponse(url, status, {"content-type": JSON, "content-length": str(len(data)),
                                     "x-amzn-requestid": "injected", **(headers or {})}, _Body(data))


def error_body(error_type: str, message: str = "injected fault", **extra: Any) -> dict[str, Any]:
    return {"__type": DYNAMODB_ERROR + error_type, "message": message, **extra}


def client_of(target: Any):
    """The botocore client behind a PynamoDB model class, a TableConnection, a Connection or a client."""
    if hasattr(target, "_get_connection"):  # a Model class
        target = target._get_connection()
    if hasattr(target, "connection"):  # a TableConnection
        target = target.connection
    if hasattr(target, "client") and not hasattr(target, "meta"):  # a pynamodb Connection
        target = target.client
    return target


@dataclass
class Calls:
    """What a hook saw: how many times, and anything the hook chose to note."""

    count: int = 0
    times: list[float] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def hit(self, note: Any = None) -> int:
        with self.lock:
            self.count += 1
            self.times.append(time.monotonic())
            if note is not None:
                self.notes.append(note)
            return self.count


class Faults:
    """Registers hooks on botocore clients and removes every one of them on ``clear()``."""

    def __init__(self) -> None:
        self._registered: list[tuple[Any, str, str]] = []

    # --- plumbing ---------------------------------------------------------------------------

    def hook(self, target: Any, event: str, handler: Callable[..., Any]) -> None:
        client = client_of(target)
        unique_id = f"storage-fault-{next(_ids)}"
        client.meta.events.register(event, handler, unique_id=unique_id)
        self._registered.append((client, event, unique_id))

    def clear(self) -> None:
        while self._registered:
            client, event, unique_id = self._registered.pop()
            client.meta.events.unregister(event, unique_id=unique_id)

    def _on_send(self, target: Any, operation: str, make: Callable[[Any], Any], times: int | None) -> Calls:
        """Each attempt of ``operation`` goes to ``make(request)`` (the first ``times`` attempts, or all)."""
        calls = Calls()

        def handler(request, **_):
            if times is not None and calls.count >= times:
                return None
            calls.hit()
            return make(request)

        self.hook(target, f"before-send.dynamodb.{operation}", handler)
        return calls

    # --- counting ---------------------------------------------------------------------------

    def count_calls(self, target: Any, operation: str) -> Calls:
        """API calls (one per call, however many attempts botocore makes)."""
        calls = Calls()
        self.hook(target, f"before-call.dynamodb.{operation}", lambda **_: calls.hit() and None)
        return calls

    def count_attempts(self, target: Any, operation: str) -> Calls:
        """HTTP attempts (retries included)."""
        calls = Calls()
        self.hook(target, f"before-send.dynamodb.{operation}", lambda **_: calls.hit() and None)
        return calls

    # --- faults -----------------------------------------------------------------------------

    def error(self, target: Any, operation: str, status: int, error_type: str, times: int | None = None,
              headers: dict[str, str] | None = None, **extra: Any) -> Calls:
        def answer(request):
            return response(request.url, status, error_body(error_type, **extra), headers)
        return self._on_send(target, operation, answer, times)

    def throttle(self, target: Any, operation: str, times: int | None = None,
                 headers: dict[str, str] | None = None) -> Calls:
        return self.error(target, operation, 400, "ProvisionedThroughputExceededException", times, headers)

    def server_error(self, target: Any, operation: str, times: int | None = None) -> Calls:
        return self.error(target, operation, 500, "InternalServerError", times)

    def read_timeout(self, target: Any, operation: str, times: int | None = None) -> Calls:
        def fail(request):
            raise ReadTimeoutError(endpoint_url=request.url)
        return self._on_send(target, operation, fail, times)

    def connect_timeout(self, target: Any, operation: str, times: int | None = None) -> Calls:
        def fail(request):
            raise ConnectTimeoutError(endpoint_url=request.url)
        return self._on_send(target, operation, fail, times)

    def endpoint_down(self, target: Any, operation: str, times: int | None = None) -> Calls:
        def fail(request):
            raise EndpointConnectionError(endpoint_url=request.url)
        return self._on_send(target, operation, fail, times)

    def transaction_cancelled(self, target: Any, code_for: Callable[[dict[str, Any]], str],
                              times: int | None = None, item_exists: bool = True) -> Calls:
        """TransactWriteItems cancelled; ``code_for(action)`` gives each action's reason ("None": fine).

        The reasons are computed from the request actually sent, so they line up with its actions
        in whatever order the client put them. As DynamoDB does, a failed condition of an action
        that asked for ``ReturnValuesOnConditionCheckFailure = ALL_OLD`` carries the item as it was
        (here: its key), unless ``item_exists`` is False (a condition that failed on a missing item).
        """
        calls = Calls()

        def reason(action: dict[str, Any], code: str) -> dict[str, Any]:
            if code == "None":
                return {"Code": code}
            found = {"Code": code, "Message": f"injected {code}"}
            (_, body), = action.items()
            if code == "ConditionalCheckFailed" and item_exists and body.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD":
                key = body.get("Item") or body.get("Key")
                found["Item"] = {"pk": key["pk"], "sk": key["sk"]}
            return found

        def cancel(request, **_):
            if times is not None and calls.count >= times:
                return None
            actions = json.loads(request.body)["TransactItems"]
            codes = [code_for(action) for action in actions]
            calls.hit(codes)
            reasons = [reason(action, code) for action, code in zip(actions, codes, strict=True)]
            message = ("Transaction cancelled, please refer cancellation reasons for specific reasons "
                       f"[{', '.join(codes)}]")
            return response(request.url, 400, error_body("TransactionCanceledException", message,
                                                         CancellationReasons=reasons))

        self.hook(target, "before-send.dynamodb.TransactWriteItems", cancel)
        return calls

    def response_lost(self, target: Any, operation: str, times: int = 1) -> Calls:
        """The request reaches DynamoDB and is applied, but its answer never arrives (a read timeout)."""
        session = URLLib3Session()

        def deliver_then_time_out(request):
            session.send(request)
            raise ReadTimeoutError(endpoint_url=request.url)
        return self._on_send(target, operation, deliver_then_time_out, times)


def action_key(action: dict[str, Any]) -> tuple[str, str, str]:
    """(kind, pk, sk) of one TransactItems action: kind is Put, Update, Delete or ConditionCheck."""
    (kind, body), = action.items()
    key = body.get("Item") or body.get("Key")
    return kind, key["pk"]["S"], key["sk"]["S"]


def fail_where(code: str, predicate: Callable[[str, str, str], bool]) -> Callable[[dict[str, Any]], str]:
    """A ``code_for`` that gives ``code`` to the actions whose (kind, pk, sk) match, "None" to the rest."""
    return lambda action: code if predicate(*action_key(action)) else "None"


class SilentEndpoint:
    """A TCP endpoint on 127.0.0.1 that accepts connections and never answers a byte."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.05)
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="silent-endpoint", daemon=True)
        self.accepted = 0

    @property
    def url(self) -> str:
        host, port = self._listener.getsockname()
        return f"http://{host}:{port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted += 1
            self._held.append(conn)  # held open, never read from or written to

    def __enter__(self) -> SilentEndpoint:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self._held:
            conn.close()
        self._listener.close()


def closed_port_url() -> str:
    """A local URL nothing listens on: connections are refused at once."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    host, port = probe.getsockname()
    probe.close()
    return f"http://{host}:{port}"


# --- test data -------------------------------------------------------------------------------

def new_email() -> str:
    return f"storage-{uuid.uuid4().hex[:12]}@example.com"


def new_id() -> str:
    return str(uuid.uuid4())


def hours_ago(hours: float) -> datetime:
    return (datetime.now(UTC) - timedelta(hours=hours)).replace(microsecond=0)
