"""What a change of a contact's record changed in what the contact may receive (change events out)."""
from __future__ import annotations

from dataclasses import replace

from registry.domain.permission_changes import (
    DETAIL_TYPE,
    BrandChanges,
    Cause,
    ScopeView,
    by_brand,
    detail,
    judged_at,
    judged_scopes,
    scope_changes,
    scope_view,
)
from registry.domain.policy import DEFAULT_POLICY, Policy, with_overrides
from registry.domain.scope_status import Scope
from tests.unit.builders import (
    EMAIL,
    attempt,
    consent,
    facts,
    member,
    opt_out,
    relationship,
    ts,
    undeliverable,
    written,
)

AT = ts("2026-12-01T20:00:00Z")


def policy_for(brand: str) -> Policy:
    return DEFAULT_POLICY


def changed(before, after, at=AT, policies=policy_for):
    return {(c.scope.channel, c.scope.purpose, c.scope.brand): (c.before, c.after)
            for c in scope_changes(before, after, at, policies)}


def cause(type_="opt_out.recorded", id_="f1", occurred="2026-12-01T19:00:00Z", recorded="2026-12-01T20:00:00Z"):
    return Cause(type_, id_, ts(occurred), ts(recorded))


def test_opting_out_of_a_consented_scope_is_a_change_with_before_and_after():
    sms = written(("sms",), ("marketing",), brand="acme", at="2026-11-20T12:00:00Z")
    before = facts(consents=[sms])
    after = facts(consents=[sms], opt_outs=[opt_out(("sms",), ("all",), brand="acme", at="2026-12-01T19:00:00Z")])

    changes = changed(before, after)

    assert changes[("sms", "marketing", "acme")] == (
        ScopeView("consented", (), True),
        ScopeView("opted_out", ("opted_out", "no_consent", "written_consent_required"), False))
    # the opt-out covers every purpose: informational texts, never consented, are opted out too
    assert changes[("sms", "informational", "acme")] == (
        ScopeView("none", ("no_consent",), False), ScopeView("opted_out", ("opted_out", "no_consent"), False))
    # nothing of another channel or brand moved
    assert {key[0] for key in changes} == {"sms"} and {key[2] for key in changes} == {"acme"}


def test_an_attempt_that_changes_nothing_a_cache_holds_is_no_change():
    base = facts(consents=[consent(("call",), ("marketing",), at="2026-11-20T12:00:00Z")])
    after = replace(base, attempts=(attempt(at="2026-12-01T18:00:00Z"),))
    assert scope_changes(base, after, AT, policy_for) == []
    assert by_brand([], cause("contact.attempted")) == []


def test_an_identical_record_changes_nothing():
    record = facts(consents=[consent()], opt_outs=[opt_out(brand="*")], suppressions=[member()])
    assert scope_changes(record, record, AT, policy_for) == []


def test_a_list_membership_added_is_a_change_for_every_brand():
    before = facts()
    after = facts(suppressions=[member("internal-dnc", "internal")])
    changes = changed(before, after)
    # an internal list bars every purpose of every channel, for every brand (*)
    assert set(changes) == {(ch, p, "*") for ch in ("call", "sms") for p in ("marketing", "informational")}
    assert changes[("call", "informational", "*")] == (
        ScopeView("none", (), False), ScopeView("none", ("on_suppression_list",), False))


def test_a_national_list_moves_only_marketing_and_not_where_an_ebr_lifts_it():
    ebr = relationship("transaction", brand="acme", at="2026-11-20T12:00:00Z")
    before = facts(relationships=[ebr])
    after = facts(relationships=[ebr], suppressions=[member("national-dnc", "national")])
    changes = changed(before, after)
    assert ("call", "marketing", "*") in changes
    assert changes[("call", "marketing", "*")][1].reasons == (
        "on_suppression_list", "no_consent", "written_consent_required")
    # the brand with an EBR is judged on its own row: the list does not bar its calls
    assert ("call", "marketing", "acme") not in changes
    assert not any(purpose == "informational" for _, purpose, _ in changes)


def test_a_relationship_is_a_basis_for_its_brand():
    after = facts(relationships=[relationship("inquiry", brand="acme", at="2026-11-25T12:00:00Z")])
    changes = changed(facts(), after)
    assert changes == {("call", "marketing", "acme"): (
        ScopeView("none", ("no_consent",), False), ScopeView("none", (), False))}


def test_a_written_consent_replacing_an_express_one_is_a_change():
    express = consent(("call",), ("marketing",), at="2026-11-20T12:00:00Z")
    before = facts(consents=[express])
    after = facts(consents=[express, written(("call",), ("marketing",), at="2026-11-30T12:00:00Z")])
    assert changed(before, after) == {("call", "marketing", "default"): (
        ScopeView("consented", (), False), ScopeView("consented", (), True))}


def test_an_undeliverable_email_is_a_change_for_every_brand():
    before = facts(EMAIL)
    after = facts(EMAIL, undeliverable=[undeliverable(("email",), at="2026-11-30T12:00:00Z")])
    changes = changed(before, after)
    assert set(changes) == {("email", "marketing", "*"), ("email", "informational", "*")}
    assert changes[("email", "marketing", "*")][1] == ScopeView("none", ("undeliverable",), False)


def test_statuses_are_judged_at_the_given_moment_on_both_sides():
    # a consent that expired by the moment: adding an opt-out changes the standing from expired
    old = consent(("sms",), ("informational",), at="2026-11-01T12:00:00Z", expires="2026-11-15T12:00:00Z")
    before = facts(consents=[old])
    after = facts(consents=[old], opt_outs=[opt_out(("sms",), ("informational",), at="2026-11-10T12:00:00Z")])
    key = ("sms", "informational", "default")
    assert changed(before, after)[key][0].status == "expired"
    # judged before it expired, the same change moves a consented scope
    assert changed(before, after, at=ts("2026-11-10T13:00:00Z"))[key][0].status == "consented"
    # judged before the opt-out occurred, nothing moved yet
    assert key not in changed(before, after, at=ts("2026-11-10T11:00:00Z"))


def test_each_brand_is_judged_under_its_own_policy():
    strict = with_overrides(DEFAULT_POLICY, {"basis": {"email:marketing": "consent"}})
    policies = {"acme": strict}
    after = facts(EMAIL, opt_outs=[opt_out(("email",), ("marketing",), brand="acme", at="2026-11-30T12:00:00Z")])
    changes = changed(facts(EMAIL), after, policies=lambda brand: policies.get(brand, DEFAULT_POLICY))
    assert changes[("email", "marketing", "acme")] == (
        ScopeView("none", ("no_consent",), False), ScopeView("opted_out", ("opted_out", "no_consent"), False))


def test_the_scopes_judged():
    before = facts(consents=[consent(("sms",), ("marketing",), brand="acme")])
    after = facts(relationships=[relationship(brand="bolt")], opt_outs=[opt_out(("call",), ("all",), brand="cato")])
    scopes = judged_scopes(before, after)
    assert scopes == sorted(scopes)
    brands = {s.brand for s in scopes}
    assert brands == {"*", "acme", "bolt", "cato"}
    for brand in ("*", "bolt"):  # every brand, and a brand with a relationship: every channel and purpose
        assert {(s.channel, s.purpose) for s in scopes if s.brand == brand} == {
            (ch, p) for ch in ("call", "sms") for p in ("marketing", "informational")}
    assert Scope("sms", "marketing", "acme") in scopes  # named before only: still judged
    # an email's channels
    assert {s.channel for s in judged_scopes(facts(EMAIL), facts(EMAIL))} == {"email"}


def test_the_kind_of_the_record_after_decides_the_channels():
    before = replace(facts(EMAIL), kind="")
    assert {s.channel for s in judged_scopes(before, facts(EMAIL))} == {"email"}
    assert {s.channel for s in judged_scopes(facts(), replace(facts(), kind=""))} == {"call", "sms"}


def test_a_scope_view_reads_the_scope_status():
    f = facts(consents=[written(("sms",), ("marketing",), brand="acme")])
    assert scope_view(f, Scope("sms", "marketing", "acme"), AT, DEFAULT_POLICY) == ScopeView("consented", (), True)
    assert scope_view(f, Scope("sms", "marketing", "bolt"), AT, DEFAULT_POLICY) == ScopeView(
        "none", ("no_consent", "written_consent_required"), False)


def test_the_moment_is_when_the_change_was_recorded_or_its_fact_occurs_if_later():
    now = ts("2026-12-05T00:00:00Z")
    assert judged_at(None, now) == now
    assert judged_at(cause(occurred="2026-12-01T19:00:00Z", recorded="2026-12-01T20:00:00Z"), now) == ts(
        "2026-12-01T20:00:00Z")
    assert judged_at(cause(occurred="2026-12-03T00:00:00Z", recorded="2026-12-01T20:00:00Z"), now) == ts(
        "2026-12-03T00:00:00Z")


def test_one_event_per_brand_every_brand_first():
    after = facts(opt_outs=[opt_out(("call",), ("all",), brand="bolt", at="2026-11-30T12:00:00Z"),
                            opt_out(("call",), ("all",), brand="(acme", at="2026-11-30T12:00:00Z")],
                  suppressions=[member("internal-dnc", "internal")])
    events = by_brand(scope_changes(facts(), after, AT, policy_for), cause())
    assert [e.brand for e in events] == ["*", "(acme", "bolt"]  # "(" sorts before "*"; every brand comes first
    assert all(c.scope.brand == e.brand for e in events for c in e.changes)
    assert [(c.scope.channel, c.scope.purpose) for c in events[1].changes] == [
        ("call", "informational"), ("call", "marketing")]


def test_an_erasure_is_an_event_for_every_brand_even_when_nothing_moved():
    events = by_brand([], cause("contact.erased"))
    assert events == [BrandChanges("*", ())]
    assert by_brand([], None) == []


def test_the_detail_names_who_what_and_why_and_holds_no_evidence():
    sms = written(("sms",), ("marketing",), brand="acme", at="2026-11-20T12:00:00Z")
    sms = replace(sms, evidence={"ip": "203.0.113.9", "signature": "Jo Doe"})
    after = facts(consents=[sms], opt_outs=[opt_out(("sms",), ("marketing",), brand="acme", at="2026-12-01T19:00:00Z")])
    (event,) = by_brand(scope_changes(facts(consents=[sms]), after, AT, policy_for), cause())
    body = detail("+14155550123", event, cause())
    assert body == {
        "address": "+14155550123", "brand": "acme",
        "changes": [{"channel": "sms", "purpose": "marketing",
                     "before": {"status": "consented", "reasons": [], "written_consent": True},
                     "after": {"status": "opted_out",
                               "reasons": ["opted_out", "no_consent", "written_consent_required"],
                               "written_consent": False}}],
        "cause": {"type": "opt_out.recorded", "id": "f1"},
        "occurred_at": "2026-12-01T19:00:00Z", "recorded_at": "2026-12-01T20:00:00Z"}
    assert "203.0.113.9" not in str(body) and "Jo Doe" not in str(body)
    assert DETAIL_TYPE == "contact.permissions.changed"


def test_a_detail_without_a_known_cause():
    body = detail("a@example.com", BrandChanges("*", ()), None)
    assert body["cause"] is None and body["occurred_at"] is None and body["recorded_at"] is None
    assert body["changes"] == [] and body["brand"] == "*"
