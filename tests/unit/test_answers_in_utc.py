"""Instants are read, decided on, answered and stored in UTC, whatever zone the machine runs in (a
developer's laptop, a container without TZ set): nothing follows the machine's own clock zone."""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from builders import LATE_LA, ask, consent, facts, question

from registry.domain import timeutil


@pytest.fixture(autouse=True)
def machine_in_new_york(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_instants_read_are_utc():
    value = timeutil.parse_instant("2026-11-28T13:00:00+01:00", "at")
    assert value.tzinfo is UTC and value.hour == 12
    now = timeutil.utc_now()
    assert now.tzinfo is UTC and abs(now.timestamp() - time.time()) < 5


def test_instants_written_and_stored_are_utc():
    paris = datetime(2026, 11, 28, 13, 0, 0, 5, tzinfo=timezone(timedelta(hours=1)))
    assert timeutil.format_instant(paris) == "2026-11-28T12:00:00.000005Z"
    assert timeutil.format_instant(paris.replace(microsecond=0)) == "2026-11-28T12:00:00Z"
    assert timeutil.stored_instant(paris) == "2026-11-28T12:00:00.000005Z"


def test_a_question_and_its_next_allowed_moment_are_utc():
    q = question(at=datetime(2026, 12, 1, 12, 0, tzinfo=timezone(timedelta(hours=-8))))
    assert q.at.tzinfo is UTC and q.at.hour == 20
    nxt = ask(facts(consents=[consent()]), at=LATE_LA).next_allowed_at
    assert nxt is not None and nxt.tzinfo is UTC and nxt.hour == 16
