"""Reassigned numbers (contract rev. 2, issue 9 item 5).

A reassignment (an attempt with outcome ``disconnected`` or ``wrong_party``, a "wrong number"
reply, a reassigned-numbers check answering ``yes``) voids every consent and EBR of the number,
for every brand, dated at or before it, for good: ``consent_void`` with ``reassigned_at``.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from builders import (
    EMAIL,
    ask,
    attempt,
    codes,
    consent,
    facts,
    member,
    opt_out,
    reassignment,
    relationship,
    ts,
    written,
)

from registry.domain import changes
from registry.domain.facts import ReassignedCheck, Reassignment
from registry.domain.lead_temperature import lead_temperature
from registry.domain.policy import DEFAULT_POLICY, with_overrides
from registry.domain.profile import PageStatus, page_scope, relationships_view, scope_statuses
from registry.domain.reassignment import reassigned_at, reassignment_from_attempt, reassignment_from_reply

BEFORE, AT, AFTER = "2026-11-20T12:00:00Z", "2026-11-25T12:00:00Z", "2026-11-27T12:00:00Z"
NOW = ts("2026-12-01T20:00:00Z")


def recorded(f, *attempts):
    """The facts as the registry keeps them after recording these attempts (changes.add_attempt)."""
    for a in attempts:
        f = changes.add_attempt(f, a, NOW, 90)
    return f


@pytest.mark.parametrize("outcome", ["disconnected", "wrong_party"])
def test_a_disconnect_or_a_wrong_party_voids_every_earlier_consent_for_good(outcome):
    f = recorded(facts(consents=[consent(at=BEFORE), consent(brand="acme", at=BEFORE)]),
                 attempt(purpose="informational", at=AT, outcome=outcome),
                 attempt(purpose="informational", at=AFTER, outcome="answered"))  # reaches someone: not the owner
    for brand in ("default", "acme"):
        decision = ask(f, brand=brand)
        assert decision.decision == "deny" and codes(decision) == ["no_consent", "consent_void"], decision.reasons
        (void,) = [r for r in decision.reasons if r.code == "consent_void"]
        assert void.reassigned_at == ts(AT) and void.rule == "47 CFR 64.1200(m)"
        assert void.to_dict()["reassigned_at"] == AT
    assert [r.cause for r in f.reassignments] == [outcome]


def test_the_lookup_says_the_old_consent_is_void_and_since_when():
    f = facts(consents=[consent(at=BEFORE)], reassignments=[reassignment(AT)])
    (no_consent,) = [r for r in ask(f).reasons if r.code == "no_consent"]
    assert no_consent.message.endswith(f"; consent void: the number was reassigned at {AT}")


def test_the_reassignment_outlives_the_attempts_kept():
    f = recorded(facts(consents=[consent(at=BEFORE)]), attempt(purpose="informational", at=AT, outcome="wrong_party"))
    pruned = f.with_changes(attempts=())  # attempts age out; the reassignment is kept on its own
    assert "consent_void" in codes(ask(pruned))


def test_a_consent_after_the_reassignment_is_the_new_owners_and_counts():
    f = facts(consents=[consent(at=BEFORE), consent(at=AFTER)], reassignments=[reassignment(AT)])
    assert ask(f).decision == "allow"


def test_a_consent_at_the_very_moment_of_the_reassignment_is_void():
    f = facts(consents=[consent(at=AT)], reassignments=[reassignment(AT)])
    assert "consent_void" in codes(ask(f))


def test_an_ebr_from_before_is_void_too():
    f = facts(relationships=[relationship(at=BEFORE)], reassignments=[reassignment(AT)])
    assert codes(ask(f)) == ["no_consent", "consent_void"]
    (view,) = relationships_view(f, NOW, DEFAULT_POLICY)
    assert view["active"] is False and view["void"] is True
    assert ask(facts(relationships=[relationship(at=AFTER)], reassignments=[reassignment(AT)])).allowed


def test_a_reassignment_after_the_moment_asked_about_does_not_count_yet():
    f = facts(consents=[consent(at=BEFORE)], reassignments=[reassignment("2026-12-05T00:00:00Z")])
    assert ask(f).decision == "allow"


def test_nothing_is_void_where_nothing_is_needed():
    """A manual informational call needs no basis: the reassignment changes nothing there."""
    f = facts(consents=[consent(purposes="informational", at=BEFORE)], reassignments=[reassignment(AT)])
    assert ask(f, purpose="informational").decision == "allow"


def test_an_older_written_consent_does_not_lift_a_do_not_call_list_after_a_reassignment():
    f = facts(consents=[written(at=BEFORE)], suppressions=[member()], reassignments=[reassignment(AT)])
    assert codes(ask(f)) == ["on_suppression_list", "no_consent", "written_consent_required", "consent_void"]


def test_an_opt_out_from_before_the_reassignment_still_stands():
    """Erring toward not contacting: the old owner's "no" is kept; the new owner's consent lifts it."""
    f = facts(opt_outs=[opt_out(at=BEFORE)], reassignments=[reassignment(AT)])
    assert "opted_out" in codes(ask(f, purpose="informational"))
    assert ask(f.with_changes(consents=(consent(purposes="informational", at=AFTER),)), purpose="informational").allowed


def test_the_profile_and_the_page_show_the_consent_as_void():
    f = facts(consents=[written(channels=("call", "sms"), at=BEFORE)], reassignments=[reassignment(AT)])
    entries = scope_statuses(f, NOW, lambda brand: DEFAULT_POLICY)
    assert {e["status"] for e in entries} == {"void"}
    assert all(e["reassigned_at"] == AT and e["grade"] == "written" for e in entries)
    page = page_scope(f, "sms", "marketing", "default", NOW, DEFAULT_POLICY)
    assert page.status is PageStatus.NOT_SUBSCRIBED and not page.consented


def test_the_earlier_owners_interest_does_not_warm_the_lead():
    f = facts(consents=[consent(at=BEFORE)], relationships=[relationship(at=BEFORE)], reassignments=[reassignment(AT)])
    assert lead_temperature(f, NOW, DEFAULT_POLICY) == "cold"
    assert lead_temperature(facts(consents=[consent(at=BEFORE)]), NOW, DEFAULT_POLICY) == "warm"


# --- what records a reassignment ------------------------------------------------------------------

@pytest.mark.parametrize("channel, outcome, cause", [
    ("call", "disconnected", "disconnected"), ("sms", "disconnected", "disconnected"),
    ("call", "wrong_party", "wrong_party"), ("sms", "wrong_party", "wrong_party"),
    ("email", "wrong_party", "wrong_party"),  # an email read by someone else: theirs now
    ("email", "disconnected", None), ("call", "answered", None), ("call", "no_answer", None),
    ("email", "bounced", None),
])
def test_which_attempts_reassign(channel, outcome, cause):
    found = reassignment_from_attempt(attempt(channel=channel, outcome=outcome))
    assert (found.cause if found else None) == cause


def test_attempts_recorded_before_reassignments_were_kept_still_count():
    f = facts(consents=[consent(at=BEFORE)], attempts=[attempt(purpose="informational", at=AT, outcome="disconnected")])
    assert reassigned_at(f, NOW) == ts(AT)


@pytest.mark.parametrize("result, reassigns", [("yes", True), ("no", False), ("no_data", False)])
def test_every_check_is_kept_and_yes_is_a_reassignment_at_the_check(result, reassigns):
    check = ReassignedCheck(id="k1", result=result, since=date(2026, 6, 1), occurred_at=ts(AT), source="rnd")
    f = changes.add_reassigned_check(facts(consents=[consent(at=BEFORE)]), check)
    assert f.reassigned_checks == (check,)
    assert reassigned_at(f, NOW) == (ts(AT) if reassigns else None)
    assert ("consent_void" in codes(ask(f))) is reassigns


def test_checks_are_kept_up_to_a_bound_newest_last():
    f = facts()
    for day in range(1, 106):
        check = ReassignedCheck(id=f"k{day}", result="no", since=date(2026, 1, 1),
                                occurred_at=ts("2026-01-01T00:00:00Z").replace(day=1 + day % 28, month=1 + day // 28),
                                source="rnd")
        f = changes.add_reassigned_check(f, check)
    assert len(f.reassigned_checks) == changes.MAX_CHECKS_KEPT
    assert f.reassigned_checks == tuple(sorted(f.reassigned_checks, key=lambda c: c.occurred_at))


def test_a_wrong_number_reply_is_a_reassignment_at_its_moment():
    stop = opt_out(channels="sms", at=AT, source="sms_keyword")
    found = reassignment_from_reply(stop)
    assert (found.id, found.occurred_at, found.cause, found.cause_id) == (f"{stop.id}:reassigned", ts(AT),
                                                                          "wrong_number_reply", stop.id)
    f = changes.add_reassignment(facts(consents=[consent(at=BEFORE)]), found)
    assert changes.add_reassignment(f, found) == f  # the same one twice is one
    assert "consent_void" in codes(ask(f))


def test_an_email_attempt_reaching_the_wrong_party_voids_the_emails_consents():
    f = recorded(facts(EMAIL, consents=[consent(channels="email", at=BEFORE)]),
                 attempt(channel="email", at=AT, outcome="wrong_party"))
    opt_in = with_overrides(DEFAULT_POLICY, {"basis": {"email:marketing": "consent"}})
    assert "consent_void" in codes(ask(f, "email", policy=opt_in))


def test_of_several_reassignments_the_latest_by_the_moment_asked_voids():
    """A consent given between two reassignments was the middle owner's: the second one voids it too."""
    f = facts(consents=[consent(at=AT)], reassignments=[reassignment(BEFORE), reassignment(AFTER)])
    assert reassigned_at(f, NOW) == ts(AFTER)
    (void,) = [r for r in ask(f).reasons if r.code == "consent_void"]
    assert void.reassigned_at == ts(AFTER)


# --- the reassignment kept (shown in the profile: what recorded it, its source, when it was received)

RECEIVED = ts("2026-11-25T12:00:05Z")


def test_an_attempt_records_a_reassignment_naming_the_attempt():
    wrong = replace(attempt(channel="sms", purpose="informational", at=AT, outcome="wrong_party"),
                    recorded_at=RECEIVED)
    f = recorded(facts(), wrong)
    assert f.reassignments == (Reassignment(id=f"{wrong.id}:reassigned", occurred_at=ts(AT), cause="wrong_party",
                                            cause_id=wrong.id, source="dialer", recorded_at=RECEIVED),)
    assert recorded(f, wrong).reassignments == f.reassignments  # the same attempt again: the same reassignment


def test_a_yes_check_records_a_reassignment_naming_the_check_and_its_source():
    check = ReassignedCheck(id="k1", result="yes", since=date(2026, 6, 1), occurred_at=ts(AT), source="rnd",
                            recorded_at=RECEIVED)
    f = changes.add_reassigned_check(facts(), check)
    assert f.reassignments == (Reassignment(id="k1:reassigned", occurred_at=ts(AT), cause="reassigned_check",
                                            cause_id="k1", source="rnd", recorded_at=RECEIVED),)


def test_a_wrong_number_reply_records_a_reassignment_naming_the_reply_and_its_source():
    stop = replace(opt_out(channels="sms", at=AT, source="sms_keyword"), recorded_at=RECEIVED)
    assert reassignment_from_reply(stop) == Reassignment(
        id=f"{stop.id}:reassigned", occurred_at=ts(AT), cause="wrong_number_reply", cause_id=stop.id,
        source="sms_keyword", recorded_at=RECEIVED)
