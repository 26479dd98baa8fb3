"""A NANP number in E.164 (what dialers send and what every stored number is) is read without
``phonenumbers.parse``, which costs as much as the rest of a lookup's work on it: the number read must
be exactly the one ``parse`` gives, so normalising and time zones answer the same."""
from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain import addresses
from registry.domain.addresses import _parse_phone, normalise, phone_time_zones
from registry.domain.errors import InvalidAddress

nanp_e164 = st.from_regex(r"\A\+1[2-9][0-9]{9}\Z", fullmatch=True)
# near misses: another length, an area code starting 0 or 1, spaces, another country, other digits
near = st.one_of(st.from_regex(r"\A\+1[0-9]{8,11}\Z"), st.from_regex(r"\A\+1 ?[0-9]{3}[ -]?[0-9]{7}\Z"),
                 st.from_regex(r"\A\+[2-9][0-9]{7,12}\Z"), st.from_regex(r"\A1?[2-9][0-9]{9}\Z"),
                 st.just("+1415555\u0660123"), st.just("+1415555012３"))


def slow(text: str, region: str | None = "US") -> phonenumbers.PhoneNumber | str:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as err:
        return repr(err.error_type)


def fast(text: str, region: str | None = "US") -> phonenumbers.PhoneNumber | str:
    try:
        return _parse_phone(text, region)
    except phonenumbers.NumberParseException as err:
        return repr(err.error_type)


@settings(max_examples=400)
@given(st.one_of(nanp_e164, near))
def test_the_number_read_is_the_one_phonenumbers_parses(text: str) -> None:
    assert fast(text) == slow(text)
    assert fast(text, None) == slow(text, None)


@settings(max_examples=300)
@given(nanp_e164)
def test_normalising_and_zones_answer_as_through_phonenumbers(text: str) -> None:
    number = phonenumbers.parse(text, "US")
    if phonenumbers.is_valid_number(number):
        assert normalise(text).value == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == text
    else:
        with pytest.raises(InvalidAddress):
            normalise(text)
    zones = [z for z in phonenumbers.timezone.time_zones_for_number(number) if z != "Etc/Unknown"]
    if zones:
        assert phone_time_zones(text) == tuple(sorted(set(zones)))


def test_an_e164_nanp_number_skips_the_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(addresses.phonenumbers, "parse", refuse)
    assert normalise("+14155550123").value == "+14155550123"
    assert "America/Los_Angeles" in phone_time_zones("+14155550123")
    with pytest.raises(AssertionError):
        normalise("(415) 555-0123")  # any other spelling is parsed
