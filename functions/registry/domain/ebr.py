"""Established business relationships: an inquiry or a transaction gives the brand an EBR for a
number of calendar months (the policy's ``ebr_months``) from its ``occurred_at``."""
from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import datetime

from .facts import Relationship
from .policy import Policy


def add_months(value: datetime, months: int) -> datetime:
    """Calendar months, the day clamped to the month's end (Nov 30 + 3 months = Feb 28/29)."""
    years, month0 = divmod(value.month - 1 + months, 12)
    year, month = value.year + years, month0 + 1
    return value.replace(year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1]))


def ebr_until(relationship: Relationship, policy: Policy) -> datetime | None:
    """When the relationship stops being an established business relationship; None if it never is one."""
    months = policy.ebr_months.get(relationship.kind)
    if months is None:
        return None
    return add_months(relationship.occurred_at, months)


def ebr_in_force(relationships: Iterable[Relationship], brand: str, at: datetime,
                 policy: Policy) -> Relationship | None:
    """A relationship with this brand giving an EBR at ``at`` (the longest-lasting one)."""
    live = []
    for r in relationships:
        until = ebr_until(r, policy)
        if r.brand == brand and until is not None and r.occurred_at <= at < until:
            live.append((until, r))
    return max(live, key=lambda pair: pair[0])[1] if live else None
