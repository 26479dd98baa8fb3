"""The lookup, the profile and the preference page never disagree about a scope (issue 8, item 1).

Each is asked through its own public view: the lookup's reasons (``decide``), the profile's
``scopes`` and ``ebr`` (``domain.profile``), the page's status (``page_scope``, which the
preference center renders). The facts come from small shared pools (scope_strategies.py), so
ties, interleavings and expiries at the very moment are common. (The contract's rule for an
opt-out and a consent, against an oracle, is in test_contract_properties.py.)
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from decision_strategies import EXPIRES, SAID
from hypothesis import given, settings
from hypothesis import strategies as st
from scope_strategies import cases

from registry.domain.decide import decide
from registry.domain.facts import Consent
from registry.domain.policy import BASIS_CONSENT, BASIS_CONSENT_OR_EBR
from registry.domain.profile import PageStatus, page_scope, relationships_view, scope_statuses
from registry.domain.vocabulary import DENY_REASONS

SETTINGS = settings(max_examples=300, deadline=None)
ZERO = timedelta(0)
# The deny reasons that mean "no agreement that counts": the page's "not subscribed".
NO_AGREEMENT = {"no_consent", "written_consent_required", "consent_void"}


def deny_codes(decision) -> list[str]:
    return [r.code for r in decision.reasons if r.code in DENY_REASONS]


@SETTINGS
@given(cases())
def test_the_lookup_the_profile_and_the_page_never_disagree(case):
    question, scope, facts, policy_for = case
    policy = policy_for(scope.brand)
    decision = decide(question, facts, policy)
    deny = deny_codes(decision)
    entries = {(e["channel"], e["purpose"], e["brand"]): e for e in scope_statuses(facts, question.at, policy_for)}
    entry = entries.get((scope.channel, scope.purpose, scope.brand))
    every_brand = entries.get((scope.channel, scope.purpose, "*"))
    page = page_scope(facts, scope.channel, scope.purpose, scope.brand, question.at, policy)

    # the profile and the lookup: opted out in one is opted out in the other, by the same opt-out
    shown = entry if entry is not None else every_brand  # no fact names the scope: only "every brand" can bar it
    opted = shown is not None and shown["status"] == "opted_out"
    assert ("opted_out" in deny) is opted, (deny, entry, every_brand)
    if opted:
        (reason,) = [r for r in decision.reasons if r.code == "opted_out"]
        assert reason.message.endswith(f" at {shown['occurred_at']}")
    # ... and a basis is missing exactly when the profile shows no consent in force and no EBR
    consented = entry is not None and entry["status"] == "consented"
    ebr = any(r["active"] and r["brand"] == scope.brand for r in relationships_view(facts, question.at, policy))
    rule = policy.basis_for(scope.channel, scope.purpose)
    needs_basis = rule == BASIS_CONSENT or (rule == BASIS_CONSENT_OR_EBR and not ebr)
    assert ("no_consent" in deny) is (needs_basis and not consented), (deny, entry, rule, ebr)
    if consented:
        assert "opted_out" not in deny

    # the page and the lookup: "Receiving" exactly when nothing denies; the most telling reason shown
    assert (page.status is PageStatus.SUBSCRIBED) is (not deny), (page, deny)
    assert (page.status is PageStatus.OPTED_OUT) is ("opted_out" in deny)
    assert (page.status is PageStatus.BLOCKED) is ("on_suppression_list" in deny and "opted_out" not in deny)
    assert (page.status is PageStatus.UNDELIVERABLE) is (
        "undeliverable" in deny and not {"opted_out", "on_suppression_list"} & set(deny))
    assert (page.status is PageStatus.NOT_SUBSCRIBED) is (
        set(deny) <= NO_AGREEMENT and bool({"no_consent", "consent_void"} & set(deny)))
    assert (page.status is PageStatus.NEEDS_WRITTEN) is (deny == ["written_consent_required"])
    # the page and the profile: "you already agreed" exactly when the profile shows a consent in force
    # that is all the scope needs (rev. 2: marketing texts need it in writing, which the page records)
    assert page.consented is (consented and "written_consent_required" not in deny)


@SETTINGS
@given(cases(), st.sampled_from(SAID), st.data())
def test_only_an_accepted_consent_lifts_an_opt_out(case, said, data):
    """A consent, however new, that has expired by the moment or comes from a bought list never
    undoes an opt-out, in the lookup or the profile."""
    question, scope, facts, policy_for = case
    occurred_at = question.at + said
    # expired by the moment (exactly at it, or before), or never: then it is from a bought list
    expires_at = data.draw(st.sampled_from([None] + [question.at + e for e in EXPIRES if e is not None and e <= ZERO]))
    source = "purchased_list" if expires_at is None else data.draw(st.sampled_from(["web_form", "purchased_list"]))
    extra = Consent(id="late", channels=frozenset({scope.channel}), purposes=frozenset({scope.purpose}),
                    brand=scope.brand, source=source, occurred_at=occurred_at, expires_at=expires_at)
    more = replace(facts, consents=facts.consents + (extra,))
    policy = policy_for(scope.brand)
    before = "opted_out" in deny_codes(decide(question, facts, policy))
    after = "opted_out" in deny_codes(decide(question, more, policy))
    assert after is before  # a consent never adds an opt-out, and this one lifts none
    if before:
        entry = next(e for e in scope_statuses(more, question.at, policy_for)
                     if (e["channel"], e["purpose"], e["brand"]) == (scope.channel, scope.purpose, scope.brand))
        assert entry["status"] == "opted_out"
