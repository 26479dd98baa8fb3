"""The age of a national list's copy (rev. 2, ``list_stale``; 47 CFR 64.1200(c)(2)(i)(D)).

A seller must scrub against a copy of the national registry obtained no more than 31 days before
the call. A copy taken on day D is good through day D + 31 (UTC dates): from ``D + 32 days,
00:00Z`` a marketing call or text is denied with ``list_stale``. Reading ``at`` as a UTC date can
stop calls a few hours early on a U.S. evening, never late. A list that never had a full copy has
no version and is not aged; informational contact and email never are (docs/scale.md, "list_stale").

Plain functions (mutmut skips decorated ones); fed from the ``LISTS`` catalog a lookup reads.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

MAX_AGE_DAYS = 31
AGED_CHANNELS = ("call", "sms")
AGED_PURPOSE = "marketing"


@dataclass(frozen=True)
class ListCopy:
    """A national list's newest full copy in force: the list's name and the copy's date."""

    list_name: str
    version: date


def last_good_day(version: date) -> date:
    """The last UTC date a copy taken on ``version`` may still be scrubbed against."""
    return version + timedelta(days=MAX_AGE_DAYS)


def is_stale(version: date, at: datetime) -> bool:
    """Whether the copy is more than 31 days old at ``at`` (aware): ``at >= version + 32 days, 00:00Z``."""
    if at.utcoffset() is None:  # naive (or a zone that gives no offset)
        raise ValueError("at must be timezone-aware")
    return at.astimezone(UTC).date() > last_good_day(version)


def is_aged(channel: str, purpose: str) -> bool:
    """Only telephone solicitations (marketing calls and texts) need a fresh copy."""
    return channel in AGED_CHANNELS and purpose == AGED_PURPOSE


def stale_copies(copies: Iterable[ListCopy], channel: str, purpose: str, at: datetime) -> tuple[ListCopy, ...]:
    """The national lists whose copy is too old for this contact at ``at``, by name."""
    if not is_aged(channel, purpose):
        return ()
    return tuple(sorted((c for c in copies if is_stale(c.version, at)), key=lambda c: c.list_name))
