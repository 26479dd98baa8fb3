"""API tests call the real Lambda handler with API Gateway HTTP API (payload 2.0) events."""
from __future__ import annotations

import base64
import itertools
import json
import logging
import os
import random
import threading
import time
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

_serial = itertools.count(1)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class LambdaContext:
    function_name = "ApiFunction"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:ApiFunction"
    aws_request_id = "test-request"

    def get_remaining_time_in_millis(self) -> int:
        return 28_000


class Api:
    def __init__(self, handler, admin: str, dialer: str, writer: str):
        self.handler = handler
        self.admin, self.dialer, self.writer = admin, dialer, writer

    def call(self, method: str, path: str, body: Any = None, key: str | None = "admin", raw: bytes | None = None,
             headers: dict[str, str] | None = None, raw_path: str | None = None,
             context: dict[str, Any] | None = None, client: str = "127.0.0.1") -> Reply:
        """``path`` as a client sends it (percent-encoded). API Gateway HTTP API decodes the path
        once before the function sees it, so ``rawPath`` is the decoded path; ``raw_path`` puts a
        given string into ``rawPath`` verbatim instead. ``context``: more of the request context
        (what API Gateway sets, e.g. ``apiId``). ``client``: the caller's IP (``http.sourceIp``)."""
        path_only, _, query = path.partition("?")
        if raw_path is None:
            raw_path = urllib.parse.unquote(path_only)
        hdrs = {"content-type": "application/json"}
        if key is not None:
            hdrs["x-api-key"] = {"admin": self.admin, "dialer": self.dialer, "writer": self.writer}.get(key, key)
        hdrs.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        try:  # API Gateway passes text bodies as they are, and base64-encodes binary ones
            text, binary = (data.decode() if data is not None else None), False
        except UnicodeDecodeError:
            text, binary = base64.b64encode(data).decode(), True
        event = {
            "version": "2.0", "routeKey": "$default", "rawPath": raw_path, "rawQueryString": query,
            "headers": hdrs,
            "queryStringParameters": dict(urllib.parse.parse_qsl(query, keep_blank_values=True)) or None,
            "requestContext": {"http": {"method": method, "path": raw_path, "sourceIp": client},
                               "stage": "$default", "requestId": f"r{next(_serial)}", **(context or {})},
            "body": text,
            "isBase64Encoded": binary,
        }
        result = self.handler(event, LambdaContext())
        text = result.get("body") or ""
        if result.get("isBase64Encoded"):
            text = base64.b64decode(text).decode()
        return Reply(int(result["statusCode"]), {k.lower(): v for k, v in (result.get("headers") or {}).items()},
                     text)

    def permission(self, address: str, channel: str, purpose: str = "marketing", at: str | None = None,
                   brand: str | None = None, key: str = "dialer", dialing: str | None = None) -> Reply:
        query = {"address": address, "channel": channel, "purpose": purpose}
        if at:
            query["at"] = at
        if brand:
            query["brand"] = brand
        if dialing:
            query["dialing"] = dialing
        return self.call("GET", "/v1/permissions?" + urllib.parse.urlencode(query), key=key)


class LocalApi(Api):
    """The same calls through the local server's ASGI app (``local_app()``), in-process: ``path``
    goes out as ``raw_path`` exactly as given (percent-encoding, dot segments, doubled slashes and
    all), ``path`` as uvicorn would decode it."""

    def call(self, method: str, path: str, body: Any = None, key: str | None = "admin", raw: bytes | None = None,
             headers: dict[str, str] | None = None, raw_path: str | None = None,
             context: dict[str, Any] | None = None, client: str = "127.0.0.1") -> Reply:
        from infra.request_threads import run_request

        assert context is None, "the local server has no request context to set"
        path_only, _, query = path.partition("?")
        raw_path = path_only if raw_path is None else raw_path
        hdrs = {"content-type": "application/json", "host": "127.0.0.1:3000"}
        if key is not None:
            hdrs["x-api-key"] = {"admin": self.admin, "dialer": self.dialer, "writer": self.writer}.get(key, key)
        hdrs.update({k.lower(): v for k, v in (headers or {}).items()})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        hdrs["content-length"] = str(len(data))
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
            "path": urllib.parse.unquote(raw_path), "raw_path": raw_path.encode("latin-1"),
            "query_string": query.encode("latin-1"), "root_path": "",
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in hdrs.items()],
            "client": (client, 50000), "server": ("127.0.0.1", 3000),
        }
        sent: list[dict] = []
        try:  # as `make run` hands each request over (infra.request_threads)
            run_request(self.handler, scope, data, sent, timeout=60)
        except Exception:  # what uvicorn answers when the app raises before it started a response
            if sent:
                raise
            return Reply(500, {"content-type": "text/plain; charset=utf-8"}, "Internal Server Error")
        start = next(m for m in sent if m["type"] == "http.response.start")
        text = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode("utf-8", "replace")
        return Reply(int(start["status"]),
                     {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])}, text)


@pytest.fixture(scope="session")
def local_api(api):
    """The local server's ASGI app, with the keys of ``api``."""
    from registry.handlers.api import local_app

    return LocalApi(local_app(), api.admin, api.dialer, api.writer)


@pytest.fixture(scope="session", params=["lambda", "local"])
def both(request, api):
    """Each test once through the Lambda handler and once through the local server: the two hosts
    must answer alike."""
    return api if request.param == "lambda" else request.getfixturevalue("local_api")


class Gateway:
    """API Gateway's choice of function, from template.yaml's HttpApi events: a request goes to the
    function of the route matching its method and path exactly (``GET /v1/permissions``: the lookup
    function), else to the function with ``ANY /{proxy+}`` (ApiFunction), as the HTTP API picks the
    most specific route. Each function's ``Handler`` is imported as Lambda would."""

    def __init__(self) -> None:
        import importlib

        from infra.template import load_template

        self.routes: dict[tuple[str, str], str] = {}
        self.handlers: dict[str, Callable[..., dict[str, Any]]] = {}
        for name, definition in load_template()["Resources"].items():
            if definition["Type"] != "AWS::Serverless::Function":
                continue
            events = [e["Properties"] for e in (definition["Properties"].get("Events") or {}).values()
                      if e["Type"] == "HttpApi"]
            if not events:
                continue
            module, _, attribute = definition["Properties"]["Handler"].rpartition(".")
            self.handlers[name] = getattr(importlib.import_module(module), attribute)
            for event in events:
                self.routes[(event["Method"], event["Path"])] = name

    def function_for(self, method: str, path: str) -> str:
        for key in ((method, path), ("ANY", path)):
            if key in self.routes:
                return self.routes[key]
        return self.routes[("ANY", "/{proxy+}") if path != "/" else ("ANY", "/")]

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        function = self.function_for(event["requestContext"]["http"]["method"], event["rawPath"])
        return self.handlers[function](event, context)


@pytest.fixture(scope="session")
def api(dynamodb_table):
    """The API through Lambda as deployed: each request to the function API Gateway would choose
    (``Gateway``): the lookups to ``registry.handlers.lookup``, everything else to ``registry.handlers.api``."""
    from registry.services import api_keys

    api_keys.ensure_key("test-admin-key", "test-admin", {"lookup", "write", "admin"})
    api_keys.ensure_key("test-dialer-key", "test-dialer", {"lookup"})
    api_keys.ensure_key("test-writer-key", "test-writer", {"write"})
    return Api(Gateway(), "test-admin-key", "test-dialer-key", "test-writer-key")


# Fresh addresses for every test, unique across the whole session and across xdist workers
# (each process starts at a random point of ~8 million numbers per area code).
_numbers = itertools.count(random.SystemRandom().randrange(8_000_000))
_run = uuid.uuid4().hex[:8]


def new_phone(area: str = "415", exchange: str | None = None) -> str:
    """Pass ``exchange`` where the time zones depend on it (Alaska's 907-555 spans two zones)."""
    n = next(_numbers) % 8_000_000
    exchange = exchange or f"{200 + n // 10_000:03d}"  # 200..999: a valid US exchange
    return f"+1{area}{exchange}{n % 10_000:04d}"


def new_email() -> str:
    return f"api-{_run}-{next(_serial)}@example.com"


def quoted(address: str) -> str:
    return urllib.parse.quote(address, safe="")


class Lines(logging.Handler):
    """Every line the registry logs, formatted as it is written (in the request's own context,
    where its request id is), with the Logger's own JSON formatter."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.lock_ = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        with self.lock_:
            self.lines.append(line)

    def take(self) -> list[dict]:
        return [json.loads(line) for line in self.take_text()]

    def take_text(self) -> list[str]:
        """The lines so far as written (and forgotten here)."""
        with self.lock_:
            taken, self.lines = self.lines, []
        return taken


@pytest.fixture
def logs():
    """Every line the registry logs during the test (``logs.take()``: the lines so far, parsed)."""
    from registry.handlers.observability import logger

    handler = Lines()
    handler.setFormatter(logger.registered_formatter)
    logger._logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger._logger.removeHandler(handler)


@dataclass
class RuleQueue:
    """A bus of a test's own, and the queue a rule on it sends one detail-type to (as a subscriber would)."""

    events: Any  # the bus's EventBridge client
    sqs: Any
    bus: str
    queue: str

    def received(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """What the rule delivered: ``count`` events, or fewer once ``timeout`` has passed."""
        out: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while len(out) < count and time.monotonic() < deadline:
            answer = self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            for message in answer.get("Messages", []):
                out.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=message["ReceiptHandle"])
        return out


@pytest.fixture
def rule_queue(aws_endpoint, configure) -> Callable[[str], RuleQueue]:
    """``rule_queue(detail_type)``: a new bus, configured as the registry's, with a rule sending
    that detail-type to a new queue."""
    region = os.environ["AWS_DEFAULT_REGION"]
    events = boto3.client("events", region_name=region, endpoint_url=aws_endpoint)
    sqs = boto3.client("sqs", region_name=region, endpoint_url=aws_endpoint)

    def make(detail_type: str) -> RuleQueue:
        name = f"registry-test-{uuid.uuid4().hex[:8]}"
        events.create_event_bus(Name=name)
        queue = sqs.create_queue(QueueName=f"{name}-rule")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="to-queue", EventBusName=name, EventPattern=json.dumps({"detail-type": [detail_type]}))
        events.put_targets(Rule="to-queue", EventBusName=name, Targets=[{"Id": "queue", "Arn": arn}])
        configure(REGISTRY_EVENT_BUS=name)
        return RuleQueue(events, sqs, name, queue)

    return make
