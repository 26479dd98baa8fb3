"""How each recorded fact changes a contact (domain/changes.py; docs/decisions.md, Recording).

- Facts are kept in time order (``occurred_at``, then id), whatever order they arrive in.
- Attempts kept for caps are those within the retention of now, or of the newest attempt when
  that is older (a dialer backfilling a past week keeps that week's cap); at most 200.
- ``do_not_contact`` on an attempt records an opt-out of that channel, all purposes, that brand,
  with source ``dialer``, at the attempt's ``occurred_at``.
- A ``disconnected`` outcome makes the phone undeliverable on call and sms; a ``bounced`` email
  hard-bounces the email; a bounced call changes nothing.
- Preferences are merged per field; erasure keeps the opt-outs without their notes, and the lists.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from builders import attempt, consent, facts, member, opt_out, prefs, relationship, ts

from registry.domain import changes
from registry.domain.facts import Preferences, Undeliverable

NOW = ts("2026-12-01T12:00:00Z")
DAYS = 35


def _add(f, a, now=NOW, days=DAYS):
    return changes.add_attempt(f, a, now, days)


# --- time order ------------------------------------------------------------------------------------

def test_facts_are_kept_in_time_order_whatever_order_they_arrive_in():
    late, early = consent(at="2026-11-20T12:00:00Z"), consent(at="2026-11-10T12:00:00Z")
    f = changes.add_consent(changes.add_consent(facts(), late), early)
    assert f.consents == (early, late)
    o_late, o_early = opt_out(at="2026-11-20T12:00:00Z"), opt_out(at="2026-11-10T12:00:00Z")
    assert changes.add_opt_out(changes.add_opt_out(facts(), o_late), o_early).opt_outs == (o_early, o_late)
    r_late, r_early = relationship(at="2026-11-20T12:00:00Z"), relationship(at="2026-11-10T12:00:00Z")
    f = changes.add_relationship(changes.add_relationship(facts(), r_late), r_early)
    assert f.relationships == (r_early, r_late)
    u_late = Undeliverable(channels=frozenset({"email"}), occurred_at=ts("2026-11-20T12:00:00Z"), reason="hard_bounce")
    u_early = replace(u_late, occurred_at=ts("2026-11-10T12:00:00Z"))
    assert changes.add_undeliverable(changes.add_undeliverable(facts(), u_late), u_early).undeliverable == (
        u_early, u_late)


def test_facts_at_the_same_instant_are_kept_in_id_order():
    b = replace(consent(at="2026-11-20T12:00:00Z"), id="b")
    a = replace(b, id="a")
    assert changes.add_consent(changes.add_consent(facts(), b), a).consents == (a, b)
    # an undeliverable report has no id: same-instant reports keep their arrival order
    u1 = Undeliverable(channels=frozenset({"email"}), occurred_at=ts("2026-11-20T12:00:00Z"), reason="one")
    u2 = replace(u1, reason="two")
    assert changes.add_undeliverable(changes.add_undeliverable(facts(), u1), u2).undeliverable == (u1, u2)


def test_adding_a_fact_keeps_the_others():
    c, o = consent(), opt_out()
    f = changes.add_consent(facts(opt_outs=[o]), c)
    assert f.opt_outs == (o,) and f.consents == (c,)


# --- attempts kept for caps -------------------------------------------------------------------------

def test_attempts_within_the_retention_of_now_are_kept_and_older_ones_dropped():
    edge = attempt(at="2026-10-27T12:00:00Z")  # exactly 35 days before now: kept
    older = attempt(at="2026-10-27T11:59:59Z")
    f = _add(facts(attempts=[older, edge]), attempt(at="2026-12-01T12:00:00Z"))  # at now
    assert edge in f.attempts and older not in f.attempts and len(f.attempts) == 2


def test_a_backfilled_week_keeps_its_attempts_measured_from_the_newest_attempt():
    """A dialer backfilling attempts from months ago: they are kept together, measured from the
    newest of them, so a decision pinned to that week still sees its cap."""
    stale = attempt(at="2026-01-27T11:59:59Z")  # a second more than 35 days before the newest attempt
    edge = attempt(at="2026-01-27T12:00:00Z")  # 35 days before it
    week = [attempt(at=f"2026-03-0{d}T12:00:00Z") for d in (1, 2, 3)]
    f = facts(attempts=[stale, edge])
    for a in week:
        f = _add(f, a)
    assert f.attempts == (edge, *week)


def test_the_retention_is_measured_from_now_when_the_newest_attempt_is_in_the_future():
    future = attempt(at="2026-12-20T12:00:00Z")
    kept = attempt(at="2026-10-28T12:00:00Z")  # 34 days before now, 53 before the future attempt
    assert kept in _add(facts(attempts=[kept]), future).attempts


def test_the_attempt_just_recorded_is_kept_however_old():
    ancient = attempt(at="2026-01-01T12:00:00Z")
    f = _add(facts(attempts=[attempt(at="2026-11-30T12:00:00Z")]), ancient)
    assert ancient in f.attempts


def test_at_most_200_attempts_are_kept_the_newest():
    start = ts("2026-11-01T00:00:00Z")
    many = [replace(attempt(), id=f"a{i:03}", occurred_at=start + timedelta(minutes=i)) for i in range(201)]
    f = _add(facts(attempts=many[:200]), many[200])
    assert len(f.attempts) == changes.MAX_ATTEMPTS_KEPT == 200
    assert f.attempts == tuple(many[1:])


# --- what an attempt implies ------------------------------------------------------------------------

def test_do_not_contact_opts_out_of_calls_and_texts_every_purpose_that_brand_from_the_dialer():
    """rev. 2: "A do_not_contact disposition on a call opts the number out of call and sms" (a text
    is a call under the TCPA); from a text, the same."""
    a = replace(attempt(channel="sms", brand="acme", at="2026-11-30T12:00:00Z", outcome="answered"),
                disposition="do_not_contact", recorded_at=ts("2026-11-30T12:00:05Z"))
    f = _add(facts(), a)
    (o,) = f.opt_outs
    assert o.channels == {"call", "sms"} and o.purposes == {"all"} and o.brand == "acme"
    assert o.source == "dialer" and o.occurred_at == a.occurred_at and o.recorded_at == a.recorded_at
    assert o.id == f"{a.id}:dnc" and o.note == "do_not_contact disposition"
    assert changes.opt_out_from_disposition(a) == o


def test_another_disposition_records_no_opt_out():
    a = replace(attempt(at="2026-11-30T12:00:00Z", outcome="answered"), disposition="callback")
    assert _add(facts(), a).opt_outs == ()


def test_a_disconnected_phone_is_undeliverable_on_call_and_sms():
    a = attempt(at="2026-11-30T12:00:00Z", outcome="disconnected")
    (u,) = _add(facts(), a).undeliverable
    assert u == Undeliverable(channels=frozenset({"call", "sms"}), occurred_at=a.occurred_at, reason="disconnected",
                              source="dialer")


def test_a_bounced_email_hard_bounces_the_email_and_a_bounced_call_changes_nothing():
    a = attempt(channel="email", at="2026-11-30T12:00:00Z", outcome="bounced")
    (u,) = _add(facts("person@example.com"), a).undeliverable
    assert u == Undeliverable(channels=frozenset({"email"}), occurred_at=a.occurred_at, reason="hard_bounce",
                              source="dialer")
    assert _add(facts(), attempt(at="2026-11-30T12:00:00Z", outcome="bounced")).undeliverable == ()


@pytest.mark.parametrize("outcome", ["no_answer", "answered", "busy", "voicemail", "delivered", "failed"])
def test_other_outcomes_record_only_the_attempt(outcome):
    a = attempt(at="2026-11-30T12:00:00Z", outcome=outcome)
    f = _add(facts(), a)
    assert f.attempts == (a,) and f.undeliverable == () and f.opt_outs == ()


# --- preferences and erasure ------------------------------------------------------------------------

def test_preferences_are_merged_per_field():
    f = facts(preferences=prefs(preferred_channel="sms", timezone="Europe/Paris"))
    f = changes.update_preferences(f, {"timezone": None, "snooze_until": ts("2026-12-05T00:00:00Z")},
                                   ts("2026-12-01T00:00:00Z"))
    assert f.preferences == Preferences(preferred_channel="sms", timezone=None, snooze_until=ts("2026-12-05T00:00:00Z"))
    assert f.preferences_changed_at == ts("2026-12-01T00:00:00Z")  # the violations report reads it


def test_erasure_keeps_the_opt_outs_without_notes_and_the_lists_and_nothing_else():
    noted = replace(opt_out(), note="said so on the phone")
    f = facts(consents=[consent()], opt_outs=[noted], relationships=[relationship()],
              attempts=[attempt()], preferences=prefs(preferred_channel="sms"), suppressions=[member()],
              undeliverable=[Undeliverable(channels=frozenset({"call"}), occurred_at=NOW, reason="disconnected")])
    erased = changes.erase(f)
    assert erased.address == "" and erased.kind == "phone"
    assert erased.opt_outs == (replace(noted, note=None),) and erased.suppressions == f.suppressions
    assert (erased.consents, erased.relationships, erased.attempts, erased.undeliverable) == ((), (), (), ())
    assert erased.preferences == Preferences()
