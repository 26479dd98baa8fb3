"""The gate every request passes before any route: API key, scope, body size.

It runs before Powertools' request validation (which the resolver always runs first), so an
unauthenticated caller learns nothing, not even whether its body would have been valid.
Lambda and the local server call the same ``gate``.
"""
from __future__ import annotations

import base64
import binascii
from contextvars import ContextVar
from typing import Any, Mapping

from ..domain.errors import Forbidden, RegistryError, TooLarge, Unauthorized
from ..services import api_keys
from ..settings import get_settings
from .errors import error_body

current_principal: ContextVar[api_keys.Principal | None] = ContextVar("current_principal", default=None)

PUBLIC = {("GET", "/v1/health"), ("GET", "/v1/openapi.json")}
LOOKUP = {("GET", "/v1/permissions"), ("POST", "/v1/permissions/batch"), ("GET", "/v1/policy")}


def required_scope(method: str, path: str) -> str | None:
    """None: no key needed (health, the API description, and pages outside /v1)."""
    method = method.upper()
    if not path.startswith("/v1/") or (method, path) in PUBLIC or method == "OPTIONS":
        return None
    if (method, path) in LOOKUP:
        return "lookup"
    if path.startswith("/v1/keys") or (method == "DELETE" and path.startswith("/v1/contacts/")):
        return "admin"
    return "write"


def gate(method: str, path: str, headers: Mapping[str, str], body_size: int) -> tuple[int, dict[str, Any]] | None:
    """None to let the request through; else (status, error body)."""
    try:
        scope = required_scope(method, path)
        if scope is not None:
            principal = api_keys.authenticate(_header(headers, "x-api-key"))
            api_keys.require_scope(principal, scope)
            current_principal.set(principal)
        if body_size > get_settings().max_body_bytes:
            raise TooLarge(f"the body is over {get_settings().max_body_bytes} bytes")
    except (Unauthorized, Forbidden, TooLarge) as err:
        return err.status, error_body(err.code, err.message, err.field)
    except RegistryError as err:  # the key store could not be read: fail closed
        extra = _deny_body() if scope == "lookup" else {}
        return err.status, {**error_body(err.code, err.message), **extra}
    return None


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _deny_body() -> dict[str, Any]:
    return {"decision": "deny", "allowed": False,
            "reasons": [{"code": "registry_unavailable", "message": "the registry could not be read"}]}


def lambda_event_gate(event: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
    context = event.get("requestContext") or {}
    method = (context.get("http") or {}).get("method") or event.get("httpMethod") or "GET"
    path = event.get("rawPath") or event.get("path") or "/"
    body = event.get("body") or ""
    size = _body_size(body, bool(event.get("isBase64Encoded")))
    headers = event.get("headers") or {}
    if body and treat_body_as_json(path, _header(headers, "content-type")):
        event["headers"] = {**{k: v for k, v in headers.items() if k.lower() != "content-type"},
                            "content-type": "application/json"}
    return gate(method, path, headers, size)


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
