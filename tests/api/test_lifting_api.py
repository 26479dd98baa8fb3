"""Contract rev. 2 through HTTP, on both hosts (the Lambda handler and the local server): consent
grades and dialing modes, reassigned numbers, who may lift an opt-out, rule citations (issue 9,
items 4, 5, 6, 8)."""
from __future__ import annotations

import re
import urllib.parse
import uuid

import pytest

from registry.domain.facts import OptOut
from registry.domain.timeutil import parse_instant
from registry.services import fact_inputs, recording
from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import (
    NOON_LA,
    WRITTEN_EVIDENCE,
    add_entries,
    assert_error,
    attempt,
    clean,
    codes,
    consent,
    create_list,
    decide,
    history,
    noon_la_after_now,
    opt_out,
    post,
    preferences,
    profile,
    relationship,
    written_consent,
)

pytestmark = pytest.mark.dynamodb

RULE_WRITTEN = "47 CFR 64.1200(a)(2)"
RULE_WIRELESS = "47 U.S.C. 227(b)(1)(A)(iii)"
RULE_REASSIGNED = "47 CFR 64.1200(m)"


def reason(decision: dict, code: str) -> dict:
    (found,) = [r for r in decision["reasons"] if r["code"] == code]
    return found


def check(api, address, result="yes", since="2026-06-01", occurred_at="2026-11-25T12:00:00Z", status=201, **extra):
    body = {"address": address, "result": result, "since": since, "occurred_at": occurred_at, "source": "rnd",
            **extra}
    return post(api, "/v1/reassigned-checks", body, status)


# --- grades --------------------------------------------------------------------------------------

def test_a_written_consent_needs_its_disclosure_and_signature(both):
    number = new_phone()
    body = {"address": number, "channels": ["sms"], "purposes": ["marketing"], "source": "web_form",
            "occurred_at": "2026-11-20T12:00:00Z", "grade": "written"}
    assert_error(both.call("POST", "/v1/consents", body), 400, "invalid_request", "evidence.disclosure_text")
    assert_error(both.call("POST", "/v1/consents", {**body, "evidence": {"disclosure_text": "I agree"}}), 400,
                 "invalid_request", "evidence.signature")
    assert_error(both.call("POST", "/v1/consents", {**body, "grade": "signed"}), 400, "invalid_request", "grade")
    assert both.call("GET", f"/v1/contacts/{quoted(number)}").status == 404  # nothing was written
    record = post(both, "/v1/consents", {**body, "evidence": WRITTEN_EVIDENCE})
    assert record["grade"] == "written" and record["evidence"]["signature"] == WRITTEN_EVIDENCE["signature"]
    (entry,) = profile(both, number)["scopes"]
    assert (entry["status"], entry["grade"]) == ("consented", "written")
    (event,) = history(both, number)
    assert event["data"]["grade"] == "written" and event["evidence"]["signature"] == WRITTEN_EVIDENCE["signature"]


def test_marketing_texts_need_written_consent(both):
    plain, signed = new_phone(), new_phone()
    consent(both, plain, ["sms"])
    written_consent(both, signed, ["sms"])
    denied = decide(both, plain, "sms")
    assert denied["decision"] == "deny" and codes(denied) == ["written_consent_required"]
    assert reason(denied, "written_consent_required")["rule"] == RULE_WRITTEN
    assert decide(both, signed, "sms")["decision"] == "allow"
    assert profile(both, plain)["scopes"][0]["grade"] == "express"


# --- dialing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("dialing", ["autodialed", "prerecorded", "artificial_voice"])
def test_a_robocall_for_marketing_needs_written_consent(both, dialing):
    number = new_phone()
    consent(both, number, ["call"])
    assert decide(both, number, "call")["decision"] == "allow"  # manual, by default
    assert decide(both, number, "call", dialing="manual")["decision"] == "allow"
    robo = decide(both, number, "call", dialing=dialing)
    assert codes(robo) == ["written_consent_required"] and robo["dialing"] == dialing
    written_consent(both, number, ["call"], occurred_at="2026-11-29T12:00:00Z")
    assert decide(both, number, "call", dialing=dialing)["decision"] == "allow"


def test_an_informational_robocall_needs_consent_unless_the_line_is_a_landline(both):
    number = new_phone()
    assert decide(both, number, "call", "informational")["decision"] == "allow"
    robo = decide(both, number, "call", "informational", dialing="prerecorded")
    assert codes(robo) == ["no_consent"] and reason(robo, "no_consent")["rule"] == RULE_WIRELESS
    preferences(both, number, line_type="landline")
    assert decide(both, number, "call", "informational", dialing="prerecorded")["decision"] == "allow"
    preferences(both, number, line_type="voip")
    assert decide(both, number, "call", "informational", dialing="prerecorded")["decision"] == "deny"


def test_every_sms_counts_as_autodialed_and_email_has_no_dialing(both):
    number, address = new_phone(), new_email()
    assert decide(both, number, "sms", "informational", dialing="manual")["dialing"] == "autodialed"
    reply = both.permission(address, "email", "marketing", at=NOON_LA, dialing="autodialed")
    assert_error(reply, 400, "invalid_request", "dialing")
    assert_error(both.permission(number, "call", "marketing", dialing="robot"), 400, "invalid_request", "dialing")
    record = attempt(both, number, channel="sms", purpose="informational", outcome="delivered", dialing="manual")
    assert record["dialing"] == "autodialed"
    assert attempt(both, number, outcome="busy")["dialing"] == "manual"
    body = {"address": address, "channel": "email", "purpose": "marketing", "occurred_at": "2026-11-28T18:00:00Z",
            "outcome": "delivered", "dialing": "autodialed"}
    assert_error(both.call("POST", "/v1/attempts", body), 400, "invalid_request", "dialing")


def test_a_batch_takes_dialing(both):
    plain, signed = new_phone(), new_phone()
    consent(both, plain, ["call"])
    written_consent(both, signed, ["call"])
    body = {"channel": "call", "purpose": "marketing", "dialing": "autodialed", "at": NOON_LA,
            "addresses": [plain, signed]}
    reply = both.call("POST", "/v1/permissions/batch", body, key="dialer")
    first, second = clean(reply)["results"]
    assert codes(first) == ["written_consent_required"] and second["decision"] == "allow"
    assert_error(both.call("POST", "/v1/permissions/batch", {**body, "channel": "email", "addresses": [new_email()]},
                           key="dialer"), 400, "invalid_request", "dialing")


def test_a_national_list_is_lifted_only_by_written_consent_or_an_ebr(both):
    name = create_list(both, "national")
    express, signed, inquired = new_phone("212"), new_phone("212"), new_phone("212")
    add_entries(both, name, add=[express, signed, inquired])
    consent(both, express, ["call"])
    written_consent(both, signed, ["call"])
    relationship(both, inquired, "inquiry", occurred_at="2026-11-01T12:00:00Z")
    denied = decide(both, express, "call")
    assert codes(denied) == ["on_suppression_list", "written_consent_required"]
    assert reason(denied, "written_consent_required")["rule"] == "47 CFR 64.1200(c)(2)(ii)"
    assert reason(denied, "on_suppression_list")["rule"] == "47 CFR 64.1200(c)(2)"
    assert decide(both, signed, "call")["decision"] == "allow"
    assert decide(both, inquired, "call")["decision"] == "allow"


# --- preferences -----------------------------------------------------------------------------------

def test_preferences_take_a_state_and_a_line_type(both):
    number = new_phone()
    record = preferences(both, number, state="ca", line_type="wireless")
    assert (record["preferences"]["state"], record["preferences"]["line_type"]) == ("CA", "wireless")
    reply = both.call("PUT", f"/v1/contacts/{quoted(number)}/preferences", {"state": "ZZ"})
    assert_error(reply, 400, "invalid_request", "state")
    reply = both.call("PUT", f"/v1/contacts/{quoted(number)}/preferences", {"line_type": "fax"})
    assert_error(reply, 400, "invalid_request", "line_type")
    assert profile(both, number)["preferences"]["state"] == "CA"


def test_a_timezone_from_the_api_adds_to_the_numbers_zones(both):
    number = new_phone()  # Los Angeles
    preferences(both, number, timezone="America/New_York")
    decision = decide(both, number, "call", "informational", at="2026-12-01T14:30:00Z")  # 09:30 NY, 06:30 LA
    assert decision["timezones"] == ["America/Los_Angeles", "America/New_York"]
    assert decision["decision"] == "defer" and decision["next_allowed_at"] == "2026-12-01T16:00:00Z"
    assert profile(both, number)["preferences"]["timezone_source"] == "api"


# --- who may lift what -----------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["crm", "import", "api", "dialer", "referral", "event", "purchase"])
def test_a_consent_not_of_the_persons_own_does_not_lift_an_opt_out(both, source):
    number = new_phone()
    opt_out(both, number, ["call"], occurred_at="2026-11-21T12:00:00Z", source="inbound_call")
    written_consent(both, number, ["call"], source=source, occurred_at="2026-11-22T12:00:00Z")
    decision = decide(both, number, "call")
    assert decision["decision"] == "deny" and "opted_out" in codes(decision)
    assert f"consent from {source} cannot lift an opt-out" in reason(decision, "no_consent")["message"]
    consent(both, number, ["call"], source="web_form", occurred_at="2026-11-23T12:00:00Z")
    assert decide(both, number, "call")["decision"] == "allow"


def test_a_do_not_contact_disposition_covers_calls_and_texts(both):
    number = new_phone()
    written_consent(both, number, ["call", "sms"], ["marketing", "informational"], occurred_at="2026-11-20T12:00:00Z")
    attempt(both, number, outcome="answered", disposition="do_not_contact", occurred_at="2026-11-28T18:00:00Z")
    for channel in ("call", "sms"):
        for purpose in ("marketing", "informational"):
            assert "opted_out" in codes(decide(both, number, channel, purpose)), (channel, purpose)


def test_a_choice_on_the_preference_page_is_a_written_consent(both):
    number = new_phone()
    consent(both, number, ["sms"])  # express: not enough for marketing texts
    link = clean(both.call("POST", "/v1/preference-links", {"address": number}))
    path = urllib.parse.urlsplit(link["url"]).path
    html = both.call("GET", path, key=None).text
    assert "these need your agreement here" in html
    (name,) = re.findall(r'name="(scope\.[0-9a-f]+\.sms\.marketing)" value="keep"', html)
    reply = both.call("POST", path, key=None, raw=urllib.parse.urlencode({name: "in"}).encode(),
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert reply.status == 303, reply.text
    assert decide(both, number, "sms", at=noon_la_after_now())["decision"] == "allow"
    page_consent = [c for c in profile(both, number)["consents"] if c["source"] == "preference_center"]
    (made,) = page_consent
    assert made["grade"] == "written" and made["evidence"]["signature"].startswith("preference-link:")
    assert made["evidence"]["disclosure_text"] in html


# --- reassigned numbers ----------------------------------------------------------------------------

@pytest.mark.parametrize("outcome", ["disconnected", "wrong_party"])
def test_a_reassigned_number_loses_its_old_consent_for_good(both, outcome):
    number = new_phone()
    written_consent(both, number, ["call", "sms"], occurred_at="2026-11-01T12:00:00Z")
    relationship(both, number, "transaction", occurred_at="2026-11-02T12:00:00Z")
    attempt(both, number, purpose="informational", outcome=outcome, occurred_at="2026-11-10T18:00:00Z")
    attempt(both, number, purpose="informational", outcome="answered", occurred_at="2026-11-20T18:00:00Z")
    for channel in ("call", "sms"):
        decision = decide(both, number, channel)
        assert decision["decision"] == "deny" and "consent_void" in codes(decision), decision
        void = reason(decision, "consent_void")
        assert void["reassigned_at"] == "2026-11-10T18:00:00Z" and void["rule"] == RULE_REASSIGNED
    record = profile(both, number)
    assert [(r["cause"], r["occurred_at"]) for r in record["reassignments"]] == [(outcome, "2026-11-10T18:00:00Z")]
    assert {s["status"] for s in record["scopes"]} == {"void"}
    assert [e["active"] for e in record["ebr"]] == [False] and record["ebr"][0]["void"] is True
    types = [e["type"] for e in history(both, number)]
    assert types.count("number.reassigned") == 1 and types.index("number.reassigned") == types.index(
        "contact.attempted") + 1
    consent(both, number, ["call"], occurred_at="2026-11-21T12:00:00Z")  # the new owner's
    assert decide(both, number, "call")["decision"] == "allow"


def test_an_attempt_event_with_a_wrong_party_reassigns_too(both):
    number = new_phone()
    written_consent(both, number, ["call"], occurred_at="2026-11-01T12:00:00Z")
    event = {"id": str(uuid.uuid4()), "type": "contact.attempted", "occurred_at": "2026-11-10T18:00:00Z",
             "source": "dialer-x", "data": {"address": number, "channel": "call", "purpose": "informational",
                                            "outcome": "wrong_party", "dialing": "autodialed"}}
    (result,) = clean(both.call("POST", "/v1/events", {"events": [event]}))["results"]
    assert result["status"] == "applied"
    assert "consent_void" in codes(decide(both, number, "call"))


@pytest.mark.parametrize("result, void", [("yes", True), ("no", False), ("no_data", False)])
def test_every_reassigned_numbers_check_is_kept_and_yes_reassigns(both, result, void):
    number = new_phone()
    written_consent(both, number, ["call"], occurred_at="2026-11-01T12:00:00Z")
    record = check(both, number, result, id=f"rc-{uuid.uuid4().hex[:10]}")
    assert (record["address"], record["result"], record["since"], record["source"]) == (number, result, "2026-06-01",
                                                                                          "rnd")
    assert record["occurred_at"] == "2026-11-25T12:00:00Z" and record["recorded_at"].endswith("Z")
    again = post(both, "/v1/reassigned-checks", {k: v for k, v in record.items() if k != "recorded_at"}, 200)
    assert again == record
    assert_error(both.call("POST", "/v1/reassigned-checks", {**{k: v for k, v in record.items() if k != "recorded_at"},
                                                             "since": "2026-05-01"}), 409, "conflict", "id")
    (kept,) = profile(both, number)["reassigned_checks"]
    assert (kept["id"], kept["result"], kept["since"]) == (record["id"], result, "2026-06-01")
    types = [e["type"] for e in history(both, number)]
    assert types.count("reassigned_check.recorded") == 1
    assert types.count("number.reassigned") == (1 if void else 0)
    decision = decide(both, number, "call")
    assert ("consent_void" in codes(decision)) is void
    assert (decision["decision"] == "allow") is (not void)
    if void:
        assert reason(decision, "consent_void")["reassigned_at"] == "2026-11-25T12:00:00Z"


def test_a_bad_reassigned_numbers_check_is_refused_and_records_nothing(both):
    number = new_phone()
    body = {"address": number, "result": "yes", "since": "2026-06-01", "occurred_at": "2026-11-25T12:00:00Z",
            "source": "rnd"}
    for change, field in (({"since": "2026-11-26"}, "since"), ({"since": "June 1"}, "since"),
                          ({"result": "maybe"}, "result"), ({"source": "crm"}, "source"),
                          ({"address": new_email()}, "address"), ({"address": "nope"}, "address")):
        reply = both.call("POST", "/v1/reassigned-checks", {**body, **change})
        assert_error(reply, 400, None, field)
    assert both.call("GET", f"/v1/contacts/{quoted(number)}").status == 404
    assert_error(both.call("POST", "/v1/reassigned-checks", body, key="dialer"), 403)


def test_a_wrong_number_reply_through_the_recording_hook(both):
    """The hook the SMS replies call (services.recording.record_wrong_number): the opt-out and the
    reassignment in one write, each in the history."""
    number = new_phone()
    written_consent(both, number, ["call", "sms"], ["marketing", "informational"], occurred_at="2026-11-01T12:00:00Z")
    reply = OptOut(id=f"wn-{uuid.uuid4().hex[:10]}", channels=frozenset({"sms"}), purposes=frozenset({"all"}),
                   brand="default", source="sms_keyword", occurred_at=parse_instant("2026-11-25T12:00:00Z", "t"),
                   note="sms reply: wrong number")
    result = recording.record_wrong_number(fact_inputs.address(number), reply)
    assert result.created and result.record["id"] == reply.id
    assert not recording.record_wrong_number(fact_inputs.address(number), reply).created  # once
    call = decide(both, number, "call")
    assert "consent_void" in codes(call) and "opted_out" not in codes(call)
    assert "opted_out" in codes(decide(both, number, "sms", "informational"))
    types = [e["type"] for e in history(both, number)]
    assert types == ["consent.granted", "opt_out.recorded", "number.reassigned"]
    (reassigned,) = profile(both, number)["reassignments"]
    assert (reassigned["cause"], reassigned["cause_id"]) == ("wrong_number_reply", reply.id)


# --- the policy ------------------------------------------------------------------------------------

def test_the_policy_lists_each_rule_with_its_citation(both):
    body = clean(both.call("GET", "/v1/policy", key="dialer"))
    rules = {r["id"]: r["citation"] for r in body["policy"]["rules"]}
    assert rules["quiet_hours"] == "47 CFR 64.1200(c)(1)" and rules["written_consent"] == RULE_WRITTEN
    assert rules["wireless_consent"] == RULE_WIRELESS and rules["reassigned_number"] == RULE_REASSIGNED
    assert rules["frequency_cap"] is None  # the brand's own policy
    assert all(r["text"] for r in body["policy"]["rules"])
    assert rules["opt_out_confirmation"] == "47 CFR 64.1200(a)(12)"
    # ... alongside the words that count as an opt-out (one document)
    assert "stop" in body["policy"]["sms_replies"]["opt_out"] and body["policy"]["sms_replies"]["rule"]
