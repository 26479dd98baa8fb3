"""Replay (contract rev. 2, issue 12 item 4; the Done-when test): a decision made at time T equals
the replay with ``at=T&known_at=T`` made any time later, after any further facts were recorded.

Through the Lambda handler, with the registry's clock pinned in-process: facts are recorded one
after another (consents of both grades and several sources, opt-outs of any scope, relationships,
attempts with outcomes that opt out, make a number undeliverable or reassign it, preference
changes, reassigned-number checks, internal-list entries added and removed), each at its own
moment of recording and with its own ``occurred_at`` (before or after T, backdated or not); the
registry answers a set of lookups at T; more facts are recorded later (including ones backdated to
before T, and a jump of weeks that prunes attempts from the contact's state); the replay must
answer every lookup exactly as at T, but for ``known_at`` (null then, T now).
"""
from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.domain.timeutil import format_instant, utc_now
from tests.api.conftest import new_phone, quoted
from tests.api.helpers import WRITTEN_EVIDENCE, add_entries, clean, create_list

pytestmark = pytest.mark.dynamodb

# The modules that stamp a fact's recorded time or a lookup's now.
CLOCKED = ("registry.services.recording", "registry.services.suppression", "registry.handlers.routes.permissions")

QUESTIONS = (  # channel, purpose, brand, dialing
    ("call", "marketing", "default", None),
    ("call", "marketing", "acme", "autodialed"),
    ("call", "informational", "default", "prerecorded"),
    ("sms", "marketing", "default", None),
    ("sms", "informational", "acme", None),
)

_ids = itertools.count()


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def pinned(clock: Clock) -> Iterator[None]:
    """The registry's ``utc_now`` is ``clock`` in every module that stamps a time, for the block."""
    saved = []
    for name in CLOCKED:
        module = sys.modules[name]
        saved.append((module, module.utc_now))
        module.utc_now = clock  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module, original in saved:
            module.utc_now = original  # type: ignore[attr-defined]


DAY = timedelta(days=1)
GAPS = st.sampled_from([timedelta(seconds=1), timedelta(minutes=7), timedelta(hours=5), DAY, 3 * DAY])
OFFSETS = st.sampled_from([timedelta(0), -timedelta(seconds=1), -timedelta(hours=2), -2 * DAY, -6 * DAY,
                           -8 * DAY, -40 * DAY, -100 * DAY, -400 * DAY])
BRANDS = st.sampled_from(["default", "acme"])


def _some(values):
    return st.lists(st.sampled_from(values), min_size=1, max_size=len(values), unique=True)


consents = st.fixed_dictionaries({
    "kind": st.just("consent"), "channels": _some(["call", "sms"]), "purposes": _some(["marketing", "informational"]),
    "brand": BRANDS, "source": st.sampled_from(["web_form", "crm", "purchased_list", "agent"]),
    "grade": st.sampled_from(["express", "written"]), "expires": st.sampled_from([None, 3 * DAY, 30 * DAY])})
opt_outs = st.fixed_dictionaries({
    "kind": st.just("opt_out"), "channels": st.sampled_from([["call"], ["sms"], ["all"], ["call", "sms"]]),
    "purposes": st.sampled_from([["all"], ["marketing"], ["informational"]]),
    "brand": st.sampled_from(["default", "acme", "*"]), "source": st.sampled_from(["agent", "crm"])})
relationships = st.fixed_dictionaries({
    "kind": st.just("relationship"), "type": st.sampled_from(["inquiry", "transaction"]), "brand": BRANDS})
attempts = st.fixed_dictionaries({
    "kind": st.just("attempt"), "channel": st.sampled_from(["call", "sms"]),
    "purpose": st.sampled_from(["marketing", "informational"]), "brand": BRANDS,
    "outcome": st.sampled_from(["no_answer", "answered", "delivered", "voicemail", "disconnected", "wrong_party"]),
    "dnc": st.booleans()})
preferences = st.fixed_dictionaries({
    "kind": st.just("preferences"),
    "timezone": st.sampled_from([None, "America/New_York", "America/Los_Angeles", "Pacific/Honolulu"]),
    "snooze": st.sampled_from([None, "clear", DAY, 10 * DAY]),
    "line_type": st.sampled_from([None, "landline", "wireless"]),
    "hours": st.sampled_from([None, "clear", {"start": "09:00", "end": "17:00", "days": ["mon", "tue", "wed", "thu",
                                                                                         "fri"]}])})
checks = st.fixed_dictionaries({"kind": st.just("check"), "result": st.sampled_from(["yes", "no"])})
entries = st.fixed_dictionaries({"kind": st.just("list"), "add": st.booleans()})
FACT = st.one_of(consents, consents, opt_outs, relationships, attempts, attempts, preferences, checks, entries)
STEP = st.tuples(GAPS, OFFSETS, FACT)


def _post(api, path: str, body: dict) -> None:
    reply = api.call("POST", path, body)
    assert reply.status == 201, reply.text


def record(api, number: str, internal: str, fact: dict, occurred: datetime, now: datetime) -> None:
    """One fact, recorded at the clock's ``now``, with ``occurred`` as its occurred_at."""
    when = format_instant(occurred)
    kind = fact["kind"]
    if kind == "consent":
        body = {"address": number, "channels": fact["channels"], "purposes": fact["purposes"], "brand": fact["brand"],
                "source": fact["source"], "occurred_at": when, "grade": fact["grade"]}
        if fact["grade"] == "written":
            body["evidence"] = WRITTEN_EVIDENCE
        if fact["expires"] is not None:
            body["expires_at"] = format_instant(occurred + fact["expires"])
        _post(api, "/v1/consents", body)
    elif kind == "opt_out":
        _post(api, "/v1/opt-outs", {"address": number, "channels": fact["channels"], "purposes": fact["purposes"],
                                    "brand": fact["brand"], "source": fact["source"], "occurred_at": when})
    elif kind == "relationship":
        _post(api, "/v1/relationships", {"address": number, "kind": fact["type"], "brand": fact["brand"],
                                         "occurred_at": when})
    elif kind == "attempt":
        body = {"address": number, "channel": fact["channel"], "purpose": fact["purpose"], "brand": fact["brand"],
                "occurred_at": when, "outcome": fact["outcome"]}
        if fact["dnc"]:
            body["disposition"] = "do_not_contact"
        _post(api, "/v1/attempts", body)
    elif kind == "preferences":
        prefs: dict = {}
        if fact["timezone"] is not None:
            prefs["timezone"] = fact["timezone"]
        if fact["snooze"] is not None:
            prefs["snooze_until"] = None if fact["snooze"] == "clear" else format_instant(now + fact["snooze"])
        if fact["line_type"] is not None:
            prefs["line_type"] = fact["line_type"]
        if fact["hours"] is not None:
            prefs["contact_hours"] = None if fact["hours"] == "clear" else fact["hours"]
        reply = api.call("PUT", f"/v1/contacts/{quoted(number)}/preferences", prefs or {"preferred_channel": "sms"})
        assert reply.status in (200, 201), reply.text
    elif kind == "check":
        _post(api, "/v1/reassigned-checks", {"address": number, "result": fact["result"], "since": "2020-01-01",
                                             "occurred_at": when, "source": "rnd"})
    else:
        change = {"add": [number]} if fact["add"] else {"remove": [number]}
        add_entries(api, internal, **change)


def lookups(api, number: str, at: datetime | None = None, known_at: datetime | None = None) -> list[dict]:
    out = []
    for channel, purpose, brand, dialing in QUESTIONS:
        query = f"address={quoted(number)}&channel={channel}&purpose={purpose}&brand={brand}"
        if dialing:
            query += f"&dialing={dialing}"
        if at is not None:
            query += f"&at={quoted(format_instant(at))}"
        if known_at is not None:
            query += f"&known_at={quoted(format_instant(known_at))}"
        reply = api.call("GET", "/v1/permissions?" + query, key="dialer")
        assert reply.status == 200, reply.text
        out.append(clean(reply))
    body: dict = {"channel": "call", "purpose": "marketing", "addresses": [number]}
    if at is not None:
        body["at"] = format_instant(at)
    if known_at is not None:
        body["known_at"] = format_instant(known_at)
    reply = api.call("POST", "/v1/permissions/batch", body, key="dialer")
    assert reply.status == 200, reply.text
    out += clean(reply)["results"]
    return out


@pytest.fixture(scope="module")
def internal(api):
    return create_list(api, "internal")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(before=st.lists(STEP, min_size=1, max_size=9), gap=GAPS, after=st.lists(STEP, max_size=9),
       jump=st.sampled_from([timedelta(0), 40 * DAY]))
def test_a_decision_made_at_t_is_replayed_exactly_with_at_and_known_at_t(api, internal, before, gap, after, jump):
    number = new_phone()
    clock = Clock(utc_now().replace(microsecond=0) + timedelta(days=next(_ids) % 7))
    with pinned(clock):
        for step, offset, fact in before:
            clock.now += step
            record(api, number, internal, fact, clock.now + offset, clock.now)
        clock.now += gap
        t = clock.now
        then = lookups(api, number)  # a plain lookup at T: at and known_at are now
        for step, offset, fact in after:
            clock.now += step + (jump if step == after[0][0] else timedelta(0))
            record(api, number, internal, fact, clock.now + offset, clock.now)
        clock.now += jump + timedelta(seconds=1)
        replayed = lookups(api, number, at=t, known_at=t)
    for original, again in zip(then, replayed, strict=True):
        assert original["known_at"] is None
        assert again["known_at"] == format_instant(t)
        assert {**again, "known_at": None} == original


def test_the_clock_is_pinned_only_inside_the_block():
    clock = Clock(datetime(2030, 1, 1, tzinfo=UTC))
    module = sys.modules["registry.services.recording"]
    original = module.utc_now
    with pinned(clock):
        assert module.utc_now() == clock.now
    assert module.utc_now is original
