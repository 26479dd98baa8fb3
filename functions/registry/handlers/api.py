"""The HTTP API: one Powertools resolver with every area's Router, for Lambda and locally.

Lambda runs ``lambda_handler`` (API Gateway HTTP API, payload 2.0) as ``ApiFunction``, which gets
every route but the lookups: those go to ``LookupFunction`` (``handlers.lookup``, the same setup,
``handlers.resolver``, with the lookup Routers only, so a lookup's cold start loads nothing else).
This resolver still has every route: the OpenAPI document describes them all. The local stack
serves ``local_app()``: Powertools' ``HttpResolverLocal`` with every Router, the same exception
handlers and gate, under uvicorn; nothing of ours translates HTTP into Lambda events.

Both read the body the same way (``handlers.body``): decoded once as UTF-8 text after the gate,
and parsed as JSON by one bounded parser (depth, number length, no NaN or lone surrogates), so
bad input is a 400 with the contract's error on either, never a 500 or a 503.
"""
from __future__ import annotations

import functools
import json
from contextvars import ContextVar
from typing import Any

from aws_lambda_powertools.event_handler import HttpResolverLocal

from ..domain.errors import InvalidRequest
from . import body as request_body
from . import openapi, request_log
from .access import gate, not_found, treat_body_as_json
from .errors import error_body, http_status
from .resolver import configure, lambda_handler_for, lambda_resolver
from .routes import (
    brands,
    consent_requests,
    contacts,
    events,
    facts,
    health,
    link_recovery,
    list_imports,
    permissions,
    preference_center,
    reports,
    suppression_lists,
    webhooks,
)
from .routing import NotCanonical, decode_once, raw_query

ROUTERS = (health.router, permissions.router, facts.router, contacts.router, suppression_lists.router,
           list_imports.router, events.router, preference_center.router, brands.router, consent_requests.router,
           webhooks.router, reports.router, link_recovery.router)
OPENAPI_PATH, DOCS_PATH = openapi.OPENAPI_PATH, openapi.DOCS_PATH

# Every route, the API's description among them: what API Gateway sends ApiFunction (all but the
# lookup function's own routes), and the routes the OpenAPI document describes.
app = configure(lambda_resolver(), ROUTERS, openapi.configure)
lambda_handler = lambda_handler_for(app)


# The local server's TCP peer for the request being served (set by ``_serve``).
local_peer: ContextVar[str] = ContextVar("local_peer", default="")


class _LocalResolver(HttpResolverLocal):
    """``HttpResolverLocal`` takes no JSON deserializer (its events are built from the ASGI request,
    with ``json.loads``): give its events the same bounded parser the Lambda resolver uses."""

    def _to_proxy_event(self, event: dict):
        # The peer's address as API Gateway's request context has it (``http.sourceIp``): the
        # local server's own TCP peer, never a header the client wrote.
        context = event.get("requestContext")
        if isinstance(context, dict) and isinstance(context.get("http"), dict):
            context["http"].setdefault("sourceIp", local_peer.get())
        proxy = super()._to_proxy_event(event)
        proxy._json_deserializer = request_body.loads
        return proxy


async def _send_json(send, status: int, payload: dict[str, Any]) -> None:
    data = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


def _utf8_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Header values as UTF-8 (Powertools decodes them so): HTTP allows any octet, read as latin-1."""
    out = []
    for key, value in headers:
        try:
            value.decode("utf-8")
        except UnicodeDecodeError:
            value = value.decode("latin-1").encode("utf-8")
        out.append((key, value))
    return out


@functools.cache
def local_app():
    """The ASGI app for the local stack: the same Routers behind the same gate.

    One per process: a Router reads ``current_event`` from the last resolver that included it,
    so a second local resolver would leave the first one's routes reading another request."""
    resolver = configure(_LocalResolver(enable_validation=True), ROUTERS, openapi.configure)

    async def asgi(scope, receive, send):
        if scope["type"] != "http":
            return await resolver(scope, receive, send)
        request = request_log.begin(scope.get("method") or "GET")
        status = 500

        async def send_with_id(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", []),
                                                  (request_log.HEADER.encode(), request.id.encode())]}
            await send(message)

        try:
            await _serve(resolver, scope, receive, send_with_id)
        finally:
            request_log.end(request, status)

    return asgi


async def _serve(resolver, scope, receive, send) -> None:
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    headers: dict[str, str] = {}
    for key, value in scope.get("headers", []):  # a repeated header is joined, as API Gateway does
        name, text = key.decode("latin-1").lower(), value.decode("latin-1")
        headers[name] = f"{headers[name]},{text}" if name in headers else text
    path = _local_path(scope)
    client = scope.get("client")
    local_peer.set(str(client[0]) if client else "")
    raw_query.set(scope.get("query_string", b"").decode("latin-1"))
    refused = gate(resolver, scope["method"], path, headers, len(body)) if path is not None else not_found()
    if refused is not None:
        await _send_json(send, *refused)
        return
    try:  # the body as text, once, as on Lambda; the query string too (Powertools decodes both as UTF-8)
        request_body.decode_text(body)
        scope.get("query_string", b"").decode("utf-8")
    except UnicodeDecodeError:
        err = InvalidRequest("the query string is not UTF-8 text")
        await _send_json(send, http_status(err), error_body(err.code, err.message))
        return
    except InvalidRequest as err:
        await _send_json(send, http_status(err), error_body(err.code, err.message, err.field))
        return
    scope = {**scope, "headers": _utf8_headers(scope.get("headers", []))}

    # The resolver matches exactly the path the gate checked.
    assert path is not None  # a path that could not be decoded was refused above
    scope = {**scope, "path": path}
    if body and treat_body_as_json(path, headers.get("content-type")):
        scope["headers"] = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-type"] \
            + [(b"content-type", b"application/json")]
    sent = False

    async def replay():
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    await resolver(scope, replay, send)


def _local_path(scope) -> str | None:
    """The path as received (ASGI raw_path), decoded once; None if it cannot be."""
    raw = scope.get("raw_path")
    if raw is None:  # a server without raw_path has decoded it once already
        return scope.get("path")
    try:
        return decode_once(raw)
    except NotCanonical:
        return None
