"""Where a contact may be: one value, built once per contact, handed to every rule that needs it.

Quiet hours, contact hours, ``next_allowed_at``, the answer's ``timezones``, the profile and
the preference page's "pause until" date all read a ``Whereabouts``; none of them works out a
zone from the number or the preferences again. ``locate`` is the one place that does.

The zones: a ``timezone`` preference the person set themselves (on the preference page, source
``preference_center``) replaces the number's zones; one set by anyone else (a CRM, a dialer, the
API) adds to every zone ``phonenumbers`` gives for the number (the country's when the number's
own are unknown), so quiet hours must be over in all of them (rev. 2). An email has only its
preference's zone. A zone this machine does not know is never kept.

``states`` (rev. 2): the state of the number's area code (``domain.area_codes``; none for a toll-free or
non-US number) and the ``state`` on file, whoever set it and whatever the zones; the strictest of their
rules wins (``domain.state_rules``).
"""
from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .addresses import phone_time_zones
from .area_codes import state_for_number
from .facts import ContactFacts, Preferences
from .vocabulary import Source


def known_zone(name: str | None) -> ZoneInfo | None:
    """The zone by its IANA name; None for no name or one this machine does not know."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return None


@dataclass(frozen=True)
class Whereabouts:
    """Every time zone (and, from rev. 2, every US state) the contact may be in.

    ``zones`` are sorted, distinct and all known (unknown names are dropped on construction), so
    a rule never meets a zone it cannot read: no zone at all means "unknown", and quiet hours
    then fail closed (always quiet, no opening).
    """

    zones: tuple[str, ...] = ()
    # the valid ``timezone`` preference, whoever set it: the zone a date the person picks (a pause
    # "until") begins in; it is among ``zones``
    own_zone: str | None = None
    states: tuple[str, ...] = ()  # rev. 2: two-letter US states: the area code's and the one on file

    def __post_init__(self) -> None:
        object.__setattr__(self, "zones", tuple(sorted({z for z in self.zones if known_zone(z) is not None})))
        object.__setattr__(self, "own_zone", self.own_zone if known_zone(self.own_zone) is not None else None)
        object.__setattr__(self, "states", tuple(sorted(set(self.states))))

    @property
    def known(self) -> bool:
        """Whether any zone is known: without one nobody knows whether it is night there."""
        return bool(self.zones)


NOWHERE_KNOWN = Whereabouts()


def locate(address: str, kind: str, preferences: Preferences,
           number_zones: tuple[str, ...] | None = None) -> Whereabouts:
    """The zone the person set on their page, alone; else every zone of the number, plus a zone
    anyone else set; for an email, only its preference's zone. ``number_zones``: the number's own
    zones (``phone_time_zones``) when the caller has them already (``normalise`` works them out)."""
    own = preferences.timezone if known_zone(preferences.timezone) is not None else None
    states = tuple(s for s in (preferences.state, state_for_number(address) if kind == "phone" else None) if s)
    if own is not None and (preferences.timezone_source == Source.PREFERENCE_CENTER or kind != "phone"):
        return Whereabouts(zones=(own,), own_zone=own, states=states)
    zones: tuple[str, ...] = ()
    if kind == "phone":
        zones = number_zones if number_zones is not None else _number_zones(address)
    return Whereabouts(zones=zones + ((own,) if own else ()), own_zone=own, states=states)


def _number_zones(address: str) -> tuple[str, ...]:
    try:
        return tuple(phone_time_zones(address))
    except Exception:  # an unparseable number has no zone of its own
        return ()


def locate_contact(facts: ContactFacts) -> Whereabouts:
    return locate(facts.address, facts.kind, facts.preferences)
