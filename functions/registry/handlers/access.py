"""Who may call which route: every route declares its scope where it is declared, and the gate
checks the scope of the route the router will actually choose.

- ``requires(scope)`` goes into each route's decorator (``@router.get(path, **requires(WRITE))``).
  It stores the scope in the route's own metadata (shown in the OpenAPI document as
  ``x-required-scope``, with the ``apiKey`` security requirement unless it is ``PUBLIC``) and
  adds a route middleware that checks it again inside the route.
  ``PUBLIC`` is a declaration too: health, the API description, the preference pages.
  ``SIGNED`` declares a provider's webhook: no API key, because the request carries its own
  credential (Twilio's ``X-Twilio-Signature``, an SNS message signature), which the route itself
  verifies before it reads anything else, answering 403 when it does not hold.
  ``check_declared`` refuses to configure an app with a route that declares nothing.
- ``gate`` runs before the resolver (Powertools validates a request before any middleware, and an
  unauthenticated caller must learn nothing about its body: 401 before 400). It takes the path
  the resolver will match (decoded once, see ``routing``), refuses a non-canonical one (404),
  finds the route the resolver will choose in the resolver's own table and checks that route's
  scope. An unknown route is 404 whatever the key (no route is reached, so there is nothing to
  protect; see docs/decisions.md). A body over 1 MB is 413 before it is parsed.

Lambda and the local server call the same ``gate``.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from ..domain.errors import Forbidden, RegistryError, TooLarge, Unauthorized
from ..domain.vocabulary import DecisionKind
from ..services import api_keys
from . import request_log
from .body import MAX_BODY_BYTES
from .errors import error_body, http_status
from .routing import NotCanonical, check_canonical, find_route, routes

PUBLIC, LOOKUP, WRITE, ADMIN = "public", "lookup", "write", "admin"
SIGNED = "signed"  # a provider's webhook: authenticated by its signature, checked in the route
SCOPES = (PUBLIC, SIGNED, LOOKUP, WRITE, ADMIN)
KEYLESS = (PUBLIC, SIGNED)  # the scopes no API key is asked for
SCOPE_EXTENSION = "x-required-scope"
API_KEY_SCHEME = "apiKey"  # the OpenAPI security scheme: the x-api-key header (see handlers.openapi)

current_principal: ContextVar[api_keys.Principal | None] = ContextVar("current_principal", default=None)

Refusal = tuple[int, dict[str, Any]]


def not_found() -> Refusal:
    return 404, error_body("not_found", "no such endpoint")


class UndeclaredScope(RuntimeError):
    """A route without a declared scope: the app refuses to start."""


# --- declaring --------------------------------------------------------------------------------

def requires(scope: str) -> dict[str, Any]:
    """Route keyword arguments that declare the scope a route needs (or PUBLIC, or SIGNED)."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def check_scope(app: Any, next_middleware: Any) -> Any:
        # Inside the chosen route: holds even if the gate and the router ever disagreed.
        if scope not in KEYLESS:
            principal = current_principal.get()
            if principal is None:
                raise Unauthorized("an API key is required in the x-api-key header")
            api_keys.require_scope(principal, scope)
        return next_middleware(app)

    check_scope.required_scope = scope  # type: ignore[attr-defined]
    declared: dict[str, Any] = {"openapi_extensions": {SCOPE_EXTENSION: scope}, "middlewares": [check_scope]}
    if scope not in KEYLESS:
        declared["security"] = [{API_KEY_SCHEME: []}]
    return declared


def route_scope(route: Any) -> str | None:
    """The scope a resolver route declared, or None."""
    extensions = getattr(route, "openapi_extensions", None) or {}
    scope = extensions.get(SCOPE_EXTENSION)
    declared = {getattr(m, "required_scope", None) for m in getattr(route, "middlewares", None) or []} - {None}
    if scope not in SCOPES or declared != {scope}:
        return None
    return scope


def check_declared(app: Any) -> None:
    """Every route of the app declares its scope (and checks it inside), or the app does not start."""
    missing = [f"{route.method} {route.path}" for route in routes(app) if route_scope(route) is None]
    if missing:
        raise UndeclaredScope("routes without a declared scope (use **requires(...)): " + ", ".join(missing))


def scope_for(app: Any, method: str, path: str) -> str | None:
    """The scope of the route the resolver chooses for this request, None if there is none."""
    route = find_route(app, method, path)
    return route_scope(route) if route is not None else None


# --- the gate ---------------------------------------------------------------------------------

def gate(app: Any, method: str, path: str | None, headers: Mapping[str, str], body_size: int) -> Refusal | None:
    """None to let the request through to the resolver, which is given this same ``path``;
    else (status, error body)."""
    current_principal.set(None)
    try:
        check_canonical(path)  # type: ignore[arg-type]
    except NotCanonical:
        return not_found()
    route = find_route(app, method, path)  # type: ignore[arg-type]
    request_log.set_route(route.path if route is not None else None)
    scope = route_scope(route) if route is not None else None
    try:
        if scope not in (None, *KEYLESS):
            principal = api_keys.authenticate(_header(headers, "x-api-key"))
            request_log.set_key(principal.key_id)
            api_keys.require_scope(principal, scope)
            current_principal.set(principal)
        if body_size > MAX_BODY_BYTES:
            raise TooLarge(f"the body is over {MAX_BODY_BYTES} bytes")
    except (Unauthorized, Forbidden, TooLarge) as err:
        return http_status(err), error_body(err.code, err.message, err.field)
    except RegistryError as err:  # the key store could not be read: fail closed
        extra = _deny_body() if scope == LOOKUP else {}
        if scope == LOOKUP:
            request_log.note(decision=DecisionKind.DENY)
        return http_status(err), {**error_body(err.code, err.message), **extra}
    return None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _deny_body() -> dict[str, Any]:
    return {"decision": DecisionKind.DENY, "allowed": False,
            "reasons": [{"code": "registry_unavailable", "message": "the registry could not be read"}]}


def event_path(event: Mapping[str, Any]) -> str | None:
    """The path the HTTP API resolver matches: ``rawPath`` (decoded once by API Gateway) without
    the stage. None if the event has none."""
    try:
        return APIGatewayProxyEventV2(dict(event)).path
    except (KeyError, TypeError, AttributeError):
        return None


def lambda_event_gate(app: Any, event: dict[str, Any]) -> Refusal | None:
    context = event.get("requestContext") or {}
    method = (context.get("http") or {}).get("method") or "GET"
    path = event_path(event)
    body = event.get("body") or ""
    size = _body_size(body, bool(event.get("isBase64Encoded")))
    headers = event.get("headers") or {}
    if body and path and treat_body_as_json(path, _header(headers, "content-type")):
        event["headers"] = {**{k: v for k, v in headers.items() if k.lower() != "content-type"},
                            "content-type": "application/json"}
    return gate(app, method, path, headers, size)


def _body_size(body: str, is_base64: bool) -> int:
    """Bytes the body holds. A body that is not base64 (or not text) is refused after the gate
    (handlers.body); its size here is its length."""
    try:
        return len(base64.b64decode(body)) if is_base64 else len(body.encode("utf-8", "surrogatepass"))
    except (binascii.Error, ValueError):
        return len(body)


def treat_body_as_json(path: str, content_type: str | None) -> bool:
    """/v1 bodies are JSON whatever the client labelled them (curl -d sends a form type)."""
    return path.startswith("/v1/") and "json" not in (content_type or "").lower()


def actor() -> str | None:
    principal = current_principal.get()
    return principal.key_id if principal else None
