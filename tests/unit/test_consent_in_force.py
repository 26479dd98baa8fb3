"""A consent is in force (for lead temperature, domain/lead_temperature.consent_in_force) from its
own moment until it expires, while some scope of it is not withdrawn by an opt-out given at or
after it and by the moment asked about."""
from __future__ import annotations

from builders import consent, opt_out, ts

from registry.domain.lead_temperature import consent_in_force

GIVEN = "2025-01-01T00:00:00Z"
AT = "2026-12-01T20:00:00Z"


def test_from_its_own_moment():
    c = consent(at=AT)
    assert consent_in_force(c, (), ts(AT))
    assert not consent_in_force(c, (), ts("2026-12-01T19:59:59Z"))


def test_until_it_expires_the_expiry_itself_included():
    c = consent(at=GIVEN, expires=AT)
    assert consent_in_force(c, (), ts("2026-12-01T19:59:59Z"))
    assert not consent_in_force(c, (), ts(AT))


def test_an_opt_out_at_the_moment_asked_about_withdraws_it():
    c = consent(at=GIVEN)
    assert not consent_in_force(c, (opt_out(at=AT),), ts(AT))
    assert consent_in_force(c, (opt_out(at=AT),), ts("2026-12-01T19:59:59Z"))


def test_an_opt_out_of_the_consents_own_purpose_withdraws_it():
    c = consent(channels="sms", purposes="marketing", at=GIVEN)
    assert not consent_in_force(c, (opt_out(channels="sms", purposes="marketing", at="2025-06-01T00:00:00Z"),), ts(AT))
    assert consent_in_force(c, (opt_out(channels="sms", purposes="informational", at="2025-06-01T00:00:00Z"),),
                            ts(AT))
