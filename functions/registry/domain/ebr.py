"""Established business relationships: how long an inquiry or a transaction gives one."""
from __future__ import annotations

import calendar
from datetime import datetime

from .facts import Relationship
from .policy import Policy


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months, the day clamped to the month's end (Nov 30 + 3 months = Feb 28/29)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def ebr_expires_at(relationship: Relationship, policy: Policy) -> datetime:
    return add_months(relationship.occurred_at, policy.ebr_months.get(relationship.kind, 0))


def has_ebr(relationships: tuple[Relationship, ...], brand: str, at: datetime, policy: Policy) -> bool:
    return any(r.brand == brand and r.occurred_at <= at < ebr_expires_at(r, policy) for r in relationships)
