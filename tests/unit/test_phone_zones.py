"""A number's zones are phonenumbers' zones for it; a number phonenumbers no longer calls valid (a
record stored before a metadata update) gets its country's zones, so quiet hours still hold in
all of them; a number of no country has none, and quiet hours fail closed for it."""
from __future__ import annotations

from registry.domain.addresses import phone_time_zones


def test_a_number_no_longer_valid_gets_its_countrys_zones():
    assert phone_time_zones("+33000000000") == ("Europe/Paris",)
    nanp = phone_time_zones("+15555550123")
    assert {"America/Los_Angeles", "America/New_York", "Pacific/Honolulu"} <= set(nanp) and len(nanp) > 20
    assert "Etc/Unknown" not in nanp and list(nanp) == sorted(set(nanp))


def test_a_number_of_no_country_has_no_zone():
    assert phone_time_zones("+979123456789") == ()
