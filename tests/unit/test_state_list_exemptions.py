"""A `state` suppression list uses its state's exemptions from the pack (issue 12 item 2.4): `ebr_accepted: false`
means only a written consent lifts an entry; true, not checked (null) or no pack entry keep the contract's default
(a written consent or an EBR for the brand)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from builders import LA_PHONE, ask, consent, facts, relationship, written

from registry.domain import state_rules
from registry.domain.facts import SuppressionMembership

PACK = state_rules.load_pack()
CITED = state_rules.Cited("Fla. Stat. 501.059(4)", date(2026, 12, 1), "a test")


def with_florida_dnc(ebr_accepted: bool | None) -> state_rules.Pack:
    dnc = state_rules.Dnc("Florida's no sales solicitation list", ebr_accepted, (), CITED)
    florida = dataclasses.replace(PACK.states["FL"], dnc=dnc)
    return dataclasses.replace(PACK, states={**PACK.states, "FL": florida})


def on_state_list(state: str | None, **kw):
    return facts(LA_PHONE, suppressions=[SuppressionMembership("florida-dnc", "state", bulk=True, state=state)], **kw)


def test_ebr_lifts_list():
    assert state_rules.ebr_lifts_list("FL", with_florida_dnc(False)) is False
    assert state_rules.ebr_lifts_list("fl", with_florida_dnc(False)) is False
    assert state_rules.ebr_lifts_list("FL", with_florida_dnc(True)) is True
    assert state_rules.ebr_lifts_list("FL", with_florida_dnc(None)) is True  # not checked: the contract's default
    assert state_rules.ebr_lifts_list("FL", PACK) is True  # no dnc entry for Florida in the pack
    assert state_rules.ebr_lifts_list("NY", with_florida_dnc(False)) is True  # no pack entry
    assert state_rules.ebr_lifts_list(None, with_florida_dnc(False)) is True
    assert state_rules.ebr_lifts_list("TX") is True  # Tex. Bus. & Com. Code 304.004(2)(A): an EBR


def test_list_citation():
    assert state_rules.list_citation("FL", with_florida_dnc(False)) == "Fla. Stat. 501.059(4)"
    assert state_rules.list_citation("tx") == "Tex. Bus. & Com. Code 304.052; 304.004"
    assert state_rules.list_citation("FL", PACK) is None
    assert state_rules.list_citation("NY") is None
    assert state_rules.list_citation(None) is None


@pytest.fixture
def no_ebr_in_florida(monkeypatch):
    monkeypatch.setattr(state_rules, "load_pack", lambda: with_florida_dnc(False))


def test_when_the_state_takes_no_ebr_only_a_written_consent_lifts_its_list(no_ebr_in_florida):
    decision = ask(on_state_list("FL", relationships=[relationship()]))
    assert decision.decision == "deny"
    by_code = {r.code: r for r in decision.reasons}
    assert by_code["on_suppression_list"].rule == "Fla. Stat. 501.059(4)"
    assert by_code["written_consent_required"].message == (
        "only a written consent lifts do-not-call list florida-dnc for marketing; no consent for marketing calls for "
        "brand default")
    assert by_code["written_consent_required"].rule == "Fla. Stat. 501.059(4)"
    assert ask(on_state_list("FL", consents=[written()])).decision == "allow"
    assert ask(on_state_list("FL", relationships=[relationship()]), purpose="informational").decision == "allow"


def test_an_express_consent_never_lifts_it_either(no_ebr_in_florida):
    decision = ask(on_state_list("FL", consents=[consent()]))
    assert [r.code for r in decision.reasons] == ["on_suppression_list", "written_consent_required"]


@pytest.mark.parametrize("state", ["TX", "NY", None])
def test_otherwise_an_ebr_lifts_it_as_the_contract_says(no_ebr_in_florida, state):
    assert ask(on_state_list(state, relationships=[relationship()])).decision == "allow"
    denied = ask(on_state_list(state))
    reasons = {r.code: r for r in denied.reasons}
    assert reasons["written_consent_required"].message.startswith(
        "only a written consent or an established business relationship lifts do-not-call list florida-dnc")
    assert reasons["written_consent_required"].rule == "47 CFR 64.1200(c)(2)(ii)"
    expected = "Tex. Bus. & Com. Code 304.052; 304.004" if state == "TX" else None
    assert reasons["on_suppression_list"].rule == expected


def test_a_national_list_beside_it_is_lifted_by_the_ebr_the_state_list_is_not(no_ebr_in_florida):
    f = on_state_list("FL", relationships=[relationship()])
    f = dataclasses.replace(f, suppressions=f.suppressions + (SuppressionMembership("national-x", "national"),))
    decision = ask(f)
    assert [r.list for r in decision.reasons if r.code == "on_suppression_list"] == ["florida-dnc"]
