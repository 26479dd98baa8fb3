"""The default policy is the contract's table; brands override parts of it."""
from __future__ import annotations

import json
from datetime import time

import pytest

from registry.domain.errors import InvalidRequest
from registry.domain.policy import DEFAULT_POLICY, FrequencyCap, PolicyBook, with_overrides


@pytest.mark.parametrize("channel, purpose, basis", [
    ("call", "marketing", "consent_or_ebr"),
    ("call", "informational", "none"),
    ("sms", "marketing", "consent"),
    ("sms", "informational", "consent"),
    ("email", "marketing", "none"),
    ("email", "informational", "none"),
])
def test_default_basis(channel, purpose, basis):
    assert DEFAULT_POLICY.basis_for(channel, purpose) == basis


def test_unknown_scope_needs_consent():
    assert DEFAULT_POLICY.basis_for("fax", "marketing") == "consent"


def test_default_rules():
    p = DEFAULT_POLICY
    assert dict(p.ebr_months) == {"inquiry": 3, "transaction": 18}
    assert "purchased_list" in p.rejected_consent_sources["call"]
    assert "purchased_list" in p.rejected_consent_sources["sms"]
    assert "purchased_list" not in p.rejected_consent_sources.get("email", ())
    assert p.quiet_hours_channels == ("call", "sms")
    assert (p.quiet_hours_start, p.quiet_hours_end) == (time(8), time(21))
    assert p.cap_for("call", "marketing") == FrequencyCap(3, 7)
    assert p.cap_for("sms", "marketing") == FrequencyCap(3, 7)
    assert p.cap_for("email", "marketing") is None
    assert p.cap_for("call", "informational") is None
    assert p.cap_for("sms", "informational") is None
    assert (p.hot_days, p.warm_days, p.horizon_days) == (7, 90, 30)


def test_document_is_json_and_complete():
    doc = DEFAULT_POLICY.to_document()
    json.dumps(doc)
    assert doc["basis"]["call:marketing"] == "consent_or_ebr"
    assert doc["quiet_hours_start"] == "08:00" and doc["quiet_hours_end"] == "21:00"
    assert doc["frequency_caps"]["call:marketing"] == {"attempts": 3, "window_days": 7}
    assert set(doc["suppression_lists"]) == {"national", "state", "internal", "litigator"}


def test_brand_override_email_opt_in():
    brand = with_overrides(DEFAULT_POLICY, {"basis": {"email:marketing": "consent"}})
    assert brand.basis_for("email", "marketing") == "consent"
    assert brand.basis_for("call", "marketing") == "consent_or_ebr"  # the rest is untouched
    assert DEFAULT_POLICY.basis_for("email", "marketing") == "none"  # the default is not mutated


def test_other_overrides():
    p = with_overrides(DEFAULT_POLICY, {
        "ebr_months": {"inquiry": 6}, "quiet_hours_start": "09:00", "quiet_hours_end": "20:00",
        "quiet_hours_channels": ["call"], "frequency_caps": {"sms:marketing": None,
                                                             "email:marketing": {"attempts": 5, "window_days": 7}},
        "hot_days": 3, "warm_days": 30, "horizon_days": 10,
        "rejected_consent_sources": {"email": ["purchased_list"]},
    })
    assert dict(p.ebr_months) == {"inquiry": 6, "transaction": 18}
    assert (p.quiet_hours_start, p.quiet_hours_end, p.quiet_hours_channels) == (time(9), time(20), ("call",))
    assert p.cap_for("sms", "marketing") is None and p.cap_for("email", "marketing") == FrequencyCap(5, 7)
    assert p.cap_for("call", "marketing") == FrequencyCap(3, 7)
    assert (p.hot_days, p.warm_days, p.horizon_days) == (3, 30, 10)
    assert p.rejected_consent_sources["email"] == ("purchased_list",)
    assert p.rejected_consent_sources["call"] == ("purchased_list",)


@pytest.mark.parametrize("overrides", [{"basis": {"email:marketing": "maybe"}}, {"colour": "blue"}])
def test_bad_overrides(overrides):
    with pytest.raises(InvalidRequest):
        with_overrides(DEFAULT_POLICY, overrides)


def test_policy_book():
    book = PolicyBook({"acme": {"basis": {"email:marketing": "consent"}}})
    assert book.for_brand("acme").basis_for("email", "marketing") == "consent"
    assert book.for_brand("default") is DEFAULT_POLICY
    assert book.for_brand("unknown") is DEFAULT_POLICY
    assert book.brands() == ["acme"]
