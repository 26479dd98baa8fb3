"""Quiet hours: when a call or text may reach a contact, in every local time zone they may be in.

The window is the policy's [start, end) in local time, narrowed by the contact's own contact hours,
and must hold in all of the contact's zones at once (a number whose zone is uncertain is only
reached when it is daytime everywhere it could be). The zones are the contact's ``Whereabouts``
(``domain.location``), built once by the decision and handed in.

Fail closed: a call or text to a contact with no known zone at all (no valid ``timezone``
preference, and none for the number, e.g. ``+979`` premium-rate numbers) is always quiet. There
is no moment known to be daytime for them, so no opening either: the decision is ``defer`` with
``next_allowed_at`` null until a ``timezone`` preference is recorded.
"""
from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .facts import ContactHours
from .location import Whereabouts, known_zone
from .policy import Policy
from .vocabulary import CHANNEL_NOUNS as _NOUNS
from .vocabulary import WEEKDAYS


def applies_to(channel: str, policy: Policy) -> bool:
    return channel in policy.quiet_hours_channels


def _in_span(t: time, start: time, end: time) -> bool:
    """[start, end); an end at or before the start crosses midnight (equal: the whole day)."""
    if start < end:
        return start <= t < end
    return t >= start or t < end


def _days(hours: ContactHours) -> frozenset[str]:
    # An empty day list is read as "every day": nobody sets contact hours to mean "never".
    return hours.days or frozenset(WEEKDAYS)


def in_contact_hours(local: datetime, hours: ContactHours) -> bool:
    """Whether a local wall time is in the contact hours; a window past midnight belongs to its start day."""
    days, t = _days(hours), local.time()
    today = WEEKDAYS[local.weekday()]
    if hours.start < hours.end:
        return today in days and hours.start <= t < hours.end
    if t >= hours.start and today in days:
        return True
    yesterday = WEEKDAYS[(local.weekday() - 1) % 7]
    return t < hours.end and yesterday in days


def _closed_because(at: datetime, zone: str, policy: Policy, hours: ContactHours | None) -> str | None:
    """None when open in this zone, else which window is shut: "policy" or "contact_hours"."""
    tz = known_zone(zone)
    if tz is None:
        return None
    local = at.astimezone(tz)
    if not _in_span(local.time(), policy.quiet_hours_start, policy.quiet_hours_end):
        return "policy"
    if hours is not None and not in_contact_hours(local, hours):
        return "contact_hours"
    return None


def is_quiet(at: datetime, where: Whereabouts, policy: Policy, hours: ContactHours | None = None) -> bool:
    """True when the moment is outside the allowed window in at least one zone, and always when no
    zone is known (fail closed: nobody knows whether it is night there)."""
    if not where.known:
        return True
    return any(_closed_because(at, z, policy, hours) for z in where.zones)


def unknown_zone_message(channel: str) -> str:
    noun = _NOUNS.get(channel, channel)
    return (f"no time zone is known for this number, so its local time cannot be checked; {noun} are "
            "deferred until the contact's timezone preference is recorded")


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M")


def quiet_message(at: datetime, where: Whereabouts, policy: Policy, channel: str,
                  hours: ContactHours | None = None) -> str | None:
    """A short explanation naming the first zone where it is too early or too late; None when open."""
    noun = _NOUNS.get(channel, channel)
    if not where.known:
        return unknown_zone_message(channel)
    for zone in where.zones:
        why = _closed_because(at, zone, policy, hours)
        if why is None:
            continue
        local = at.astimezone(ZoneInfo(zone))
        if why == "policy":
            return (f"{local:%H:%M} in {zone}; {noun} allowed "
                    f"{_hhmm(policy.quiet_hours_start)}-{_hhmm(policy.quiet_hours_end)}")
        assert hours is not None  # "contact_hours" is only ever the answer when there are some
        days = ",".join(d for d in WEEKDAYS if d in _days(hours))
        return (f"{local:%H:%M} {WEEKDAYS[local.weekday()]} in {zone}; contact accepts {noun} "
                f"{_hhmm(hours.start)}-{_hhmm(hours.end)} {days}")
    return None


def _to_utc(day: date, t: time, tz: ZoneInfo) -> list[datetime]:
    """A local wall time on a day as UTC instants: both readings when DST makes it ambiguous."""
    out = []
    for fold in (0, 1):
        out.append(datetime.combine(day, t, tzinfo=tz).replace(fold=fold).astimezone(UTC))
    return out


def _offset_changes(tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """UTC instants in [start, end] where the zone's offset changes (DST): wall clocks jump there."""
    step = timedelta(hours=6)
    found: list[datetime] = []
    lo, lo_off = start, start.astimezone(tz).utcoffset()
    while lo < end:
        hi = min(lo + step, end)
        hi_off = hi.astimezone(tz).utcoffset()
        if hi_off != lo_off:
            # Bisect on whole seconds: offsets change on second boundaries.
            a, b = math.floor(lo.timestamp()), math.ceil(hi.timestamp())
            while b - a > 1:
                mid = (a + b) // 2
                if datetime.fromtimestamp(mid, UTC).astimezone(tz).utcoffset() == lo_off:
                    a = mid
                else:
                    b = mid
            found.append(datetime.fromtimestamp(b, UTC))
        lo, lo_off = hi, hi_off
    return found


def openings(where: Whereabouts, start: datetime, end: datetime, policy: Policy,
             hours: ContactHours | None = None) -> list[datetime]:
    """Sorted UTC instants in [start, end] where the window may open in some zone.

    Every moment the combined window opens is one of these (a local window or contact-hours start,
    or a DST jump), so checking each in order finds the next open moment exactly.
    """
    found: set[datetime] = set()
    for name in where.zones:
        tz = known_zone(name)
        if tz is None:
            continue
        first = start.astimezone(tz).date() - timedelta(days=1)
        last = end.astimezone(tz).date() + timedelta(days=1)
        starts = [policy.quiet_hours_start] + ([hours.start] if hours is not None else [])
        day = first
        while day <= last:
            for t in starts:
                found.update(_to_utc(day, t, tz))
            day += timedelta(days=1)
        found.update(_offset_changes(tz, start, end))
    return sorted(t for t in found if start <= t <= end)
