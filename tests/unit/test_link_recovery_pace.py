"""services/link_recovery._pace: the answer to a request for a new link waits out its floor, so a
known address (a write and a PutEvents more) answers no sooner than an unknown one."""
from __future__ import annotations

import pytest

from registry.services import link_recovery


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    made = Clock(100.0)
    monkeypatch.setattr(link_recovery.time, "monotonic", made.monotonic)
    monkeypatch.setattr(link_recovery.retry, "sleep", made.sleep)
    return made


@pytest.mark.parametrize("worked", [0.0, 0.05, 0.3, 0.499])
def test_a_request_answers_at_its_floor_however_long_its_work(clock, worked):
    clock.now = 100.0 + worked
    link_recovery._pace(100.0, 0.5)
    assert clock.now == pytest.approx(100.5)
    assert clock.slept == [pytest.approx(0.5 - worked)]


def test_work_past_the_floor_waits_no_more_and_is_logged(clock, caplog):
    clock.now = 100.7
    with caplog.at_level("WARNING"):
        link_recovery._pace(100.0, 0.5)
    assert clock.slept == []
    assert "longer than its floor" in caplog.text


def test_no_floor_no_wait_and_no_warning(clock, caplog):
    with caplog.at_level("WARNING"):
        link_recovery._pace(100.0, 0.0)
    assert clock.slept == [] and caplog.text == ""
