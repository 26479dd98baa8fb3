"""Parsing and formatting of instants: ISO 8601 with an offset in, UTC with Z out."""
from __future__ import annotations

from datetime import datetime, timezone

from .errors import InvalidRequest


def parse_instant(raw: object, field: str) -> datetime:
    """An ISO 8601 timestamp that carries an offset (a naive time is ambiguous, so refused)."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidRequest(f"{field} must be an ISO 8601 timestamp with an offset", field)
    text = raw.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(f"{field} is not an ISO 8601 timestamp", field) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRequest(f"{field} needs an offset, e.g. 2026-11-24T05:40:00Z", field)
    return value.astimezone(timezone.utc)


def format_instant(value: datetime | None) -> str | None:
    if value is None:
        return None
    value = value.astimezone(timezone.utc)
    if value.microsecond:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def sortable_instant(value: datetime) -> str:
    """Fixed-width UTC text that sorts as time does (for sort keys)."""
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
