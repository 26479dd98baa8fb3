"""Address normalising, masking, time zones and channel pairing."""
from __future__ import annotations

import pytest

from registry.domain.addresses import Address, check_channel, mask, normalise, phone_time_zones
from registry.domain.errors import ChannelAddressMismatch, InvalidAddress


@pytest.mark.parametrize("raw, value, kind", [
    ("+14155550123", "+14155550123", "phone"),
    ("(415) 555-0123", "+14155550123", "phone"),
    ("415.555.0123", "+14155550123", "phone"),
    ("  4155550123 ", "+14155550123", "phone"),
    ("1-415-555-0123", "+14155550123", "phone"),
    ("+61 2 9123 4567", "+61291234567", "phone"),
    ("  Person@Example.COM ", "person@example.com", "email"),
    ("a.b+tag@sub.example.org", "a.b+tag@sub.example.org", "email"),
])
def test_normalise(raw, value, kind):
    assert normalise(raw) == Address(value, kind)


def test_default_region():
    assert normalise("02 9123 4567", default_region="AU") == Address("+61291234567", "phone")


@pytest.mark.parametrize("raw", [
    "", "   ", None, 12345, "not-a-number", "555-0123", "+1415555012", "+999123456789",
    "person@", "@example.com", "person@example", "two@@example.com", "a b@example.com",
    "x" * 250 + "@example.com",
])
def test_invalid(raw):
    with pytest.raises(InvalidAddress) as err:
        normalise(raw)
    assert err.value.code == "invalid_address" and err.value.status == 400


def test_invalid_address_names_the_field():
    with pytest.raises(InvalidAddress) as err:
        normalise("nope", field="addresses[2]")
    assert err.value.field == "addresses[2]"


@pytest.mark.parametrize("address, channel, ok", [
    (Address("+14155550123", "phone"), "call", True),
    (Address("+14155550123", "phone"), "sms", True),
    (Address("+14155550123", "phone"), "email", False),
    (Address("person@example.com", "email"), "email", True),
    (Address("person@example.com", "email"), "call", False),
    (Address("person@example.com", "email"), "sms", False),
    (Address("person@example.com", "email"), "fax", False),
])
def test_check_channel(address, channel, ok):
    if ok:
        check_channel(address, channel)
    else:
        with pytest.raises(ChannelAddressMismatch) as err:
            check_channel(address, channel)
        assert err.value.code == "channel_address_mismatch" and err.value.field == "channel"


@pytest.mark.parametrize("value, masked", [
    ("+14155550123", "+141***23"),
    ("person@example.com", "p***@example.com"),
    ("12345", "***"),
])
def test_mask(value, masked):
    assert mask(value) == masked


def test_masked_never_shows_the_whole_address():
    address = normalise("+14155550123")
    assert address.masked() != address.value and "5550123" not in address.masked()
    assert address.channels == ("call", "sms")
    assert normalise("a@example.com").channels == ("email",)


@pytest.mark.parametrize("e164, expected", [
    ("+14155550123", ("America/Los_Angeles",)),
    ("+12125550123", ("America/New_York",)),
    ("+18085550123", ("Pacific/Honolulu",)),
    ("+61291234567", ("Australia/Sydney",)),
])
def test_phone_time_zones(e164, expected):
    assert phone_time_zones(e164) == expected


def test_phone_time_zones_several_and_sorted():
    zones = phone_time_zones("+18005550123")
    assert len(zones) > 10 and list(zones) == sorted(set(zones))
    assert "Etc/Unknown" not in zones
    assert set(phone_time_zones("+19075550123")) == {"America/Adak", "America/Anchorage"}
