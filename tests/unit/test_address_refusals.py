"""A bad address is refused with a clear error (the contract's error shape: code, message, field):
the message says what is wrong with it, the field names where it was sent. And what the logs
keep of a good one never spells it out.
"""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from registry.domain.addresses import MAX_ADDRESS_LENGTH, Address, check_channel, mask, normalise
from registry.domain.decide import Question, decide
from registry.domain.errors import ChannelAddressMismatch, InvalidAddress
from registry.domain.facts import ContactFacts
from registry.domain.policy import DEFAULT_POLICY

NOT_AN_ADDRESS = "address must be a phone number or an email address"
NOT_A_PHONE = "not a valid phone number"
NOT_AN_EMAIL = "not a valid email address"
TOO_LONG = "address is too long"
NOON = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


def _refusal(raw, field=None):
    with pytest.raises(InvalidAddress) as err:
        normalise(raw) if field is None else normalise(raw, field=field)
    return err.value.code, err.value.message, err.value.field


@pytest.mark.parametrize("raw, message", [
    (None, NOT_AN_ADDRESS), (12345, NOT_AN_ADDRESS), ("", NOT_AN_ADDRESS), ("   ", NOT_AN_ADDRESS),
    ("not-a-number", NOT_A_PHONE),  # phonenumbers cannot parse it
    ("+1415555012", NOT_A_PHONE), ("+999123456789", NOT_A_PHONE),  # parsed, but no such number
    ("person@", NOT_AN_EMAIL), ("two@@example.com", NOT_AN_EMAIL),  # not one mailbox and one domain
    ("person@example", NOT_AN_EMAIL),  # a domain without a dot
    ("carol@exa_mple.com", f"{NOT_AN_EMAIL}: the domain is not a valid host name"),
    ("carol@example..com", f"{NOT_AN_EMAIL}: the domain is not a valid host name"),
    ("carol@example.com.", f"{NOT_AN_EMAIL}: the domain ends with a dot"),
    ("carol@example.com\u3002", f"{NOT_AN_EMAIL}: the domain ends with a dot"),  # an ideographic full stop
    ("carol\u200b@example.com", "address contains an invisible or control character (U+200B)"),
    ("+1415555\u00a00123", "address contains an invisible or control character (U+00A0)"),
])
def test_each_refusal_says_what_is_wrong_and_names_the_address_field(raw, message):
    assert _refusal(raw) == ("invalid_address", message, "address")


def test_the_field_is_where_the_address_was_sent():
    for raw in (None, "not-a-number", "+1415555012", "person@", "carol@exa_mple.com", "carol@example.com.",
                "person@example", "x" * 255):
        assert _refusal(raw, field="addresses[3]")[2] == "addresses[3]", raw


def test_an_address_of_254_characters_is_taken_and_one_more_is_too_long():
    longest = "a" * (MAX_ADDRESS_LENGTH - len("@example.com")) + "@example.com"
    assert len(longest) == MAX_ADDRESS_LENGTH == 254
    assert normalise(longest) == Address(longest, "email")
    assert _refusal("a" + longest) == ("invalid_address", TOO_LONG, "address")


def test_an_email_is_measured_in_its_stored_spelling():
    """The domain's ASCII form is what is stored: bücher.de is xn--bcher-kva.de, 7 characters longer."""
    stored = "@xn--bcher-kva.de"
    fits = "a" * (MAX_ADDRESS_LENGTH - len(stored)) + "@bücher.de"
    assert len(normalise(fits).value) == MAX_ADDRESS_LENGTH
    assert _refusal("a" + fits) == ("invalid_address", TOO_LONG, "address")
    assert _refusal("a" + fits, field="to")[2] == "to"


def test_a_channel_the_address_cannot_take_is_a_mismatch_naming_both():
    with pytest.raises(ChannelAddressMismatch) as err:
        check_channel(Address("person@example.com", "email"), "sms")
    assert (err.value.code, err.value.message, err.value.field) == (
        "channel_address_mismatch", "channel sms cannot reach a email address", "channel")
    with pytest.raises(ChannelAddressMismatch) as err:
        check_channel(Address("+14155550123", "phone"), "email", field="channels[1]")
    assert err.value.message == "channel email cannot reach a phone address" and err.value.field == "channels[1]"
    with pytest.raises(ChannelAddressMismatch) as err:  # the decision asks the same of its question
        decide(Question("+14155550123", "phone", "email", "marketing", "default", NOON), ContactFacts("+14155550123", "phone"),
               DEFAULT_POLICY)
    assert (err.value.message, err.value.field) == ("channel email cannot reach a phone address", "channel")


@pytest.mark.parametrize("value", ["123456", "1234567", "+2901234", "+14155550123", "+442079460958"])
def test_a_masked_number_keeps_its_first_four_and_last_two_characters_only_when_that_hides_some(value):
    masked = mask(value)
    if len(value) - 6 > 0:
        assert masked == f"{value[:4]}***{value[-2:]}"
    else:
        assert masked == "***"  # four and two would be all of it


def test_a_masked_email_keeps_the_first_letter_and_the_domain():
    assert mask("person@example.com") == "p***@example.com"
    assert Address("person@example.com", "email").masked() == "p***@example.com"
