"""Where a contact may be: one value, built once per contact, handed to every rule that needs it.

Quiet hours, contact hours, ``next_allowed_at``, the answer's ``timezones``, the profile and
the preference page's "pause until" date all read a ``Whereabouts``; none of them works out a
zone from the number or the preferences again. ``locate`` is the one place that does.

Today (rev. 1): the contact's own valid ``timezone`` preference, else every zone
``phonenumbers`` gives for the number (the country's when the number's own are unknown); none
for an email without a preference. A zone this machine does not know is never kept.

Revision 2 lands here and nowhere else: ``states`` (the state of the number's area code and the
``state`` on file; the strictest of their rules wins) and a ``timezone`` set by anyone but the
person adding to the number's zones instead of replacing them.
"""
from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .addresses import phone_time_zones
from .facts import ContactFacts, Preferences


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
    own_zone: str | None = None  # the person's own valid ``timezone`` preference, when there is one
    states: tuple[str, ...] = ()  # rev. 2: two-letter US states; empty until state rules are built

    def __post_init__(self) -> None:
        object.__setattr__(self, "zones", tuple(sorted({z for z in self.zones if known_zone(z) is not None})))
        object.__setattr__(self, "own_zone", self.own_zone if known_zone(self.own_zone) is not None else None)
        object.__setattr__(self, "states", tuple(sorted(set(self.states))))

    @property
    def known(self) -> bool:
        """Whether any zone is known: without one nobody knows whether it is night there."""
        return bool(self.zones)


NOWHERE_KNOWN = Whereabouts()


def locate(address: str, kind: str, preferences: Preferences) -> Whereabouts:
    """The contact's own zone when they gave a valid one, else every zone of the number; for an
    email, only their own zone."""
    own = preferences.timezone if known_zone(preferences.timezone) is not None else None
    if own is not None:
        return Whereabouts(zones=(own,), own_zone=own)
    if kind == "phone":
        try:
            return Whereabouts(zones=phone_time_zones(address))
        except Exception:  # an unparseable number has no zone; nothing to narrow by
            return NOWHERE_KNOWN
    return NOWHERE_KNOWN


def locate_contact(facts: ContactFacts) -> Whereabouts:
    return locate(facts.address, facts.kind, facts.preferences)
