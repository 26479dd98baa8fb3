"""The violations report's rule (domain.violations): which recorded attempts would not have been
allowed at their moment, and whether the registry knew in time."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from registry.domain import violations
from registry.domain.changes import add_attempt
from registry.domain.facts import (
    PREFERENCES_CHANGE_UNKNOWN,
    Attempt,
    ContactFacts,
    Preferences,
    SuppressionMembership,
    Undeliverable,
)
from registry.domain.policy import DEFAULT_POLICY
from registry.domain.replay import (
    Entry,
    memberships_at,
    memberships_changed_after,
    preferences_changed_after,
    stood_otherwise_after,
)
from registry.domain.vocabulary import DecisionKind, HistoryType
from tests.unit.builders import EMAIL, LA_PHONE, consent, opt_out, ts

NOON = "2026-12-01T20:00:00Z"  # 12:00 in Los Angeles
LATE = "2026-12-02T06:00:00Z"  # 22:00 in Los Angeles


def phone(**facts) -> ContactFacts:
    return ContactFacts(address=LA_PHONE, kind="phone", **facts)


def email(**facts) -> ContactFacts:
    return ContactFacts(address=EMAIL, kind="email", **facts)


def made(id="a1", channel="call", purpose="marketing", at=NOON, recorded=None, brand="default", outcome="answered",
         disposition=None, dialing=None) -> Attempt:
    return Attempt(id=id, channel=channel, purpose=purpose, brand=brand, occurred_at=ts(at), outcome=outcome,
                   disposition=disposition, recorded_at=ts(recorded) if recorded else ts(at) + timedelta(seconds=5),
                   dialing=dialing)


def recorded(fact, when: str):
    return replace(fact, recorded_at=ts(when))


def with_attempt(facts: ContactFacts, attempt: Attempt) -> ContactFacts:
    """The facts as the registry holds them once the attempt (and what it implies) was recorded."""
    return add_attempt(facts, attempt, attempt.recorded_at or attempt.occurred_at, 35)


def review(facts: ContactFacts, attempt: Attempt):
    return violations.review(attempt, with_attempt(facts, attempt), DEFAULT_POLICY)


# --- violation or not -------------------------------------------------------------------------

def test_an_allowed_attempt_is_no_finding():
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),))
    assert review(facts, made()) is None


def test_an_attempt_after_a_known_opt_out_was_known_in_time():
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),),
                  opt_outs=(recorded(opt_out(at="2026-11-20T12:00:00Z"), "2026-11-20T12:00:01Z"),))
    found = review(facts, made())
    assert found is not None
    assert found.decision == DecisionKind.DENY and [r.code for r in found.reasons][0] == "opted_out"
    assert found.known_in_time is True and found.decision_then == DecisionKind.DENY
    assert found.attempt.id == "a1"


def test_a_backdated_opt_out_recorded_later_was_not_known_in_time():
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),),
                  opt_outs=(recorded(opt_out(at="2026-11-20T12:00:00Z"), "2026-12-05T09:00:00Z"),))
    found = review(facts, made())
    assert found is not None and found.decision == DecisionKind.DENY
    assert found.known_in_time is False and found.decision_then == DecisionKind.ALLOW


def test_an_opt_out_recorded_at_the_very_moment_of_the_attempt_was_known():
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),),
                  opt_outs=(recorded(opt_out(at="2026-11-20T12:00:00Z"), NOON),))
    found = review(facts, made())
    assert found is not None and found.known_in_time is True


def test_an_opt_out_after_the_attempt_makes_no_violation():
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),),
                  opt_outs=(recorded(opt_out(at="2026-12-01T20:00:01Z"), "2026-12-01T20:00:02Z"),))
    assert review(facts, made()) is None


def test_a_fact_without_a_recording_time_counts_as_known_from_its_moment():
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),),
                  opt_outs=(opt_out(at="2026-11-20T12:00:00Z"),))
    found = review(facts, made())
    assert found is not None and found.known_in_time is True


def test_quiet_hours_use_the_zones_of_the_number():
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),))
    found = review(facts, made(at=LATE))
    assert found is not None and found.decision == DecisionKind.DEFER
    assert [r.code for r in found.reasons] == ["quiet_hours"] and found.known_in_time is True


def test_the_question_is_the_attempts_own():
    attempt = made(channel="sms", purpose="informational", brand="acme", dialing="autodialed")
    asked = violations.question(phone(), attempt)
    assert (asked.address, asked.kind, asked.channel, asked.purpose, asked.brand, asked.at, asked.dialing) == (
        LA_PHONE, "phone", "sms", "informational", "acme", ts(NOON), "autodialed")


def test_dialing_is_asked_about():
    """An express consent covers a manual marketing call, not an autodialed one (written needed)."""
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),))
    assert review(facts, made(dialing="manual")) is None
    found = review(facts, made(dialing="autodialed"))
    assert found is not None and [r.code for r in found.reasons] == ["written_consent_required"]


def test_the_brand_is_the_attempts():
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z", brand="acme"), "2026-11-01T12:00:01Z"),))
    assert review(facts, made(brand="acme")) is None
    assert review(facts, made(brand="other")) is not None


# --- the attempt does not count against itself ------------------------------------------------

def test_the_third_call_does_not_count_itself_against_the_cap():
    base = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),))
    first, second = made("a1", at="2026-11-29T20:00:00Z"), made("a2", at="2026-11-30T20:00:00Z")
    facts = with_attempt(with_attempt(base, first), second)
    assert review(facts, made("a3")) is None  # two before it: the cap of 3 was not reached
    fourth = made("a4", at="2026-12-01T20:00:05Z")
    found = review(with_attempt(facts, made("a3")), fourth)
    assert found is not None and [r.code for r in found.reasons] == ["frequency_cap"]


def test_a_later_attempt_does_not_count_against_an_earlier_one():
    base = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),))
    facts = base
    for i, day in enumerate(("2026-12-01T20:00:01Z", "2026-12-01T20:00:02Z", "2026-12-01T20:00:03Z")):
        facts = with_attempt(facts, made(f"later{i}", at=day))
    assert review(facts, made("a0")) is None


def test_a_do_not_contact_disposition_does_not_deny_its_own_attempt():
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),))
    own = made(disposition="do_not_contact")
    assert review(facts, own) is None
    after = with_attempt(facts, own)
    found = review(after, made("a2", at="2026-12-01T20:00:10Z", recorded="2026-12-01T20:00:11Z"))
    assert found is not None and [r.code for r in found.reasons][0] == "opted_out" and found.known_in_time


def test_a_wrong_party_outcome_does_not_void_its_own_attempts_consent():
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),))
    own = made(outcome="wrong_party")
    assert review(facts, own) is None
    found = review(with_attempt(facts, own), made("a2", at="2026-12-01T20:00:10Z"))
    assert found is not None and "consent_void" in [r.code for r in found.reasons]


def test_a_disconnect_does_not_make_its_own_attempt_undeliverable():
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),))
    own = made(outcome="disconnected")
    assert review(facts, own) is None
    found = review(with_attempt(facts, own), made("a2", at="2026-12-01T20:00:10Z"))
    assert found is not None and "undeliverable" in [r.code for r in found.reasons]


def test_a_bounce_does_not_make_its_own_email_undeliverable():
    own = made(channel="email", outcome="bounced")
    assert review(email(), own) is None
    found = review(with_attempt(email(), own), made("a2", channel="email", at="2026-12-01T20:00:10Z"))
    assert found is not None and [r.code for r in found.reasons] == ["undeliverable"]


def test_only_the_attempts_own_marker_is_taken_away():
    """Another disconnect at the very same moment keeps its marker."""
    own = made("a1", outcome="disconnected")
    twin = made("a2", outcome="disconnected")
    facts = with_attempt(with_attempt(phone(consents=(consent(at="2026-11-01T12:00:00Z"),)), twin), own)
    assert len(facts.undeliverable) == 2
    prior = violations.before(facts, own)
    assert len(prior.undeliverable) == 1
    assert [a.id for a in prior.attempts] == ["a2"] and [r.id for r in prior.reassignments] == ["a2:reassigned"]


def test_before_keeps_everything_that_is_not_the_attempts():
    other_marker = Undeliverable(channels=frozenset({"call", "sms"}), occurred_at=ts("2026-11-02T12:00:00Z"),
                                 reason="disconnected", source="dialer")
    keep = opt_out(at="2026-11-20T12:00:00Z")
    facts = phone(opt_outs=(keep,), undeliverable=(other_marker,))
    own = made(outcome="answered")
    prior = violations.before(with_attempt(facts, own), own)
    assert prior.opt_outs == (keep,) and prior.undeliverable == (other_marker,)
    assert prior.attempts == () and prior.reassignments == ()


def test_an_earlier_attempt_at_the_same_moment_is_kept():
    own, twin = made("a1"), made("a0")
    prior = violations.before(with_attempt(with_attempt(phone(), twin), own), own)
    assert [a.id for a in prior.attempts] == ["a0"]


# --- the one confirmation text ----------------------------------------------------------------

def _stopped() -> ContactFacts:
    stop = recorded(opt_out(channels=("sms",), source="sms_keyword", at="2026-12-01T19:59:00Z"), "2026-12-01T19:59:30Z")
    return phone(opt_outs=(stop,))


def test_the_one_confirmation_text_is_no_violation():
    text = made(channel="sms", purpose="opt_out_confirmation", at="2026-12-01T20:00:00Z")
    assert review(_stopped(), text) is None


def test_a_second_confirmation_text_is_one():
    first = made("t1", channel="sms", purpose="opt_out_confirmation", at="2026-12-01T20:00:00Z")
    second = made("t2", channel="sms", purpose="opt_out_confirmation", at="2026-12-01T20:01:00Z")
    facts = with_attempt(_stopped(), first)
    assert review(facts, first) is None
    found = review(facts, second)
    assert found is not None and found.decision == DecisionKind.DENY and found.known_in_time is True


def test_the_first_text_is_no_violation_once_a_second_was_sent():
    first = made("t1", channel="sms", purpose="opt_out_confirmation", at="2026-12-01T20:00:00Z")
    second = made("t2", channel="sms", purpose="opt_out_confirmation", at="2026-12-01T20:01:00Z")
    facts = with_attempt(with_attempt(_stopped(), first), second)
    assert review(facts, first) is None


def test_a_confirmation_text_after_the_window_is_one():
    late = made(channel="sms", purpose="opt_out_confirmation", at="2026-12-01T20:05:00Z")
    found = review(_stopped(), late)
    assert found is not None and found.decision == DecisionKind.DENY


# --- markers -----------------------------------------------------------------------------------

def test_a_disconnect_whose_marker_is_not_there_is_reviewed_all_the_same():
    """A contact erased and back, or a marker never written: nothing to take away, nothing fails."""
    own = made(outcome="disconnected")
    facts = phone(consents=(consent(at="2026-11-01T12:00:00Z"),), attempts=(own,))
    assert violations.before(facts, own).undeliverable == ()
    assert violations.review(own, facts, DEFAULT_POLICY) is None


def test_a_marker_is_matched_whatever_its_recording_time():
    """The marker as stored carries the attempt's recording time; the attempt read back may carry another."""
    own = made(outcome="disconnected", recorded="2026-12-01T20:00:05Z")
    facts = with_attempt(phone(), own)
    assert facts.undeliverable and facts.undeliverable[0].recorded_at == ts("2026-12-01T20:00:05Z")
    assert violations.before(facts, replace(own, recorded_at=None)).undeliverable == ()
    assert violations.before(facts, replace(own, recorded_at=ts("2026-12-02T00:00:00Z"))).undeliverable == ()


def test_an_older_marker_stays_when_the_attempts_own_is_taken_away():
    older = made("a0", outcome="disconnected", at="2026-11-20T20:00:00Z")
    own = made("a1", outcome="disconnected")
    facts = with_attempt(with_attempt(phone(), older), own)
    prior = violations.before(facts, own)
    assert [m.occurred_at for m in prior.undeliverable] == [older.occurred_at]


# --- preferences as they stood at the attempt (replay.preferences_at) ---------------------------

def _changed(at: str, **prefs) -> Entry:
    return Entry(type="preferences.updated", recorded_at=ts(at), fact_id=f"p-{at}", data={"preferences": prefs})


def test_a_zone_set_after_the_attempt_does_not_judge_it():
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),),
                  preferences=Preferences(timezone="Asia/Tokyo", timezone_source="preference_center"),
                  preferences_changed_at=ts("2026-12-03T00:00:00Z"))
    history = [_changed("2026-12-03T00:00:00Z", timezone="Asia/Tokyo", timezone_source="preference_center")]
    attempt = made(purpose="informational")
    as_now = violations.review(attempt, with_attempt(facts, attempt), DEFAULT_POLICY)
    assert as_now is not None and [r.code for r in as_now.reasons] == ["quiet_hours"]  # 05:00 in Tokyo
    assert violations.review(attempt, with_attempt(facts, attempt), DEFAULT_POLICY, history=history) is None


def test_a_snooze_in_force_then_and_lifted_since_is_still_a_violation_known_in_time():
    facts = phone(consents=(recorded(consent(at="2026-11-01T12:00:00Z"), "2026-11-01T12:00:01Z"),),
                  preferences_changed_at=ts("2026-12-02T00:00:00Z"))
    history = [_changed("2026-11-30T00:00:00Z", snooze_until="2026-12-10T00:00:00Z"),
               _changed("2026-12-02T00:00:00Z", snooze_until=None)]
    attempt = made(purpose="informational")
    assert violations.review(attempt, with_attempt(facts, attempt), DEFAULT_POLICY) is None  # as it stands now
    found = violations.review(attempt, with_attempt(facts, attempt), DEFAULT_POLICY, history=history)
    assert found is not None and [r.code for r in found.reasons] == ["snoozed"]
    assert found.known_in_time is True and found.decision_then == DecisionKind.DEFER


def test_a_change_recorded_at_the_attempts_very_moment_stood_then():
    snoozed = [_changed(NOON, snooze_until="2026-12-10T00:00:00Z")]
    attempt = made(purpose="informational")
    facts = phone(preferences_changed_at=ts(NOON))
    assert violations.stood(facts, attempt, snoozed).preferences.snooze_until == ts("2026-12-10T00:00:00Z")
    assert violations.stood(facts, attempt, None) is facts
    # a history with no change of them (a record stored before preferences_changed_at): as they stand
    zoned = phone(preferences=Preferences(timezone="Asia/Tokyo"), preferences_changed_at=PREFERENCES_CHANGE_UNKNOWN)
    assert violations.stood(zoned, attempt, []).preferences == Preferences(timezone="Asia/Tokyo")


def test_whose_preferences_changed_after_a_moment():
    at = ts(NOON)
    assert not preferences_changed_after(phone(), at)  # never changed
    assert not preferences_changed_after(phone(preferences_changed_at=at), at)
    assert preferences_changed_after(phone(preferences_changed_at=at + timedelta(microseconds=1)), at)
    assert preferences_changed_after(phone(preferences_changed_at=PREFERENCES_CHANGE_UNKNOWN), at)  # an old record


# --- the contact's own list memberships as they stood at the attempt -------------------------------

def internal(name: str = "house") -> SuppressionMembership:
    return SuppressionMembership(list_name=name, kind="internal")


def test_whose_memberships_changed_after_a_moment():
    at = ts(NOON)
    assert not memberships_changed_after(phone(), at)  # never changed
    assert not memberships_changed_after(phone(memberships_changed_at=at), at)
    assert memberships_changed_after(phone(memberships_changed_at=at + timedelta(microseconds=1)), at)
    assert memberships_changed_after(phone(memberships_changed_at=PREFERENCES_CHANGE_UNKNOWN), at)
    assert not stood_otherwise_after(phone(), at)
    assert stood_otherwise_after(phone(memberships_changed_at=at + timedelta(seconds=1)), at)
    assert stood_otherwise_after(phone(preferences_changed_at=at + timedelta(seconds=1)), at)


def test_a_list_entry_recorded_after_the_attempt_makes_no_violation():
    attempt = made(purpose="informational")
    added = Entry(HistoryType.SUPPRESSION_ADDED, ts(LATE), "s1", {"list": "house", "kind": "internal"})
    now_on = phone(suppressions=(internal(),), memberships_changed_at=ts(LATE))
    assert violations.review(attempt, with_attempt(now_on, attempt), DEFAULT_POLICY) is not None  # as it stands
    assert violations.review(attempt, with_attempt(now_on, attempt), DEFAULT_POLICY, history=[added]) is None


def test_a_list_entry_taken_off_after_the_attempt_still_makes_a_violation_known_in_time():
    attempt = made(purpose="informational")
    taken_off = Entry(HistoryType.SUPPRESSION_REMOVED, ts(LATE), "s2", {"list": "house", "kind": "internal"})
    now_off = phone(memberships_changed_at=ts(LATE))
    assert violations.review(attempt, with_attempt(now_off, attempt), DEFAULT_POLICY) is None  # as it stands
    finding = violations.review(attempt, with_attempt(now_off, attempt), DEFAULT_POLICY, history=[taken_off])
    assert finding is not None and finding.decision == DecisionKind.DENY and finding.known_in_time
    assert [r.code for r in finding.reasons] == ["on_suppression_list"]
    assert memberships_at((), [taken_off], ts(NOON)) == (internal(),)
    assert memberships_at((), [taken_off], ts(LATE)) == ()
