"""The registry's API over HTTP (httpx), with the retries a long client run needs.

A 429 or 503 answer, a connection that could not be made or broke, or a timeout is tried again
after a pause: the registry's one policy (``registry.retry.Backoff``: capped exponential backoff,
full jitter), but never shorter than the answer's ``Retry-After``. Anything else that is not a
2xx is final: a ``RequestFailed`` that names the status and the registry's own error, never the
key. The client is safe to share between threads (httpx's connection pool is).
"""
from __future__ import annotations

import email.utils
import time
from datetime import UTC
from typing import Any

import httpx

from .. import retry
from .target import Target

# 8 tries in all: pauses of at most 0.5, 1, 2, 4, 8, 16, 30 s (about a minute at worst), enough
# for a throttled API Gateway stage or a local stack that is busy with an import.
RETRIES = retry.Backoff(tries=8, base=0.5, cap=30.0)
RETRY_AFTER_CAP = 120.0  # seconds: a longer Retry-After is taken as this
RETRIED_STATUSES = frozenset({429, 503})
USER_AGENT = "registry-cli"


class RequestFailed(Exception):
    """The registry did not answer a request usefully, even after the retries."""

    def __init__(self, message: str, status: int | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), capped; None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


def _error_of(reply: httpx.Response) -> tuple[str | None, str]:
    """The registry's error code and message from an error answer, if it is the contract's shape."""
    try:
        body = reply.json()
    except ValueError:
        return None, reply.text[:200].strip() or reply.reason_phrase
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return error.get("code"), str(error.get("message") or "")
    return None, reply.reason_phrase


class Registry:
    """One registry, one key: ``post``/``get`` answer the parsed JSON of a 2xx."""

    def __init__(self, target: Target, timeout: float = 60.0, pool: int = 8,
                 policy: retry.Backoff = RETRIES, transport: httpx.BaseTransport | None = None):
        self.target = target
        self.policy = policy
        self.retries = 0  # how many times a request was tried again (the summary shows it)
        limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
        self._http = httpx.Client(base_url=target.url, timeout=timeout, limits=limits, transport=transport,
                                  headers={"x-api-key": target.key, "user-agent": USER_AGENT,
                                           "accept": "application/json"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body)

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def request(self, method: str, path: str, body: Any = None) -> Any:
        what = f"{method} {path}"
        last = ""
        for attempt in range(self.policy.tries):
            if attempt:
                self.retries += 1
            try:
                reply = self._http.request(method, path, json=body)
            except httpx.TransportError as err:  # refused, reset, timed out: try again
                last = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
                self._pause(attempt, None)
                continue
            if reply.status_code in RETRIED_STATUSES:
                code, message = _error_of(reply)
                last = f"{reply.status_code} {code or reply.reason_phrase}: {message}".rstrip(": ")
                self._pause(attempt, retry_after(reply.headers.get("retry-after")))
                continue
            if reply.is_success:
                try:
                    return reply.json()
                except ValueError:
                    raise RequestFailed(f"{what} at {self.target.url}: the answer was not JSON",
                                        reply.status_code) from None
            code, message = _error_of(reply)
            raise RequestFailed(f"{what} at {self.target.url} was refused: {reply.status_code} "
                                f"{code or reply.reason_phrase}: {message}{_hint(reply.status_code, self.target)}",
                                reply.status_code, code)
        raise RequestFailed(f"{what} at {self.target.url} failed {self.policy.tries} times; last: {last}"
                            f"{_hint(None, self.target)}")

    def _pause(self, attempt: int, at_least: float | None) -> None:
        if attempt + 1 >= self.policy.tries:
            return  # no try follows
        retry.sleep(max(self.policy.pause_before(attempt + 1), at_least or 0.0))


def _hint(status: int | None, target: Target) -> str:
    if status == 401:
        return " (the key is not known: check --key or REGISTRY_API_KEY)"
    if status == 403:
        return " (the key lacks the scope this needs)"
    if status is None and target.local:
        return " (is the local stack running? `make run`, or pass --url)"
    return ""
