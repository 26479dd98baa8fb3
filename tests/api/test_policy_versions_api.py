"""Policy versions through both hosts (issue 12 item 3, CONTRACT.md "Jurisdiction and time"):
GET /v1/policy?at= answers the version in force then with every rule and its citation; a brand's
overrides are versions (from now, or a later policy_effective_from; never the past); every decision
names its policy_version; the FCC revoke-all rule (DA 26-12) is a version from 2027-01-31.

Dates are pinned (explicit at / occurred_at) or taken relative to now: nothing compares a server-stamped
time with a fixed instant."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import assert_error, clean, codes, decide, unique, written_consent

pytestmark = pytest.mark.dynamodb

BEFORE_RULE, AFTER_RULE = "2027-01-30T12:00:00Z", "2027-02-01T12:00:00Z"
LATER = "2027-02-10T20:00:00Z"  # Wed 12:00 in Los Angeles: after both
BASELINE, REVOKE_ALL = "federal-2025-04-11", "federal-2027-01-31"


def policy(api, at: str | None = None, brand: str | None = None) -> dict:
    query = "&".join(f"{k}={quoted(v)}" for k, v in (("at", at), ("brand", brand)) if v is not None)
    reply = api.call("GET", "/v1/policy" + (f"?{query}" if query else ""), key="dialer")
    assert reply.status == 200, reply.text
    return clean(reply)


def put_brand(api, brand: str, body: dict, status: int) -> dict:
    reply = api.call("PUT", f"/v1/brands/{quoted(brand)}", body)
    assert reply.status == status, reply.text
    return clean(reply)


def from_now(**delta) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_policy_at_a_moment_answers_the_version_then_with_every_rule_and_its_citation(both):
    before, after = policy(both, BEFORE_RULE), policy(both, AFTER_RULE)
    assert (before["policy_version"], after["policy_version"]) == (BASELINE, REVOKE_ALL)
    assert (before["effective_from"], after["effective_from"]) == ("2025-04-11T04:00:00Z", "2027-01-31T05:00:00Z")
    assert (before["at"], after["at"]) == (BEFORE_RULE, AFTER_RULE)
    assert (before["revoke_all"], after["revoke_all"]) == (False, True)
    assert before["next_version_from"] == "2027-01-31T05:00:00Z" and after["next_version_from"] is None
    # what it answered before versions stays: the brand, the policy document, brands with overrides
    assert before["brand"] == "default" and before["policy"]["quiet_hours_start"] == "08:00"
    assert isinstance(before["brands_with_overrides"], list)
    # every rule with its citation: federal ones, the state pack's, none of a brand's here
    for body in (before, after):
        rules = {r["id"]: r for r in body["rules"]}
        assert rules["quiet_hours"]["citation"] == "47 CFR 64.1200(c)(1)" and rules["quiet_hours"]["scope"] == "federal"
        assert rules["state.FL.hours"]["citation"] == "Fla. Stat. 501.616(6)(a)"
        assert rules["state.FL.hours"]["state"] == "FL" and "08:00-20:00" in rules["state.FL.hours"]["text"]
        assert rules["state.FL.cap"]["citation"] == "Fla. Stat. 501.616(6)(b)"
        assert all(r["text"] for r in body["rules"]) and not [r for r in body["rules"] if r["scope"] == "brand"]
        assert all(r["citation"] for r in body["rules"] if r["scope"] == "state")
        assert [v["name"] for v in body["versions"]["federal"]] == [BASELINE, REVOKE_ALL]
        assert body["versions"]["brand"] == [] and body["brand_version"] is None
    assert "revoke_all" not in {r["id"] for r in before["rules"]}
    revoke = {r["id"]: r for r in after["rules"]}["revoke_all"]
    assert revoke["citation"] == "47 CFR 64.1200(a)(10); FCC DA 26-12"
    assert after["federal_version"]["name"] == REVOKE_ALL and after["federal_version"]["revoke_all"] is True
    assert after["policy"]["rules"] == [{k: r[k] for k in ("id", "citation", "text")}
                                        for r in after["rules"] if r["scope"] == "federal"]


def test_policy_exactly_at_a_versions_start_is_that_version(both):
    assert policy(both, "2027-01-31T05:00:00Z")["policy_version"] == REVOKE_ALL
    assert policy(both, "2027-01-31T00:00:00-05:00")["policy_version"] == REVOKE_ALL
    assert policy(both, "2027-01-31T04:59:59.999999Z")["policy_version"] == BASELINE


def test_policy_with_no_at_is_the_version_in_force_now(both):
    body = policy(both)
    asked = datetime.fromisoformat(body["at"])
    assert abs(asked - datetime.now(UTC)) < timedelta(minutes=1)
    started = [v for v in body["versions"]["federal"] if datetime.fromisoformat(v["effective_from"]) <= asked]
    assert body["policy_version"] == (started[-1] if started else body["versions"]["federal"][0])["name"]


@pytest.mark.parametrize("at", ["yesterday", "2027-01-30T12:00:00", "2027-02-30T12:00:00Z", ""])
def test_a_bad_at_is_refused(both, at):
    reply = both.call("GET", f"/v1/policy?at={quoted(at)}", key="dialer")
    assert_error(reply, 400, "invalid_request", "at")


def test_a_brands_overrides_are_versions_from_now_or_later_never_the_past(both):
    brand, address = unique("versioned"), new_email()
    put_brand(both, brand, {"policy": {"basis": {"email:marketing": "consent"}}}, 201)
    # before the PUT the brand had no overrides: a moment then keeps the federal version alone
    past = policy(both, "2026-01-01T00:00:00Z", brand)
    assert past["policy_version"] == BASELINE and past["brand_version"] is None
    assert past["policy"]["basis"]["email:marketing"] == "none"
    assert decide(both, address, "email", brand=brand, at="2026-01-01T20:00:00Z")["decision"] == "allow"
    tomorrow = from_now(days=1)
    soon = policy(both, tomorrow, brand)
    assert soon["policy_version"].endswith(f"+brand-{brand}-1") and soon["brand_version"]["number"] == 1
    assert soon["policy"]["basis"]["email:marketing"] == "consent"
    assert {r["id"]: r for r in soon["rules"]}["brand.basis"] == {
        "id": "brand.basis", "scope": "brand", "brand": brand, "citation": None,
        "text": f'{brand} sets basis to {{"email:marketing": "consent"}}'}
    assert codes(decide(both, address, "email", brand=brand, at=tomorrow)) == ["no_consent"]
    assert brand in soon["brands_with_overrides"]

    # a version scheduled for later: the one before stays in force until then
    later = from_now(days=10)
    scheduled = put_brand(both, brand, {"policy": {"basis": {"email:marketing": "none"}},
                                        "policy_effective_from": later}, 200)
    assert [(v["number"], v["effective_from"]) for v in scheduled["policy_versions"]][1:] == [(2, later)]
    assert scheduled["policy"] == {"basis": {"email:marketing": "consent"}}  # in force now: version 1
    assert policy(both, tomorrow, brand)["policy_version"].endswith("-1")
    assert policy(both, from_now(days=11), brand)["policy_version"].endswith(f"+brand-{brand}-2")
    assert decide(both, address, "email", brand=brand, at=from_now(days=11))["decision"] == "allow"
    assert [v["number"] for v in policy(both, tomorrow, brand)["versions"]["brand"]] == [1, 2]

    # never in the past; never before a version already scheduled (send its time to replace it)
    past_put = both.call("PUT", f"/v1/brands/{quoted(brand)}", {"policy": {}, "policy_effective_from":
                                                                "2020-01-01T00:00:00Z"})
    assert_error(past_put, 400, "invalid_request", "policy_effective_from")
    early = both.call("PUT", f"/v1/brands/{quoted(brand)}", {"policy": {"hot_days": 2}})
    assert_error(early, 409, "conflict", "policy_effective_from")
    alone = both.call("PUT", f"/v1/brands/{quoted(brand)}", {"policy_effective_from": later})
    assert_error(alone, 400, "invalid_request", "policy_effective_from")
    replaced = put_brand(both, brand, {"policy": {"hot_days": 2}, "policy_effective_from": later}, 200)
    assert [v["number"] for v in replaced["policy_versions"]] == [1, 2, 3]
    assert policy(both, from_now(days=11), brand)["brand_version"]["overrides"] == {"hot_days": 2}
    # nothing was rewritten: the refused PUTs changed nothing, the versions before stand as they were
    stored = clean(both.call("GET", f"/v1/brands/{quoted(brand)}", key="dialer"))
    assert stored["policy_versions"][:2] == scheduled["policy_versions"]


def test_sending_the_same_overrides_again_adds_no_version(both):
    brand = unique("same")
    first = put_brand(both, brand, {"policy": {"hot_days": 2}}, 201)
    again = put_brand(both, brand, {"policy": {"hot_days": 2}, "help_text": "help"}, 200)
    assert again["policy_versions"] == first["policy_versions"] and len(first["policy_versions"]) == 1


def test_lookups_and_batches_name_the_version_in_force_at_their_moment(both):
    number = new_phone()
    assert decide(both, number, "call", at=BEFORE_RULE)["policy_version"] == BASELINE
    assert decide(both, number, "call", at=AFTER_RULE)["policy_version"] == REVOKE_ALL
    brand = unique("named")
    put_brand(both, brand, {"policy": {"hot_days": 2}}, 201)
    tomorrow = from_now(days=1)
    named = decide(both, number, "call", brand=brand, at=tomorrow)["policy_version"]
    assert named.endswith(f"+brand-{brand}-1") and named.startswith("federal-")
    # (the brand's version is in force from the PUT on: pinned dates, whether before or after now, are
    # asked without it)
    for at, chosen, expected in ((BEFORE_RULE, None, BASELINE), (AFTER_RULE, None, REVOKE_ALL),
                                 ("2026-01-01T20:00:00Z", brand, BASELINE), (tomorrow, brand, named)):
        body = {"channel": "call", "purpose": "marketing", "at": at, "addresses": [number, new_phone(), "not a number"],
                **({"brand": chosen} if chosen else {})}
        reply = both.call("POST", "/v1/permissions/batch", body, key="dialer")
        assert reply.status == 200, reply.text
        results = clean(reply)["results"]
        assert [r.get("policy_version") for r in results] == [expected, expected, None]


def _stop(api, number: str, brand: str, occurred_at: str) -> dict:
    event = {"id": str(uuid.uuid4()), "type": "sms.inbound", "occurred_at": occurred_at, "source": "api-test",
             "data": {"from": number, "to": "+14155550000", "body": "STOP", "brand": brand}}
    reply = api.call("POST", "/v1/events", {"events": [event]})
    assert reply.status == 200, reply.text
    return clean(reply)["results"][0]


def test_the_same_stop_reply_before_and_after_the_revoke_all_rule(both):
    """A STOP on 2027-01-30 opts the number out of texts only; the same STOP on 2027-02-01 revokes
    every autodialed and prerecorded call and every text of the brand, informational ones too."""
    brand = unique("revoke")
    narrow, broad = new_phone(), new_phone()
    for number, at in ((narrow, BEFORE_RULE), (broad, AFTER_RULE)):
        written_consent(both, number, ["call", "sms"], ["marketing", "informational"], brand=brand,
                        occurred_at="2027-01-01T12:00:00Z")
        assert _stop(both, number, brand, at)["action"] == "opted_out"
    for channel, purpose, dialing in (("call", "informational", "autodialed"), ("call", "marketing", "prerecorded"),
                                      ("call", "informational", "artificial_voice")):
        assert decide(both, narrow, channel, purpose, at=LATER, brand=brand, dialing=dialing)["decision"] == "allow"
        denied = decide(both, broad, channel, purpose, at=LATER, brand=brand, dialing=dialing)
        assert codes(denied)[0] == "opted_out", (channel, purpose, dialing)  # (and so the consent is no basis)
        assert denied["reasons"][0]["rule"] == "47 CFR 64.1200(a)(10); FCC DA 26-12"
        assert denied["policy_version"] == REVOKE_ALL
    for number in (narrow, broad):  # texts: opted out either way (a STOP is about texts)
        assert codes(decide(both, number, "sms", "informational", at=LATER, brand=brand))[0] == "opted_out"
    # a manual call is no robocall; another brand's messages are not reached
    assert decide(both, broad, "call", "informational", at=LATER, brand=brand, dialing="manual")["decision"] == "allow"
    assert "opted_out" not in codes(decide(both, broad, "call", "informational", at=LATER, brand=unique("other"),
                                           dialing="autodialed"))
    # asked about a moment before the reply, neither is opted out
    assert decide(both, broad, "call", "informational", at="2027-01-31T20:00:00Z", brand=brand,
                  dialing="autodialed")["decision"] == "allow"
