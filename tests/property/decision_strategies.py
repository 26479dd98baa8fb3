"""Hypothesis strategies for contact facts and questions (self-contained: only the domain is imported)."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import cache

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
from registry.domain.vocabulary import OUTCOMES, PURPOSES, WEEKDAYS, channels_for_kind

# One zone, two zones, many zones, a non-US zone, and an email.
ADDRESSES = ["+14155550123", "+12125550123", "+19075550123", "+79161234567", "+61291234567",
             "person@example.com"]
BRANDS = ["default", "acme"]
SOURCES = ["web_form", "agent", "purchased_list", "import", "sms_keyword"]
ZONES = ["America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Kolkata", "Australia/Lord_Howe"]
# Around both 2026-27 US DST changes, so windows and transitions meet.
ANCHORS = [datetime(2026, 10, 28, tzinfo=UTC), datetime(2027, 3, 10, tzinfo=UTC)]


def kind_of(address: str) -> str:
    return "email" if "@" in address else "phone"


def moments(anchor: datetime, before_days: int = 30, after_days: int = 14):
    return st.integers(-before_days * 24 * 60, after_days * 24 * 60).map(lambda m: anchor + timedelta(minutes=m))


def _subset(values, with_all=False):
    base = st.frozensets(st.sampled_from(list(values)), min_size=1)
    return st.one_of(base, st.just(frozenset({"all"}))) if with_all else base


_CLOCK = st.sampled_from([time(h, m) for h in range(24) for m in (0, 30)])
_HOURS = st.builds(ContactHours, start=_CLOCK, end=_CLOCK, days=st.frozensets(st.sampled_from(WEEKDAYS)))


@cache
def contact_facts(address: str, anchor: datetime):
    """Facts for one address around an anchor moment (strategies built once and reused)."""
    channels = channels_for_kind(kind_of(address))
    when = moments(anchor)
    consents = st.lists(st.builds(
        Consent, id=st.just("c"), channels=_subset(channels), purposes=_subset(PURPOSES),
        brand=st.sampled_from(BRANDS), source=st.sampled_from(SOURCES), occurred_at=when,
        expires_at=st.none() | when), max_size=3)
    opt_outs = st.lists(st.builds(
        OptOut, id=st.just("o"), channels=_subset(channels, with_all=True),
        purposes=_subset(PURPOSES, with_all=True), brand=st.sampled_from(BRANDS + ["*"]),
        source=st.sampled_from(SOURCES), occurred_at=when), max_size=2)
    relationships = st.lists(st.builds(
        Relationship, id=st.just("r"), kind=st.sampled_from(["inquiry", "transaction"]),
        brand=st.sampled_from(BRANDS), occurred_at=moments(anchor, before_days=600),
        source=st.none() | st.sampled_from(SOURCES)), max_size=2)
    attempts = st.lists(st.builds(
        Attempt, id=st.just("a"), channel=st.sampled_from(channels), purpose=st.sampled_from(PURPOSES),
        brand=st.sampled_from(BRANDS), occurred_at=moments(anchor, before_days=10, after_days=10),
        outcome=st.sampled_from([o for o in OUTCOMES if o != "disconnected"])), max_size=6)
    prefs = st.builds(
        Preferences, preferred_channel=st.none() | st.sampled_from(["call", "sms", "email"]),
        timezone=st.none() | st.sampled_from(ZONES), contact_hours=st.none() | _HOURS,
        snooze_until=st.none() | moments(anchor, before_days=5, after_days=40))
    undeliverable = st.lists(st.builds(
        Undeliverable, channels=_subset(channels), occurred_at=when,
        reason=st.sampled_from(["hard_bounce", "disconnected"])), max_size=1)
    return st.builds(
        ContactFacts, address=st.just(address), kind=st.just(kind_of(address)),
        consents=consents.map(tuple), opt_outs=opt_outs.map(tuple), relationships=relationships.map(tuple),
        attempts=attempts.map(tuple), preferences=prefs, suppressions=st.lists(memberships(), max_size=2).map(tuple),
        undeliverable=undeliverable.map(tuple))


@cache
def memberships():
    return st.builds(SuppressionMembership, list_name=st.sampled_from(["national-x", "state-ca", "house", "tcpa"]),
                     kind=st.sampled_from(["national", "state", "internal", "litigator"]))


@st.composite
def cases(draw):
    """A question and the facts of the address it asks about."""
    address = draw(st.sampled_from(ADDRESSES))
    anchor = draw(st.sampled_from(ANCHORS))
    facts = draw(contact_facts(address, anchor))
    question = Question(address=address, kind=kind_of(address),
                        channel=draw(st.sampled_from(channels_for_kind(kind_of(address)))),
                        purpose=draw(st.sampled_from(PURPOSES)), brand=draw(st.sampled_from(BRANDS)),
                        at=draw(moments(anchor, before_days=0, after_days=7)))
    return question, facts, anchor
