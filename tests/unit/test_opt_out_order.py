"""The latest word in a scope decides it (contract rev. 1; docs/decisions.md): an opt-out and a
consent for the same scope resolve to whichever occurred later, a tie to the opt-out, and of
several opt-outs the latest is the one a consent must be newer than.

Issue 14: with ``max`` turned into ``min`` where the covering opt-outs are weighed, "opt-out,
then consent, then opt-out" answered allow and no test noticed.
"""
from __future__ import annotations

import pytest
from builders import ask, codes, consent, facts, opt_out, ts

from registry.domain.policy import DEFAULT_POLICY
from registry.domain.profile import PageStatus, page_scope, scope_statuses
from registry.domain.scope_status import Scope, Standing, scope_status

CALL_MARKETING = Scope("call", "marketing", "default")
AT = "2026-12-01T20:00:00Z"  # noon in Los Angeles: no quiet hours in the way
FIRST_NO = "2026-11-10T12:00:00Z"
YES = "2026-11-15T12:00:00Z"
SECOND_NO = "2026-11-20T12:00:00Z"


def _no_yes_no(order=(0, 1)):
    outs = [opt_out(at=FIRST_NO, source="sms_keyword"), opt_out(at=SECOND_NO, source="agent")]
    return facts(opt_outs=[outs[i] for i in order], consents=[consent(at=YES)])


@pytest.mark.parametrize("order", [(0, 1), (1, 0)], ids=["stored-in-time-order", "stored-newest-first"])
def test_opt_out_then_consent_then_opt_out_denies(order):
    """The second opt-out is the person's latest word: the consent between the two lifts only the first."""
    d = ask(_no_yes_no(order), at=AT)
    assert d.decision == "deny" and codes(d) == ["opted_out", "no_consent"]
    assert d.reasons[0].message.endswith(f"at {SECOND_NO}")  # the standing opt-out is the latest one


def test_between_the_two_opt_outs_the_consent_allows():
    """Before the second opt-out the consent was the latest word."""
    assert ask(_no_yes_no(), at="2026-11-17T20:00:00Z").decision == "allow"


@pytest.mark.parametrize("order", [(0, 1), (1, 0)], ids=["stored-in-time-order", "stored-newest-first"])
def test_the_status_names_the_latest_opt_out(order):
    status = scope_status(_no_yes_no(order), CALL_MARKETING, ts(AT), DEFAULT_POLICY)
    assert status.standing is Standing.OPTED_OUT and status.consent is None
    assert status.opt_out is not None and status.opt_out.occurred_at == ts(SECOND_NO)
    assert status.shown is status.opt_out
    assert status.problem == "consent is not newer than the opt-out"


def test_the_profile_and_the_page_agree_with_the_lookup():
    f = _no_yes_no((1, 0))
    (entry,) = [e for e in scope_statuses(f, ts(AT), lambda brand: DEFAULT_POLICY)
                if (e["channel"], e["purpose"], e["brand"]) == ("call", "marketing", "default")]
    assert entry["status"] == "opted_out" and entry["occurred_at"] == SECOND_NO and entry["source"] == "agent"
    page = page_scope(f, "call", "marketing", "default", ts(AT), DEFAULT_POLICY)
    assert page.status is PageStatus.OPTED_OUT and not page.consented


def test_a_consent_after_both_opt_outs_allows():
    f = facts(opt_outs=[opt_out(at=SECOND_NO), opt_out(at=FIRST_NO)], consents=[consent(at="2026-11-25T12:00:00Z")])
    assert ask(f, at=AT).decision == "allow"


def test_a_consent_at_the_same_instant_as_the_latest_opt_out_does_not_lift_it():
    """A tie goes to the opt-out, the latest one included."""
    f = facts(opt_outs=[opt_out(at=FIRST_NO), opt_out(at=SECOND_NO)], consents=[consent(at=SECOND_NO)])
    assert codes(ask(f, at=AT)) == ["opted_out", "no_consent"]
