"""Replay (contract rev. 2, issue 12 item 4): ``known_by`` keeps what was recorded by ``known_at``.

A fact counts for a replay when it was *recorded* at or before ``known_at`` (at that very instant
it counts, a microsecond later it does not); a fact with no recorded time (an older record) is
taken as recorded at its ``occurred_at``. A START recorded after ``known_at`` has not undone its
opt-out yet. Preferences, list memberships and the lists' copies stand as they are.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from builders import (
    attempt,
    consent,
    facts,
    member,
    opt_out,
    prefs,
    reassignment,
    relationship,
    ts,
    undeliverable,
)

from registry.domain import changes
from registry.domain.facts import ReassignedCheck
from registry.domain.list_age import ListCopy
from registry.domain.replay import known_by, recorded_at

T = ts("2026-12-01T12:00:00Z")
TICK = timedelta(microseconds=1)
DAY = timedelta(days=1)


def at_t(fact, when=T):
    return replace(fact, recorded_at=when)


def check(when):
    return ReassignedCheck(id="k1", result="no", since=date(2026, 1, 1), occurred_at=ts("2026-11-01T00:00:00Z"),
                           source="rnd", recorded_at=when)


def every_kind(when):
    """One fact of each recorded kind, all recorded at ``when``."""
    return facts(consents=[at_t(consent(), when)], opt_outs=[at_t(opt_out(), when)],
                 relationships=[at_t(relationship(), when)], attempts=[at_t(attempt(), when)],
                 undeliverable=[at_t(undeliverable(), when)], reassignments=[at_t(reassignment(), when)]
                 ).with_changes(reassigned_checks=(check(when),))


KINDS = ("consents", "opt_outs", "relationships", "attempts", "undeliverable", "reassignments", "reassigned_checks")


def test_a_fact_recorded_at_known_at_counts():
    f = every_kind(T)
    kept = known_by(f, T)
    assert kept == f
    for kind in KINDS:
        assert len(getattr(kept, kind)) == 1, kind


def test_a_fact_recorded_a_microsecond_after_known_at_does_not():
    f = every_kind(T + TICK)
    kept = known_by(f, T)
    for kind in KINDS:
        assert getattr(kept, kind) == (), kind
    assert known_by(f, T + TICK) == f


def test_only_the_later_facts_go():
    early, late = at_t(consent(), T - TICK), at_t(consent(), T + TICK)
    f = facts(consents=[early, late])
    assert known_by(f, T).consents == (early,)


def test_what_was_recorded_counts_not_when_it_happened():
    # a backdated opt-out (occurred long before T) recorded after T: unknown at T
    backdated = at_t(opt_out(at="2026-01-01T00:00:00Z"), T + timedelta(days=3))
    # a consent that occurs after T but was recorded before it (a dialer planning ahead): known at T
    ahead = at_t(consent(at="2026-12-05T00:00:00Z"), T - timedelta(days=1))
    f = facts(opt_outs=[backdated], consents=[ahead])
    kept = known_by(f, T)
    assert kept.opt_outs == ()
    assert kept.consents == (ahead,)


def test_a_record_without_recorded_time_is_taken_as_recorded_when_it_occurred():
    old = consent(at="2026-12-01T12:00:00Z")  # recorded_at None
    assert old.recorded_at is None
    assert recorded_at(old) == T
    assert known_by(facts(consents=[old]), T).consents == (old,)
    assert known_by(facts(consents=[old]), T - TICK).consents == ()


def test_recorded_at_prefers_the_recorded_time():
    fact = at_t(consent(at="2026-11-01T00:00:00Z"), T)
    assert recorded_at(fact) == T


def _undone(opt, undone_at, recorded):
    return replace(opt, undone_at=undone_at, undone_by="start-1", undone_recorded_at=recorded)


def test_a_start_recorded_after_known_at_has_not_undone_its_opt_out():
    opt = at_t(opt_out(source="sms_keyword", at="2026-11-20T00:00:00Z"), T - timedelta(days=5))
    undone = _undone(opt, ts("2026-11-25T00:00:00Z"), T + TICK)
    (seen,) = known_by(facts(opt_outs=[undone]), T).opt_outs
    assert seen == replace(opt, undone_at=None, undone_by=None, undone_recorded_at=None)
    assert seen.in_force(T)


def test_a_start_recorded_by_known_at_has():
    opt = at_t(opt_out(source="sms_keyword", at="2026-11-20T00:00:00Z"), T - timedelta(days=5))
    undone = _undone(opt, ts("2026-11-25T00:00:00Z"), T)
    assert known_by(facts(opt_outs=[undone]), T).opt_outs == (undone,)


def test_an_older_undo_without_recorded_time_is_taken_as_recorded_when_it_happened():
    opt = at_t(opt_out(source="sms_keyword", at="2026-11-20T00:00:00Z"), T - timedelta(days=5))
    undone = _undone(opt, T, None)
    assert known_by(facts(opt_outs=[undone]), T).opt_outs == (undone,)
    (seen,) = known_by(facts(opt_outs=[undone]), T - TICK).opt_outs
    assert seen.undone_at is None and seen.undone_by is None


def test_an_opt_out_never_undone_stays_as_it_is():
    opt = at_t(opt_out(), T - TICK)
    assert known_by(facts(opt_outs=[opt]), T).opt_outs == (opt,)


def test_preferences_memberships_and_list_copies_stand_as_they_are():
    f = facts(preferences=prefs(timezone="America/Chicago", snooze_until="2026-12-30T00:00:00Z"),
              suppressions=[member("house", "internal")]
              ).with_changes(list_copies=(ListCopy("national-x", date(2026, 11, 20)),))
    kept = known_by(f, T - timedelta(days=365))
    assert kept == f


def test_the_recording_code_stamps_what_a_replay_reads():
    """``changes`` carries the recorded time onto what an attempt implies and onto a START."""
    dead = replace(attempt(outcome="disconnected"), recorded_at=T)
    after = changes.add_attempt(facts(), dead, T, 35)
    assert [u.recorded_at for u in after.undeliverable] == [T]
    bounced = replace(attempt(channel="email", outcome="bounced"), recorded_at=T)
    assert [u.recorded_at for u in changes.add_attempt(facts("p@example.com"), bounced, T, 35).undeliverable] == [T]
    keyword = at_t(opt_out(source="sms_keyword", at="2026-11-20T00:00:00Z"), T - timedelta(days=5))
    undone = changes.undo_keyword_opt_out(facts(opt_outs=[keyword]), "default", ts("2026-11-25T00:00:00Z"), "s1", T)
    assert undone.opt_outs[0].undone_recorded_at == T


# --- as_known: the history puts back what the state alone cannot tell -----------------------------

from registry.domain.facts import Preferences  # noqa: E402
from registry.domain.replay import Entry, as_known, needs_history  # noqa: E402


def entry(type_, when, fact_id=None, key="", **data):
    return Entry(type=type_, recorded_at=when, fact_id=fact_id, data=data, key=key)


def test_needs_history_only_when_the_record_changed_after_known_at():
    assert not needs_history(facts(), T)  # nothing stored
    assert not needs_history(facts().with_changes(changed_at=T), T)
    assert needs_history(facts().with_changes(changed_at=T + TICK), T)


def test_preferences_are_replayed_from_their_changes_recorded_by_known_at():
    now = facts(preferences=prefs(timezone="America/Chicago", preferred_channel="email", timezone_source="api"))
    history = [entry("preferences.updated", T - DAY, preferences={"timezone": "America/New_York",
                                                                  "timezone_source": "api"}),
               entry("preferences.updated", T, preferences={"preferred_channel": "sms"}),
               entry("preferences.updated", T + TICK, preferences={"timezone": "America/Chicago",
                                                                   "timezone_source": "api",
                                                                   "preferred_channel": "email"})]
    got = as_known(now, history, T, 35).preferences
    assert got == Preferences(timezone="America/New_York", timezone_source="api", preferred_channel="sms")
    assert as_known(now, history, T - DAY - TICK, 35).preferences == Preferences()
    assert as_known(now, history, T + TICK, 35).preferences == now.preferences


def test_an_erasure_clears_the_preferences_replayed_before_it():
    history = [entry("preferences.updated", T - DAY, preferences={"preferred_channel": "sms"}),
               entry("contact.erased", T - TICK),
               entry("preferences.updated", T, preferences={"state": "FL"})]
    assert as_known(facts(), history, T, 35).preferences == Preferences(state="FL")
    assert as_known(facts(), history, T - TICK, 35).preferences == Preferences()


def test_a_history_without_preference_changes_keeps_the_stored_preferences():
    now = facts(preferences=prefs(timezone="America/Chicago"))
    history = [entry("consent.granted", T + TICK, "c1")]
    assert as_known(now, history, T, 35).preferences == now.preferences



def test_memberships_are_rolled_back_over_changes_recorded_after_known_at():
    house, courts = member("house", "internal"), member("courts", "litigator")
    national = replace(member("dnc", "national"), bulk=True, version=date(2026, 11, 1))
    now = facts(suppressions=[courts, national])  # house removed after T; courts added after T
    history = [entry("suppression.added", T - DAY, list="house", kind="internal"),
               entry("suppression.removed", T + TICK, list="house", kind="internal"),
               entry("suppression.added", T + DAY, list="courts", kind="litigator"),
               entry("suppression.removed", T + DAY, list="dnc", kind="national")]
    got = as_known(now, history, T, 35).suppressions
    assert got == (national, house)  # sorted by name: dnc, house; the bulk one stands as it is
    assert as_known(now, history, T + TICK, 35).suppressions == (national,)
    assert as_known(now, history, T + DAY, 35).suppressions == (courts, national)


def _attempt_entry(a, when):
    doc = {k: v for k, v in a.to_document().items() if k not in ("id", "recorded_at")}
    return entry("contact.attempted", when, a.id, key=f"H#{a.id}", **doc)


def test_attempts_are_replayed_with_the_state_pruning_them_as_it_did():
    old = attempt(at="2026-10-01T12:00:00Z")
    recent = attempt(at="2026-11-30T12:00:00Z")
    later = attempt(at="2026-11-30T13:00:00Z")
    history = [_attempt_entry(old, ts("2026-10-01T12:00:01Z")), _attempt_entry(recent, T - DAY),
               _attempt_entry(later, T + TICK)]
    now = facts(attempts=[replace(recent, recorded_at=T - DAY), replace(later, recorded_at=T + TICK)])
    got = as_known(now, history, T, 35).attempts
    # the old attempt was pruned by the write of the recent one (more than 35 days before it)
    assert got == (replace(recent, recorded_at=T - DAY),)
    # before the recent one was recorded, the state still held the old one
    assert as_known(now, history, T - DAY - TICK, 35).attempts == (replace(old, recorded_at=ts("2026-10-01T12:00:01Z")),)
    # a long retention keeps both
    assert len(as_known(now, history, T, 400).attempts) == 2


def test_an_attempt_recorded_at_known_at_counts_and_other_entries_are_not_attempts():
    a = attempt(at="2026-11-30T12:00:00Z")
    history = [entry("consent.granted", T - DAY, "c9", channels=["call"]), _attempt_entry(a, T),
               entry("contact.attempted", T - DAY)]  # no id: not one the registry writes; left out
    assert as_known(facts(), history, T, 35).attempts == (replace(a, recorded_at=T),)
    assert as_known(facts(), history, T - TICK, 35).attempts == ()


def test_a_later_entry_of_a_list_now_read_from_its_bitmaps_leaves_it_as_it_stands():
    national = replace(member("dnc", "national"), bulk=True)
    history = [entry("suppression.added", T + TICK, list="dnc", kind="national")]
    assert as_known(facts(suppressions=[national]), history, T, 35).suppressions == (national,)


def test_an_erasure_empties_the_attempts_replayed_before_it():
    a = attempt(at="2026-11-30T12:00:00Z")
    b = attempt(at="2026-11-30T14:00:00Z")
    history = [_attempt_entry(a, T - DAY), entry("contact.erased", T - TICK), _attempt_entry(b, T)]
    now = facts(attempts=[replace(b, recorded_at=T)])
    assert as_known(now, history, T, 35).attempts == (replace(b, recorded_at=T),)


def test_attempts_in_the_state_without_history_are_kept_in_order():
    legacy = replace(attempt(at="2026-11-29T12:00:00Z"), id="legacy", recorded_at=T - DAY)
    a = attempt(at="2026-11-30T12:00:00Z")
    history = [_attempt_entry(a, T - DAY)]
    now = facts(attempts=[legacy, replace(a, recorded_at=T - DAY)])
    assert as_known(now, history, T, 35).attempts == (legacy, replace(a, recorded_at=T - DAY))
    assert as_known(facts(attempts=[legacy]), [], T, 35).attempts == (legacy,)


def test_as_known_also_leaves_out_what_was_recorded_later():
    early, late = at_t(consent(), T), at_t(consent(), T + TICK)
    assert as_known(facts(consents=[early, late]), [], T, 35).consents == (early,)


def test_entries_recorded_at_one_instant_keep_the_history_order():
    history = [entry("preferences.updated", T, key="H#2", preferences={"state": "TX"}),
               entry("preferences.updated", T, key="H#1", preferences={"state": "FL"})]
    assert as_known(facts(), history, T, 35).preferences == Preferences(state="TX")
