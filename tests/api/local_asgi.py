"""The local server's app (``registry.handlers.api.local_app()``), driven in-process over ASGI.

``LocalApi`` has the same ``call`` as the Lambda ``Api`` of tests/api/conftest.py, so a test can
run the same requests through both hosts (``on_host``) and they must answer alike.
Nothing here translates into Lambda events: the request goes to the ASGI app as uvicorn would
hand it over (path percent-decoded in ``path``, as sent in ``raw_path``).
"""
from __future__ import annotations

import asyncio
import json
import urllib.parse
from typing import Any

from tests.api.conftest import Api, Reply


class LocalApi(Api):
    def __init__(self, app, admin: str, dialer: str, writer: str):
        super().__init__(None, admin, dialer, writer)
        self.app = app

    def call(self, method: str, path: str, body: Any = None, key: str | None = "admin", raw: bytes | None = None,
             headers: dict[str, str] | None = None) -> Reply:
        path_only, _, query = path.partition("?")
        hdrs = {"content-type": "application/json", "host": "127.0.0.1:3000"}
        if key is not None:
            hdrs["x-api-key"] = {"admin": self.admin, "dialer": self.dialer, "writer": self.writer}.get(key, key)
        hdrs.update({k.lower(): v for k, v in (headers or {}).items()})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        hdrs["content-length"] = str(len(data))
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
            "path": urllib.parse.unquote(path_only), "raw_path": path_only.encode("latin-1"),
            "query_string": query.encode("latin-1"), "root_path": "",
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in hdrs.items()],
            "server": ("127.0.0.1", 3000), "client": ("127.0.0.1", 50000),
        }
        return asyncio.run(self._send(scope, data))

    async def _send(self, scope: dict, data: bytes) -> Reply:
        delivered = False
        start: dict = {}
        chunks: list[bytes] = []

        async def receive():
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": data, "more_body": False}

        async def send(message):
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])}
        return Reply(int(start["status"]), headers, b"".join(chunks).decode("utf-8", "replace"))


_local: dict[int, LocalApi] = {}


def local_api_for(api: Api) -> LocalApi:
    """The local server's app with the same keys as ``api`` (made once per session)."""
    if id(api) not in _local:
        from registry.handlers.api import local_app

        _local[id(api)] = LocalApi(local_app(), api.admin, api.dialer, api.writer)
    return _local[id(api)]


def on_host(host: str, api: Api) -> Api:
    """``api`` for "lambda", its local-server twin for "local". A module runs its tests on both with

        @pytest.fixture(params=HOSTS)
        def host_api(request, api):
            return on_host(request.param, api)
    """
    return api if host == "lambda" else local_api_for(api)


HOSTS = ["lambda", "local"]
