"""Every error in the contract's shape: {"error": {"code", "message", "field"?, "request_id"}};
nothing internal leaks. ``request_id`` is the request's id (``request_log``), also sent as the
``x-request-id`` header; an error about one item inside an answer (an event, a batch entry) is
``error_detail`` alone.

The one place an error becomes an HTTP status: ``http_status`` maps each kind of the registry's
errors (``domain.errors``) to its status, by the nearest kind it is. Every route, the gate and
both hosts answer through it.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from ..domain.errors import (
    ChannelAddressMismatch,
    Conflict,
    Forbidden,
    Gone,
    InvalidAddress,
    InvalidRequest,
    NotFound,
    RegistryError,
    RegistryUnavailable,
    TooLarge,
    TooManyRequests,
    Unauthorized,
)
from . import request_log

# Nearest kind first: a kind not listed takes its parent's status (ContactErased is a Conflict).
STATUS: dict[type[RegistryError], int] = {
    InvalidRequest: 400,
    InvalidAddress: 400,
    ChannelAddressMismatch: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Gone: 410,
    TooLarge: 413,
    TooManyRequests: 429,
    RegistryUnavailable: 503,
    RegistryError: 400,
}

# pydantic error types that mean "a list is over its limit" (413), not "bad value" (400)
_TOO_LARGE_TYPES = {"too_long"}
_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this request",
    "literal_error": "is not one of the allowed values",
    "json_invalid": "the body is not valid JSON",
    "model_attributes_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
    "model_type": "must be a JSON object",
    "list_type": "must be a list",
    "string_type": "must be a string",
    "too_short": "must not be empty",
}


# Why a lookup that could not be answered is a deny (the route's 503, and the resolver's on an unexpected error).
UNAVAILABLE_REASON = {"code": "registry_unavailable", "message": "the registry could not be read; do not contact"}


def error_detail(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if field:
        error["field"] = field
    return error


def error_body(code: str, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    """The body of an error answer: the error, with the id of the request it answers."""
    error = error_detail(code, message, field)
    request_id = request_log.request_id()
    if request_id:
        error["request_id"] = request_id
    return {"error": error, **extra}


def json_response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON,
                    body=json.dumps(body), headers=headers or {})


def http_status(err: RegistryError) -> int:
    """The status a registry error answers with."""
    return next(STATUS[kind] for kind in type(err).__mro__ if kind in STATUS)


def registry_error_response(err: RegistryError) -> Response:
    return json_response(http_status(err), error_body(err.code, err.message, err.field))


def validation_error_response(errors: Sequence[Mapping[str, Any]]) -> Response:
    return registry_error_response(validation_error(errors))


def validation_error(errors: Sequence[Mapping[str, Any]], within: tuple[str, ...] | None = None) -> RegistryError:
    """pydantic's first error as the contract's error.

    ``within`` None: errors of Powertools' request validation (locations start with body, query,
    ...). A tuple: errors of a model validated by hand, sitting at that place in the body (an
    event's ``("data",)``), so the field points into the whole body.
    """
    first = errors[0] if errors else {}
    kind = first.get("type", "")
    loc = [str(p) for p in first.get("loc", ())]
    if within is None:
        if loc and loc[0] in ("body", "query", "path", "header"):
            loc = loc[1:]
    else:
        loc = [*within, *loc]
    field = "".join(f"[{p}]" if p.isdigit() else (f".{p}" if i else p) for i, p in enumerate(loc)) or None
    if kind == "json_invalid":
        why = (first.get("ctx") or {}).get("error")
        return InvalidRequest(f"{_MESSAGES[kind]}: {why}" if isinstance(why, str) and why else _MESSAGES[kind])
    if kind in _TOO_LARGE_TYPES:
        limit = (first.get("ctx") or {}).get("max_length")
        return TooLarge(f"at most {limit} items" if limit else "too many items", field)
    message = _MESSAGES.get(kind) or _clean(first.get("msg")) or "is not valid"
    return InvalidRequest(f"{field}: {message}" if field else message, field)


def _clean(message: Any) -> str | None:
    if not isinstance(message, str):
        return None
    return message.removeprefix("Value error, ")
