"""Normalising addresses: phones to E.164, emails trimmed and lower-cased; and their time zones.

This is the one place an address gets its canonical spelling, so that every spelling of the
same person finds the same record (and the same opt-outs):

- Invisible characters (zero-width spaces, bidi controls, soft hyphens, control characters,
  no-break and other non-ASCII spaces) are refused, never dropped: ``carol\u200b@example.com``
  would otherwise be a second person with no opt-outs.
- An email's domain is IDNA 2008 with the UTS #46 mapping (the ``idna`` package; Python's own
  ``idna`` codec is IDNA 2003, which maps ``faß.de`` to ``fass.de``, a different domain under
  IDNA 2008) and stored as its ASCII form (A-labels): ``bücher.de``, ``BÜCHER.de`` and
  ``xn--bcher-kva.de`` are one domain. The ASCII form is what DNS and mail servers use, and an
  A-label already stored never changes spelling. A domain that is not a valid IDNA 2008 host
  name, and one with a trailing dot (``example.com.``), is refused.
- The local part is NFC-normalised and lower-cased (the contract's rule).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import idna
import phonenumbers
from phonenumbers import timezone as phone_timezones

from .errors import ChannelAddressMismatch, InvalidAddress
from .text import invisible_character
from .vocabulary import channels_for_kind

# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is the sender's job.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MAILBOX = re.compile(r"^[^@\s]+@[^@\s]+$")  # before the domain's IDNA mapping (which may make its dots)
_UNKNOWN_ZONE = "Etc/Unknown"
MAX_ADDRESS_LENGTH = 254


@dataclass(frozen=True)
class Address:
    value: str  # normalised: E.164 or lower-cased email
    kind: str  # "phone" or "email"
    # a phone number's time zones (``phone_time_zones``), worked out by ``normalise`` from the number it
    # had just validated; None when not worked out (an email, or an address built from a stored value)
    zones: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    @property
    def channels(self) -> tuple[str, ...]:
        return channels_for_kind(self.kind)

    def masked(self) -> str:
        """A form safe for logs: never the full number or mailbox."""
        return mask(self.value)


def normalise(raw: object, default_region: str = "US", field: str = "address") -> Address:
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidAddress("address must be a phone number or an email address", field)
    text = raw.strip()
    if len(text) > MAX_ADDRESS_LENGTH:
        raise InvalidAddress("address is too long", field)
    is_email = "@" in text
    bad = invisible_character(text, allow_space=not is_email)
    if bad is not None:
        raise InvalidAddress(f"address contains an invisible or control character ({bad})", field)
    if is_email:
        return Address(_email(text, field), "email")
    try:
        number = _parse_phone(text, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidAddress("not a valid phone number", field) from None
    line = phonenumbers.number_type(number)  # once: whether the number is valid, and where its zones come from
    if not is_valid_type(line):
        raise InvalidAddress("not a valid phone number", field)
    return Address(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), "phone",
                   zones=_zones(number, line))


def is_valid_type(line: int) -> bool:
    """Whether a number of this type (``phonenumbers.number_type``) is valid: exactly what
    ``phonenumbers.is_valid_number`` answers, which works the type out as well (and the number's
    region, the costly part), so a number is validated and located from one look-up."""
    return line != phonenumbers.PhoneNumberType.UNKNOWN


# A NANP number already in E.164 (what a dialer sends, and every number stored): ``phonenumbers.parse``
# gives exactly ``PhoneNumber(country_code=1, national_number=<the ten digits>)`` for it, and takes as
# long as the rest of a lookup's work on the number (tests/unit/test_phone_parsing.py compares them).
_NANP_E164 = re.compile(r"\+1[2-9][0-9]{9}")


def _parse_phone(text: str, region: str | None = None) -> phonenumbers.PhoneNumber:
    if _NANP_E164.fullmatch(text):
        return phonenumbers.PhoneNumber(country_code=1, national_number=int(text[2:]))
    return phonenumbers.parse(text, region)


def _email(text: str, field: str) -> str:
    if not _MAILBOX.match(text):
        raise InvalidAddress("not a valid email address", field)
    local, _, domain = text.rpartition("@")
    try:
        ascii_domain = idna.encode(domain, uts46=True, std3_rules=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        raise InvalidAddress("not a valid email address: the domain is not a valid host name", field) from None
    if ascii_domain.endswith("."):  # kept by the ASCII form, as is an ideographic full stop made a dot
        raise InvalidAddress("not a valid email address: the domain ends with a dot", field)
    email = f"{unicodedata.normalize('NFC', local).lower()}@{ascii_domain.lower()}"
    if not _EMAIL.match(email):
        raise InvalidAddress("not a valid email address", field)
    if len(email) > MAX_ADDRESS_LENGTH:
        raise InvalidAddress("address is too long", field)
    return email


def check_channel(address: Address, channel: str, field: str = "channel") -> None:
    if channel not in address.channels:
        raise ChannelAddressMismatch(f"channel {channel} cannot reach a {address.kind} address", field)


def national(e164: str) -> str:
    """A phone number as people of its own country write it (``(415) 555-0123``): phonenumbers'
    NATIONAL format for the number's region; the number as given when it cannot be read."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_time_zones(e164: str) -> tuple[str, ...]:
    """Every zone phonenumbers gives for the number; the country's zones when the number's own are unknown."""
    number = _parse_phone(e164)
    return _zones(number, phonenumbers.number_type(number))


def _zones(number: phonenumbers.PhoneNumber, line: int) -> tuple[str, ...]:
    """``phone_time_zones`` of a number whose type (``phonenumbers.number_type``) is known:
    ``time_zones_for_number`` without working the type out again."""
    zones = [z for z in _number_zones(number, line) if z != _UNKNOWN_ZONE]
    if not zones:
        prefix_zones = phone_timezones.TIMEZONE_DATA.get(  # type: ignore[attr-defined]
            str(number.country_code), ())
        zones = [z for entry in [prefix_zones] for z in (entry.split("&") if isinstance(entry, str) else entry)]
        zones = [z for z in zones if z != _UNKNOWN_ZONE]
    return tuple(sorted(set(zones)))


def _number_zones(number: phonenumbers.PhoneNumber, line: int) -> tuple[str, ...]:
    """``phonenumbers.timezone.time_zones_for_number`` given the number's type: a geographical number's
    zones straight away (what it answers for one); any other as it answers (working the type out again)."""
    if line != phonenumbers.PhoneNumberType.UNKNOWN and phonenumbers.is_number_type_geographical(
            line, number.country_code or 0):
        return tuple(phone_timezones.time_zones_for_geographical_number(number))
    return tuple(phone_timezones.time_zones_for_number(number))


def mask(value: str) -> str:
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{value[:4]}***{value[-2:]}" if len(value) > 6 else "***"
