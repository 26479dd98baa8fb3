"""State rules packs as policy versions (issue 12 item 3): a decision applies the state rules of the pack the
policy version in force at its ``at`` names (``Policy.state_pack``, read through ``state_rules.pack_named``), and
names that version; a pack ``based_on`` another lists only the states it changes.

The amended pack (tests/pack_versions.py) moves Florida to 09:00-19:00 with a cap of 2; it takes effect at CHANGE.
Every moment here is pinned (the domain is pure): 2027-02-22 and 2027-03-08 are Mondays.
"""
from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from builders import attempt, facts, relationship, written

from registry.domain import state_rules, violations
from registry.domain.decide import Question, decide
from registry.domain.facts import SuppressionMembership
from registry.domain.policy_versions import federal_at, federal_versions, policy_at
from registry.domain.state_rules import StatePackError, pack_named, parse_pack, read_pack
from tests.pack_versions import AMENDED_CAP, AMENDED_HOURS, PACK_NAME, florida_amended, history_with, write_pack

NY = ZoneInfo("America/New_York")
MIAMI = "+13055550123"  # 305: Florida
DALLAS = "+12145550123"  # 214: Texas
CHANGE = datetime(2027, 3, 1, tzinfo=NY)
VERSION = "state-2027-03-01"
FLORIDA_HOURS, FLORIDA_CAP = "Fla. Stat. 501.616(6)(a)", "Fla. Stat. 501.616(6)(b)"


def at_ny(day: int, month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=NY)


BEFORE, AFTER = at_ny(22, 2, 19, 30), at_ny(8, 3, 19, 30)  # Mondays, 19:30 in Miami


@pytest.fixture
def packs(tmp_path, monkeypatch):
    """The amended pack beside the first one (a directory of the test's own), and the versions naming it."""
    monkeypatch.setattr(state_rules, "PACK_DIR", tmp_path)
    write_pack(tmp_path)
    return history_with(VERSION, CHANGE)


def lookup(address: str, at: datetime, history, contact=None, brand: str = "default"):
    contact = contact or facts(address, consents=[written(at="2026-11-01T12:00:00Z")])
    question = Question(address, "phone", "call", "marketing", brand, at)
    return decide(question, contact, policy_at(brand, (), at, history))


def only_reason(decision):
    assert len(decision.reasons) == 1, decision.reasons
    return decision.reasons[0]


# ---- decisions use the pack of the version in force at `at` ------------------------------------------------------


def test_before_the_change_floridas_first_hours_apply_and_after_it_the_amended_ones(packs):
    before, after = lookup(MIAMI, BEFORE, packs), lookup(MIAMI, AFTER, packs)
    assert before.decision == "allow" and before.policy_version != VERSION
    assert before.policy_version == federal_at(BEFORE, packs).name
    assert after.decision == "defer" and after.policy_version == VERSION
    reason = only_reason(after)
    assert (reason.code, reason.message, reason.rule) == (
        "quiet_hours", "19:30 in America/New_York; Florida allows calls 09:00-19:00", AMENDED_HOURS)
    assert after.next_allowed_at == at_ny(9, 3, 9).astimezone(UTC)  # the amended pack's opening, the next day


def test_exactly_at_the_change_the_new_pack_applies_and_a_microsecond_before_the_old_one(packs):
    assert federal_at(CHANGE, packs).state_pack == PACK_NAME
    just_before = datetime(2027, 2, 28, 23, 59, 59, 999999, tzinfo=NY)
    assert federal_at(just_before, packs).state_pack == state_rules.PACK_PATH.name
    assert lookup(MIAMI, CHANGE, packs).policy_version == VERSION
    assert lookup(MIAMI, just_before, packs).policy_version != VERSION
    # next_allowed_at is found under the version in force at `at` (docs/decisions.md): the first pack's 08:00
    assert lookup(MIAMI, just_before, packs).next_allowed_at == at_ny(1, 3, 8).astimezone(UTC)
    assert lookup(MIAMI, CHANGE, packs).next_allowed_at == at_ny(1, 3, 9).astimezone(UTC)


def test_next_allowed_at_before_the_change_opens_at_the_first_packs_hour(packs):
    decision = lookup(MIAMI, at_ny(22, 2, 20, 30), packs)
    reason = only_reason(decision)
    assert (reason.message, reason.rule) == ("20:30 in America/New_York; Florida allows calls 08:00-20:00",
                                             FLORIDA_HOURS)
    assert decision.next_allowed_at == at_ny(23, 2, 8).astimezone(UTC)


def test_the_state_cap_is_the_packs_of_the_version_in_force(packs):
    def contact(at: datetime):
        made = [attempt(at=(at.replace(hour=h)).astimezone(UTC).isoformat()) for h in (10, 11)]
        return facts(MIAMI, consents=[written(at="2026-11-01T12:00:00Z")], attempts=made)

    before, after = at_ny(22, 2, 12), at_ny(8, 3, 12)
    assert lookup(MIAMI, before, packs, contact(before)).decision == "allow"  # 2 of Florida's first 3
    reason = only_reason(lookup(MIAMI, after, packs, contact(after)))
    assert reason.code == "frequency_cap" and reason.rule == AMENDED_CAP and "Florida allows 2" in reason.message


def test_the_pack_does_not_reach_another_state(packs):
    dallas = [lookup(DALLAS, at_ny(d, m, 19, 30), packs) for d, m in ((22, 2), (8, 3))]
    assert [d.decision for d in dallas] == ["allow", "allow"]
    assert dallas[1].policy_version == VERSION  # the version is the moment's, whatever state the number is in


def test_a_state_lists_exemptions_are_the_packs_of_the_version_in_force(tmp_path, monkeypatch):
    """A pack based on the amended one: Texas's list takes no EBR any more (only a written consent lifts it)."""
    monkeypatch.setattr(state_rules, "PACK_DIR", tmp_path)
    write_pack(tmp_path)
    texas = json.loads(state_rules.PACK_PATH.read_text(encoding="utf-8"))["states"]["TX"]
    texas["dnc"] = {**texas["dnc"], "ebr_accepted": False, "citation": "Tex. Bus. & Com. Code 304.052 (a test)"}
    write_pack(tmp_path, "state_rules-texas-test.json", {"based_on": PACK_NAME, "states": {"TX": texas}})
    history = history_with(VERSION, CHANGE, "state_rules-texas-test.json")
    listed = facts(DALLAS, relationships=[relationship(at="2027-02-01T12:00:00Z")],
                   suppressions=[SuppressionMembership("texas-list", "state", state="TX")])
    before, after = at_ny(22, 2, 12), at_ny(8, 3, 12)
    assert lookup(DALLAS, before, history, listed).decision == "allow"  # the first pack: an EBR lifts it
    decision = lookup(DALLAS, after, history, listed)
    on_list, written_only = decision.reasons
    assert (on_list.code, on_list.rule) == ("on_suppression_list", "Tex. Bus. & Com. Code 304.052 (a test)")
    assert (written_only.code, written_only.rule) == ("written_consent_required", "Tex. Bus. & Com. Code 304.052 (a test)")
    assert written_only.message.startswith("only a written consent lifts do-not-call list texas-list")
    assert decision.status.state_pack == "state_rules-texas-test.json"
    # and the list's own reason cites the pack's statute: without the EBR, on the list
    alone = facts(DALLAS, suppressions=[SuppressionMembership("texas-list", "state", state="TX")])
    cited = [r.rule for r in lookup(DALLAS, after, history, alone).reasons if r.code == "on_suppression_list"]
    assert cited == ["Tex. Bus. & Com. Code 304.052 (a test)"]
    first = [r.rule for r in lookup(DALLAS, before, history, alone).reasons if r.code == "on_suppression_list"]
    assert first == [state_rules.list_citation("TX", state_rules.load_pack())]


def test_a_violation_is_reviewed_with_the_pack_of_the_attempts_moment(packs):
    def review(at: datetime):
        made = attempt(at=at.astimezone(UTC).isoformat())
        contact = facts(MIAMI, consents=[written(at="2026-11-01T12:00:00Z")], attempts=[made])
        return violations.review(made, contact, policy_at("default", (), at, packs))

    assert review(BEFORE) is None
    finding = review(AFTER)
    assert finding is not None and [r.rule for r in finding.reasons] == [AMENDED_HOURS]


def test_the_real_versions_name_packs_that_load():
    for version in federal_versions():
        pack = pack_named(version.state_pack)
        assert pack.states and version.policy.state_pack == version.state_pack
    assert pack_named(state_rules.PACK_PATH.name) is state_rules.load_pack()


# ---- packs: one file each, a pack based on another --------------------------------------------------------------


def test_a_pack_based_on_another_changes_only_the_states_it_lists(tmp_path):
    write_pack(tmp_path)
    first, amended = state_rules.load_pack(), read_pack(tmp_path, PACK_NAME, datetime.now(UTC).date())
    assert amended.states["FL"].days == (("09:00", "19:00"),) * 7
    assert amended.states["FL"].cap is not None and amended.states["FL"].cap.per_24h == 2
    assert first.states["FL"].days[0] == ("08:00", "20:00")
    assert {c: r for c, r in amended.states.items() if c != "FL"} == {c: r for c, r in first.states.items() if c != "FL"}
    assert (amended.federal, amended.federal_citation) == (first.federal, first.federal_citation)


def test_a_pack_may_take_a_state_out_or_change_the_federal_window(tmp_path):
    write_pack(tmp_path, "out.json", {"based_on": PACK_NAME, "states": {"TX": None},
                                      "federal": {"hours": ["08:00", "20:00"], "citation": "a test"}})
    write_pack(tmp_path)
    pack = read_pack(tmp_path, "out.json", datetime.now(UTC).date())
    assert "TX" not in pack.states and pack.states["FL"].days[0] == ("09:00", "19:00")  # the base's base's change
    assert (pack.federal, pack.federal_citation) == (("08:00", "20:00"), "a test")


def test_pack_named_reads_each_pack_once_from_the_packs_directory(tmp_path, monkeypatch):
    monkeypatch.setattr(state_rules, "PACK_DIR", tmp_path)
    write_pack(tmp_path)
    pack = pack_named(PACK_NAME)
    assert pack is pack_named(PACK_NAME) and pack.states["FL"].days[0] == ("09:00", "19:00")
    (tmp_path / PACK_NAME).unlink()
    assert pack_named(PACK_NAME) is pack  # read once per process (per directory)


@pytest.mark.parametrize(("files", "name", "words"), [
    ({}, "missing.json", "missing.json: no such pack"),
    ({"a.json": {"states": {}}}, "a.json", "a.json: federal: must be an object"),
    ({}, "../state_rules.json", "'../state_rules.json': a pack is a .json file"),
    ({}, "state_rules.yaml", "a pack is a .json file"),
    ({"a.json": {"based_on": "b.json", "states": {}}, "b.json": {"based_on": "a.json", "states": {}}}, "a.json",
     "a.json: based_on goes round in a circle (a.json -> b.json -> a.json)"),
    ({"a.json": {"based_on": "a.json", "states": {}}}, "a.json", "a.json: based_on goes round in a circle"),
    ({"a.json": {"based_on": 5, "states": {}}}, "a.json", "5: a pack is a .json file"),
    ({"a.json": {"based_on": "state_rules.json", "states": {"NY": None}}}, "a.json",
     "a.json: NY: null takes a state out, and the pack it is based on has none"),
    ({"a.json": {"based_on": "state_rules.json", "states": []}}, "a.json", "a.json: states: must be an object"),
    ({"a.json": {"based_on": "state_rules.json", "states": {"FL": {"name": "Florida"}}}}, "a.json",
     "a.json: FL.applies_to"),
    ({"a.json": {"based_on": "state_rules.json", "states": {}, "federal": {"hours": None}}}, "a.json",
     "a.json: federal.hours: must be a window"),
])
def test_a_pack_that_is_not_well_formed_is_refused_naming_the_pack_and_the_field(tmp_path, files, name, words):
    for file, data in files.items():
        write_pack(tmp_path, file, data)
    with pytest.raises(StatePackError) as refused:
        read_pack(tmp_path, name, datetime.now(UTC).date())
    assert words in str(refused.value)


def test_a_file_that_is_not_json_is_refused(tmp_path):
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(StatePackError, match=r"bad\.json: not JSON"):
        read_pack(tmp_path, "bad.json", datetime.now(UTC).date())


def test_based_on_is_read_by_the_reader_never_ignored():
    with pytest.raises(StatePackError) as refused:
        parse_pack(florida_amended(), datetime.now(UTC).date())
    assert str(refused.value) == "based_on: the pack it is based on was not read"
    with pytest.raises(StatePackError, match="federal: must be an object"):
        parse_pack({"states": {}}, datetime.now(UTC).date())


def test_a_pack_of_its_own_holds_every_state_and_is_checked_against_the_day_given(tmp_path):
    """A pack based on none is read whole, as the first one is; its `checked` dates may not be after the day given."""
    (tmp_path / "whole.json").write_text(state_rules.PACK_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    today = datetime.now(UTC).date()
    assert read_pack(tmp_path, "whole.json", today) == state_rules.load_pack()
    with pytest.raises(StatePackError) as refused:
        read_pack(tmp_path, "whole.json", date(2026, 1, 1))
    assert str(refused.value).startswith("whole.json: AL.") and str(refused.value).endswith("is in the future")


def test_a_file_that_is_json_but_not_an_object_is_refused(tmp_path):
    (tmp_path / "list.json").write_text("[]", encoding="utf-8")
    with pytest.raises(StatePackError) as refused:
        read_pack(tmp_path, "list.json", datetime.now(UTC).date())
    assert str(refused.value) == "list.json: the pack must be an object"
