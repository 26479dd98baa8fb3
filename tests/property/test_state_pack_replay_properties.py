"""Replay and state packs (issue 12 items 3 and 4): a decision made at T equals its replay with ``at=T&known_at=T``
made any time later, after more facts were recorded (some backdated to before T) and after a new policy version
with another state pack was added (it takes effect after T: a version is never added for the past). The replay
names the version in force at T and applies that version's pack.

Packs: the first one (state_rules.json), the amended one of tests/pack_versions.py (Florida 09:00-19:00, cap 2)
from CHANGE, and, added later, one based on it moving Florida to 10:00-18:00 with a cap of 1. T is drawn around
CHANGE and around Florida's windows in either pack.
"""
from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain import state_rules
from registry.domain.decide import Question, decide
from registry.domain.facts import Attempt, Consent, ContactFacts, Preferences
from registry.domain.policy_versions import federal_at, policy_at
from registry.domain.replay import known_by
from tests.pack_versions import PACK_NAME, florida_amended, history_of, write_pack

NY = ZoneInfo("America/New_York")
MIAMI = "+13055550123"
CHANGE = datetime(2027, 3, 1, tzinfo=NY)
LATER_PACK = "state_rules-later-test.json"

_DIR = Path(tempfile.mkdtemp(prefix="packs-"))
write_pack(_DIR)
_later = florida_amended()
_later["based_on"] = PACK_NAME
_later["states"]["FL"]["hours"]["days"] = {day: ["10:00", "18:00"] for day in state_rules.DAYS}
_later["states"]["FL"]["cap"]["per_24h"] = 1
write_pack(_DIR, LATER_PACK, _later)

SETTINGS = settings(max_examples=150, deadline=None)
DAYS = st.sampled_from([-7, -1, 0, 6, 7])  # around CHANGE (a Monday): the week before, the day, the week after
LOCAL = st.sampled_from([(7, 59), (8, 30), (9, 30), (17, 59), (18, 30), (19, 30), (20, 30), (23, 59)])
GAPS = st.sampled_from([timedelta(microseconds=1), timedelta(hours=1), timedelta(days=1), timedelta(days=40)])
BACK = st.sampled_from([timedelta(minutes=5), timedelta(hours=3), timedelta(hours=20), timedelta(days=2)])
CONSENT = Consent(id="c1", channels=frozenset({"call", "sms"}), purposes=frozenset({"marketing"}), brand="default",
                  occurred_at=datetime(2026, 11, 1, tzinfo=UTC), source="web_form", evidence={"text": "yes"},
                  grade="written")


def moments(draw) -> datetime:
    day, (hour, minute) = draw(DAYS), draw(LOCAL)
    local = (CHANGE + timedelta(days=day)).replace(hour=hour, minute=minute)
    return draw(st.sampled_from([local, CHANGE, CHANGE - timedelta(microseconds=1)])).astimezone(UTC)


def attempts(draw, at: datetime, recorded_after: bool) -> list[Attempt]:
    """Marketing calls before ``at``, recorded by then, or (``recorded_after``) only after it."""
    out = []
    for n, back in enumerate(draw(st.lists(BACK, max_size=3))):
        when = at - back
        recorded = at + draw(GAPS) if recorded_after else when
        out.append(Attempt(id=f"a{n}-{recorded_after}", channel=draw(st.sampled_from(["call", "sms"])),
                           purpose="marketing", brand="default", occurred_at=when, outcome="no_answer",
                           recorded_at=recorded))
    return out


def decision(at: datetime, contact: ContactFacts, history, known_at: datetime | None = None) -> dict:
    question = Question(MIAMI, "phone", "call", "marketing", "default", at, known_at=known_at)
    with mock.patch.object(state_rules, "PACK_DIR", _DIR):
        return decide(question, known_by(contact, known_at or at), policy_at("default", (), at, history)).to_dict()


@SETTINGS
@given(st.data())
def test_a_replay_later_applies_the_pack_of_t_and_answers_as_at_t(data):
    at = moments(data.draw)
    known = attempts(data.draw, at, recorded_after=False)
    then = ContactFacts(address=MIAMI, kind="phone", consents=(CONSENT,), attempts=tuple(known),
                        preferences=Preferences())
    history_then = history_of(("state-2027-03-01", CHANGE, PACK_NAME))
    answered = decision(at, then, history_then)

    # later: more attempts recorded (backdated to before T), and a version with another pack from after T
    later_start = at + data.draw(GAPS)
    if later_start == CHANGE:  # two versions never start together (policy_versions.json refuses it)
        later_start += timedelta(microseconds=1)
    history_later = history_of(("state-2027-03-01", CHANGE, PACK_NAME), ("state-later", later_start, LATER_PACK))
    now = ContactFacts(address=MIAMI, kind="phone", consents=(CONSENT,),
                       attempts=tuple(known + attempts(data.draw, at, recorded_after=True)), preferences=Preferences())
    replayed = decision(at, now, history_later, known_at=at)

    assert replayed.pop("known_at") is not None and answered.pop("known_at") is None
    assert replayed == answered
    in_force = federal_at(at, history_then)
    assert replayed["policy_version"] == in_force.name and in_force.state_pack != LATER_PACK
    assert in_force.state_pack == (PACK_NAME if at >= CHANGE else state_rules.PACK_PATH.name)
    # the pack of T decides: Florida's window then (local time in Miami)
    local = at.astimezone(NY).time()
    opens, closes = ("09:00", "19:00") if at >= CHANGE else ("08:00", "20:00")
    quiet = [r for r in replayed["reasons"] if r["code"] == "quiet_hours"]
    outside = not (opens <= local.strftime("%H:%M") < closes)
    assert bool(quiet) == outside
    if quiet and closes == "19:00" and "20:00" > local.strftime("%H:%M") >= "19:00":
        assert quiet[0]["rule"].endswith("(as amended: a test)")
