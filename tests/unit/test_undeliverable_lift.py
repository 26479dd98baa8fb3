"""An attempt that reached the person lifts an earlier undeliverable report, and the lift survives
the pruning of attempts older than 35 days (domain.undeliverable, changes.add_attempt).

The bug it fixes: a disconnect, then an answered call ten days later (the number works again), then
any attempt 35 days after that pruned the answered call from the state; the disconnect's marker,
kept for good, was back in force and every call and text was denied as undeliverable.
"""
from __future__ import annotations

from builders import EMAIL, LA_PHONE, ask, attempt, codes, facts, ts, undeliverable

from registry.domain import changes
from registry.domain import undeliverable as dead
from registry.domain.facts import ContactFacts

RETENTION = 35
T0 = "2026-06-01T19:00:00Z"  # noon in Los Angeles
ANSWERED = "2026-06-11T19:00:00Z"  # ten days later
LATER = "2026-07-21T19:00:00Z"  # fifty days after the disconnect: both pruned from the state
ASKED = "2026-07-22T19:00:00Z"


def add(f: ContactFacts, *attempts) -> ContactFacts:
    for a in attempts:
        f = changes.add_attempt(f, a, a.occurred_at, RETENTION)
    return f


def test_the_answered_call_that_lifted_a_disconnect_survives_the_pruning():
    disconnected = attempt("call", "informational", at=T0, outcome="disconnected")
    answered = attempt("call", "informational", at=ANSWERED, outcome="answered")
    later = attempt("call", "informational", at=LATER, outcome="no_answer")
    f = add(facts(LA_PHONE), disconnected, answered, later)
    assert [a.id for a in f.attempts] == [answered.id, later.id]  # the disconnect itself is pruned
    assert len(f.undeliverable) == 1  # its marker is kept for good
    assert "undeliverable" not in codes(ask(f, "call", "informational", at=ASKED))
    assert "undeliverable" in codes(ask(f, "call", "informational", at="2026-06-05T19:00:00Z"))  # before the lift


def test_a_lift_on_calls_does_not_lift_texts():
    f = add(facts(LA_PHONE), attempt("call", "informational", at=T0, outcome="disconnected"),
            attempt("call", "informational", at=ANSWERED, outcome="answered"),
            attempt("call", "informational", at=LATER, outcome="no_answer"))
    assert "undeliverable" in codes(ask(f, "sms", "informational", at=ASKED))


def test_an_email_delivered_after_a_bounce_stays_delivered():
    f = facts(EMAIL, undeliverable=[undeliverable(("email",), at=T0)])  # an SES hard bounce
    delivered = attempt("email", "informational", at=ANSWERED, outcome="delivered")
    f = add(f, delivered, attempt("email", "informational", at=LATER, outcome="delivered"))
    assert delivered.id in {a.id for a in f.attempts}
    assert "undeliverable" not in codes(ask(f, "email", "informational", at=ASKED))


def test_only_the_first_reaching_attempt_after_a_report_is_spared():
    first = attempt("call", "informational", at=ANSWERED, outcome="answered")
    second = attempt("call", "informational", at="2026-06-12T19:00:00Z", outcome="answered")
    failed = attempt("call", "informational", at="2026-06-13T19:00:00Z", outcome="no_answer")
    f = add(facts(LA_PHONE), attempt("call", "informational", at=T0, outcome="disconnected"), first, second, failed,
            attempt("call", "informational", at=LATER, outcome="no_answer"))
    assert first.id in {a.id for a in f.attempts}
    assert not {second.id, failed.id} & {a.id for a in f.attempts}


def test_with_no_report_old_attempts_are_pruned_as_before():
    answered = attempt("call", "informational", at=ANSWERED, outcome="answered")
    f = add(facts(LA_PHONE), answered, attempt("call", "informational", at=LATER, outcome="no_answer"))
    assert answered.id not in {a.id for a in f.attempts}


def test_lifting_names_the_first_reaching_attempt_after_each_report_per_channel():
    call_dead = attempt("call", at=T0, outcome="disconnected")
    before = attempt("sms", at="2026-05-30T19:00:00Z", outcome="delivered")  # before the report: lifts nothing
    sms_ok = attempt("sms", at="2026-06-02T19:00:00Z", outcome="delivered")
    call_ok = attempt("call", at="2026-06-03T19:00:00Z", outcome="answered")
    call_again = attempt("call", at="2026-06-04T19:00:00Z", outcome="answered")
    at_once = attempt("call", at=T0, outcome="answered")  # at the report's very moment: does not disprove it
    every = [call_dead, before, sms_ok, call_ok, call_again, at_once]
    assert dead.lifting([], every) == {sms_ok.id, call_ok.id}
    assert dead.lifting([], [before, sms_ok, call_ok]) == frozenset()  # no report, nothing to lift
    assert dead.lifting([], [before, call_dead]) == frozenset()  # reached only before the report: not lifted
    email_dead = undeliverable(("email",), at=T0)
    mail = attempt("email", at=ANSWERED, outcome="delivered")
    bounced = attempt("email", at="2026-06-20T19:00:00Z", outcome="bounced")
    mail_again = attempt("email", at="2026-06-21T19:00:00Z", outcome="delivered")
    assert dead.lifting([email_dead], [mail, bounced, mail_again]) == {mail.id, mail_again.id}


def test_reports_and_reaching():
    assert dead.reports([], [attempt("call", at=T0, outcome="disconnected")], "sms") == [(ts(T0), "disconnected")]
    assert dead.reports([], [attempt("email", at=T0, outcome="bounced")], "email") == [(ts(T0), "hard_bounce")]
    assert dead.reports([], [attempt("call", at=T0, outcome="bounced")], "call") == []
    assert dead.reports([], [attempt("email", at=T0, outcome="disconnected")], "email") == []
    assert dead.reports([undeliverable(("email",), at=T0)], [], "call") == []
    assert dead.reached(attempt("sms", outcome="delivered"), "sms")
    assert dead.reached(attempt("call", outcome="answered"), "call")
    assert not dead.reached(attempt("call", outcome="answered"), "sms")
    assert not dead.reached(attempt("call", outcome="voicemail"), "call")
