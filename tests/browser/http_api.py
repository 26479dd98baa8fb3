"""The API over real HTTP, with the calls of ``tests.api.conftest.Api`` (so ``tests.api.helpers``
work with it): the browser tests set up their people through the same server the browser uses."""
from __future__ import annotations

import json
from typing import Any

import httpx

from tests.api.conftest import Api, Reply


class HttpApi(Api):
    def __init__(self, base: str, admin: str, dialer: str, writer: str):
        super().__init__(None, admin, dialer, writer)
        self.base = base
        self.client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)

    def call(self, method: str, path: str, body: Any = None, key: str | None = "admin", raw: bytes | None = None,
             headers: dict[str, str] | None = None, raw_path: str | None = None,
             context: dict[str, Any] | None = None) -> Reply:
        assert raw_path is None and context is None, "a real HTTP client sends the path as given"
        hdrs = {"content-type": "application/json"}
        if key is not None:
            hdrs["x-api-key"] = {"admin": self.admin, "dialer": self.dialer, "writer": self.writer}.get(key, key)
        hdrs.update(headers or {})
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        reply = self.client.request(method, path, content=data, headers=hdrs)
        return Reply(reply.status_code, {k.lower(): v for k, v in reply.headers.items()}, reply.text)
