"""A fact counts from its own moment on (contract: "consents, opt-outs, relationships and attempts
count only if their occurred_at is at or before at"): at that very moment it counts, a second
before it does not, and a report dated later says nothing about now."""
from __future__ import annotations

from builders import ask, attempt, codes, consent, facts, opt_out, undeliverable

AT = "2026-12-01T20:00:00Z"
LATER = "2026-12-01T20:00:01Z"
PHONE_CONSENT = [consent(channels=("call", "sms"), purposes="informational")]


def test_a_disconnected_report_counts_at_its_moment_and_not_before():
    f = facts(consents=PHONE_CONSENT, attempts=[attempt(at=AT, outcome="disconnected")])
    assert "undeliverable" in codes(ask(f, purpose="informational", at=AT))
    assert "undeliverable" not in codes(ask(f, purpose="informational", at="2026-12-01T19:59:59Z"))


def test_an_undeliverable_report_counts_at_its_moment_and_not_before():
    f = facts(consents=PHONE_CONSENT, undeliverable=[undeliverable(channels=("call",), at=AT, reason="disconnected")])
    assert "undeliverable" in codes(ask(f, purpose="informational", at=AT))
    assert "undeliverable" not in codes(ask(f, purpose="informational", at="2026-12-01T19:59:59Z"))


def test_an_attempt_that_got_through_later_does_not_lift_a_report_now():
    f = facts(consents=PHONE_CONSENT, attempts=[attempt(at="2026-11-25T12:00:00Z", outcome="disconnected"),
                                                attempt(at=LATER, outcome="answered")])
    assert "undeliverable" in codes(ask(f, purpose="informational", at=AT))
    assert "undeliverable" not in codes(ask(f, purpose="informational", at="2026-12-01T20:00:02Z"))


def test_an_opt_out_counts_at_its_own_moment():
    f = facts(consents=[consent(at="2026-11-01T12:00:00Z")], opt_outs=[opt_out(at=AT)])
    assert "opted_out" in codes(ask(f, at=AT))
    assert ask(f, at="2026-12-01T19:59:59Z").decision == "allow"


def test_the_facts_as_of_a_moment_are_the_same_facts_when_every_one_had_happened():
    """``as_of`` makes no copy when nothing is dropped (a batch of 1,000 asks it for every address),
    and drops exactly the facts from after the moment when some are."""
    from datetime import datetime

    from registry.domain.facts import as_of

    f = facts(consents=PHONE_CONSENT, attempts=[attempt(at="2026-11-25T12:00:00Z", outcome="answered")],
              opt_outs=[opt_out(at="2026-11-26T12:00:00Z")])
    now = datetime.fromisoformat("2026-12-01T20:00:00+00:00")
    assert as_of(f, now) is f
    before = datetime.fromisoformat("2026-11-25T12:00:00+00:00")
    earlier = as_of(f, before)
    assert earlier is not f and earlier.attempts == f.attempts and earlier.opt_outs == ()
    assert earlier.consents == tuple(c for c in f.consents if c.occurred_at <= before)
