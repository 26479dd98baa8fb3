"""One answer to "what is this scope's status?": the lookup, the profile and the page read it alike.

Issue 8, item 1. Before, the lookup (decide), the profile (scope_statuses) and the preference
page (the lookup's reason codes through a partial table) each worked the status out, and they
disagreed; the first tests below are those disagreements.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from builders import EMAIL, NOON_LA, codes, consent, facts, member, opt_out, question, relationship, ts

from registry.domain.decide import decide
from registry.domain.policy import DEFAULT_POLICY, with_overrides
from registry.domain.profile import (
    PAGE_STATUS_BY_REASON,
    NoPageStatus,
    PageStatus,
    page_scope,
    page_status,
    scope_statuses,
)
from registry.domain.scope_status import Scope, ScopeStatus, Standing, scope_status
from registry.domain.vocabulary import DENY_REASONS

CALL_MARKETING = Scope("call", "marketing", "default")


def views(f, scope=CALL_MARKETING, at=NOON_LA, policy_for=lambda brand: DEFAULT_POLICY):
    """The lookup's reason codes, the profile's entry for the scope and the page's scope, at ``at``."""
    policy = policy_for(scope.brand)
    lookup = decide(question(address=f.address, channel=scope.channel, purpose=scope.purpose, brand=scope.brand,
                             at=at), f, policy)
    entries = {(e["channel"], e["purpose"], e["brand"]): e for e in scope_statuses(f, ts(at), policy_for)}
    page = page_scope(f, scope.channel, scope.purpose, scope.brand, ts(at), policy)
    return codes(lookup), entries.get((scope.channel, scope.purpose, scope.brand)), page


# --- the disagreements ---------------------------------------------------------------------------

def test_an_opt_out_then_a_later_consent_that_has_since_expired_is_opted_out_in_the_lookup_profile_and_page():
    """Only an accepted consent lifts an opt-out: the lookup said opted_out, the profile "expired"."""
    f = facts(opt_outs=[opt_out(at="2026-11-20T12:00:00Z", source="sms_keyword")],
              consents=[consent(at="2026-11-21T12:00:00Z", expires="2026-11-25T12:00:00Z")])
    lookup, entry, page = views(f)
    assert lookup == ["opted_out", "no_consent"]
    assert entry["status"] == "opted_out" and entry["source"] == "sms_keyword"
    assert entry["occurred_at"] == "2026-11-20T12:00:00Z"
    assert page.status == PageStatus.OPTED_OUT and not page.consented
    # before it expired, the consent lifted the opt-out everywhere
    lookup, entry, page = views(f, at="2026-11-24T20:00:00Z")
    assert lookup == [] and entry["status"] == "consented" and page.status == PageStatus.SUBSCRIBED and page.consented


def test_a_deny_reason_without_a_page_status_is_refused_never_shown_as_receiving():
    """The page used to look the lookup's codes up in a partial table and fall back to "subscribed"
    (shown as "Receiving"): a new deny reason would have told a denied person they receive."""

    @dataclass(frozen=True)
    class WithANewRule(ScopeStatus):
        @property
        def deny_codes(self) -> tuple[str, ...]:
            return ("a_future_reason",)  # a reason nobody mapped yet

    status = WithANewRule(scope=CALL_MARKETING, at=ts(NOON_LA), standing=Standing.NONE, basis_rule="none")
    with pytest.raises(NoPageStatus):
        page_status(status)


def test_every_deny_reason_has_a_page_status_other_than_receiving():
    assert set(PAGE_STATUS_BY_REASON) == set(DENY_REASONS)
    assert PageStatus.SUBSCRIBED not in PAGE_STATUS_BY_REASON.values()
    assert set(PAGE_STATUS_BY_REASON.values()) == set(PageStatus) - {PageStatus.SUBSCRIBED}


# --- other places the three used to part ---------------------------------------------------------

def test_an_older_consent_still_in_force_is_the_basis_when_the_newest_has_expired():
    """The profile looked only at the newest consent ("expired") while the lookup allowed on the older one."""
    f = facts(consents=[consent(at="2026-10-01T12:00:00Z"),
                        consent(at="2026-11-01T12:00:00Z", expires="2026-11-15T12:00:00Z")])
    lookup, entry, page = views(f)
    assert lookup == [] and page.status == PageStatus.SUBSCRIBED and page.consented
    assert entry["status"] == "consented" and entry["occurred_at"] == "2026-10-01T12:00:00Z"


def test_a_consent_from_a_source_not_accepted_on_the_channel_is_not_accepted():
    """A bought list's consent for calls: the lookup says no_consent; the profile said "consented"."""
    f = facts(consents=[consent(source="purchased_list")])
    lookup, entry, page = views(f)
    assert lookup == ["no_consent"] and "not accepted for calls" in decide(
        question(at=NOON_LA), f, DEFAULT_POLICY).reasons[0].message
    assert entry["status"] == "not_accepted" and entry["source"] == "purchased_list"
    assert page.status == PageStatus.NOT_SUBSCRIBED and not page.consented


def test_the_profile_judges_each_brand_by_that_brands_policy():
    """The profile judged every brand by the default policy; a lookup uses the brand's own."""
    strict = with_overrides(DEFAULT_POLICY, {"basis": {"email:marketing": "consent"},
                                             "rejected_consent_sources": {"email": ["import"]}})
    policy_for = {"strict": strict}.get
    f = facts(EMAIL, consents=[consent(channels="email", brand="strict", source="import")])
    lookup, entry, page = views(f, Scope("email", "marketing", "strict"),
                                policy_for=lambda brand: policy_for(brand, DEFAULT_POLICY))
    assert lookup == ["no_consent"] and entry["status"] == "not_accepted"
    assert page.status == PageStatus.NOT_SUBSCRIBED


def test_a_fact_dated_after_the_moment_counts_from_its_own_moment_on():
    """As in lookups: the profile lists the scope the later consent names, not yet in force."""
    f = facts(consents=[consent(at="2026-12-05T12:00:00Z")])
    lookup, entry, page = views(f)
    assert lookup == ["no_consent"] and entry["status"] == "none" and entry["source"] is None
    assert page.status == PageStatus.NOT_SUBSCRIBED
    lookup, entry, page = views(f, at="2026-12-08T20:00:00Z")
    assert lookup == [] and entry["status"] == "consented" and page.status == PageStatus.SUBSCRIBED


# --- the status itself ---------------------------------------------------------------------------

def test_a_tie_between_an_opt_out_and_a_consent_is_the_opt_out():
    f = facts(opt_outs=[opt_out(at="2026-11-21T12:00:00Z")], consents=[consent(at="2026-11-21T12:00:00Z")])
    status = scope_status(f, CALL_MARKETING, ts(NOON_LA), DEFAULT_POLICY)
    assert status.standing is Standing.OPTED_OUT and status.consent is None
    assert status.problem == "consent is not newer than the opt-out"


def test_an_expiry_at_the_moment_itself_has_expired():
    f = facts(consents=[consent(at="2026-11-21T12:00:00Z", expires=NOON_LA)])
    assert scope_status(f, CALL_MARKETING, ts(NOON_LA), DEFAULT_POLICY).standing is Standing.EXPIRED


def test_the_status_names_the_facts_that_decide_it():
    opted = opt_out(brand="*", at="2026-11-10T12:00:00Z")
    lifting = consent(at="2026-11-12T12:00:00Z")
    ebr = relationship(at="2026-11-01T12:00:00Z")
    f = facts(opt_outs=[opted], consents=[lifting], relationships=[ebr],
              suppressions=[member("house", "internal"), member("dnc", "national")])
    status = scope_status(f, CALL_MARKETING, ts(NOON_LA), DEFAULT_POLICY)
    assert (status.scope, status.at) == (CALL_MARKETING, ts(NOON_LA))  # what it is the status of, and when
    assert status.standing is Standing.CONSENTED and status.shown is lifting and status.opt_out is opted
    assert status.consent is lifting and status.ebr is ebr and status.has_basis
    assert [m.list_name for m in status.lists] == ["house"]  # the national list yields to the consent
    assert status.deny_codes == ("on_suppression_list",)
    assert page_status(status) is PageStatus.BLOCKED


def test_the_decision_carries_the_status_its_deny_reasons_come_from():
    f = facts(opt_outs=[opt_out()], suppressions=[member("house", "internal")])
    d = decide(question(at=NOON_LA), f, DEFAULT_POLICY)
    assert tuple(codes(d)) == d.status.deny_codes == ("opted_out", "on_suppression_list", "no_consent")


def test_every_deny_reason_has_words_in_the_lookup():
    from registry.domain.decide import _DENY_WORDS

    assert set(_DENY_WORDS) == set(DENY_REASONS)
