"""Parsing and formatting of instants: ISO 8601 with an offset in, UTC with Z out.

Every instant the registry accepts (``occurred_at``, ``expires_at``, ``at``, ``snooze_until``,
...) is read by ``parse_instant`` and must lie in [EARLIEST, LATEST]: a year like 0001 or 9999
is a typo or an attack, never a fact, and near the ends of Python's calendar the arithmetic the
rules do (EBR ends, windows, UTC conversion) overflows. Instants are written with an explicit
four-digit year (``strftime('%Y')`` gives ``1-01-01`` for year 1), and the state a decision is
read from stores them in one fixed-width form (``stored_instant``), read back by
``read_stored_instant``, which refuses anything else as an unreadable record.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import overload

from .errors import InvalidRequest, UnreadableRecord

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
RANGE_TEXT = "1970-01-01T00:00:00Z and 2100-01-01T00:00:00Z"
MAX_INSTANT_LENGTH = 64
_STORED = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?Z$")


def parse_instant(raw: object, field: str) -> datetime:
    """An ISO 8601 timestamp that carries an offset (a naive time is ambiguous, so refused), in
    the registry's range; in UTC."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidRequest(f"{field} must be an ISO 8601 timestamp with an offset", field)
    text = raw.strip()
    if len(text) > MAX_INSTANT_LENGTH:
        raise InvalidRequest(f"{field} is not an ISO 8601 timestamp", field)
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(f"{field} is not an ISO 8601 timestamp", field) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRequest(f"{field} needs an offset, e.g. 2026-11-24T05:40:00Z", field)
    try:
        utc: datetime | None = value.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00:00+01:00, 9999-12-31T23:59:59-01:00
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise InvalidRequest(f"{field} must be between {RANGE_TEXT}", field)
    return utc


def _fixed(value: datetime) -> str:
    v = value.astimezone(UTC)
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}"


@overload
def format_instant(value: datetime) -> str: ...
@overload
def format_instant(value: None) -> None: ...
def format_instant(value: datetime | None) -> str | None:
    """The form responses use: UTC with Z, fractions only when there are any."""
    if value is None:
        return None
    if value.microsecond:  # the same in every zone; _fixed writes the rest in UTC
        return f"{_fixed(value)}.{value.microsecond:06d}Z"
    return f"{_fixed(value)}Z"


def sortable_instant(value: datetime) -> str:
    """Fixed-width UTC text that sorts as time does (for sort keys and stored state)."""
    return f"{_fixed(value)}.{value.microsecond:06d}Z"


def stored_instant(value: datetime | None) -> str | None:
    """The one form instants are stored in: fixed width, so a stored record always reads back."""
    return None if value is None else sortable_instant(value)


def read_stored_instant(text: object) -> datetime:
    """An instant as stored (the fixed-width form, or the response form older records hold).
    Anything else, or one outside the range, is an unreadable record (503, never 400)."""
    if not isinstance(text, str) or not _STORED.match(text):
        raise UnreadableRecord("a stored record could not be read")
    try:
        value = datetime.fromisoformat(text[:-1] + "+00:00")
    except ValueError:
        raise UnreadableRecord("a stored record could not be read") from None
    if not EARLIEST <= value <= LATEST:
        raise UnreadableRecord("a stored record could not be read")
    return value


def utc_now() -> datetime:
    return datetime.now(UTC)
