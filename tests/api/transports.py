"""Both ways a request reaches the registry, with the ``call`` / ``permission`` interface of the
conftest's ``Api``, so a test parametrised over both (``client`` fixture) shows they behave alike:

- ``LambdaApi``: the Lambda handler with API Gateway HTTP API events; a body that is not UTF-8
  arrives base64-encoded, as API Gateway sends binary bodies.
- ``LocalApi``: the local server's ASGI app (``registry.handlers.api.local_app()``), driven
  in-process as uvicorn drives it (raw path, latin-1 headers; an exception is a plain-text 500).
"""
from __future__ import annotations

import asyncio
import base64
import json
import urllib.parse
from typing import Any

from tests.api.conftest import Api, LambdaContext, Reply


class LambdaApi(Api):
    def call(self, method: str, path: str, body: Any = None, key: str | None = "admin", raw: bytes | None = None,
             headers: dict[str, str] | None = None) -> Reply:
        if raw is None:
            return super().call(method, path, body, key, raw, headers)
        try:
            raw.decode("utf-8")
            return super().call(method, path, body, key, raw, headers)
        except UnicodeDecodeError:
            pass
        path_only, _, query = path.partition("?")
        hdrs = {"content-type": "application/json"}
        if key is not None:
            hdrs["x-api-key"] = {"admin": self.admin, "dialer": self.dialer, "writer": self.writer}.get(key, key)
        hdrs.update(headers or {})
        event = {
            "version": "2.0", "routeKey": "$default", "rawPath": path_only, "rawQueryString": query,
            "headers": hdrs,
            "queryStringParameters": dict(urllib.parse.parse_qsl(query, keep_blank_values=True)) or None,
            "requestContext": {"http": {"method": method, "path": path_only, "sourceIp": "127.0.0.1"},
                               "stage": "$default", "requestId": "r-binary"},
            "body": base64.b64encode(raw).decode(), "isBase64Encoded": True,
        }
        result = self.handler(event, LambdaContext())
        return Reply(int(result["statusCode"]), {k.lower(): v for k, v in (result.get("headers") or {}).items()},
                     result.get("body") or "")


class LocalApi(Api):
    """``call`` sends the request to the ASGI app as uvicorn would (raw path, latin-1 headers)."""

    def __init__(self, app, admin: str, dialer: str, writer: str):
        super().__init__(None, admin, dialer, writer)
        self.app = app

    def call(self, method: str, path: str, body: Any = None, key: str | None = "admin", raw: bytes | None = None,
             headers: dict[str, str] | None = None) -> Reply:
        path_only, _, query = path.partition("?")
        hdrs = {"content-type": "application/json", "host": "127.0.0.1:3000"}
        if key is not None:
            hdrs["x-api-key"] = {"admin": self.admin, "dialer": self.dialer, "writer": self.writer}.get(key, key)
        hdrs.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        hdrs["content-length"] = str(len(data))
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
            "scheme": "http", "path": urllib.parse.unquote(path_only), "raw_path": path_only.encode("latin-1"),
            "root_path": "", "query_string": query.encode("latin-1"),
            "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in hdrs.items()],
            "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 3000),
        }
        return asyncio.run(_exchange(self.app, scope, data))


async def _exchange(app, scope: dict, body: bytes) -> Reply:
    sent = False
    status = 0
    headers: dict[str, str] = {}
    chunks: list[bytes] = []

    async def receive():
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)  # the client stays connected until the answer is sent
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            headers.update({k.decode("latin-1").lower(): v.decode("latin-1") for k, v in message.get("headers", [])})
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    try:
        await asyncio.wait_for(app(scope, receive, send), timeout=60)
    except Exception:  # what uvicorn answers when the app raises before it started a response
        if status:
            raise
        return Reply(500, {"content-type": "text/plain; charset=utf-8"}, "Internal Server Error")
    return Reply(status, headers, b"".join(chunks).decode("utf-8", "replace"))


TRANSPORTS = ("lambda", "local")
_APPS: dict[str, Any] = {}


def transport(name: str, api: Api) -> Api:
    """The Lambda handler or the local server, with the keys of the ``api`` fixture. A module makes
    its ``client`` fixture with ``@pytest.fixture(params=TRANSPORTS)`` and this."""
    if name == "lambda":
        return LambdaApi(api.handler, api.admin, api.dialer, api.writer)
    if "app" not in _APPS:
        from registry.handlers.api import local_app

        _APPS["app"] = local_app()
    return LocalApi(_APPS["app"], api.admin, api.dialer, api.writer)
