"""One spelling of every path, shared by the gate and the router.

Both hosts hand the resolver the path **decoded exactly once**: API Gateway HTTP API decodes the
path before it invokes the function (its ``rawPath`` is already decoded: ``/a%2Fb`` arrives as
``/a/b``), and the local server decodes the bytes it received (ASGI ``raw_path``) here, once. The
gate then looks up the route for that very string in the resolver's own route table, in the
resolver's own order, and the resolver is handed the same string: whatever route the router
chooses is the one whose scope was checked. Nothing downstream decodes again (a path parameter is
used as it comes).

A path that is not in its one canonical form names no route (404): an empty segment (``//``, a
trailing ``/``), a ``.`` or ``..`` segment, a control character, bytes that are not UTF-8 once
decoded. Paths are case-sensitive: ``/V1/...`` is no route either.

Route rules are literal text (``.`` in ``/v1/openapi.json`` is a dot, not "any character"); a
parameter is one segment, except ``<address>``: an email's local part may hold a ``/``
(sent as ``%2F``), so an address may contain ``/`` before its last ``@`` (a domain and a phone
number never do, which keeps ``/v1/contacts/{address}/history`` unambiguous).
"""
from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any
from urllib.parse import unquote_to_bytes

_PARAM = re.compile(r"<(\w+)>")
_SEGMENT = r"[^/]+"
# No '/' at all (a phone number, most emails), or an '@' after the last '/' and no '/' after it.
_ADDRESS = r"(?:[^/]+|.*@[^/@]*)"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# The query string exactly as the request carried it (API Gateway's ``rawQueryString``, ASGI's
# ``query_string``): set by both hosts before the resolver runs. A signed URL (Twilio's) covers it
# byte for byte; the parsed parameters would lose its order and spelling.
raw_query: ContextVar[str] = ContextVar("raw_query", default="")


class NotCanonical(ValueError):
    """The path is not the one spelling of any route."""


def decode_once(raw: bytes | str) -> str:
    """Percent-decode a path as received (once); the result must be UTF-8."""
    data = raw.encode("latin-1") if isinstance(raw, str) else raw
    try:
        return unquote_to_bytes(data).decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        raise NotCanonical("the path is not UTF-8") from None


def check_canonical(path: str) -> str:
    """The decoded path, if it is canonical; else NotCanonical."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise NotCanonical("the path must start with '/'")
    if _CONTROL.search(path):
        raise NotCanonical("the path holds a control character")
    if path != "/" and any(segment in ("", ".", "..") for segment in path[1:].split("/")):
        raise NotCanonical("the path holds an empty, '.' or '..' segment")
    return path


def compile_rule(rule: str) -> re.Pattern[str]:
    """A route's rule as an anchored regex: literal text, one segment per parameter (see above)."""
    parts, last = [], 0
    for param in _PARAM.finditer(rule):
        parts.append(re.escape(rule[last:param.start()]))
        name = param.group(1)
        parts.append(f"(?P<{name}>{_ADDRESS if name == 'address' else _SEGMENT})")
        last = param.end()
    parts.append(re.escape(rule[last:]))
    return re.compile("^" + "".join(parts) + "$")


def routes(app: Any) -> list[Any]:
    """The resolver's routes in the order it tries them (static, then dynamic: Powertools'
    ``_resolve``)."""
    return list(app._static_routes) + list(app._dynamic_routes)


def install_rules(app: Any) -> None:
    """Give every route of the resolver the rule above (the resolver and the gate share them)."""
    for route in routes(app):
        route.rule = compile_rule(route.path)


def find_route(app: Any, method: str, path: str) -> Any | None:
    """The route the resolver will choose for this method and (canonical) path, or None (404)."""
    method = method.upper()
    for route in routes(app):
        if route.method == method and route.rule.match(path):
            return route
    return None

