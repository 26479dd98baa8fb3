"""The contract's rules, each stated in its own words and checked against an oracle written from
those words (contract.py), never against the domain's code: a wrong answer fails here even when
the code agrees with itself.

The cases come from small shared pools (decision_strategies.py): the question's moment sits on
quiet hours' edges, facts tie with it and with each other, opt-outs and consents interleave in
the question's scope, caps are reached and consents, EBRs, attempts and snoozes run out exactly
at the moment asked about (``test_strategies_reach_the_edges`` holds the pools to that).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

import contract
from decision_strategies import DAYS, PHONES, cases, contact_hours, moment_of
from edges import EDGES
from hypothesis import given, settings
from hypothesis import strategies as st
from measure_edges import count

from registry.domain.decide import decide
from registry.domain.policy import DEFAULT_POLICY, with_overrides
from registry.domain.profile import PageStatus, page_scope, scope_statuses

SETTINGS = settings(max_examples=200)
SECOND = timedelta(seconds=1)


def _scope(question):
    return question.channel, question.purpose, question.brand, question.at


def _codes(decision) -> set[str]:
    return {r.code for r in decision.reasons}


@SETTINGS
@given(cases())
def test_calls_and_texts_reach_a_contact_only_08_00_to_21_00_in_every_zone_they_may_be_in(case):
    """"call and sms may reach the contact only 08:00-21:00 in their local time ... the moment must
    be inside the window in all of them. A contact's own contact_hours narrow the window further."
    Quiet hours defer exactly when the oracle's window is shut, so an allow is always inside it."""
    question, facts = case
    channel, _, _, at = _scope(question)
    decision = decide(question, facts, DEFAULT_POLICY)
    shut = contract.quiet(facts, channel, at)
    assert ("quiet_hours" in _codes(decision)) is shut, (at, contract.contact_zones(facts))
    if decision.allowed and channel in ("call", "sms"):
        zones = contract.contact_zones(facts)
        assert zones and all(contract.open_in(at, z, facts.preferences.contact_hours) for z in zones)


# Around contact hours' starts and ends (see decision_strategies._HOUR_STARTS and _HOUR_ENDS).
HOURS_EDGES = (time(8), time(8, 15), time(8, 29, 59), time(8, 30), time(8, 59, 59), time(9), time(11, 59, 59),
               time(12), time(20), time(20, 59, 59))


@SETTINGS
@given(cases(addresses=PHONES), contact_hours(), st.sampled_from(DAYS), st.sampled_from(HOURS_EDGES), st.data())
def test_a_contacts_own_hours_narrow_the_window_in_every_zone(case, hours, day, clock, data):
    """"A contact's own contact_hours narrow the window further" (decisions.md: an empty `days`
    means every day; start equal to end means all day; hours past midnight belong to the day they
    start on): at the edges of their hours, on days in and out of them, quiet exactly when the
    oracle's window is shut in some zone."""
    question, facts = case
    facts = replace(facts, preferences=replace(facts.preferences, contact_hours=hours))
    zone = data.draw(st.sampled_from(contract.contact_zones(facts)))
    question = replace(question, at=moment_of(day, clock, zone))
    decision = decide(question, facts, DEFAULT_POLICY)
    assert ("quiet_hours" in _codes(decision)) is contract.quiet(facts, question.channel, question.at)


@SETTINGS
@given(cases())
def test_three_counted_attempts_in_7_days_defer_a_marketing_call_or_text(case):
    """"marketing calls: 3 attempts per brand in any rolling 7 days; marketing sms: 3 per 7 days;
    none for email or informational. An attempt counts while it is less than 7 days old." So an
    allow implies fewer than 3 counted attempts."""
    question, facts = case
    channel, purpose, brand, at = _scope(question)
    decision = decide(question, facts, DEFAULT_POLICY)
    assert ("frequency_cap" in _codes(decision)) is contract.capped(facts, channel, purpose, brand, at)
    if decision.allowed and purpose == "marketing" and channel in ("call", "sms"):
        assert len(contract.counted_attempts(facts, channel, purpose, brand, at)) < contract.CAP


@SETTINGS
@given(cases())
def test_a_snooze_defers_every_channel_until_it_ends(case):
    """"snooze_until in preferences defers every channel until then"."""
    question, facts = case
    decision = decide(question, facts, DEFAULT_POLICY)
    assert ("snoozed" in _codes(decision)) is contract.snoozed(facts, question.at)


@SETTINGS
@given(cases())
def test_the_latest_of_the_opt_outs_and_consents_in_a_scope_decides_it_and_a_tie_goes_to_the_opt_out(case):
    """"An opt-out and a consent for the same scope resolve to whichever occurred_at is later; on a
    tie the opt-out wins." (Only a consent the policy accepts lifts an opt-out: decisions.md.)
    The lookup, the profile and the preference page all say so."""
    question, facts = case
    channel, purpose, brand, at = _scope(question)
    expected = contract.opted_out(facts, channel, purpose, brand, at)
    assert ("opted_out" in _codes(decide(question, facts, DEFAULT_POLICY))) is expected
    entries = {(e["channel"], e["purpose"], e["brand"]): e for e in scope_statuses(facts, at, lambda _: DEFAULT_POLICY)}
    shown = entries.get((channel, purpose, brand)) or entries.get((channel, purpose, "*"))
    assert (shown is not None and shown["status"] == "opted_out") is expected, shown
    page = page_scope(facts, channel, purpose, brand, at, DEFAULT_POLICY)
    assert (page.status is PageStatus.OPTED_OUT) is expected


@SETTINGS
@given(cases())
def test_no_consent_exactly_when_the_policy_needs_a_basis_and_none_is_in_force(case):
    """"no_consent: the policy needs a basis for this channel and purpose and there is none, or only
    one the policy does not accept (expired, from purchased_list, revoked)"; call+marketing also
    takes an EBR ("an inquiry gives EBR for 3 calendar months, a transaction for 18"). The profile
    shows `consented` exactly when a consent is the basis."""
    question, facts = case
    channel, purpose, brand, at = _scope(question)
    decision = decide(question, facts, DEFAULT_POLICY)
    assert ("no_consent" in _codes(decision)) is contract.no_consent(facts, channel, purpose, brand, at)
    entries = {(e["channel"], e["purpose"], e["brand"]): e for e in scope_statuses(facts, at, lambda _: DEFAULT_POLICY)}
    entry = entries.get((channel, purpose, brand))
    consented = entry is not None and entry["status"] == "consented"
    assert consented is contract.consent_basis(facts, channel, purpose, brand, at)
    # the page's "you already agreed": a consent in force that is all the scope needs (rev. 2: in writing
    # where only a written consent would do)
    needs_written = contract.written_required(facts, channel, purpose, brand, at)
    assert page_scope(facts, channel, purpose, brand, at, DEFAULT_POLICY).consented is (consented and not needs_written)


@SETTINGS
@given(cases())
def test_a_suppression_list_bars_exactly_what_its_kind_says(case):
    """"kind national or state: deny marketing unless the address has consent or EBR for that
    brand; informational contact is not affected. Kind internal or litigator: deny every purpose,
    consent or not." """
    question, facts = case
    channel, purpose, brand, at = _scope(question)
    decision = decide(question, facts, DEFAULT_POLICY)
    assert ("on_suppression_list" in _codes(decision)) is contract.on_a_list(facts, channel, purpose, brand, at)


@SETTINGS
@given(cases())
def test_undeliverable_from_a_bounce_or_disconnection_until_the_channel_is_reached_again(case):
    """"undeliverable: email hard bounce, or a phone the dialer reported as disconnected"."""
    question, facts = case
    decision = decide(question, facts, DEFAULT_POLICY)
    assert ("undeliverable" in _codes(decision)) is contract.undeliverable(facts, question.channel, question.at)


@SETTINGS
@given(cases())
def test_the_decision_is_deny_if_any_deny_reason_else_defer_if_any_defer_reason_else_allow(case):
    """"decision is deny if any deny reason applies, else defer if any defer reason applies, else
    allow ... Every reason that applies is listed." The reasons are the oracle's, all of them."""
    question, facts = case
    channel, purpose, brand, at = _scope(question)
    deny = contract.deny_codes(facts, channel, purpose, brand, at)
    defer = contract.defer_codes(facts, channel, purpose, brand, at)
    decision = decide(question, facts, DEFAULT_POLICY)
    assert _codes(decision) == deny | defer
    assert decision.decision == ("deny" if deny else "defer" if defer else "allow")
    assert decision.allowed is (decision.decision == "allow")


# Deny reasons do not lapse with time (decisions.md): with no basis needed and the facts that deny
# taken away, most cases defer, and next_allowed_at is what is left to check.
# No deny reason from the policy: no basis needed, and (rev. 2) nothing asked of robocalls and texts.
NO_BASIS = replace(with_overrides(DEFAULT_POLICY, {"basis": {s: "none" for s in DEFAULT_POLICY.basis}}),
                   written_consent={}, wireless_consent={})


@SETTINGS
@given(cases(), st.floats(min_value=0, max_value=1, exclude_max=True))
def test_next_allowed_at_is_the_earliest_moment_no_defer_reason_applies(case, fraction):
    """"next_allowed_at (defer only, null otherwise): the earliest moment at which no defer reason
    applies, or null if there is none within 30 days." Checked against the oracle's own defer
    reasons: open at the answer, shut a second before, shut at any moment between the question's
    and the answer; and the answer is the oracle's earliest open moment."""
    question, facts = case
    facts = replace(facts, opt_outs=(), suppressions=(), undeliverable=(),
                    attempts=tuple(a for a in facts.attempts if a.outcome not in ("disconnected", "bounced")))
    channel, purpose, brand, at = _scope(question)
    decision = decide(question, facts, NO_BASIS)
    if decision.decision != "defer":
        assert decision.next_allowed_at is None
        return
    expected = contract.next_open(facts, channel, purpose, brand, at)
    assert decision.next_allowed_at == expected
    end = expected if expected is not None else at + contract.HORIZON
    if expected is not None:
        assert not contract.defer_codes(facts, channel, purpose, brand, expected)
        assert not {r.code for r in decide(replace(question, at=expected), facts, NO_BASIS).reasons}
        assert contract.defer_codes(facts, channel, purpose, brand, expected - SECOND)
    probe = at + timedelta(seconds=int((end - at).total_seconds() * fraction))
    assert contract.defer_codes(facts, channel, purpose, brand, probe), probe


def test_strategies_reach_the_edges():
    """The pools do their job: in 300 cases (the same ones every run) each edge comes up at least
    9 times, 3% (the strategies before these pools: 0-4%, most under 1%; python
    tests/property/measure_edges.py prints the rates)."""
    seen = count(cases(), lambda case: case, 300)
    assert seen["cases"] == 300
    assert {edge: seen[edge] for edge in EDGES if seen[edge] < 9} == {}, seen
