"""A scope's status, at the rules' edges (domain/scope_status.py): an unknown basis rule is never
met (fail closed); a channel the policy names no refused sources for accepts every source; of
several accepted consents the newest is the one in force (the profile shows it)."""
from __future__ import annotations

from dataclasses import replace

from builders import ask, codes, consent, facts, ts

from registry.domain.policy import DEFAULT_POLICY, Policy
from registry.domain.profile import scope_statuses
from registry.domain.scope_status import Scope, Standing, scope_status

AT = ts("2026-12-01T20:00:00Z")
CALL_MARKETING = Scope("call", "marketing", "default")


def test_a_basis_rule_the_registry_does_not_know_is_never_met():
    policy = replace(DEFAULT_POLICY, basis={**DEFAULT_POLICY.basis, "call:marketing": "written_consent"})
    assert scope_status(facts(consents=[consent()]), CALL_MARKETING, AT, policy).has_basis is False
    assert "no_consent" in codes(ask(facts(consents=[consent()]), policy=policy))


def test_a_channel_with_no_refused_sources_accepts_every_source():
    policy = Policy(rejected_consent_sources={"sms": ("purchased_list",)})
    status = scope_status(facts(consents=[consent(source="purchased_list")]), CALL_MARKETING, AT, policy)
    assert status.standing is Standing.CONSENTED and status.has_basis


def test_of_several_accepted_consents_the_newest_is_in_force():
    old, new = consent(at="2026-10-01T12:00:00Z"), consent(at="2026-11-20T12:00:00Z")
    for order in ([old, new], [new, old]):
        status = scope_status(facts(consents=order), CALL_MARKETING, AT, DEFAULT_POLICY)
        assert status.consent is new and status.consents == (new, old)
        [entry] = scope_statuses(facts(consents=order), AT, lambda brand: DEFAULT_POLICY)
        assert entry["occurred_at"] == "2026-11-20T12:00:00Z"
