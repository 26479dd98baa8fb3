"""Consent grades and dialing modes (contract rev. 2, issue 9 item 4), one rule per test.

- marketing by text, or by an autodialed, prerecorded or artificial-voice call, needs a ``written``
  consent to the brand in force (47 CFR 64.1200(a)(2));
- a text, or such a call, to a number that may be wireless needs a consent of any grade; an EBR is
  no consent (47 U.S.C. 227(b)(1)(A)(iii)); a number is possibly wireless unless its ``line_type``
  is ``landline``;
- a national or state list is lifted for marketing only by a written consent or an EBR
  (64.1200(c)(2)(ii)); an express consent gives ``written_consent_required``.
"""
from __future__ import annotations

import pytest
from builders import (
    EMAIL,
    ask,
    codes,
    consent,
    facts,
    member,
    opt_out,
    prefs,
    relationship,
    written,
)

from registry.domain.vocabulary import Dialing, dialing_of

ROBO = ("autodialed", "prerecorded", "artificial_voice")
WRITTEN_RULE = "47 CFR 64.1200(a)(2)"
WIRELESS_RULE = "47 U.S.C. 227(b)(1)(A)(iii)"
LIST_RULE = "47 CFR 64.1200(c)(2)(ii)"


def rules(decision, code):
    return [r.rule for r in decision.reasons if r.code == code]


# --- how a contact is placed -------------------------------------------------------------------------

def test_every_sms_is_autodialed_a_call_is_manual_unless_told_and_email_has_none():
    assert dialing_of("sms", None) == dialing_of("sms", "manual") == Dialing.AUTODIALED
    assert dialing_of("call", None) == Dialing.MANUAL
    assert dialing_of("call", "prerecorded") == Dialing.PRERECORDED
    assert dialing_of("email", None) is None and dialing_of("email", "autodialed") is None


def test_the_decision_says_how_it_took_the_contact_to_be_placed():
    assert ask(facts(), "sms", dialing="manual").to_dict()["dialing"] == "autodialed"
    assert ask(facts()).to_dict()["dialing"] == "manual"
    assert ask(facts(EMAIL), "email").to_dict()["dialing"] is None


# --- marketing texts and robocalls need written consent ----------------------------------------------

def test_marketing_texts_need_a_written_consent():
    express = ask(facts(consents=[consent(channels="sms")]), "sms")
    assert express.decision == "deny" and codes(express) == ["written_consent_required"]
    assert rules(express, "written_consent_required") == [WRITTEN_RULE]
    assert "only an express consent" in express.reasons[0].message
    assert ask(facts(consents=[written(channels="sms")]), "sms").decision == "allow"


def test_informational_texts_need_a_consent_of_any_grade():
    assert ask(facts(consents=[consent(channels="sms", purposes="informational")]), "sms", "informational").allowed
    none = ask(facts(), "sms", "informational")
    assert codes(none) == ["no_consent"] and rules(none, "no_consent") == [WIRELESS_RULE]


@pytest.mark.parametrize("dialing", ROBO)
def test_a_robocall_for_marketing_needs_a_written_consent(dialing):
    express = ask(facts(consents=[consent()]), dialing=dialing)
    assert codes(express) == ["written_consent_required"], express.reasons
    assert f"{dialing} call for marketing" in express.reasons[0].message
    assert ask(facts(consents=[written()]), dialing=dialing).decision == "allow"


def test_a_manual_marketing_call_needs_consent_of_any_grade_or_an_ebr():
    assert ask(facts(consents=[consent()])).decision == "allow"
    assert ask(facts(consents=[consent()]), dialing="manual").decision == "allow"
    assert ask(facts(relationships=[relationship()])).decision == "allow"


@pytest.mark.parametrize("dialing", ROBO)
def test_an_ebr_is_no_consent_for_a_robocall(dialing):
    decision = ask(facts(relationships=[relationship()]), dialing=dialing)
    assert codes(decision) == ["no_consent", "written_consent_required"]
    assert rules(decision, "no_consent") == [WIRELESS_RULE]


def test_a_written_consent_for_another_brand_does_not_count():
    decision = ask(facts(consents=[written(channels="sms", brand="acme"), consent(channels="sms")]), "sms")
    assert codes(decision) == ["written_consent_required"]


def test_a_written_consent_revoked_by_a_later_opt_out_is_not_in_force():
    f = facts(consents=[written(channels="sms", at="2026-11-20T12:00:00Z"),
                        consent(channels="sms", at="2026-11-25T12:00:00Z")],
              opt_outs=[opt_out(channels="sms", at="2026-11-22T12:00:00Z")])
    assert codes(ask(f, "sms")) == ["written_consent_required"]  # the express one after the opt-out lifts it


def test_an_expired_written_consent_is_not_in_force():
    f = facts(consents=[written(channels="sms", expires="2026-11-30T00:00:00Z")])
    assert codes(ask(f, "sms")) == ["no_consent", "written_consent_required"]


# --- the wireless rule for informational robocalls ---------------------------------------------------

@pytest.mark.parametrize("dialing", ROBO)
@pytest.mark.parametrize("line_type", [None, "wireless", "voip"])
def test_an_informational_robocall_to_a_possibly_wireless_number_needs_consent(dialing, line_type):
    f = facts(preferences=prefs(line_type=line_type))
    decision = ask(f, purpose="informational", dialing=dialing)
    assert codes(decision) == ["no_consent"] and rules(decision, "no_consent") == [WIRELESS_RULE]
    assert "may be wireless" in decision.reasons[0].message
    express = facts(consents=[consent(purposes="informational")], preferences=prefs(line_type=line_type))
    assert ask(express, purpose="informational", dialing=dialing).decision == "allow"  # any grade


@pytest.mark.parametrize("dialing", ROBO)
def test_an_informational_robocall_to_a_landline_needs_nothing(dialing):
    assert ask(facts(preferences=prefs(line_type="landline")), purpose="informational", dialing=dialing).allowed


def test_a_manual_informational_call_needs_nothing():
    assert ask(facts(), purpose="informational", dialing="manual").allowed


@pytest.mark.parametrize("dialing", ROBO)
def test_a_robocall_for_marketing_to_a_landline_still_needs_written_consent(dialing):
    f = facts(consents=[consent()], preferences=prefs(line_type="landline"))
    assert codes(ask(f, dialing=dialing)) == ["written_consent_required"]


# --- national and state lists ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["national", "state"])
def test_a_do_not_call_list_is_lifted_by_a_written_consent_or_an_ebr_only(kind):
    listed = [member("dnc", kind)]
    express = ask(facts(suppressions=listed, consents=[consent()]))
    assert codes(express) == ["on_suppression_list", "written_consent_required"]
    assert rules(express, "written_consent_required") == [LIST_RULE]
    assert "lifts do-not-call list dnc" in express.reasons[1].message
    assert ask(facts(suppressions=listed, consents=[written()])).decision == "allow"
    assert ask(facts(suppressions=listed, relationships=[relationship()])).decision == "allow"
    assert ask(facts(suppressions=listed, consents=[consent()]), purpose="informational").decision == "allow"


def test_a_house_list_gives_no_written_consent_reason():
    decision = ask(facts(suppressions=[member("house", "internal")], consents=[consent()]))
    assert codes(decision) == ["on_suppression_list"]


def test_a_listed_robocall_names_both_rules():
    decision = ask(facts(suppressions=[member()], consents=[consent()]), dialing="autodialed")
    assert codes(decision) == ["on_suppression_list", "written_consent_required", "written_consent_required"]
    assert rules(decision, "written_consent_required") == [WRITTEN_RULE, LIST_RULE]
