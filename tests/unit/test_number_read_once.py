"""A number is validated and located from one look-up of its type: ``normalise`` works out
``phonenumbers.number_type`` once (``is_valid_number`` works it out as well, and the region behind it is
the costly part), keeps the number's zones on the ``Address``, and the decision uses them instead of
parsing and typing the number again. Answers stay exactly what phonenumbers' own functions give."""
from __future__ import annotations

from datetime import UTC, datetime

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberType as T
from phonenumbers.phonenumberutil import SUPPORTED_REGIONS

from registry.domain import addresses, location
from registry.domain.addresses import is_valid_type, normalise, phone_time_zones
from registry.domain.errors import InvalidAddress
from registry.domain.facts import ContactFacts, Preferences
from registry.domain.policy import Policy
from registry.services import permissions

TYPES = (T.FIXED_LINE, T.MOBILE, T.TOLL_FREE, T.VOIP, T.PREMIUM_RATE, T.PAGER, T.SHARED_COST, T.UAN,
         T.PERSONAL_NUMBER, T.VOICEMAIL, T.FIXED_LINE_OR_MOBILE)
EXAMPLES = sorted({phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
                   for region in SUPPORTED_REGIONS for t in TYPES
                   if (n := phonenumbers.example_number_for_type(region, t)) is not None})


def _through_phonenumbers(text: str, region: str = "US") -> tuple[str, tuple[str, ...]] | None:
    """What normalising answered before: ``is_valid_number``, then the zones of the E.164 form."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return e164, phone_time_zones(e164)


def _normalised(text: str) -> tuple[str, tuple[str, ...]] | None:
    try:
        address = normalise(text)
    except InvalidAddress:
        return None
    assert address.zones is not None
    return address.value, address.zones


def test_every_kind_of_number_of_every_region_normalises_and_locates_as_before():
    assert len(EXAMPLES) > 900
    for e164 in EXAMPLES:
        assert _normalised(e164) == _through_phonenumbers(e164), e164


# national spellings, other countries, near misses and digits changed: valid and invalid numbers alike
spellings = st.one_of(
    st.sampled_from(EXAMPLES),
    st.sampled_from(EXAMPLES).flatmap(lambda e: st.from_regex(r"\A[0-9]{1,3}\Z").map(lambda tail: e[:-len(tail)] + tail)),
    st.from_regex(r"\A\+1[0-9]{10}\Z"), st.from_regex(r"\A\(?[2-9][0-9]{2}\)? ?[0-9]{3}[-. ][0-9]{4}\Z"),
    st.from_regex(r"\A\+(39|44|33|49|52|54|55|61|62|81|86|91|7)[0-9]{6,11}\Z"), st.from_regex(r"\A\+39 ?0[0-9]{5,9}\Z"),
    st.just("415 555 0123 ext. 5"), st.just("+1 800 555 0199"), st.just("+800 1234 5678"),
)


@settings(max_examples=600, deadline=None)
@given(spellings)
def test_a_spelling_normalises_and_locates_as_through_phonenumbers(text: str) -> None:
    assert _normalised(text) == _through_phonenumbers(text)


def test_a_type_is_valid_exactly_when_phonenumbers_calls_the_number_valid():
    for e164 in EXAMPLES[::7]:
        number = phonenumbers.parse(e164)
        for digits in (number.national_number, number.national_number + 1, number.national_number // 10):
            other = phonenumbers.PhoneNumber(country_code=number.country_code, national_number=digits,
                                             italian_leading_zero=number.italian_leading_zero)
            assert is_valid_type(phonenumbers.number_type(other)) == phonenumbers.is_valid_number(other)
    assert not is_valid_type(T.UNKNOWN)
    assert is_valid_type(T.FIXED_LINE) and is_valid_type(T.FIXED_LINE_OR_MOBILE) and is_valid_type(T.TOLL_FREE)


def test_an_email_and_a_stored_address_carry_no_zones():
    assert normalise("Ann@Example.com").zones is None
    assert addresses.Address("+14155550123", "phone").zones is None
    assert normalise("+14155550123") == addresses.Address("+14155550123", "phone")  # zones are not the address


def test_zones_given_are_the_numbers_and_none_given_are_worked_out(monkeypatch):
    prefs = Preferences()
    assert location.locate("+14155550123", "phone", prefs, ("Europe/Paris",)).zones == ("Europe/Paris",)
    assert location.locate("+14155550123", "phone", prefs).zones == ("America/Los_Angeles",)
    assert location.locate("+14155550123", "phone", prefs, ()).zones == ()  # none known: quiet hours fail closed
    assert location.locate("not a number", "phone", prefs).zones == ()


@pytest.fixture
def counted(monkeypatch):
    """How often phonenumbers is asked a number's type, its validity, its zones (through any path)."""
    calls = {"number_type": 0, "is_valid_number": 0, "time_zones_for_number": 0, "geographical_zones": 0}

    def count(name, real):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(addresses.phonenumbers, "number_type", count("number_type", phonenumbers.number_type))
    monkeypatch.setattr(addresses.phonenumbers, "is_valid_number", count("is_valid_number", phonenumbers.is_valid_number))
    tz = addresses.phone_timezones
    monkeypatch.setattr(tz, "time_zones_for_number", count("time_zones_for_number", tz.time_zones_for_number))
    monkeypatch.setattr(tz, "time_zones_for_geographical_number",
                        count("geographical_zones", tz.time_zones_for_geographical_number))
    return calls


def test_a_batch_types_each_number_once(monkeypatch, counted):
    numbers = [f"+1415555{i:04d}" for i in range(40)] + ["(212) 555-0100", "+442079460958"]

    def load_many(found):
        return {a.value: ContactFacts(address=a.value, kind=a.kind) for a in found}

    monkeypatch.setattr(permissions.contact_facts, "load_many", load_many)
    monkeypatch.setattr(permissions, "policy_for", lambda brand, at: Policy())
    ask = permissions.Ask("call", "informational", "default", datetime(2026, 12, 1, 22, tzinfo=UTC))
    results = permissions.check_many(numbers, ask)
    assert [r.decision for r in results] == ["allow"] * 41 + ["defer"]  # 22:00 in London: quiet
    assert results[0].to_dict()["timezones"] == ["America/Los_Angeles"]
    assert results[-1].to_dict()["timezones"] == ["Europe/London"]
    assert counted == {"number_type": 42, "is_valid_number": 0, "time_zones_for_number": 0, "geographical_zones": 42}
