"""Quiet hours: when a call or text may reach a contact, in every local time zone they may be in.

The window is the policy's [start, end) in local time, narrowed by the contact's own contact hours,
and must hold in all of the contact's zones at once (a number whose zone is uncertain is only
reached when it is daytime everywhere it could be). The zones are the contact's ``Whereabouts``
(``domain.location``), built once by the decision and handed in.

rev. 2: the state rules that bind the contact (``state_rules.applicable``: marketing calls and texts, to
the number's area-code state and the state on file) narrow the window further, in every zone, on the
local date there: a state's hours that day, no window at all on a day or holiday it closes. The
reason names the binding state and its citation (``quiet_reason``) unless the policy's (the federal)
window binds at least as much.

Fail closed: a call or text to a contact with no known zone at all (no valid ``timezone``
preference, and none for the number, e.g. ``+979`` premium-rate numbers) is always quiet. There
is no moment known to be daytime for them, so no opening either: the decision is ``defer`` with
``next_allowed_at`` null until a ``timezone`` preference is recorded.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from . import state_rules
from .facts import ContactHours
from .location import Whereabouts, known_zone
from .policy import Policy
from .state_rules import Shut, StateRule
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


def _closed_because(at: datetime, zone: str, policy: Policy, hours: ContactHours | None,
                    rules: Sequence[StateRule] = ()) -> str | None:
    """None when open in this zone, else which window is shut: "policy", "state" or "contact_hours"."""
    tz = known_zone(zone)
    if tz is None:
        return None
    local = at.astimezone(tz)
    if not _in_span(local.time(), policy.quiet_hours_start, policy.quiet_hours_end):
        return "policy"
    if any(state_rules.shut_at(rule, local) is not None for rule in rules):
        return "state"
    if hours is not None and not in_contact_hours(local, hours):
        return "contact_hours"
    return None


def is_quiet(at: datetime, where: Whereabouts, policy: Policy, hours: ContactHours | None = None,
             rules: Sequence[StateRule] = ()) -> bool:
    """True when the moment is outside the allowed window in at least one zone, and always when no
    zone is known (fail closed: nobody knows whether it is night there)."""
    if not where.known:
        return True
    return any(_closed_because(at, z, policy, hours, rules) for z in where.zones)


def unknown_zone_message(channel: str) -> str:
    noun = _NOUNS.get(channel, channel)
    return (f"no time zone is known for this number, so its local time cannot be checked; {noun} are "
            "deferred until the contact's timezone preference is recorded")


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M")


@dataclass(frozen=True)
class Quiet:
    """Why a moment is quiet: the words, and the states whose rules bind (empty: the policy's window, the
    contact's own hours, or no zone known); ``policy_shut``: the policy's window is shut in some zone."""

    message: str
    states: tuple[Shut, ...] = ()
    policy_shut: bool = False


def _binding_states(local: datetime, policy: Policy, rules: Sequence[StateRule]) -> list[Shut]:
    start, end = policy.quiet_hours_start, policy.quiet_hours_end
    federal = None if _in_span(local.time(), start, end) else (start, end)
    return state_rules.binding(rules, local, federal)


def quiet_reason(at: datetime, where: Whereabouts, policy: Policy, channel: str,
                 hours: ContactHours | None = None, rules: Sequence[StateRule] = ()) -> Quiet | None:
    """Why the moment is quiet, or None when open: the first zone where a state's rule binds (its hours, its
    closed day or holiday), else the first where the policy's window is shut, else the first where the
    contact's own hours are."""
    noun = _NOUNS.get(channel, channel)
    if not where.known:
        return Quiet(unknown_zone_message(channel))
    shut = {zone: _closed_because(at, zone, policy, hours, rules) for zone in where.zones}
    policy_shut = "policy" in shut.values()
    for zone in where.zones:
        local = at.astimezone(ZoneInfo(zone))
        states = _binding_states(local, policy, rules) if shut[zone] in ("policy", "state") else []
        if states:
            words = "; ".join(state_rules.shut_words(s, noun) for s in states)
            return Quiet(f"{local:%H:%M} in {zone}; {words}", tuple(states), policy_shut)
    for zone in where.zones:
        if shut[zone] == "policy":
            local = at.astimezone(ZoneInfo(zone))
            return Quiet(f"{local:%H:%M} in {zone}; {noun} allowed "
                         f"{_hhmm(policy.quiet_hours_start)}-{_hhmm(policy.quiet_hours_end)}", (), True)
    for zone in where.zones:
        if shut[zone] == "contact_hours":
            assert hours is not None  # "contact_hours" is only ever the answer when there are some
            local = at.astimezone(ZoneInfo(zone))
            days = ",".join(d for d in WEEKDAYS if d in _days(hours))
            return Quiet(f"{local:%H:%M} {WEEKDAYS[local.weekday()]} in {zone}; contact accepts {noun} "
                         f"{_hhmm(hours.start)}-{_hhmm(hours.end)} {days}", (), policy_shut)
    return None


def quiet_message(at: datetime, where: Whereabouts, policy: Policy, channel: str,
                  hours: ContactHours | None = None, rules: Sequence[StateRule] = ()) -> str | None:
    """A short explanation naming the zone (and the state) where it is too early or too late; None when open."""
    quiet = quiet_reason(at, where, policy, channel, hours, rules)
    return None if quiet is None else quiet.message


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
             hours: ContactHours | None = None, rules: Sequence[StateRule] = ()) -> list[datetime]:
    """Sorted UTC instants in [start, end] where the window may open in some zone.

    Every moment the combined window opens is one of these (a local window, a state's window that
    day or contact-hours start, or a DST jump), so checking each in order finds the next open moment
    exactly; a day a state closes has no state opening, and the check skips it.
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
            for t in starts + state_rules.openings_on(rules, day):
                found.update(_to_utc(day, t, tz))
            day += timedelta(days=1)
        found.update(_offset_changes(tz, start, end))
    return sorted(t for t in found if start <= t <= end)
