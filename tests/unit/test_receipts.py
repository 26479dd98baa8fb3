"""Receipts (contract rev. 2, issue 12 item 5): what an ``allow`` rests on, and the lists checked.

The basis is the fact that meets everything the scope asks, the strongest first (a written
consent, then any accepted consent, then the EBR; among consents the newest), or ``none_needed``
when the policy asks no basis and no do-not-call list had to be lifted. Deny and defer carry none.
"""
from __future__ import annotations

from datetime import UTC, date, datetime

from builders import ask, consent, facts, member, opt_out, relationship, ts, written

from registry.domain.facts import CheckedList
from registry.domain.policy import DEFAULT_POLICY, with_overrides
from registry.domain.receipts import Basis, basis_of, list_dict
from registry.domain.scope_status import Scope, scope_status

AT = "2026-12-01T20:00:00Z"  # noon in Los Angeles


def basis(f, channel="call", purpose="marketing", brand="default", dialing=None):
    d = ask(f, channel=channel, purpose=purpose, brand=brand, at=AT, dialing=dialing)
    assert d.decision == "allow", d.reasons
    return d.basis.to_dict()


def test_an_allow_resting_on_a_consent_names_it():
    c = consent(at="2026-11-20T12:00:00Z", expires="2027-01-01T00:00:00Z")
    assert basis(facts(consents=[c])) == {"kind": "consent", "id": c.id, "grade": "express",
                                          "occurred_at": "2026-11-20T12:00:00Z", "brand": "default",
                                          "source": "web_form", "expires_at": "2027-01-01T00:00:00Z"}


def test_the_written_consent_before_a_newer_express_one():
    w = written(at="2026-11-01T12:00:00Z")
    newer = consent(at="2026-11-25T12:00:00Z")
    assert basis(facts(consents=[w, newer]))["id"] == w.id


def test_among_consents_of_one_grade_the_newest():
    older, newer = consent(at="2026-11-01T12:00:00Z"), consent(at="2026-11-25T12:00:00Z")
    assert basis(facts(consents=[older, newer]))["id"] == newer.id


def test_a_consent_before_an_ebr():
    c, r = consent(at="2026-11-01T12:00:00Z"), relationship(at="2026-11-25T12:00:00Z")
    assert basis(facts(consents=[c], relationships=[r]))["kind"] == "consent"


def test_an_ebr_when_there_is_no_consent_names_the_relationship_and_when_it_lapses():
    r = relationship(kind="inquiry", at="2026-11-01T12:00:00Z", source="web_form")
    assert basis(facts(relationships=[r])) == {"kind": "ebr", "id": r.id, "grade": None,
                                               "occurred_at": "2026-11-01T12:00:00Z", "brand": "default",
                                               "source": "web_form", "expires_at": "2027-02-01T12:00:00Z",
                                               "relationship": "inquiry"}


def test_on_a_do_not_call_list_an_express_consent_is_not_the_basis_the_ebr_is():
    c, r = consent(at="2026-11-25T12:00:00Z"), relationship(at="2026-11-01T12:00:00Z")
    f = facts(consents=[c], relationships=[r], suppressions=[member("dnc", "national")])
    assert basis(f)["kind"] == "ebr"
    f = facts(consents=[c, written(at="2026-11-02T12:00:00Z")], relationships=[r],
              suppressions=[member("dnc", "state")])
    assert basis(f)["grade"] == "written"


NO_BASIS_NEEDED = with_overrides(DEFAULT_POLICY, {"basis": {"call:marketing": "none", "sms:marketing": "none"}})


def test_a_policy_needing_no_basis_still_names_what_lifts_a_do_not_call_list():
    r = relationship(at="2026-11-01T12:00:00Z")
    f = facts(relationships=[r], suppressions=[member("dnc", "national")])
    d = ask(f, at=AT, policy=NO_BASIS_NEEDED)
    assert d.decision == "allow" and d.basis.to_dict()["id"] == r.id
    assert ask(facts(relationships=[r]), at=AT, policy=NO_BASIS_NEEDED).basis.to_dict() == {"kind": "none_needed"}
    # an express consent does not lift the list: the EBR is what the allow rests on
    f = facts(consents=[consent(at="2026-11-25T12:00:00Z")], relationships=[r],
              suppressions=[member("dnc", "national")])
    assert ask(f, at=AT, policy=NO_BASIS_NEEDED).basis.to_dict()["kind"] == "ebr"


def test_a_policy_needing_no_basis_still_names_the_written_consent_a_text_needs():
    w = written(channels=("sms",), at="2026-11-01T12:00:00Z")
    d = ask(facts(consents=[w]), channel="sms", at=AT, policy=NO_BASIS_NEEDED)
    assert d.decision == "allow" and d.basis.to_dict()["id"] == w.id


def test_a_listed_number_with_no_qualifying_fact_has_no_basis():
    f = facts(consents=[consent(at="2026-11-25T12:00:00Z")], suppressions=[member("dnc", "national")])
    status = scope_status(f, Scope("call", "marketing", "default"), ts(AT), NO_BASIS_NEEDED)
    assert basis_of(status, f, NO_BASIS_NEEDED) is None


def test_a_robocall_rests_on_the_written_consent():
    e, w = consent(at="2026-11-25T12:00:00Z"), written(at="2026-11-01T12:00:00Z")
    assert basis(facts(consents=[e, w]), dialing="autodialed")["id"] == w.id


def test_the_wireless_rule_needs_a_consent_not_an_ebr():
    c = consent(purposes=("informational",), at="2026-11-01T12:00:00Z")
    r = relationship(at="2026-11-25T12:00:00Z")
    got = basis(facts(consents=[c], relationships=[r]), purpose="informational", dialing="prerecorded")
    assert got["id"] == c.id


def test_nothing_needed_says_so():
    assert basis(facts(), purpose="informational") == {"kind": "none_needed"}
    assert basis(facts("p@example.com"), channel="email") == {"kind": "none_needed"}
    # a consent there is not what the allow rests on
    assert basis(facts(consents=[consent(purposes=("informational",))]), purpose="informational") == {
        "kind": "none_needed"}


def test_informational_contact_lifts_no_list_and_needs_nothing():
    f = facts(suppressions=[member("dnc", "national")])
    assert basis(f, purpose="informational") == {"kind": "none_needed"}


def test_deny_and_defer_carry_no_basis():
    denied = ask(facts(consents=[consent()], opt_outs=[opt_out()]), at=AT)
    assert denied.decision == "deny" and denied.basis is None and denied.to_dict()["basis"] is None
    deferred = ask(facts(consents=[consent()]), at="2026-12-02T06:00:00Z")
    assert deferred.decision == "defer" and deferred.basis is None


def test_the_opt_out_confirmation_needs_none():
    status = scope_status(facts(), Scope("sms", "opt_out_confirmation", "default"), ts(AT), DEFAULT_POLICY)
    assert basis_of(status, facts(), DEFAULT_POLICY) == Basis("none_needed")


def test_no_qualifying_fact_gives_no_basis():
    status = scope_status(facts(), Scope("call", "marketing", "default"), ts(AT), DEFAULT_POLICY)
    assert basis_of(status, facts(), DEFAULT_POLICY) is None


def test_the_lists_checked_with_their_versions():
    checked = (CheckedList("dnc", "national", date(2026, 11, 20), datetime(2026, 11, 21, 3, tzinfo=UTC)),
               CheckedList("fl", "state"))
    d = ask(facts(consents=[consent()]).with_changes(checked_lists=checked), at=AT)
    assert d.to_dict()["lists"] == [
        {"name": "dnc", "kind": "national", "version": "2026-11-20", "refreshed_at": "2026-11-21T03:00:00Z"},
        {"name": "fl", "kind": "state", "version": None, "refreshed_at": None}]
    assert list_dict(checked[1]) == {"name": "fl", "kind": "state", "version": None, "refreshed_at": None}
