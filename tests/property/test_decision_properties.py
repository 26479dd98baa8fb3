"""Properties of the decision that must hold for any facts: its reasons and its answer agree, and
more opt-outs or lists never make it more permissive. (The contract's rules, each against an
oracle of its own, are in test_contract_properties.py; next_allowed_at is checked there.)"""
from __future__ import annotations

from dataclasses import replace

from decision_strategies import SAID, cases, memberships
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain.decide import decide
from registry.domain.facts import OptOut
from registry.domain.policy import DEFAULT_POLICY, with_overrides
from registry.domain.vocabulary import DEFER_REASONS, DENY_REASONS, PURPOSES, channels_for_kind

POLICIES = [DEFAULT_POLICY, with_overrides(DEFAULT_POLICY, {"basis": {"email:marketing": "consent"}})]
RANK = {"allow": 0, "defer": 1, "deny": 2}
SETTINGS = settings(max_examples=200, deadline=None)


@SETTINGS
@given(cases(), st.sampled_from(POLICIES))
def test_decision_is_consistent_with_its_reasons(case, policy):
    question, facts = case
    d = decide(question, facts, policy)
    codes = [r.code for r in d.reasons]
    assert d.allowed is (d.decision == "allow")
    assert (d.decision == "deny") is any(c in DENY_REASONS for c in codes)
    assert (d.decision == "allow") is (codes == [])
    assert all(c in DENY_REASONS + DEFER_REASONS for c in codes)
    order = list(DENY_REASONS + DEFER_REASONS)
    assert codes == sorted(codes, key=order.index)
    assert all(r.message for r in d.reasons)
    assert all((r.list is not None) is (r.code == "on_suppression_list") for r in d.reasons)
    if d.decision != "defer":
        assert d.next_allowed_at is None
    doc = d.to_dict()
    assert doc["allowed"] is d.allowed and doc["decision"] == d.decision
    assert doc["timezones"] == sorted(doc["timezones"])


@SETTINGS
@given(cases(), st.data())
def test_adding_an_opt_out_never_makes_a_decision_more_permissive(case, data):
    question, facts = case
    channels = channels_for_kind(facts.kind) + ("all",)
    extra = OptOut(id="extra", channels=frozenset(data.draw(st.lists(st.sampled_from(channels), min_size=1))),
                   purposes=frozenset(data.draw(st.lists(st.sampled_from(PURPOSES + ("all",)), min_size=1))),
                   brand=data.draw(st.sampled_from(["default", "acme", "*"])), source="agent",
                   occurred_at=question.at + data.draw(st.sampled_from(SAID)))
    before = decide(question, facts, DEFAULT_POLICY)
    after = decide(question, replace(facts, opt_outs=facts.opt_outs + (extra,)), DEFAULT_POLICY)
    assert RANK[after.decision] >= RANK[before.decision]
    assert {r.code for r in before.reasons} <= {r.code for r in after.reasons}
    if before.decision != "allow":
        assert after.decision != "allow"


@SETTINGS
@given(cases(), memberships())
def test_adding_a_suppression_never_makes_a_decision_more_permissive(case, membership):
    question, facts = case
    before = decide(question, facts, DEFAULT_POLICY)
    after = decide(question, replace(facts, suppressions=facts.suppressions + (membership,)), DEFAULT_POLICY)
    assert RANK[after.decision] >= RANK[before.decision]
    assert {r.code for r in before.reasons} <= {r.code for r in after.reasons}
