"""Each request's id and its one access log line, on Lambda and on the local server alike.

- The request id is API Gateway's (``requestContext.requestId``: the id in its own access logs
  and in CloudWatch); the local server, which has no gateway, makes one. Every response carries
  it as ``x-request-id`` and every error body as ``error.request_id``, and every log line written
  while the request runs has it as ``request_id`` (a Logger key held in a ContextVar, so the
  local server's concurrent requests never mix theirs).
- One access line per request (``"message": "request"``): the route's **pattern**
  (``/v1/contacts/{address}``, never the path, which holds a phone number or an email), method,
  status, milliseconds, the API key's id, and what a route adds with ``note`` (a lookup's
  decision). A path that names no route is logged as route ``null``.

A request begins (``begin``) before the gate, so its early refusals carry the id as well.
"""
from __future__ import annotations

import re
import time
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from .observability import logger

HEADER = "x-request-id"
# What API Gateway's ids look like ("JZbWZhl5IAMEVvw="); anything else is replaced, not logged.
_GATEWAY_ID = re.compile(r"^[A-Za-z0-9=_.:\-]{1,128}$")


@dataclass
class Request:
    id: str
    method: str
    started: float = field(default_factory=time.monotonic)
    route: str | None = None
    key_id: str | None = None  # the API key that authenticated, allowed or not
    details: dict[str, Any] = field(default_factory=dict)


_current: ContextVar[Request | None] = ContextVar("registry_request", default=None)


def begin(method: str, gateway_id: object = None) -> Request:
    """A request starts: its id is the gateway's when it has a well-formed one, else a new one."""
    request_id = gateway_id if isinstance(gateway_id, str) and _GATEWAY_ID.match(gateway_id) else str(uuid.uuid4())
    request = Request(request_id, str(method or "").upper()[:16])
    _current.set(request)
    logger.thread_safe_clear_keys()
    logger.thread_safe_append_keys(request_id=request_id)
    return request


def current() -> Request | None:
    return _current.get()


def request_id() -> str | None:
    request = _current.get()
    return request.id if request else None


def set_route(pattern: str | None) -> None:
    """The pattern of the route the router chose (Powertools' ``<param>`` shown as ``{param}``)."""
    request = _current.get()
    if request is not None:
        request.route = pattern.replace("<", "{").replace(">", "}") if pattern else None


def set_key(key_id: str | None) -> None:
    request = _current.get()
    if request is not None:
        request.key_id = key_id


def note(**details: Any) -> None:
    """What the access line should say besides the basics (a lookup's decision). Never an address."""
    request = _current.get()
    if request is not None:
        request.details.update(details)


def end(request: Request, status: int) -> None:
    """The access line; then the request's log keys are dropped. (Keys whose value is None, such as
    the route of a path that names none, are left out of the line by the Logger.)"""
    logger.info("request", extra={
        "route": request.route, "method": request.method, "status": status,
        "duration_ms": round((time.monotonic() - request.started) * 1000, 1), "key_id": request.key_id,
        **request.details})
    logger.thread_safe_clear_keys()
    _current.set(None)
