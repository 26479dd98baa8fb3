"""Instants in: ISO 8601 with an offset, in range, answered in UTC; anything else is refused with a
message that says why and names the field (docs/decisions.md, Recording). Instants out and stored:
UTC, whatever zone the machine runs in.
"""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from registry.domain import timeutil
from registry.domain.errors import InvalidRequest

RANGE = "must be between 1970-01-01T00:00:00Z and 2100-01-01T00:00:00Z"


@pytest.fixture
def machine_in_new_york(monkeypatch):
    """The machine's own zone is not UTC (a developer's laptop): answers must not follow it."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("raw, message", [
    (None, "at must be an ISO 8601 timestamp with an offset"),
    (5, "at must be an ISO 8601 timestamp with an offset"),
    ("  ", "at must be an ISO 8601 timestamp with an offset"),
    ("yesterday", "at is not an ISO 8601 timestamp"),
    ("2" * 65, "at is not an ISO 8601 timestamp"),
    ("2026-11-28T12:00:00", "at needs an offset, e.g. 2026-11-24T05:40:00Z"),
    ("2026-11-28", "at needs an offset, e.g. 2026-11-24T05:40:00Z"),
    ("9999-12-31T23:59:59-01:00", f"at {RANGE}"),
    ("1969-12-31T23:59:59Z", f"at {RANGE}"),
])
def test_each_refusal_says_what_is_wrong_and_names_the_field(raw, message):
    with pytest.raises(InvalidRequest) as err:
        timeutil.parse_instant(raw, "at")
    assert (err.value.code, err.value.message, err.value.field) == ("invalid_request", message, "at")


def test_the_field_named_is_the_one_given():
    for raw in (None, "yesterday", "2" * 65, "2026-11-28T12:00:00", "0001-01-01T00:00:00Z"):
        with pytest.raises(InvalidRequest) as err:
            timeutil.parse_instant(raw, "events[2].occurred_at")
        assert err.value.field == "events[2].occurred_at" and err.value.message.startswith("events[2].occurred_at ")


@pytest.mark.parametrize("raw", ["2026-11-28T12:00:00Z", "2026-11-28T12:00:00z", " 2026-11-28T07:00:00-05:00 ",
                                 "2026-11-28T13:00:00+01:00", "2026-11-28T12:00:00.000+00:00"])
def test_every_spelling_of_an_instant_is_the_same_utc_instant(raw):
    value = timeutil.parse_instant(raw, "at")
    assert value == datetime(2026, 11, 28, 12, tzinfo=UTC) and value.utcoffset() == timedelta(0)


def test_instants_are_answered_in_utc_whatever_the_machine_zone(machine_in_new_york):
    value = timeutil.parse_instant("2026-11-28T13:00:00+01:00", "at")
    assert value.tzinfo is UTC and value.hour == 12
    now = timeutil.utc_now()
    assert now.tzinfo is UTC and abs(now.timestamp() - time.time()) < 5


def test_now_is_aware_and_utc():
    assert timeutil.utc_now().utcoffset() == timedelta(0)
