"""Hypothesis strategies for a question and the facts of the address it asks about, drawn from
SMALL shared pools so that the rules' edges come up in most runs, not one draw in a thousand.

- The question's moment ``at`` is a local wall time in one of the contact's own zones, on a
  handful of days (both 2026-27 US DST changes, Lord Howe's half-hour one, a weekday, a
  Saturday), at a handful of clock readings: 07:59:59, 08:00, 08:15, noon, 20:59:59, 21:00, and the
  small hours a DST change repeats or skips. Quiet hours' both edges are hit exactly.
- Every other instant is one of a few offsets FROM ``at``: exactly ``at``, a second after, an
  hour and two days before; an attempt also exactly 7 days before (no longer counted) and 7
  days less a second (counted, leaving the window a second later); a consent's expiry exactly
  at ``at``, a second later, an hour before; a relationship exactly 3 or 18 calendar months
  before (its EBR ends at ``at``); a snooze ending at ``at`` or a second either side.
- Scopes come from one or two brands, the address's channels and both purposes, and most
  facts are drawn for the question's own scope: ties, opt-out/consent/opt-out interleavings
  and caps reached are common (``edges.py`` names them, ``measure_edges.py`` counts them,
  ``test_strategies_reach_the_edges`` holds the strategies to them).

Only the domain's fact types are imported; the rules are not (the oracles live in contract.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from contract import months_later, zones
from hypothesis import strategies as st

from registry.domain.decide import Question
from registry.domain.facts import (
    Attempt,
    Consent,
    ContactFacts,
    ContactHours,
    OptOut,
    Preferences,
    Relationship,
    SuppressionMembership,
    Undeliverable,
)

# One zone each (Los Angeles, New York), two zones an hour apart (Alaska: Adak and Anchorage; twice
# as often: where "in every zone" bites), no zone at all (+979, a non-geographic number), and an
# email (twice as often: the only channel where a bought list is a basis, so where its never
# lifting an opt-out shows).
ADDRESSES = ("+14155550123", "+12125550123", "+19075550123", "+19075550123", "+97912345678",
             "person@example.com", "person@example.com")
BRANDS = ("default", "acme")
# Their own zone (replaces the number's), a half-hour offset, a half-hour DST, a name no machine knows.
TIMEZONES = (None, None, "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Mars/Olympus_Mons")
DAYS = (date(2026, 11, 1),  # US clocks go back at 02:00 (a Sunday)
        date(2027, 3, 14),  # US clocks go forward at 02:00 (a Sunday)
        date(2026, 10, 4),  # Lord Howe goes forward half an hour at 02:00
        date(2026, 12, 2),  # a Wednesday
        date(2027, 1, 9))  # a Saturday
CLOCKS = (time(7, 59, 59), time(8), time(8, 15), time(12), time(20, 59, 59), time(21), time(1, 30), time(2, 30))

SECOND, HOUR, DAY, WEEK = timedelta(seconds=1), timedelta(hours=1), timedelta(days=1), timedelta(days=7)
# When a consent or an opt-out was given, relative to the question's moment (+1 s: not yet).
SAID = (-2 * DAY, -HOUR, timedelta(0), SECOND)
ATTEMPTED = (-WEEK, -WEEK + SECOND, -2 * DAY, -HOUR, timedelta(0), SECOND)
EXPIRES = (None, None, timedelta(0), SECOND, -HOUR, 2 * DAY)
SNOOZED = (None, None, None, -SECOND, timedelta(0), SECOND, HOUR, 2 * DAY, 40 * DAY)
REPORTED = (-2 * DAY, -HOUR, timedelta(0), SECOND)
# A relationship N calendar months before: its EBR (inquiry 3 months, transaction 18) ends at ``at``.
RELATED = ("-3 months", "-18 months", "-3 months +1s", -2 * DAY, SECOND)
CONSENT_SOURCES = ("web_form", "web_form", "agent", "purchased_list", "purchased_list", "import")
OPT_OUT_SOURCES = ("sms_keyword", "agent", "preference_center")

# Contact hours' starts and ends; one time in three an evening start and a morning end: a window
# past midnight that still holds at 08:00 (and 08:15) and belongs to the day before.
_HOUR_STARTS = (time(8), time(9), time(12), time(20), time(21))
_HOUR_ENDS = (time(9), time(12), time(21), time(2), time(8, 30))
# Contact-hours days: every day (empty), weekdays, and days that hold one of the pool's days (three
# Sundays, a Saturday, a Wednesday) but not the day before it, or the other way round.
_DAY_SETS = (frozenset(), frozenset({"mon", "tue", "wed", "thu", "fri"}), frozenset({"sat"}), frozenset({"sun"}),
             frozenset({"sat", "sun"}))


def kind_of(address: str) -> str:
    return "email" if "@" in address else "phone"


def channels_of(kind: str) -> tuple[str, ...]:
    return ("call", "sms") if kind == "phone" else ("email",)


@dataclass(frozen=True)
class _Moment:
    """An instant relative to the question's moment, resolved once ``at`` is known."""

    offset: timedelta | str | None

    def at(self, at: datetime) -> datetime | None:
        if self.offset is None or isinstance(self.offset, timedelta):
            return None if self.offset is None else at + self.offset
        months, _, extra = self.offset.partition(" months")
        return months_later(at, int(months)) + (SECOND if extra.strip() == "+1s" else timedelta(0))


def moments(anchor: datetime, before_days: int = 30, after_days: int = 14) -> st.SearchStrategy[datetime]:
    """An instant around ``anchor``: often exactly it or a second either side, else any minute of the span."""
    edges = [anchor + timedelta(seconds=s) for s in (-1, 0, 1)]
    spread = st.integers(-before_days * 24 * 60, after_days * 24 * 60).map(lambda m: anchor + timedelta(minutes=m))
    return st.one_of(st.sampled_from(edges), spread)


def _moments(offsets) -> st.SearchStrategy[_Moment]:
    return st.sampled_from([_Moment(o) for o in offsets])


def _some(values) -> st.SearchStrategy[frozenset[str]]:
    return st.frozensets(st.sampled_from(list(values)), min_size=1)


@cache
def _shapes(kind: str, channel: str, purpose: str, brand: str):
    """Strategies for one address kind and question scope, built once (the instants come later)."""
    channels = channels_of(kind)
    mine = (st.just(frozenset({channel})), st.just(frozenset({purpose})), st.just(brand))
    anywhere = (_some(channels), _some(("marketing", "informational")), st.sampled_from(BRANDS))
    everywhere = (_some(channels) | st.just(frozenset({"all"})),
                  _some(("marketing", "informational")) | st.just(frozenset({"all"})),
                  st.sampled_from(BRANDS + ("*",)))

    def consent(scope):
        return st.tuples(*scope, st.sampled_from(CONSENT_SOURCES), _moments(SAID), _moments(EXPIRES))

    def opt_out(scope):
        return st.tuples(*scope, st.sampled_from(OPT_OUT_SOURCES), _moments(SAID))

    attempt_here = st.tuples(st.just(channel), st.just(purpose), st.just(brand))
    attempt_near = st.tuples(st.just(channel), st.just(purpose), st.sampled_from(BRANDS))  # another brand's, often
    attempt_any = st.tuples(st.sampled_from(channels), st.sampled_from(("marketing", "informational")),
                            st.sampled_from(BRANDS))
    outcomes = st.sampled_from(("answered", "no_answer", "voicemail", "busy", "delivered", "failed",
                                "disconnected" if kind == "phone" else "bounced"))
    return {
        # two in three consents and opt-outs name the question's own scope
        "consents": _slots(3, st.one_of(consent(mine), consent(mine), consent(anywhere))),
        "opt_outs": _slots(3, st.one_of(opt_out(mine), opt_out(mine), opt_out(everywhere))),
        # up to five attempts in the question's scope (three counted reach the cap), two of its channel and
        # purpose for either brand (another brand's never count), one anywhere
        "attempts": st.tuples(_slots(5, st.tuples(attempt_here, _moments(ATTEMPTED), outcomes), odds=2),
                              _slots(2, st.tuples(attempt_near, _moments(ATTEMPTED), outcomes)),
                              _slots(1, st.tuples(attempt_any, _moments(ATTEMPTED), outcomes))).map(
                                  lambda parts: parts[0] + parts[1] + parts[2]),
        "relationships": _slots(2, st.tuples(st.sampled_from(("inquiry", "transaction")), st.sampled_from(BRANDS),
                                             _moments(RELATED))),
        "undeliverable": _slots(1, st.tuples(_some(channels), _moments(REPORTED),
                                             st.sampled_from(("hard_bounce", "disconnected")))),
        "suppressions": _slots(1, memberships()),
        "preferred": st.none() | st.sampled_from(("call", "sms", "email")),
        "hours": st.none() | contact_hours(),
        "snooze": _moments(SNOOZED),
    }


def _slots(n: int, element, odds: int = 1):
    """Up to n elements, each there with odds:1 (a list's sizes lean small: with these, three of
    four come up often); they shrink away one by one."""
    slot = st.one_of(st.none(), *[element] * odds)
    return st.tuples(*[slot] * n).map(lambda drawn: [e for e in drawn if e is not None])


@cache
def contact_hours():
    """A contact's own hours; half the time past midnight into the morning."""
    any_hours = st.builds(ContactHours, start=st.sampled_from(_HOUR_STARTS), end=st.sampled_from(_HOUR_ENDS),
                          days=st.sampled_from(_DAY_SETS))
    overnight = st.builds(ContactHours, start=st.sampled_from((time(20), time(21))),
                          end=st.sampled_from((time(8, 30), time(9), time(12))), days=st.sampled_from(_DAY_SETS))
    return any_hours | overnight


@cache
def memberships():
    return st.builds(SuppressionMembership, list_name=st.sampled_from(["national-x", "state-ca", "house", "tcpa"]),
                     kind=st.sampled_from(["national", "state", "internal", "litigator"]))


def moment_of(day: date, clock: time, zone: str) -> datetime:
    """A local wall time as a UTC instant (a time a DST change skips or repeats: its first reading)."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone)).astimezone(UTC)


PHONES = tuple(a for a in dict.fromkeys(ADDRESSES) if a.startswith("+") and a != "+97912345678")  # with zones


@st.composite
def cases(draw, addresses=ADDRESSES):
    """(question, facts): one question and the facts of the address it asks about."""
    address = draw(st.sampled_from(addresses))
    kind = kind_of(address)
    timezone = draw(st.sampled_from(TIMEZONES))
    where = zones(address, kind, timezone) or ("America/New_York",)
    at = moment_of(draw(st.sampled_from(DAYS)), draw(st.sampled_from(CLOCKS)), draw(st.sampled_from(where)))
    channel = draw(st.sampled_from(channels_of(kind)))
    purpose = draw(st.sampled_from(("marketing", "marketing", "informational")))  # where caps, bases and lists bite
    brand = draw(st.sampled_from(BRANDS))
    shapes = _shapes(kind, channel, purpose, brand)

    def when(moment: _Moment) -> datetime:
        value = moment.at(at)
        assert value is not None
        return value

    consents = tuple(Consent(id=f"c{i}", channels=chs, purposes=ps, brand=b, source=src, occurred_at=when(occ),
                             expires_at=exp.at(at))
                     for i, (chs, ps, b, src, occ, exp) in enumerate(draw(shapes["consents"])))
    opt_outs = tuple(OptOut(id=f"o{i}", channels=chs, purposes=ps, brand=b, source=src, occurred_at=when(occ))
                     for i, (chs, ps, b, src, occ) in enumerate(draw(shapes["opt_outs"])))
    attempts = tuple(Attempt(id=f"a{i}", channel=ch, purpose=p, brand=b, occurred_at=when(occ), outcome=outcome)
                     for i, ((ch, p, b), occ, outcome) in enumerate(draw(shapes["attempts"])))
    relationships = tuple(Relationship(id=f"r{i}", kind=k, brand=b, occurred_at=when(occ))
                          for i, (k, b, occ) in enumerate(draw(shapes["relationships"])))
    undeliverable = tuple(Undeliverable(channels=chs, occurred_at=when(occ), reason=why)
                          for chs, occ, why in draw(shapes["undeliverable"]))
    preferences = Preferences(preferred_channel=draw(shapes["preferred"]), timezone=timezone,
                              contact_hours=draw(shapes["hours"]), snooze_until=draw(shapes["snooze"]).at(at))
    facts = ContactFacts(address=address, kind=kind, consents=consents, opt_outs=opt_outs,
                         relationships=relationships, attempts=attempts, preferences=preferences,
                         suppressions=tuple(draw(shapes["suppressions"])), undeliverable=undeliverable)
    question = Question(address=address, kind=kind, channel=channel, purpose=purpose, brand=brand, at=at)
    return question, facts
