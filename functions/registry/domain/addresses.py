"""Normalising addresses: phones to E.164, emails trimmed and lower-cased; and their time zones."""
from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import timezone as phone_timezones

from .errors import ChannelAddressMismatch, InvalidAddress
from .vocabulary import channels_for_kind

# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is the sender's job.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_UNKNOWN_ZONE = "Etc/Unknown"
MAX_ADDRESS_LENGTH = 254


@dataclass(frozen=True)
class Address:
    value: str  # normalised: E.164 or lower-cased email
    kind: str  # "phone" or "email"

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
    if "@" in text:
        email = text.lower()
        if not _EMAIL.match(email):
            raise InvalidAddress("not a valid email address", field)
        return Address(email, "email")
    try:
        number = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        raise InvalidAddress("not a valid phone number", field) from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidAddress("not a valid phone number", field)
    return Address(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), "phone")


def check_channel(address: Address, channel: str, field: str = "channel") -> None:
    if channel not in address.channels:
        raise ChannelAddressMismatch(f"channel {channel} cannot reach a {address.kind} address", field)


def phone_time_zones(e164: str) -> tuple[str, ...]:
    """Every zone phonenumbers gives for the number; the country's zones when the number's own are unknown."""
    number = phonenumbers.parse(e164)
    zones = [z for z in phone_timezones.time_zones_for_number(number) if z != _UNKNOWN_ZONE]
    if not zones:
        prefix_zones = phone_timezones.TIMEZONE_DATA.get(str(number.country_code), ())
        zones = [z for entry in [prefix_zones] for z in (entry.split("&") if isinstance(entry, str) else entry)]
        zones = [z for z in zones if z != _UNKNOWN_ZONE]
    return tuple(sorted(set(zones)))


def mask(value: str) -> str:
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{value[:4]}***{value[-2:]}" if len(value) > 6 else "***"
