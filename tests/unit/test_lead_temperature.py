"""Lead temperature: hot / warm / cold from first-party interest."""
from __future__ import annotations

import pytest
from builders import attempt, consent, facts, opt_out, relationship, ts

from registry.domain.lead_temperature import consent_in_force, is_first_party, lead_temperature
from registry.domain.policy import DEFAULT_POLICY, with_overrides

AT = "2026-12-01T20:00:00Z"

CASES = [
    ("nothing", facts(), "cold"),
    ("consent today", facts(consents=[consent(at=AT)]), "hot"),
    ("consent exactly 7 days", facts(consents=[consent(at="2026-11-24T20:00:00Z")]), "hot"),
    ("inquiry 7 days and a second", facts(relationships=[relationship(at="2026-11-24T19:59:59Z")]), "warm"),
    ("inquiry 3 days", facts(relationships=[relationship(at="2026-11-28T12:00:00Z")]), "hot"),
    ("inquiry without source is first-party", facts(relationships=[relationship(at=AT, source=None)]), "hot"),
    ("inquiry exactly 90 days", facts(relationships=[relationship(at="2026-09-02T20:00:00Z")]), "warm"),
    ("inquiry 91 days", facts(relationships=[relationship(at="2026-09-01T20:00:00Z")]), "cold"),
    ("transaction is not an inquiry", facts(relationships=[relationship("transaction", at=AT)]), "cold"),
    ("purchased_list consent", facts(consents=[consent(at=AT, source="purchased_list")]), "cold"),
    ("imported consent", facts(consents=[consent(at=AT, source="import")]), "cold"),
    ("imported inquiry", facts(relationships=[relationship(at=AT, source="import")]), "cold"),
    ("consent in the future", facts(consents=[consent(at="2026-12-02T00:00:00Z")]), "cold"),
    ("old consent still in force", facts(consents=[consent(at="2025-01-01T00:00:00Z")]), "warm"),
    ("old consent expired", facts(consents=[consent(at="2025-01-01T00:00:00Z", expires="2026-06-01T00:00:00Z")]),
     "cold"),
    ("old consent opted out later", facts(consents=[consent(at="2025-01-01T00:00:00Z")],
                                          opt_outs=[opt_out(at="2025-06-01T00:00:00Z")]), "cold"),
    ("old consent opted out at the same moment", facts(consents=[consent(at="2025-01-01T00:00:00Z")],
                                                       opt_outs=[opt_out(at="2025-01-01T00:00:00Z")]), "cold"),
    ("opt-out before the consent does not withdraw it", facts(consents=[consent(at="2025-01-01T00:00:00Z")],
                                                              opt_outs=[opt_out(at="2024-06-01T00:00:00Z")]), "warm"),
    ("opt-out after the moment does not count", facts(consents=[consent(at="2025-01-01T00:00:00Z")],
                                                      opt_outs=[opt_out(at="2026-12-05T00:00:00Z")]), "warm"),
    ("one scope of the consent still open",
     facts(consents=[consent(channels=("call", "sms"), at="2025-01-01T00:00:00Z")],
           opt_outs=[opt_out(channels="call", at="2025-06-01T00:00:00Z")]), "warm"),
    ("every-brand opt-out withdraws it", facts(consents=[consent(at="2025-01-01T00:00:00Z")],
                                               opt_outs=[opt_out(channels="all", brand="*", at="2025-06-01T00:00:00Z")]),
     "cold"),
    ("old purchased consent in force is not warm",
     facts(consents=[consent(at="2025-01-01T00:00:00Z", source="purchased_list")]), "cold"),
    ("attempts say nothing", facts(attempts=[attempt(at=AT, outcome="answered")]), "cold"),
]


@pytest.mark.parametrize("f, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_lead_temperature(f, expected):
    assert lead_temperature(f, ts(AT), DEFAULT_POLICY) == expected


def test_brand_filter():
    f = facts(consents=[consent(brand="acme", at=AT)], relationships=[relationship(brand="other",
                                                                                   at="2026-10-01T00:00:00Z")])
    assert lead_temperature(f, ts(AT), DEFAULT_POLICY) == "hot"
    assert lead_temperature(f, ts(AT), DEFAULT_POLICY, brand="acme") == "hot"
    assert lead_temperature(f, ts(AT), DEFAULT_POLICY, brand="other") == "warm"
    assert lead_temperature(f, ts(AT), DEFAULT_POLICY, brand="default") == "cold"


def test_policy_thresholds():
    f = facts(relationships=[relationship(at="2026-11-21T20:00:00Z")])  # 10 days
    assert lead_temperature(f, ts(AT), DEFAULT_POLICY) == "warm"
    assert lead_temperature(f, ts(AT), with_overrides(DEFAULT_POLICY, {"hot_days": 14})) == "hot"
    assert lead_temperature(f, ts(AT), with_overrides(DEFAULT_POLICY, {"hot_days": 1, "warm_days": 5})) == "cold"


def test_helpers():
    assert is_first_party(None) and is_first_party("web_form")
    assert not is_first_party("purchased_list") and not is_first_party("import")
    c = consent(at="2026-01-01T00:00:00Z")
    assert consent_in_force(c, (), ts(AT))
    assert not consent_in_force(c, (), ts("2025-12-31T00:00:00Z"))  # not given yet
