"""Reading a request body: Lambda and the local server alike.

A body must be UTF-8 text (every route reads text: JSON on /v1, forms on the preference pages),
checked once, after the gate and before any route; and a JSON body (the one parser, ``loads``,
used by both resolvers) must be JSON the registry can hold: nested at most ``MAX_DEPTH`` levels
(the deepest real body, an event's evidence, is 5), no number Python refuses to convert
(over 4,300 digits), no ``NaN``/``Infinity`` (not JSON), no lone surrogate (not text: it
cannot be stored or hashed). Anything else is 400 ``invalid_request`` with the contract's error,
never a 500 or a 503 (a deep batch used to answer 503 ``registry_unavailable``: bad input
reported as an outage).
"""
from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from ..domain.errors import InvalidRequest

MAX_DEPTH = 32
MAX_BODY_BYTES = 1_048_576  # the contract's limit: a body over 1 MB is 413, before it is parsed


def decode_text(raw: bytes) -> str:
    """The body as text; InvalidRequest unless it is UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest("the body is not UTF-8 text") from None


def decode_lambda_body(body: str | None, is_base64: bool) -> str:
    """API Gateway's body as text: base64 for binary media types, else text as it came."""
    if not body:
        return ""
    if is_base64:
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidRequest("the body is not valid base64") from None
        return decode_text(raw)
    _check_encodable(body)
    return body


def _check_encodable(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: not text anything can store
        raise InvalidRequest("the body is not UTF-8 text") from None


def _holdable(value: Any, limit: int = MAX_DEPTH) -> str | None:
    """Why a parsed value cannot be held (too deep, a lone surrogate); None when it can.
    Iterative: the walk itself never recurses."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "a string holds a lone surrogate"
        elif isinstance(item, (list, dict)):
            if depth > limit:
                return f"nested deeper than {limit} levels"
            if isinstance(item, dict):
                stack.extend((k, depth) for k in item)
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)
    return None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(text: str) -> Any:
    """JSON the registry can hold, or ``json.JSONDecodeError``, which Powertools' request validation
    turns into a ``json_invalid`` error: 400 "the body is not valid JSON: <why>". The JSON body
    deserializer of both resolvers (see ``handlers.api``)."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError:
        raise
    except RecursionError:  # the C parser's own guard, far deeper than MAX_DEPTH
        raise json.JSONDecodeError(f"nested deeper than {MAX_DEPTH} levels", text, 0) from None
    except ValueError as err:  # 5,000-digit numbers (int conversion limit), NaN, Infinity
        reason = "a number has too many digits" if "digits" in str(err) else str(err)
        raise json.JSONDecodeError(reason, text, 0) from None
    problem = _holdable(value)
    if problem is not None:
        raise json.JSONDecodeError(problem, text, 0)
    return value
