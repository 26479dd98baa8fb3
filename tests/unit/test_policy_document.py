"""GET /v1/policy serves the policy exactly as it is applied (domain/policy.py): the default is the
contract's table ("Default policy"), a brand's document shows its overrides; a bad override is
refused naming the setting; null removes a cap, also one that was never set."""
from __future__ import annotations

import json

import pytest

from registry.domain.errors import InvalidRequest
from registry.domain.policy import DEFAULT_POLICY, with_overrides

THE_CONTRACTS_TABLE = {
    "basis": {"call:marketing": "consent_or_ebr", "call:informational": "none", "sms:marketing": "consent",
              "sms:informational": "consent", "email:marketing": "none", "email:informational": "none"},
    "ebr_months": {"inquiry": 3, "transaction": 18},
    "rejected_consent_sources": {"call": ["purchased_list"], "sms": ["purchased_list"], "email": []},
    "quiet_hours_channels": ["call", "sms"],
    "quiet_hours_start": "08:00",
    "quiet_hours_end": "21:00",
    "frequency_caps": {"call:marketing": {"attempts": 3, "window_days": 7},
                       "sms:marketing": {"attempts": 3, "window_days": 7}},
    "hot_days": 7,
    "warm_days": 90,
    "horizon_days": 30,
    "suppression_lists": {"national": "deny marketing unless written consent or EBR for the brand",
                          "state": "deny marketing unless written consent or EBR for the brand",
                          "internal": "deny every purpose",
                          "litigator": "deny every purpose"},
}


def test_the_default_policy_document_is_the_contracts_table():
    doc = DEFAULT_POLICY.to_document()
    # rev. 2 adds its own tables (rules, written and wireless consent, reply words: tests/unit/test_rule_citations.py)
    assert {key: doc[key] for key in THE_CONTRACTS_TABLE} == THE_CONTRACTS_TABLE
    assert json.loads(json.dumps(doc)) == doc  # plain JSON: lists, not tuples


def test_the_policy_document_has_one_entry_per_setting_and_nothing_else():
    """A reader of GET /v1/policy finds each setting under its own name, once: the contract's table,
    the tables rev. 2 adds (written and wireless consent, the reply words, the rules)."""
    assert set(DEFAULT_POLICY.to_document()) == set(THE_CONTRACTS_TABLE) | {
        "written_consent", "wireless_consent", "sms_replies", "rules"}


def test_the_wireless_rule_is_served_for_every_purpose_of_a_call_or_a_text():
    """47 U.S.C. 227(b)(1)(A)(iii): an autodialed, prerecorded or artificial-voice call or text to a
    number that may be wireless needs a consent, whatever its purpose."""
    robo = ["artificial_voice", "autodialed", "prerecorded"]
    assert DEFAULT_POLICY.to_document()["wireless_consent"] == {
        "call:marketing": robo, "call:informational": robo, "sms:marketing": robo, "sms:informational": robo}


def test_a_brands_document_shows_its_overrides():
    brand = with_overrides(DEFAULT_POLICY, {"basis": {"email:marketing": "consent"}, "ebr_months": {"inquiry": 6},
                                            "rejected_consent_sources": {"email": ["import"]},
                                            "quiet_hours_channels": ["call"], "frequency_caps": {"sms:marketing": None}})
    doc = brand.to_document()
    assert doc["basis"]["email:marketing"] == "consent" and doc["ebr_months"] == {"inquiry": 6, "transaction": 18}
    assert doc["rejected_consent_sources"]["email"] == ["import"] and doc["quiet_hours_channels"] == ["call"]
    assert doc["frequency_caps"] == {"call:marketing": {"attempts": 3, "window_days": 7}}


@pytest.mark.parametrize("overrides, message, field", [
    ({"basis": {"email:marketing": "maybe"}}, "unknown basis 'maybe' for email:marketing", "basis"),
    ({"colour": "blue"}, "unknown policy setting 'colour'", "colour"),
])
def test_a_bad_override_is_refused_naming_the_setting(overrides, message, field):
    with pytest.raises(InvalidRequest) as err:
        with_overrides(DEFAULT_POLICY, overrides)
    assert (err.value.message, err.value.field) == (message, field)


def test_null_removes_a_cap_also_one_never_set():
    policy = with_overrides(DEFAULT_POLICY, {"frequency_caps": {"email:marketing": None, "sms:marketing": None}})
    assert policy.cap_for("email", "marketing") is None and policy.cap_for("sms", "marketing") is None
    assert policy.cap_for("call", "marketing") == DEFAULT_POLICY.cap_for("call", "marketing")
