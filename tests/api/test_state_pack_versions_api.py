"""State rules packs as policy versions through both hosts (issue 12 item 3): with a version that brings an amended
pack (tests/pack_versions.py: Florida 09:00-19:00, cap 2) from ten days from now, GET /v1/policy?at= answers each
moment's version with that version's state rules and citations, and a lookup, a batch and a replay at a moment
before and after the change apply the pack of that moment and name its version.

The version's start is taken relative to now (the suite also runs 400 days ahead); the versions and the packs'
directory are swapped in-process for the test (both hosts run in this process). Each test asks for a brand of its
own, so no policy resolved with the test's versions stays in another brand's cache.
"""
from __future__ import annotations

import time
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from registry.domain import policy_versions, state_rules
from registry.settings import reset_settings
from tests.api.conftest import new_phone, quoted
from tests.api.helpers import attempt, clean, unique, written_consent
from tests.pack_versions import AMENDED_CAP, AMENDED_HOURS, PACK_NAME, history_with, write_pack

pytestmark = pytest.mark.dynamodb

NY = ZoneInfo("America/New_York")
NAME = "state-florida-amended-test"
FLORIDA_HOURS, FLORIDA_CAP = "Fla. Stat. 501.616(6)(a)", "Fla. Stat. 501.616(6)(b)"


def instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def change(tmp_path, monkeypatch) -> Iterator[datetime]:
    """The amended pack takes effect ten days from now (a whole second)."""
    start = (datetime.now(UTC) + timedelta(days=10)).replace(microsecond=0)
    monkeypatch.setattr(state_rules, "PACK_DIR", tmp_path)
    write_pack(tmp_path)
    history = history_with(NAME, start)
    monkeypatch.setattr(policy_versions, "federal_versions", lambda: history)
    yield start
    reset_settings()  # the brands' cache forgets every policy resolved with the test's versions


def evening(change: datetime, days: int) -> str:
    """19:30 in Miami, ``days`` days from the change's day (inside Florida's first window, outside the amended)."""
    day = change.astimezone(NY).date() + timedelta(days=days)
    return instant(datetime(day.year, day.month, day.day, 19, 30, tzinfo=NY))


def policy(api, at: str, brand: str) -> dict:
    reply = api.call("GET", f"/v1/policy?at={quoted(at)}&brand={quoted(brand)}", key="dialer")
    assert reply.status == 200, reply.text
    return clean(reply)


def lookup(api, address: str, at: str, brand: str, known_at: str | None = None) -> dict:
    query = {"address": address, "channel": "call", "purpose": "marketing", "at": at, "brand": brand}
    if known_at is not None:
        query["known_at"] = known_at
    reply = api.call("GET", "/v1/permissions?" + urllib.parse.urlencode(query), key="dialer")
    assert reply.status == 200, reply.text
    return clean(reply)


def test_policy_at_answers_the_state_rules_of_the_version_then_with_their_citations(both, change):
    brand = unique("packs")
    before, after = policy(both, evening(change, -5), brand), policy(both, evening(change, 5), brand)
    assert before["policy_version"] != NAME and after["policy_version"] == NAME
    assert after["effective_from"] == instant(change) and before["next_version_from"] == instant(change)
    assert (before["federal_version"]["state_pack"], after["federal_version"]["state_pack"]) == (
        state_rules.PACK_PATH.name, PACK_NAME)
    assert NAME in [v["name"] for v in after["versions"]["federal"]]
    first, amended = ({r["id"]: r for r in body["rules"]} for body in (before, after))
    assert (first["state.FL.hours"]["citation"], amended["state.FL.hours"]["citation"]) == (FLORIDA_HOURS, AMENDED_HOURS)
    assert "08:00-20:00 every day" in first["state.FL.hours"]["text"]
    assert "09:00-19:00 every day" in amended["state.FL.hours"]["text"]
    assert (first["state.FL.cap"]["per_24h"], amended["state.FL.cap"]["per_24h"]) == (3, 2)
    assert amended["state.FL.cap"]["citation"] == AMENDED_CAP and first["state.FL.cap"]["citation"] == FLORIDA_CAP
    # every other state's rules are the first pack's, cited alike
    others = {k: v for k, v in first.items() if v["scope"] == "state" and not k.startswith("state.FL.")}
    assert others and others == {k: v for k, v in amended.items() if v["scope"] == "state" and not k.startswith("state.FL.")}


def test_a_lookup_and_a_batch_apply_the_pack_of_their_at(both, change):
    brand, miami = unique("packs"), new_phone("305")
    written_consent(both, miami, channels=("call",), brand=brand)
    before, after = evening(change, -3), evening(change, 3)
    early = lookup(both, miami, before, brand)
    assert early["decision"] == "allow" and early["policy_version"] != NAME
    late = lookup(both, miami, after, brand)
    assert late["decision"] == "defer" and late["policy_version"] == NAME
    assert [(r["code"], r["rule"]) for r in late["reasons"]] == [("quiet_hours", AMENDED_HOURS)]
    assert late["reasons"][0]["message"] == "19:30 in America/New_York; Florida allows calls 09:00-19:00"
    opens = datetime.fromisoformat(after).astimezone(NY).date() + timedelta(days=1)
    assert late["next_allowed_at"] == instant(datetime(opens.year, opens.month, opens.day, 9, tzinfo=NY))
    for at, expected in ((before, early), (after, late)):
        reply = both.call("POST", "/v1/permissions/batch", {"channel": "call", "purpose": "marketing", "brand": brand,
                                                            "at": at, "addresses": [miami]}, key="dialer")
        assert reply.status == 200, reply.text
        (result,) = clean(reply)["results"]
        assert (result["decision"], result["policy_version"], result["reasons"]) == (
            expected["decision"], expected["policy_version"], expected["reasons"])


def test_a_replay_at_each_moment_applies_that_moments_pack(both, change):
    brand, miami = unique("packs"), new_phone("305")
    written_consent(both, miami, channels=("call",), brand=brand)
    time.sleep(1.05)  # known_at is read to the second: a whole second after the consent was recorded
    known = instant(datetime.now(UTC))
    for at, decision in ((evening(change, -2), "allow"), (evening(change, 2), "defer")):
        replayed, live = lookup(both, miami, at, brand, known_at=known), lookup(both, miami, at, brand)
        assert (replayed["decision"], replayed["known_at"]) == (decision, known)
        assert {k: v for k, v in replayed.items() if k != "known_at"} == {k: v for k, v in live.items()
                                                                          if k != "known_at"}
        assert (replayed["policy_version"] == NAME) is (decision == "defer")


def test_the_violations_report_reviews_each_attempt_with_the_pack_of_its_moment(both, change):
    brand, miami = unique("packs"), new_phone("305")
    written_consent(both, miami, channels=("call",), brand=brand)
    found = {}
    for days in (-4, 4):
        at = evening(change, days)
        made = attempt(both, miami, occurred_at=at, brand=brand)
        moment = datetime.fromisoformat(at)
        query = urllib.parse.urlencode({"from": instant(moment - timedelta(seconds=1)),
                                        "to": instant(moment + timedelta(seconds=1))})
        reply = both.call("GET", f"/v1/reports/violations?{query}", key="admin")
        assert reply.status == 200, reply.text
        found[days] = [row for row in clean(reply)["violations"] if row["attempt_id"] == made["id"]]
    assert found[-4] == []  # 19:30 was inside Florida's first window
    (row,) = found[4]
    assert row["decision"] == "defer" and [(r["code"], r["rule"]) for r in row["reasons"]] == [
        ("quiet_hours", AMENDED_HOURS)]
