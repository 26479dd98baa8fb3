"""Policy versions (issue 12 item 3, domain/policy_versions.py): the version in force at a moment,
exactly at its effective_from and a microsecond before; a brand's versions added, never rewritten;
the federal versions as data; the revoke-all rule (FCC DA 26-12) read at the reply's occurred_at.

Every date is pinned: nothing here compares with the clock."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from builders import EMAIL, LA_PHONE, ask, codes, consent, facts, opt_out, ts, written

from registry.domain.brand_settings import Brand
from registry.domain.errors import Conflict, InvalidRequest
from registry.domain.policy import DEFAULT_POLICY, RULES, RuleId, cite
from registry.domain.policy_versions import (
    MAX_BRAND_VERSIONS,
    VERSIONS_PATH,
    BrandVersion,
    VersionsError,
    add_brand_version,
    brand_version_at,
    brand_versions_document,
    federal_at,
    federal_versions,
    in_force_index,
    next_change,
    parse_brand_versions,
    parse_versions,
    policy_at,
    reply_revokes_all,
    revokes_all,
    version_name,
)
from registry.domain.profile import scope_statuses
from registry.domain.scope_status import Scope, scope_status

US = timedelta(microseconds=1)
REVOKE_ALL_FROM = ts("2027-01-31T05:00:00Z")  # 2027-01-31 00:00 in Washington (EST)
BASELINE_FROM = ts("2025-04-11T04:00:00Z")  # 2025-04-11 00:00 in Washington (EDT)
T1, T2, T3 = ts("2026-01-01T00:00:00Z"), ts("2026-06-01T00:00:00Z"), ts("2027-01-01T00:00:00Z")


# --- choosing the version in force -------------------------------------------------------------

@pytest.mark.parametrize("starts, at, index", [
    ([], T2, None),
    ([T2], T2 - US, None),  # a microsecond before it: not yet
    ([T2], T2, 0),  # exactly at its effective_from: in force
    ([T1, T2], T2 - US, 0),
    ([T1, T2], T2, 1),
    ([T1, T2, T3], T3 + US, 2),
    ([None], T1, 0),  # from the beginning
    ([None, T2], T1, 0),
    ([None, T2], T2, 1),
    ([T1, T1], T1, 1),  # a tie: the later version (a scheduled one replaced)
    ([T1, T2, T2], T2, 2),
    ([T1, T2, T2], T2 - US, 0),
])
def test_the_version_in_force_is_the_last_started_by_then(starts, at, index):
    assert in_force_index(starts, at) == index


def test_the_federal_versions_in_force_at_their_boundaries():
    assert federal_at(REVOKE_ALL_FROM - US).name == "federal-2025-04-11"
    assert federal_at(REVOKE_ALL_FROM).name == "federal-2027-01-31"
    assert federal_at(ts("2031-01-01T00:00:00Z")).name == "federal-2027-01-31"
    assert federal_at(BASELINE_FROM).name == "federal-2025-04-11"
    # before the first version the first one answers: the registry holds no older rules
    assert federal_at(BASELINE_FROM - US).name == "federal-2025-04-11"
    assert federal_at(ts("1999-01-01T00:00:00Z")).name == "federal-2025-04-11"


def test_the_federal_versions_are_data_named_by_the_day_they_take_effect_in_washington():
    raw = json.loads(VERSIONS_PATH.read_text(encoding="utf-8"))
    versions = federal_versions()
    assert [v.name for v in versions] == [r["name"] for r in raw["versions"]] == [
        "federal-2025-04-11", "federal-2027-01-31"]
    assert [v.effective_from for v in versions] == [BASELINE_FROM, REVOKE_ALL_FROM]
    assert [v.revoke_all for v in versions] == [False, True]
    assert all(v.citation and v.summary and v.state_pack == "state_rules.json" for v in versions)
    assert "DA 26-12" in versions[1].citation
    for v in versions:  # the policy a version applies is named by it
        assert (v.policy.version, v.policy.effective_from, v.policy.revoke_all, v.policy.state_pack) == (
            v.name, v.effective_from, v.revoke_all, v.state_pack)


def test_the_revoke_all_rule_is_in_force_only_from_its_version():
    before, after = (federal_at(REVOKE_ALL_FROM - US).policy, federal_at(REVOKE_ALL_FROM).policy)
    assert RuleId.REVOKE_ALL not in [r.id for r in before.rules]
    assert [r.id for r in after.rules] == [r.id for r in before.rules] + [RuleId.REVOKE_ALL]
    assert {r["id"] for r in after.to_document()["rules"]} - {r["id"] for r in before.to_document()["rules"]} == {
        "revoke_all"}
    assert cite(RuleId.REVOKE_ALL) == "47 CFR 64.1200(a)(10); FCC DA 26-12"
    # the settings a brand can override are the same in both: the contract's default table
    assert {k: v for k, v in before.to_document().items() if k != "rules"} == {
        k: v for k, v in DEFAULT_POLICY.to_document().items() if k != "rules"}


def test_a_versions_name_and_start_are_not_settings_in_the_policy_document():
    doc = federal_at(REVOKE_ALL_FROM).policy.to_document()
    assert not {"version", "effective_from", "revoke_all", "state_pack"} & set(doc)


# --- a brand's versions --------------------------------------------------------------------------

ACME = (BrandVersion(1, T1, {"quiet_hours_end": "20:00"}, T1), BrandVersion(2, T3, {"hot_days": 3}, T2))


def test_a_brands_version_in_force_and_none_before_its_first():
    assert brand_version_at(ACME, T1 - US) is None
    assert brand_version_at(ACME, T1).number == 1
    assert brand_version_at(ACME, T3 - US).number == 1
    assert brand_version_at(ACME, T3).number == 2
    assert brand_version_at((), T3) is None


def test_the_policy_at_a_moment_names_the_federal_and_the_brands_versions():
    federal = federal_at(T2)
    assert policy_at("acme", (), T2) is federal.policy  # no brand version: the federal one, as it is
    assert policy_at("acme", ACME, T1 - US).version == "federal-2025-04-11"
    at_t2 = policy_at("acme", ACME, T2)
    assert at_t2.version == "federal-2025-04-11+brand-acme-1" == version_name(federal, "acme", ACME[0])
    assert at_t2.effective_from == T1 and at_t2.quiet_hours_end.isoformat() == "20:00:00"
    assert at_t2.hot_days == DEFAULT_POLICY.hot_days
    at_t3 = policy_at("acme", ACME, T3)  # version 2 replaces version 1's overrides: they do not add up
    assert at_t3.version == "federal-2025-04-11+brand-acme-2" and at_t3.effective_from == T3
    assert at_t3.hot_days == 3 and at_t3.quiet_hours_end == DEFAULT_POLICY.quiet_hours_end
    later = policy_at("acme", ACME, REVOKE_ALL_FROM)  # the federal version is the later start
    assert later.version == "federal-2027-01-31+brand-acme-2" and later.effective_from == REVOKE_ALL_FROM
    assert later.revoke_all and later.hot_days == 3
    seeded = (BrandVersion(0, None, {"hot_days": 5}),)  # from the beginning: the federal start
    assert policy_at("acme", seeded, T2).effective_from == federal.effective_from
    assert policy_at("acme", seeded, T2).version == "federal-2025-04-11+brand-acme-0"


def test_versions_read_from_another_federal_history():
    history = parse_versions(_versions({}, {"settings": {"hot_days": 2}}))  # v1 from 2026-01-01
    assert policy_at("acme", (), T1 - US, history).version == "v0"
    assert policy_at("acme", ACME, T1, history).version == "v1+brand-acme-1"
    assert next_change((), ts("2025-06-01T00:00:00Z"), history) == T1
    assert next_change((), T1, history) is None
    assert version_name(history[0], "acme", None) == "v0"


def test_next_change_is_the_next_start_of_either():
    assert next_change(ACME, T1 - US) == T1
    assert next_change(ACME, T1) == T3
    assert next_change(ACME, T3) == REVOKE_ALL_FROM
    assert next_change(ACME, REVOKE_ALL_FROM) is None
    assert next_change((BrandVersion(0, None, {}),), REVOKE_ALL_FROM - US) == REVOKE_ALL_FROM


def test_a_new_version_takes_effect_now_by_default_and_is_numbered_after_the_last():
    added = add_brand_version(ACME[:1], {"hot_days": 4}, T2)
    assert added[:1] == ACME[:1] and added[1] == BrandVersion(2, T2, {"hot_days": 4}, T2)
    first = add_brand_version((), {"hot_days": 4}, T2)
    assert first == (BrandVersion(1, T2, {"hot_days": 4}, T2),)
    after_seed = add_brand_version((BrandVersion(0, None, {"hot_days": 5}),), {}, T2)
    assert [(v.number, v.effective_from) for v in after_seed] == [(0, None), (1, T2)]


def test_the_same_overrides_again_add_no_version_unless_dated():
    assert add_brand_version(ACME[:1], {"quiet_hours_end": "20:00"}, T2) == ACME[:1]
    dated = add_brand_version(ACME[:1], {"quiet_hours_end": "20:00"}, T2, T3)
    assert len(dated) == 2 and dated[1].effective_from == T3 and dated[1].recorded_at == T2
    assert len(add_brand_version((), {}, T2)) == 1  # a first version, even of no overrides


def test_a_version_is_never_in_the_past():
    assert add_brand_version((), {}, T2, T2)[0].effective_from == T2  # exactly now is not the past
    with pytest.raises(InvalidRequest) as err:
        add_brand_version((), {}, T2, T2 - US)
    assert (err.value.message, err.value.field) == (
        "policy_effective_from is in the past: a version takes effect now or later, and the policy in force before "
        "now is never rewritten", "policy_effective_from")


def test_a_version_never_takes_effect_before_one_already_scheduled():
    with pytest.raises(Conflict) as err:
        add_brand_version(ACME, {"hot_days": 9}, T2)  # now, while version 2 waits for T3
    assert (err.value.message, err.value.field) == (
        "version 2 of this brand's policy takes effect at 2027-01-01T00:00:00Z; a new version takes effect at or "
        "after it (send that time to replace it)", "policy_effective_from")
    with pytest.raises(Conflict):
        add_brand_version(ACME, {"hot_days": 9}, T2, T3 - US)
    replaced = add_brand_version(ACME, {"hot_days": 9}, T2, T3)  # the same start replaces it
    assert brand_version_at(replaced, T3).number == 3 and brand_version_at(replaced, T3).overrides == {"hot_days": 9}


def test_a_brand_keeps_a_bounded_number_of_versions():
    many = tuple(BrandVersion(n, T1, {}, T1) for n in range(1, MAX_BRAND_VERSIONS + 1))
    with pytest.raises(Conflict) as err:
        add_brand_version(many, {"hot_days": 1}, T2)
    assert (err.value.message, err.value.field) == (f"a brand keeps at most {MAX_BRAND_VERSIONS} policy versions",
                                                    "policy")
    assert len(add_brand_version(many[:-1], {"hot_days": 1}, T2)) == MAX_BRAND_VERSIONS


def test_a_brands_versions_are_stored_and_read_back():
    versions = ACME + (BrandVersion(0, None, {}, None),)
    doc = brand_versions_document(versions)
    assert doc[0] == {"number": 1, "effective_from": "2026-01-01T00:00:00Z",
                      "overrides": {"quiet_hours_end": "20:00"}, "recorded_at": "2026-01-01T00:00:00Z"}
    assert doc[2]["effective_from"] is None and doc[2]["recorded_at"] is None
    assert parse_brand_versions(json.loads(json.dumps(doc))) == versions


@pytest.mark.parametrize("raw, error, message", [
    ({}, TypeError, "policy_versions is not a list"),
    ([1], TypeError, "a policy version is not an object with overrides"),
    ([{"number": 1}], TypeError, "a policy version is not an object with overrides"),
    ([{"number": 1, "overrides": []}], TypeError, "a policy version is not an object with overrides"),
    ([{"number": "1", "overrides": {}}], TypeError, "a policy version has no number"),
    ([{"number": True, "overrides": {}}], TypeError, "a policy version has no number"),
    ([{"number": 1, "overrides": {}, "effective_from": "soon"}], InvalidRequest, "effective_from"),
    ([{"number": 1, "overrides": {}, "recorded_at": "soon"}], InvalidRequest, "recorded_at"),
])
def test_a_brands_versions_not_as_written_are_refused(raw, error, message):
    with pytest.raises(error) as err:
        parse_brand_versions(raw)
    assert (err.value.field if isinstance(err.value, InvalidRequest) else str(err.value)) == message


def test_a_brand_reads_its_versions_seed_or_legacy_overrides_as_one_from_the_beginning():
    seed = Brand("acme", policy={"hot_days": 5}, stored=False)
    legacy = Brand("acme", policy={"hot_days": 5})
    assert seed.versions == (BrandVersion(0, None, {"hot_days": 5}),)
    assert legacy.versions == (BrandVersion(1, None, {"hot_days": 5}),)
    assert Brand("acme").versions == () and Brand("acme", stored=False).versions == ()
    versioned = Brand("acme", policy={"hot_days": 5}, policy_versions=ACME)
    assert versioned.versions == ACME
    assert versioned.overrides_at(T1 - US) == {} and versioned.overrides_at(T3) == {"hot_days": 3}
    worded = replace(versioned, stop_words=("basta",)).rules_at(T3)
    assert worded.version == "federal-2025-04-11+brand-acme-2" and "basta" in worded.sms_replies.opt_out


# --- the federal versions' file -----------------------------------------------------------------

BASE = {"name": "federal-a", "effective_from": "2025-01-01T00:00:00-05:00", "summary": "s", "citation": "c"}


def _versions(*changes):
    return {"versions": [{**BASE, "name": f"v{i}", "effective_from": f"202{5 + i}-01-01T00:00:00Z", **c}
                         for i, c in enumerate(changes)]}


def test_each_federal_version_applies_on_top_of_the_one_before():
    parsed = parse_versions(_versions(
        {"drop_rules": ["revoke_all", "snooze"]},
        {"settings": {"quiet_hours_end": "20:00"}, "revoke_all": True, "state_pack": "state_rules-2026.json"},
        {"add_rules": ["snooze"], "settings": {"hot_days": 2}}))
    first, second, third = parsed
    ids = [r.id for r in first.policy.rules]
    assert RuleId.REVOKE_ALL not in ids and RuleId.SNOOZE not in ids and len(ids) == len(RULES) - 2
    assert (first.revoke_all, first.state_pack) == (False, "state_rules.json")
    assert second.policy.quiet_hours_end.isoformat() == "20:00:00" and second.revoke_all
    assert [r.id for r in second.policy.rules] == ids
    # the third inherits the second's revoke_all, state pack and settings, and adds its own
    assert (third.revoke_all, third.state_pack) == (True, "state_rules-2026.json")
    assert (first.policy.state_pack, third.policy.state_pack) == ("state_rules.json", "state_rules-2026.json")
    assert third.policy.quiet_hours_end.isoformat() == "20:00:00" and third.policy.hot_days == 2
    assert [r.id for r in third.policy.rules] == ids + [RuleId.SNOOZE]
    assert third.effective_from == datetime(2027, 1, 1, tzinfo=UTC) and third.name == "v2"
    assert third.to_document() == {"name": "v2", "effective_from": "2027-01-01T00:00:00Z", "summary": "s",
                                   "citation": "c", "revoke_all": True, "state_pack": "state_rules-2026.json"}
    assert parse_versions(_versions({}, {"add_rules": ["snooze"], "drop_rules": ["snooze"]}))[1].policy.rules[-1].id \
        == RuleId.SNOOZE  # dropped, then added back: a version's add wins
    # adding a rule in force, or twice, keeps it once and in its place; dropping one not in force is no error
    again = parse_versions(_versions({"drop_rules": ["revoke_all"]}, {"add_rules": ["snooze", "revoke_all", "revoke_all"]}))
    assert [r.id for r in again[1].policy.rules] == [r.id for r in DEFAULT_POLICY.rules]
    assert [r.id for r in parse_versions(_versions({"drop_rules": ["revoke_all"]}, {"drop_rules": ["revoke_all"]}))[
        1].policy.rules] == [r.id for r in DEFAULT_POLICY.rules][:-1]
    # each version's policy is named by it, from its start, with its revoke_all
    assert [(v.policy.version, v.policy.effective_from, v.policy.revoke_all) for v in parsed] == [
        ("v0", datetime(2025, 1, 1, tzinfo=UTC), False), ("v1", datetime(2026, 1, 1, tzinfo=UTC), True),
        ("v2", datetime(2027, 1, 1, tzinfo=UTC), True)]


@pytest.mark.parametrize("data, message", [
    ({}, "versions: must be a non-empty list"),
    ({"versions": []}, "versions: must be a non-empty list"),
    ({"versions": {}}, "versions: must be a non-empty list"),
    ([], "versions: must be a non-empty list"),
    ({"versions": ["x"]}, "versions[0]: must be an object"),
    (_versions({"name": " "}), "versions[0].name: must be non-empty text"),
    (_versions({}, {"name": "v0"}), "versions[1].name: v0 is taken"),
    (_versions({"effective_from": "2025-01-01T00:00:00"}), "versions[0].effective_from: must be an instant"),
    (_versions({"effective_from": "soon"}), "versions[0].effective_from: must be an instant"),
    (_versions({"effective_from": 2025}), "versions[0].effective_from: must be an instant"),
    (_versions({}, {"effective_from": "2025-01-01T00:00:00Z"}), "versions[1].effective_from: must be after"),
    (_versions({}, {"effective_from": "2024-01-01T00:00:00Z"}), "versions[1].effective_from: must be after"),
    (_versions({"revoke_all": "yes"}), "versions[0].revoke_all: must be true or false"),
    (_versions({"state_pack": "../x.json"}), "versions[0].state_pack: a .json file"),
    (_versions({"state_pack": "x.yaml"}), "versions[0].state_pack: a .json file"),
    (_versions({"state_pack": 1}), "versions[0].state_pack: a .json file"),
    (_versions({"add_rules": "snooze"}), "versions[0].add_rules: must be a list of rule ids"),
    (_versions({"drop_rules": ["no_such_rule"]}), "versions[0].drop_rules: 'no_such_rule' is no rule"),
    (_versions({"settings": {"colour": "blue"}}), "versions[0].settings: unknown policy setting 'colour'"),
    (_versions({"summary": ""}), "versions[0].summary: must be non-empty text"),
    (_versions({"citation": None}), "versions[0].citation: must be non-empty text"),
])
def test_a_federal_versions_file_not_well_formed_is_refused_naming_the_field(data, message):
    with pytest.raises(VersionsError) as err:
        parse_versions(data)
    assert str(err.value).startswith(message)


# --- the revoke-all rule (FCC DA 26-12) ----------------------------------------------------------

def test_a_reply_revokes_all_from_the_rules_effective_moment_exactly():
    assert reply_revokes_all(REVOKE_ALL_FROM) and not reply_revokes_all(REVOKE_ALL_FROM - US)


def _stop(at: str, brand: str = "acme", source: str = "sms_keyword", channels=("sms",), purposes=("all",)):
    return opt_out(channels=channels, purposes=purposes, brand=brand, source=source, at=at)


AFTER, BEFORE = "2027-02-01T15:00:00Z", "2027-01-30T15:00:00Z"


@pytest.mark.parametrize("stop, channel, brand, dialing, reaches", [
    (_stop(AFTER), "call", "acme", "autodialed", True),
    (_stop(AFTER), "call", "acme", "prerecorded", True),
    (_stop(AFTER), "call", "acme", "artificial_voice", True),
    (_stop(AFTER), "sms", "acme", "autodialed", True),
    (_stop(AFTER), "call", "acme", "manual", False),  # a person dialing is no robocall
    (_stop(AFTER), "call", "acme", None, False),
    (_stop(AFTER), "email", "acme", None, False),
    (_stop(AFTER), "call", "other", "autodialed", False),  # another brand's messages
    (_stop(AFTER, brand="*"), "call", "other", "autodialed", True),  # a reply to no brand's number: every brand
    (_stop(BEFORE), "call", "acme", "autodialed", False),  # made before the rule: its own scope only
    (_stop(AFTER, source="agent"), "call", "acme", "autodialed", False),  # not a reply to a message
    (_stop(AFTER, source="preference_center"), "sms", "acme", "autodialed", False),
])
def test_which_contacts_a_reply_under_the_revoke_all_rule_reaches(stop, channel, brand, dialing, reaches):
    assert revokes_all(stop, channel, brand, dialing) is reaches


def test_the_revoke_all_rule_can_be_read_from_another_history():
    history = parse_versions(_versions({}, {"revoke_all": True}))  # from 2026-01-01
    stop = _stop("2026-02-01T00:00:00Z")
    assert revokes_all(stop, "call", "acme", "autodialed", history)
    assert not revokes_all(stop, "call", "acme", "autodialed")  # the registry's: not before 2027-01-31


LATER = "2027-02-10T20:00:00Z"  # Wed 12:00 in Los Angeles: after both replies


def _lookup(stop, channel="sms", purpose="informational", dialing=None, brand="acme", address=LA_PHONE,
            extra=()):
    f = facts(address, consents=[written(channels=("call", "sms"), purposes=("marketing", "informational"),
                                         brand=brand, at="2027-01-01T12:00:00Z"), *extra], opt_outs=[stop])
    return ask(f, channel=channel, purpose=purpose, brand=brand, at=LATER, dialing=dialing,
               policy=federal_at(ts(LATER)).policy)


def test_the_same_stop_the_day_before_the_rule_is_narrow_and_the_day_after_broad():
    """A STOP to a marketing text: on 2027-01-30 it opts out of marketing texts only; on 2027-02-01 of
    every autodialed or prerecorded call and every text of the brand, informational ones too."""
    narrow, broad = (_stop(BEFORE, purposes=("marketing",)), _stop(AFTER, purposes=("marketing",)))
    for channel, purpose, dialing in (("sms", "informational", None), ("call", "informational", "autodialed"),
                                      ("call", "informational", "prerecorded"), ("call", "marketing", "autodialed")):
        assert "opted_out" not in codes(_lookup(narrow, channel, purpose, dialing)), (channel, purpose, dialing)
        decision = _lookup(broad, channel, purpose, dialing)
        assert codes(decision)[:1] == ["opted_out"] and decision.decision == "deny", (channel, purpose, dialing)
        (reason,) = [r for r in decision.reasons if r.code == "opted_out"]
        assert reason.rule == "47 CFR 64.1200(a)(10); FCC DA 26-12"
        assert reason.message == ("a reply revoked every autodialed, prerecorded and artificial-voice call and "
                                  "every text of brand acme, for every purpose, at 2027-02-01T15:00:00Z")
        assert decision.status.revoked_all and decision.policy_version == "federal-2027-01-31"
    for stop in (narrow, broad):  # the scope it was about: opted out either way, by its own rule
        decision = _lookup(stop, "sms", "marketing")
        assert codes(decision)[0] == "opted_out" and not decision.status.revoked_all
        assert decision.reasons[0].rule == "47 CFR 64.1200(d)(3)"
    # a manual call, an email and another brand are not reached
    assert _lookup(broad, "call", "informational", "manual").decision == "allow"
    assert _lookup(broad, "call", "marketing", "manual").decision == "allow"
    assert "opted_out" not in codes(_lookup(broad, brand="other"))


def test_email_is_not_reached_by_a_reply():
    stop = _stop(AFTER)
    f = facts(EMAIL, opt_outs=[stop])
    assert ask(f, channel="email", purpose="informational", brand="acme", at=LATER).decision == "allow"


def test_the_persons_own_later_consent_lifts_a_broad_revocation():
    stop = _stop(AFTER, purposes=("marketing",))
    again = consent(channels=("sms",), purposes=("informational",), brand="acme", at="2027-02-05T12:00:00Z")
    assert _lookup(stop, extra=[again]).decision == "allow"
    crm = consent(channels=("sms",), purposes=("informational",), brand="acme", at="2027-02-05T12:00:00Z",
                  source="crm")
    assert codes(_lookup(stop, extra=[crm]))[0] == "opted_out"


def test_the_scope_status_shows_a_broad_revocation_as_opted_out():
    stop = _stop(AFTER, purposes=("marketing",))
    f = facts(opt_outs=[stop])
    status = scope_status(f, Scope("sms", "informational", "acme"), ts(LATER), DEFAULT_POLICY)
    assert status.opted_out and status.revoked_all and status.opt_out == stop
    own = scope_status(f, Scope("sms", "marketing", "acme"), ts(LATER), DEFAULT_POLICY)
    assert own.opted_out and not own.revoked_all
    manual = scope_status(f, Scope("call", "informational", "acme"), ts(LATER), DEFAULT_POLICY, "manual")
    assert not manual.opted_out and not manual.revoked_all


def test_a_lookup_names_the_version_in_force_at_its_moment():
    f = facts()
    before = ask(f, at=REVOKE_ALL_FROM - US, policy=federal_at(REVOKE_ALL_FROM - US).policy)
    after = ask(f, at=REVOKE_ALL_FROM, policy=federal_at(REVOKE_ALL_FROM).policy)
    assert (before.policy_version, after.policy_version) == ("federal-2025-04-11", "federal-2027-01-31")
    assert after.to_dict()["policy_version"] == "federal-2027-01-31"
    assert ask(f).to_dict()["policy_version"] is None  # a policy no version names (tests' own)


def test_the_profile_lists_every_text_of_the_brand_a_reply_under_the_rule_revoked():
    f = facts(opt_outs=[_stop(AFTER, purposes=("marketing",)), _stop(BEFORE, brand="old", purposes=("marketing",)),
                        _stop(AFTER, brand="agent", source="agent", purposes=("marketing",))])
    scopes = {(s["channel"], s["purpose"], s["brand"]): s["status"]
              for s in scope_statuses(f, ts(LATER), lambda brand: DEFAULT_POLICY)}
    assert scopes[("sms", "informational", "acme")] == scopes[("sms", "marketing", "acme")] == "opted_out"
    assert ("sms", "informational", "old") not in scopes and ("sms", "informational", "agent") not in scopes
    email = facts(EMAIL, opt_outs=[_stop(AFTER, channels=("email",))])
    assert [(s["channel"], s["purpose"]) for s in scope_statuses(email, ts(LATER), lambda brand: DEFAULT_POLICY)] == [
        ("email", "informational"), ("email", "marketing")]
