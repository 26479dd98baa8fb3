"""Properties of what an SMS reply does to a contact (contract rev. 2), for any facts.

- START (``changes.undo_keyword_opt_out``) grants nothing: every scope without a consent basis
  before it still has none; and it never undoes an opt-out that came from anything but a keyword.
- The one confirmation text is never allowed past ``send_by`` nor after an attempt with that purpose.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from decision_strategies import BRANDS, cases, moments
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain import changes
from registry.domain.decide import decide
from registry.domain.facts import Attempt
from registry.domain.opt_out_confirmation import received_at, send_by
from registry.domain.policy import DEFAULT_POLICY
from registry.domain.vocabulary import OPT_OUT_CONFIRMATION

SETTINGS = settings(max_examples=300, deadline=None)


def codes(decision):
    return {r.code for r in decision.reasons}


@SETTINGS
@given(cases(), st.sampled_from(BRANDS + ["*"]), st.data())
def test_start_grants_nothing(case, brand, data):
    question, facts, anchor = case
    start_at = data.draw(moments(anchor, before_days=20, after_days=7))
    before = decide(question, facts, DEFAULT_POLICY)
    after = decide(question, changes.undo_keyword_opt_out(facts, brand, start_at, "start-1"), DEFAULT_POLICY)
    if "no_consent" in codes(before):
        assert "no_consent" in codes(after)
    # only a keyword opt-out of that very brand is ever undone, and never one dated after the START
    undone = [o for o in changes.undo_keyword_opt_out(facts, brand, start_at, "start-1").opt_outs if o.undone_by]
    assert len(undone) <= 1
    for o in undone:
        assert o.source == "sms_keyword" and o.brand == brand and o.occurred_at <= start_at


@SETTINGS
@given(cases(), st.data())
def test_start_never_makes_a_deny_stricter_and_only_lifts_opted_out(case, data):
    question, facts, anchor = case
    start_at = data.draw(moments(anchor, before_days=20, after_days=7))
    before = decide(question, facts, DEFAULT_POLICY)
    after = decide(question, changes.undo_keyword_opt_out(facts, question.brand, start_at, "s"), DEFAULT_POLICY)
    assert codes(after) <= codes(before)  # it takes an opt-out away, nothing else, and adds nothing


@SETTINGS
@given(cases(), st.integers(0, 20 * 60), st.booleans())
def test_the_confirmation_text_never_after_send_by_nor_twice(case, seconds_after, sent):
    question, facts, anchor = case
    if facts.kind != "phone":
        return
    stops = [replace(o, recorded_at=o.occurred_at) for o in facts.opt_outs]
    facts = replace(facts, opt_outs=tuple(stops))
    if not stops:
        return
    newest = max(stops, key=received_at)
    at = received_at(newest) + timedelta(seconds=seconds_after)
    attempts = facts.attempts
    if sent:
        attempts += (Attempt(id="conf", channel="sms", purpose=OPT_OUT_CONFIRMATION, brand=question.brand,
                             occurred_at=received_at(newest) + timedelta(seconds=1),
                             outcome="delivered", recorded_at=received_at(newest) + timedelta(seconds=1)),)
    q = replace(question, channel="sms", purpose=OPT_OUT_CONFIRMATION, at=at)
    d = decide(q, replace(facts, attempts=attempts), DEFAULT_POLICY)
    if d.allowed:
        assert at <= send_by(received_at(newest))
        assert not (sent and at >= received_at(newest) + timedelta(seconds=1))
        assert d.reasons == () and d.next_allowed_at is None
