"""An undeliverable report stands until a later attempt on the channel got through (domain/
scope_status: answered or delivered); a phone reported disconnected on a call or a text is dead
for both; the latest report is the one named."""
from __future__ import annotations

import pytest
from builders import ask, attempt, codes, consent, facts, undeliverable

BOTH = [consent(channels=("call", "sms"), purposes=("marketing", "informational"))]
DEAD = "2026-11-25T12:00:00Z"


@pytest.mark.parametrize("reported_on", ["call", "sms"])
@pytest.mark.parametrize("asked", ["call", "sms"])
def test_a_disconnected_phone_is_dead_for_calls_and_texts(reported_on, asked):
    f = facts(consents=BOTH, attempts=[attempt(channel=reported_on, at=DEAD, outcome="disconnected")])
    assert "undeliverable" in codes(ask(f, channel=asked, purpose="informational"))


@pytest.mark.parametrize("outcome", ["answered", "delivered"])
def test_a_later_attempt_that_got_through_on_the_channel_lifts_it(outcome):
    dead = attempt(at=DEAD, outcome="disconnected")
    reached = attempt(at="2026-11-26T12:00:00Z", outcome=outcome)
    assert "undeliverable" not in codes(ask(facts(consents=BOTH, attempts=[dead, reached]), purpose="informational"))


def test_an_attempt_at_the_same_moment_or_on_another_channel_or_that_failed_does_not():
    dead = attempt(at=DEAD, outcome="disconnected")
    for other in (attempt(at=DEAD, outcome="answered"), attempt(channel="sms", at="2026-11-26T12:00:00Z",
                                                               outcome="delivered"),
                  attempt(at="2026-11-26T12:00:00Z", outcome="no_answer")):
        f = facts(consents=BOTH, attempts=[dead, other])
        assert "undeliverable" in codes(ask(f, purpose="informational")), other


def test_the_latest_report_is_named():
    f = facts(consents=BOTH, undeliverable=[undeliverable(channels=("call",), at="2026-11-20T12:00:00Z", reason="z"),
                                            undeliverable(channels=("call",), at="2026-11-22T12:00:00Z", reason="b")],
              attempts=[attempt(at="2026-11-21T12:00:00Z", outcome="answered")])
    [reason] = [r for r in ask(f, purpose="informational").reasons if r.code == "undeliverable"]
    assert reason.message == "reported undeliverable (b) at 2026-11-22T12:00:00Z"


def test_an_email_report_does_not_reach_the_phone():
    f = facts(consents=BOTH, undeliverable=[undeliverable(channels=("email",))],
              attempts=[attempt(channel="email", at=DEAD, outcome="bounced")])
    assert "undeliverable" not in codes(ask(f, purpose="informational"))
