"""Instants in: ISO 8601 with an offset, in range, answered in UTC; anything else is refused with a
message that says why and names the field (docs/decisions.md, Recording).
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from registry.domain import timeutil
from registry.domain.errors import InvalidRequest

RANGE = "must be between 1970-01-01T00:00:00Z and 2100-01-01T00:00:00Z"


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


def test_now_is_aware_and_utc():
    assert timeutil.utc_now().utcoffset() == timedelta(0)


def test_up_to_64_characters_are_read():
    longest = "2026-11-28T12:00:00." + "1" * 38 + "+00:00"  # Python reads any number of fraction digits
    assert len(longest) == timeutil.MAX_INSTANT_LENGTH == 64
    assert timeutil.parse_instant(longest, "at") == datetime(2026, 11, 28, 12, 0, 0, 111111, tzinfo=UTC)
    with pytest.raises(InvalidRequest):
        timeutil.parse_instant(longest.replace("+00:00", "1+00:00"), "at")


def test_a_stored_instant_at_the_end_of_the_range_reads_back():
    assert timeutil.read_stored_instant("2100-01-01T00:00:00.000000Z") == timeutil.LATEST
    assert timeutil.read_stored_instant("1970-01-01T00:00:00.000000Z") == timeutil.EARLIEST
