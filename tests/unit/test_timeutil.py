"""Issue 7, item 3: instants in a sane range, written with four-digit years, stored fixed-width."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from registry.domain import timeutil
from registry.domain.errors import InvalidRequest, RegistryUnavailable, UnreadableRecord


@pytest.mark.parametrize("raw", [
    "0001-01-01T00:00:00Z", "0999-12-31T23:59:59Z", "1969-12-31T23:59:59.999999Z", "2100-01-01T00:00:00.000001Z",
    "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "1970-01-01T00:59:59+01:00",
])
def test_out_of_range_is_refused_naming_the_field(raw):
    with pytest.raises(InvalidRequest) as err:
        timeutil.parse_instant(raw, "occurred_at")
    assert err.value.field == "occurred_at" and "between" in err.value.message


@pytest.mark.parametrize("raw, expected", [
    ("1970-01-01T00:00:00Z", datetime(1970, 1, 1, tzinfo=UTC)),
    ("1970-01-01T01:00:00+01:00", datetime(1970, 1, 1, tzinfo=UTC)),
    ("2100-01-01T00:00:00Z", datetime(2100, 1, 1, tzinfo=UTC)),
    ("2099-12-31T23:00:00-01:00", datetime(2100, 1, 1, tzinfo=UTC)),
])
def test_the_ends_of_the_range_are_accepted(raw, expected):
    assert timeutil.parse_instant(raw, "at") == expected


@pytest.mark.parametrize("raw", [None, "", "yesterday", "2026-11-28T12:00:00", "2026-11-28", 5, "2" * 100])
def test_not_an_instant(raw):
    with pytest.raises(InvalidRequest):
        timeutil.parse_instant(raw, "at")


def test_formats_have_four_digit_years():
    early = datetime(1970, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert timeutil.format_instant(early) == "1970-01-02T03:04:05Z"
    assert timeutil.format_instant(early.replace(microsecond=500)) == "1970-01-02T03:04:05.000500Z"
    assert timeutil.stored_instant(early) == "1970-01-02T03:04:05.000000Z"
    assert timeutil.stored_instant(None) is None
    # the year stays padded even where strftime would not pad it (what the attack exploited)
    assert timeutil.sortable_instant(datetime(1, 1, 1, tzinfo=UTC)).startswith("0001-01-01T")


def test_stored_instants_read_back_in_either_form():
    when = datetime(2026, 11, 28, 12, 0, 0, 250000, tzinfo=UTC)
    assert timeutil.read_stored_instant(timeutil.stored_instant(when)) == when
    assert timeutil.read_stored_instant("2026-11-28T12:00:00Z") == when.replace(microsecond=0)


@pytest.mark.parametrize("raw", ["1-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-01-01T00:00:00Z",
                                 "2026-11-28T12:00:00+00:00", "2026-13-01T00:00:00Z", "", None, 7])
def test_a_stored_instant_that_cannot_be_read_is_unreadable_not_bad_input(raw):
    with pytest.raises(UnreadableRecord) as err:
        timeutil.read_stored_instant(raw)
    assert isinstance(err.value, RegistryUnavailable) and err.value.code == "registry_unavailable"
