"""An answered call lifts an earlier disconnect, and the lift outlives the pruning of attempts older
than 35 days from the contact's state (domain.undeliverable), through both hosts.

Moments are in the past relative to now (the suite also runs with the clock 400 days ahead): the
state prunes by the newest attempt when that is older than now, so 50 days of attempts far in the
past prune as 50 days up to now would.
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.conftest import new_phone
from tests.api.helpers import attempt, codes, decide

pytestmark = pytest.mark.dynamodb


def text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_an_answered_call_still_lifts_the_disconnect_once_it_is_pruned(both):
    phone = new_phone("415")
    day = (datetime.now(UTC) - timedelta(days=200)).date()
    t0 = datetime(day.year, day.month, day.day, 19, tzinfo=UTC)  # noon or 11:00 in Los Angeles
    attempt(both, phone, channel="call", purpose="informational", occurred_at=text(t0), outcome="disconnected")
    attempt(both, phone, channel="call", purpose="informational", occurred_at=text(t0 + timedelta(days=10)),
            outcome="answered")  # the number works again
    asked = text(t0 + timedelta(days=11))
    assert "undeliverable" not in codes(decide(both, phone, "call", "informational", at=asked))
    # fifty days after the disconnect: the disconnect and the answered call are past the 35 days kept
    attempt(both, phone, channel="call", purpose="informational", occurred_at=text(t0 + timedelta(days=50)),
            outcome="no_answer")
    for at in (asked, text(t0 + timedelta(days=51))):
        assert "undeliverable" not in codes(decide(both, phone, "call", "informational", at=at)), at
    # before the answered call, the disconnect stood (the moment's own answer is unchanged)
    assert "undeliverable" in codes(decide(both, phone, "call", "informational", at=text(t0 + timedelta(days=5))))
