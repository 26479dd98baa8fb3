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
    assert err.value.code == "invalid_address"


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


# --- issue 7, item 7: one spelling per person -------------------------------------------------

@pytest.mark.parametrize("raw", [
    "bob@xn--bcher-kva.de", "bob@bücher.de", "Bob@BÜCHER.de", "BOB@XN--BCHER-KVA.DE",
    " bob@bücher.de ", "bob@bu\u0308cher.de",  # decomposed ü
])
def test_an_email_domain_is_one_spelling_under_idna(raw):
    assert normalise(raw) == Address("bob@xn--bcher-kva.de", "email")


@pytest.mark.parametrize("raw, value", [
    ("a@ｅｘａｍｐｌｅ.com", "a@example.com"),  # full-width letters: UTS 46 maps them
    ("a@example\u3002com", "a@example.com"),  # ideographic full stop is a dot
    ("a@faß.de", "a@xn--fa-hia.de"),  # IDNA 2008: ß is kept (IDNA 2003, Python's codec, made it fass.de)
    ("E\u0301@example.com", "\u00e9@example.com"),  # the local part is NFC, then lower case
])
def test_email_mapping(raw, value):
    assert normalise(raw).value == value


@pytest.mark.parametrize("raw", [
    "carol@example.com.", "carol@example.com\u3002",  # a trailing dot is another spelling of the same domain
    "carol\u200b@example.com", "carol@exam\u200bple.com", "\u200bcarol@example.com",  # zero-width space
    "carol@example.com\u200d", "car\u00adol@example.com",  # zero-width joiner, soft hyphen
    "carol\u202e@example.com", "carol\ufeff@example.com",  # bidi override, BOM
    "carol\u0000@example.com", "carol\x7f@example.com",  # control characters
    "carol\u00a0x@example.com",  # no-break space
    "carol@exa_mple.com", "carol@-example.com", "carol@example..com", "carol@[192.0.2.1]",
    "+1415555\u200b0123", "+1\u00a0415 555 0123", "+1\t4155550123", "+1415\u20605550123",
])
def test_invisible_characters_trailing_dots_and_bad_domains_are_refused(raw):
    with pytest.raises(InvalidAddress) as err:
        normalise(raw, field="address")
    assert err.value.code == "invalid_address" and err.value.field == "address"


def test_a_phone_may_still_be_written_with_plain_spaces():
    assert normalise("+1 415 555 0123").value == "+14155550123"
