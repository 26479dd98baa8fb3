"""Facts that arrive as events: POST /v1/events."""

import uuid

import pytest

from tests.api.conftest import new_email, new_phone
from tests.api.helpers import (
    assert_error,
    assert_unknown,
    clean,
    codes,
    consent,
    decide,
    history,
    opt_out,
    profile,
    written_consent,
)

pytestmark = pytest.mark.dynamodb

WHEN = "2026-11-29T12:00:00Z"
SHORT_CODE = "12345"


def event(type_, data, occurred_at=None, id_=None, **extra):
    """An envelope; its occurred_at is the data's own when the data has one (they must agree)."""
    if occurred_at is None:
        occurred_at = (data.get("occurred_at") if isinstance(data, dict) else None) or WHEN
    return {"id": id_ or str(uuid.uuid4()), "type": type_, "occurred_at": occurred_at, "source": "api-test",
            "data": data, **extra}


def send_raw(api, events, status=200, key="admin"):
    reply = api.call("POST", "/v1/events", {"events": list(events)}, key=key)
    assert reply.status == status, reply.text
    return clean(reply)


def send(api, *events):
    """The results, checked to be one per event, in input order."""
    results = send_raw(api, events)["results"]
    assert [r["id"] for r in results] == [e.get("id") if isinstance(e, dict) else None for e in events]
    return results


def status_of(api, ev):
    (result,) = send(api, ev)
    return result["status"]


def sms(sender, body, brand=None, occurred_at=WHEN, **extra):
    data = {"from": sender, "to": SHORT_CODE, "body": body}
    if brand is not None:
        data["brand"] = brand
    return event("sms.inbound", data, occurred_at, **extra)


def consent_data(address, channels=("sms",), purposes=("marketing",), occurred_at="2026-11-28T12:00:00Z", **extra):
    data = {"address": address, "channels": list(channels), "purposes": list(purposes), "source": "web_form",
            **extra}
    if occurred_at is not None:
        data["occurred_at"] = occurred_at
    return data


# --- the fact types: data as the matching endpoint's body -------------------------------------


def test_consent_event_records_a_consent_like_the_endpoint(api):
    number = new_phone()
    ev = event("consent.granted", consent_data(number, evidence={"disclosure_version": "v7"}))
    assert status_of(api, ev) == "applied"
    assert codes(decide(api, number, "sms")) == ["written_consent_required"]  # recorded; an express one (rev. 2)
    (entry,) = history(api, number)
    assert entry["id"] == ev["id"] and entry["type"] == "consent.granted"
    assert entry["source"] == "web_form" and entry["occurred_at"] == "2026-11-28T12:00:00Z"
    assert entry["evidence"] == {"disclosure_version": "v7"}
    scope = profile(api, number)
    assert ev["id"] in str(scope)


def test_opt_out_event_records_an_opt_out(api):
    number = new_phone()
    consent(api, number, ["call", "sms"], occurred_at="2026-11-20T12:00:00Z")
    ev = event("opt_out.recorded", {"address": number, "channels": ["all"], "purposes": ["all"], "brand": "*",
                                    "source": "crm", "occurred_at": "2026-11-21T12:00:00Z", "note": "asked"})
    assert status_of(api, ev) == "applied"
    for channel in ("call", "sms"):
        decision = decide(api, number, channel, brand="acme")
        assert decision["decision"] == "deny" and "opted_out" in codes(decision)
    assert [e["type"] for e in history(api, number)] == ["consent.granted", "opt_out.recorded"]


def test_relationship_event_gives_ebr(api):
    number = new_phone()
    assert "no_consent" in codes(decide(api, number, "call"))
    ev = event("relationship.recorded", {"address": number, "kind": "inquiry", "occurred_at": "2026-11-20T12:00:00Z",
                                         "source": "inbound_call"})
    assert status_of(api, ev) == "applied"
    assert decide(api, number, "call")["decision"] == "allow"
    (entry,) = history(api, number)
    assert entry["type"] == "relationship.recorded" and entry["source"] == "inbound_call"


def test_attempt_event_counts_and_its_disposition_opts_out(api):
    number = new_phone()
    ev = event("contact.attempted", {"address": number, "channel": "call", "purpose": "informational",
                                     "occurred_at": "2026-11-29T12:00:00Z", "outcome": "answered",
                                     "disposition": "do_not_contact"})
    assert status_of(api, ev) == "applied"
    decision = decide(api, number, "call", purpose="informational")
    assert decision["decision"] == "deny" and "opted_out" in codes(decision)
    assert sorted(e["type"] for e in history(api, number)) == ["contact.attempted", "opt_out.recorded"]
    assert status_of(api, ev) == "duplicate"
    assert len(history(api, number)) == 2


def test_preferences_event_updates_preferences(api):
    number = new_phone()
    ev = event("preferences.updated", {"address": number, "preferred_channel": "sms", "timezone": "America/Chicago"})
    assert status_of(api, ev) == "applied"
    prefs = profile(api, number)["preferences"]
    assert prefs["preferred_channel"] == "sms" and prefs["timezone"] == "America/Chicago"
    (entry,) = history(api, number)
    assert entry["id"] == ev["id"] and entry["type"] == "preferences.updated"
    assert status_of(api, ev) == "duplicate"


def test_preferences_event_needs_a_preference_and_an_address(api):
    empty = event("preferences.updated", {"address": new_phone()})
    no_address = event("preferences.updated", {"timezone": "America/Chicago"})
    results = send(api, empty, no_address)
    assert results[0]["status"] == "rejected" and results[0]["error"]["code"] == "invalid_request"
    assert results[1]["error"]["field"] == "data.address"


def test_the_envelopes_occurred_at_stands_in_and_the_datas_must_agree_with_it(api):
    own, borrowed, same_instant = new_phone(), new_phone(), new_phone()
    results = send(api, event("consent.granted", consent_data(own, occurred_at="2026-11-01T08:00:00Z"),
                              occurred_at="2026-11-05T08:00:00Z"),
                   event("consent.granted", consent_data(borrowed, occurred_at=None),
                         occurred_at="2026-11-05T08:00:00-05:00"),
                   event("consent.granted", consent_data(same_instant, occurred_at="2026-11-05T13:00:00Z"),
                         occurred_at="2026-11-05T08:00:00-05:00"))
    # an event that says two different times is refused, not guessed at
    assert results[0]["status"] == "rejected"
    assert results[0]["error"]["code"] == "invalid_request" and results[0]["error"]["field"] == "data.occurred_at"
    assert_unknown(api, own)
    assert [r["status"] for r in results[1:]] == ["applied", "applied"]
    assert history(api, borrowed)[0]["occurred_at"] == "2026-11-05T13:00:00Z"
    assert history(api, same_instant)[0]["occurred_at"] == "2026-11-05T13:00:00Z"  # one instant, two offsets


@pytest.mark.parametrize("type_, data", [
    ("opt_out.recorded", {"channels": ["sms"], "purposes": ["all"], "source": "crm"}),
    ("relationship.recorded", {"kind": "inquiry"}),
    ("contact.attempted", {"channel": "call", "purpose": "marketing", "outcome": "answered"}),
])
def test_every_timed_fact_event_must_agree_on_its_time(api, type_, data):
    number = new_phone()
    (result,) = send(api, event(type_, {"address": number, "occurred_at": "2026-11-20T12:00:00Z", **data},
                                occurred_at="2026-11-20T12:00:01Z"))
    assert result["status"] == "rejected" and result["error"]["field"] == "data.occurred_at"
    assert_unknown(api, number)


def test_data_source_is_checked_but_the_envelope_source_is_free_text(api):
    number = new_phone()
    bad = event("consent.granted", consent_data(number, source="acceptance"))
    good = event("consent.granted", consent_data(number), source="Twilio webhook / region 2")
    results = send(api, bad, good)
    assert results[0]["status"] == "rejected"
    assert results[0]["error"]["code"] == "invalid_request" and results[0]["error"]["field"] == "data.source"
    assert results[1]["status"] == "applied"
    (stored,) = profile(api, number)["consents"]  # the good one only, with its data's source
    assert (stored["id"], stored["source"]) == (good["id"], "web_form")


def test_a_data_id_must_be_the_event_id(api):
    number = new_phone()
    same = event("consent.granted", consent_data(number))
    same["data"]["id"] = same["id"]
    other = event("consent.granted", consent_data(number, id="something-else"))
    results = send(api, same, other)
    assert results[0]["status"] == "applied"
    assert results[1]["status"] == "rejected" and results[1]["error"]["field"] == "data.id"
    assert len(history(api, number)) == 1


# --- sms.inbound (contract rev. 2: replies read as a person means them) -----------------------

STOP_REPLIES = ["STOP", "stop", "  Stop ", "\tSTOP\n", "STOPALL", "StopAll", "UNSUBSCRIBE", "unsubscribe",
                "CANCEL", "cancel", "END", "end", "QUIT", "Quit", "REVOKE", "revoke", "OPTOUT", "optout",
                "OPT OUT", "opt out", " Opt  Out ",
                # rev. 2: words, not whole bodies; punctuation, emoji and case ignored
                "STOP.", "Stop please", "please stop texting me", "STOP!!! 🛑", "OPT-OUT", "Stop it", "STOP STOP",
                "remove me", "Don't text me", "no more texts", "leave me alone", "ALTO", "parar", "cancelar",
                "baja", "arrêt"]


def reply_to_unknown(number, body, **kwargs):
    """A reply to a number no brand holds, with no brand given."""
    return sms(number, body, **kwargs)


@pytest.mark.parametrize("body", STOP_REPLIES)
def test_stop_words_opt_out_of_sms_for_every_brand_when_the_brand_is_unknown(api, body):
    number = new_phone()
    written_consent(api, number, ["call", "sms"], ["marketing", "informational"], occurred_at="2026-11-20T12:00:00Z")
    consent(api, number, ["sms"], ["informational"], occurred_at="2026-11-20T12:00:00Z", brand="acme")
    assert decide(api, number, "sms")["decision"] == "allow"
    (result,) = send(api, reply_to_unknown(number, body))
    assert result["status"] == "applied" and result["action"] == "opted_out", (body, result)
    for purpose in ("marketing", "informational"):
        decision = decide(api, number, "sms", purpose=purpose)
        assert decision["decision"] == "deny" and "opted_out" in codes(decision), body
    assert "opted_out" in codes(decide(api, number, "sms", purpose="informational", brand="acme"))
    assert decide(api, number, "call")["decision"] == "allow"  # only sms
    (_, _, entry) = history(api, number)
    assert entry["type"] == "opt_out.recorded" and entry["source"] == "sms_keyword"
    assert entry["occurred_at"] == WHEN
    assert entry["data"]["channels"] == ["sms"] and entry["data"]["purposes"] == ["all"]
    assert entry["data"]["brand"] == "*"
    # the note names the word that decided it, never the rest of the body
    note = entry["data"]["note"]
    assert note.startswith("sms reply: ") and "please" not in note and "texting" not in note and "🛑" not in note


@pytest.mark.parametrize("body", ["hello", "Y", "", "   ", "what time is my appointment?",
                                  "I'll be stopping by at noon", "nonstop", "🛑", "Thanks, see you Tuesday"])
def test_other_replies_are_accepted_and_change_nothing(api, body):
    number = new_phone()
    ev = sms(number, body)
    (result,) = send(api, ev)
    assert result == {"id": ev["id"], "status": "applied", "action": "none"}
    assert status_of(api, ev) == "applied"  # nothing was recorded, so nothing to be a duplicate of
    assert_unknown(api, number)


def test_other_replies_leave_a_known_contact_as_it_was(api):
    number = new_phone()
    written_consent(api, number, ["sms"], occurred_at="2026-11-20T12:00:00Z")
    assert status_of(api, sms(number, "Thanks, see you Tuesday")) == "applied"
    assert decide(api, number, "sms")["decision"] == "allow"
    assert len(history(api, number)) == 1


def test_stop_names_the_brand_it_is_given(api):
    number = new_phone()
    for brand in ("acme", "default"):
        written_consent(api, number, ["sms"], occurred_at="2026-11-20T12:00:00Z", brand=brand)
    (result,) = send(api, sms(number, "STOP", brand="acme"))
    assert result["action"] == "opted_out"
    assert "opted_out" in codes(decide(api, number, "sms", brand="acme"))
    assert decide(api, number, "sms")["decision"] == "allow"


def test_the_brand_of_a_reply_is_the_brand_of_the_number_it_was_sent_to(api):
    from tests.api.helpers import unique

    acme, globex, acme_number, globex_number = unique("acme"), unique("globex"), new_phone(), new_phone()
    assert api.call("PUT", f"/v1/brands/{acme}", {"sms_numbers": [acme_number]}).status == 201
    assert api.call("PUT", f"/v1/brands/{globex}", {"sms_numbers": [globex_number]}).status == 201
    number = new_phone()
    for brand in (acme, globex):
        consent(api, number, ["sms"], ["informational"], brand=brand, occurred_at="2026-11-20T12:00:00Z")
    spelled = f"{acme_number[:2]} ({acme_number[2:5]}) {acme_number[5:8]}-{acme_number[8:]}"
    ev = event("sms.inbound", {"from": number, "to": spelled, "body": "Stop please"})
    assert send(api, ev)[0]["action"] == "opted_out"
    assert "opted_out" in codes(decide(api, number, "sms", purpose="informational", brand=acme))
    assert decide(api, number, "sms", purpose="informational", brand=globex)["decision"] == "allow"
    assert history(api, number)[-1]["data"]["brand"] == acme
    # data.brand wins over the number
    ev = event("sms.inbound", {"from": number, "to": acme_number, "body": "stop", "brand": globex})
    send(api, ev)
    assert "opted_out" in codes(decide(api, number, "sms", purpose="informational", brand=globex))


def test_a_brand_adds_its_own_stop_words(api):
    from tests.api.helpers import unique

    brand, brand_number, number = unique("acme"), new_phone(), new_phone()
    assert api.call("PUT", f"/v1/brands/{brand}", {"sms_numbers": [brand_number],
                                                    "stop_words": ["basta", "no thanks"]}).status == 201
    consent(api, number, ["sms"], ["informational"], brand=brand, occurred_at="2026-11-20T12:00:00Z")
    ev = event("sms.inbound", {"from": number, "to": brand_number, "body": "No thanks!"})
    assert send(api, ev)[0]["action"] == "opted_out"
    assert "opted_out" in codes(decide(api, number, "sms", purpose="informational", brand=brand))
    # another brand's reply does not read them; a reply to an unknown number reads every brand's
    other = new_phone()
    assert send(api, sms(other, "no thanks", brand="default"))[0]["action"] == "none"
    assert send(api, sms(other, "no thanks"))[0]["action"] == "opted_out"


def test_an_opt_out_result_carries_the_confirmation_text(api):
    from datetime import UTC, datetime, timedelta

    from tests.api.helpers import unique

    brand, brand_number, number = unique("acme"), new_phone(), new_phone()
    assert api.call("PUT", f"/v1/brands/{brand}", {"sms_numbers": [brand_number],
                                                    "confirmation_text": "Acme: you are unsubscribed."}).status == 201
    before = datetime.now(UTC)
    ev = event("sms.inbound", {"from": number, "to": brand_number, "body": "STOP"})
    (result,) = send(api, ev)
    after = datetime.now(UTC)
    assert result["confirmation"]["text"] == "Acme: you are unsubscribed."
    send_by = datetime.fromisoformat(result["confirmation"]["send_by"].replace("Z", "+00:00"))
    # when the registry received it (not the reply's occurred_at), plus 5 minutes
    assert before + timedelta(minutes=5) - timedelta(seconds=1) <= send_by <= after + timedelta(minutes=5)
    # the same event again: a duplicate, with the same send_by
    (again,) = send(api, ev)
    assert again["status"] == "duplicate" and again["confirmation"] == result["confirmation"]
    # the default text when the brand has none
    (plain,) = send(api, sms(new_phone(), "stop"))
    assert plain["confirmation"]["text"] and "unsubscribed" in plain["confirmation"]["text"]


def test_help_answers_the_brands_help_text_and_changes_nothing(api):
    from tests.api.helpers import unique

    brand, brand_number, number = unique("acme"), new_phone(), new_phone()
    assert api.call("PUT", f"/v1/brands/{brand}", {"sms_numbers": [brand_number],
                                                    "help_text": "Acme: call 555-0100. Reply STOP to stop."}).status == 201
    for body in ("HELP", "help?", "info", "AYUDA"):
        (result,) = send(api, event("sms.inbound", {"from": number, "to": brand_number, "body": body}))
        assert result == {"id": result["id"], "status": "applied", "action": "help",
                          "reply": "Acme: call 555-0100. Reply STOP to stop."}, body
    (plain,) = send(api, sms(number, "help"))
    assert plain["action"] == "help" and "STOP" in plain["reply"]  # the default text
    assert_unknown(api, number)


@pytest.mark.parametrize("body", ["START", "start", " Start\n", "UNSTOP", "unstop", "Start please"])
def test_start_undoes_the_last_keyword_opt_out_so_earlier_consents_count_again(api, body):
    number = new_phone()
    written_consent(api, number, ["sms"], ["marketing", "informational"], occurred_at="2026-11-20T12:00:00Z")
    send(api, sms(number, "STOP", brand="default", occurred_at="2026-11-21T12:00:00Z"))
    assert "opted_out" in codes(decide(api, number, "sms"))
    (result,) = send(api, sms(number, body, brand="default", occurred_at="2026-11-22T12:00:00Z"))
    assert result["status"] == "applied" and result["action"] == "resubscribed", body
    for purpose in ("marketing", "informational"):
        assert decide(api, number, "sms", purpose=purpose)["decision"] == "allow", (body, purpose)
    # between the STOP and the START the opt-out still counts (a decision for that moment)
    assert "opted_out" in codes(decide(api, number, "sms", at="2026-11-21T20:00:00Z"))
    entry = history(api, number)[-1]
    assert entry["type"] == "opt_out.undone" and entry["source"] == "sms_keyword"
    stop_id = history(api, number)[1]["id"]
    assert entry["data"] == {"brand": "default", "undone": stop_id}
    opt_out = profile(api, number)["opt_outs"][0]
    assert opt_out["undone_at"] == "2026-11-22T12:00:00Z" and opt_out["undone_by"] == result["id"]


def test_start_grants_nothing_of_its_own(api):
    number = new_phone()
    (result,) = send(api, sms(number, "START", brand="acme"))
    assert result["status"] == "applied" and result["action"] == "none"  # nothing to undo
    assert "no_consent" in codes(decide(api, number, "sms", brand="acme"))
    assert history(api, number)[0]["type"] == "opt_out.undone"  # the person said it: kept


def test_start_undoes_only_a_keyword_opt_out(api):
    number = new_phone()
    written_consent(api, number, ["sms"], occurred_at="2026-11-20T12:00:00Z")
    opt_out(api, number, ["sms"], ["all"], source="agent", occurred_at="2026-11-21T12:00:00Z")
    (result,) = send(api, sms(number, "START", brand="default", occurred_at="2026-11-22T12:00:00Z"))
    assert result["action"] == "none"
    assert "opted_out" in codes(decide(api, number, "sms"))


def test_start_undoes_only_the_last_keyword_opt_out(api):
    number = new_phone()
    written_consent(api, number, ["sms"], occurred_at="2026-11-20T12:00:00Z")
    send(api, sms(number, "STOP", brand="default", occurred_at="2026-11-21T12:00:00Z"),
         sms(number, "STOP", brand="default", occurred_at="2026-11-22T12:00:00Z"),
         sms(number, "START", brand="default", occurred_at="2026-11-23T12:00:00Z"))
    assert "opted_out" in codes(decide(api, number, "sms"))  # the first STOP still stands
    send(api, sms(number, "START", brand="default", occurred_at="2026-11-24T12:00:00Z"))
    assert decide(api, number, "sms")["decision"] == "allow"


def test_a_stop_after_a_start_stands(api):
    number = new_phone()
    written_consent(api, number, ["sms"], occurred_at="2026-11-20T12:00:00Z")
    send(api, sms(number, "STOP", brand="default", occurred_at="2026-11-21T12:00:00Z"),
         sms(number, "START", brand="default", occurred_at="2026-11-22T12:00:00Z"),
         sms(number, "STOP", brand="default", occurred_at="2026-11-23T12:00:00Z"))
    assert "opted_out" in codes(decide(api, number, "sms"))


def test_start_is_for_the_brand_it_answers(api):
    number = new_phone()
    written_consent(api, number, ["sms"], occurred_at="2026-11-20T12:00:00Z", brand="acme")
    written_consent(api, number, ["sms"], occurred_at="2026-11-20T12:00:00Z", brand="globex")
    send(api, sms(number, "STOP", brand="acme", occurred_at="2026-11-21T12:00:00Z"),
         sms(number, "STOP", brand="globex", occurred_at="2026-11-21T12:00:00Z"),
         sms(number, "START", brand="acme", occurred_at="2026-11-22T12:00:00Z"))
    assert decide(api, number, "sms", brand="acme")["decision"] == "allow"
    assert "opted_out" in codes(decide(api, number, "sms", brand="globex"))


def test_a_stop_to_every_brand_is_undone_by_a_start_to_every_brand_only(api):
    number = new_phone()
    written_consent(api, number, ["sms"], occurred_at="2026-11-20T12:00:00Z", brand="acme")
    send(api, sms(number, "STOP", occurred_at="2026-11-21T12:00:00Z"))  # unknown number: every brand
    (acme,) = send(api, sms(number, "START", brand="acme", occurred_at="2026-11-22T12:00:00Z"))
    assert acme["action"] == "none" and "opted_out" in codes(decide(api, number, "sms", brand="acme"))
    (every,) = send(api, sms(number, "START", occurred_at="2026-11-23T12:00:00Z"))
    assert every["action"] == "resubscribed" and decide(api, number, "sms", brand="acme")["decision"] == "allow"


@pytest.mark.parametrize("body", ["wrong number", "Wrong number!", "not me", "NOT ME, who is this?"])
def test_wrong_number_is_an_opt_out_and_a_reassignment(api, body):
    number = new_phone()
    consent(api, number, ["sms"], ["informational"], occurred_at="2026-11-20T12:00:00Z")
    consent(api, number, ["call"], ["informational"], occurred_at="2026-11-20T12:00:00Z", brand="acme")
    (result,) = send(api, sms(number, body, brand="default"))
    assert result["status"] == "applied" and result["action"] == "reassigned"
    assert result["confirmation"]["send_by"]
    assert "opted_out" in codes(decide(api, number, "sms", purpose="informational"))
    # the number has a new owner: every earlier consent, of every brand, is void for good (rev. 2)
    void = decide(api, number, "call", purpose="informational", brand="acme", dialing="prerecorded")
    assert codes(void) == ["no_consent", "consent_void"]
    assert void["reasons"][1]["reassigned_at"] == WHEN and void["reasons"][1]["rule"] == "47 CFR 64.1200(m)"
    *_, recorded, reassigned = history(api, number)
    assert recorded["type"] == "opt_out.recorded" and "wrong number" in recorded["data"]["note"]
    assert reassigned["type"] == "number.reassigned" and reassigned["occurred_at"] == WHEN
    assert reassigned["data"]["cause"] == "wrong_number_reply" and reassigned["id"] == f"{result['id']}:reassigned"
    # ... and one transaction: the same reply again is a duplicate that adds nothing
    (again,) = send(api, sms(number, body, brand="default", id_=result["id"]))
    assert again["status"] == "duplicate" and again["action"] == "reassigned"
    assert len(history(api, number)) == 4


def test_yes_without_an_open_request_records_nothing(api):
    number = new_phone()
    (result,) = send(api, sms(number, "YES", brand="acme"))
    assert result == {"id": result["id"], "status": "applied", "action": "none"}
    assert_unknown(api, number)


def test_sms_from_must_be_a_phone(api):
    results = send(api, sms(new_email(), "STOP"), sms("not-a-number", "STOP"), sms(SHORT_CODE, "hello"),
                   event("sms.inbound", {"from": new_phone(), "body": "STOP"}))
    assert [r["status"] for r in results] == ["rejected"] * 4
    assert [r["error"]["code"] for r in results] == ["channel_address_mismatch", "invalid_address",
                                                     "invalid_address", "invalid_request"]
    assert [r["error"].get("field") for r in results] == ["data.from", "data.from", "data.from", "data.to"]


# --- email feedback ---------------------------------------------------------------------------


def test_permanent_bounce_makes_the_email_undeliverable(api):
    address = new_email()
    ev = event("email.bounced", {"address": address.upper(), "bounce_type": "permanent"})
    assert status_of(api, ev) == "applied"
    for purpose in ("marketing", "informational"):
        decision = decide(api, address, "email", purpose=purpose)
        assert decision["decision"] == "deny" and "undeliverable" in codes(decision)
    (entry,) = history(api, address)
    assert entry["id"] == ev["id"] and entry["type"] == "contact.undeliverable"
    assert entry["source"] == "email_feedback" and entry["occurred_at"] == WHEN
    assert entry["data"]["reason"] == "hard_bounce" and entry["data"]["channels"] == ["email"]
    assert status_of(api, ev) == "duplicate"
    assert len(history(api, address)) == 1


def test_transient_bounce_changes_nothing(api):
    address = new_email()
    assert status_of(api, event("email.bounced", {"address": address, "bounce_type": "transient"})) == "applied"
    assert_unknown(api, address)
    assert decide(api, address, "email")["decision"] == "allow"


def test_bounce_data_is_checked(api):
    addresses = [new_email(), new_phone(), new_email()]
    results = send(api, event("email.bounced", {"address": addresses[0], "bounce_type": "soft"}),
                   event("email.bounced", {"address": addresses[1], "bounce_type": "permanent"}),
                   event("email.bounced", {"address": addresses[2]}))
    assert [(r["error"]["code"], r["error"]["field"]) for r in results] == [
        ("invalid_request", "data.bounce_type"), ("channel_address_mismatch", "data.address"),
        ("invalid_request", "data.bounce_type")]
    for address in addresses:
        assert_unknown(api, address)  # nothing recorded


def test_complaint_opts_out_of_email_marketing_for_every_brand(api):
    address = new_email()
    consent(api, address, ["email"], occurred_at="2026-11-20T12:00:00Z", brand="acme")
    ev = event("email.complained", {"address": address})
    assert status_of(api, ev) == "applied"
    for brand in (None, "acme", "globex"):
        decision = decide(api, address, "email", brand=brand)
        assert decision["decision"] == "deny" and "opted_out" in codes(decision), brand
    assert decide(api, address, "email", purpose="informational")["decision"] == "allow"
    entry = history(api, address)[-1]
    assert entry["id"] == ev["id"] and entry["type"] == "opt_out.recorded" and entry["source"] == "email_feedback"
    assert entry["data"]["brand"] == "*" and entry["data"]["purposes"] == ["marketing"]
    assert entry["data"]["channels"] == ["email"]


def test_complaint_about_a_phone_is_rejected(api):
    phone = new_phone()
    (result,) = send(api, event("email.complained", {"address": phone}))
    assert result["status"] == "rejected" and result["error"]["code"] == "channel_address_mismatch"
    assert_unknown(api, phone)  # and nothing recorded


# --- duplicates -------------------------------------------------------------------------------


def writing_events(address_of):
    phone, email = address_of("phone"), address_of("email")
    return [
        event("consent.granted", consent_data(phone)),
        event("opt_out.recorded", {"address": phone, "channels": ["call"], "purposes": ["all"], "source": "agent",
                                   "occurred_at": WHEN}),
        event("relationship.recorded", {"address": phone, "kind": "transaction", "occurred_at": WHEN}),
        event("contact.attempted", {"address": phone, "channel": "call", "purpose": "informational",
                                    "occurred_at": WHEN, "outcome": "answered"}),
        event("preferences.updated", {"address": phone, "snooze_until": "2026-12-24T00:00:00Z"}),
        sms(phone, "STOP"),
        sms(phone, "START"),  # recorded even with nothing to undo (opt_out.undone)
        event("email.bounced", {"address": email, "bounce_type": "permanent"}),
        event("email.complained", {"address": email}),
    ]


@pytest.mark.parametrize("index", range(9))
def test_the_same_event_twice_is_a_duplicate_with_one_history_entry(api, index):
    addresses = {"phone": new_phone(), "email": new_email()}
    ev = writing_events(addresses.get)[index]
    address = addresses["email" if ev["type"].startswith("email.") else "phone"]
    assert [r["status"] for r in send(api, ev, ev)] == ["applied", "duplicate"]
    assert status_of(api, ev) == "duplicate"
    assert [e["id"] for e in history(api, address)] == [ev["id"]]


def test_one_id_for_two_different_facts_is_a_conflict(api):
    number = new_phone()
    first = sms(number, "STOP")
    second = sms(number, "START", id_=first["id"])
    results = send(api, first, second)
    assert results[1] == {"id": first["id"], "status": "rejected", "action": "none", "error": results[1]["error"]}
    assert results[1]["error"]["code"] == "conflict" and results[1]["error"]["field"] == "id"
    assert len(history(api, number)) == 1


# --- bad events never block the rest ----------------------------------------------------------


def test_bad_events_are_rejected_one_by_one(api):
    number = new_phone()
    good = event("consent.granted", consent_data(number))
    bad = {
        "address": event("consent.granted", consent_data("not-a-number")),
        "mismatch": event("consent.granted", consent_data(new_email())),
        "type": event("consent.revoked", consent_data(new_phone())),
        "missing": event("contact.attempted", {"address": new_phone(), "channel": "call", "purpose": "marketing"}),
        "unknown_data_field": event("email.complained", {"address": new_email(), "reason": "abuse"}),
        "unknown_envelope_field": event("email.complained", {"address": new_email()}, priority="high"),
        "no_id": {k: v for k, v in event("email.complained", {"address": new_email()}).items() if k != "id"},
        "bad_id": event("email.complained", {"address": new_email()}, id_="has spaces"),
        "no_time": {k: v for k, v in event("email.complained", {"address": new_email()}).items()
                    if k != "occurred_at"},
        "bad_time": event("email.complained", {"address": new_email()}, occurred_at="yesterday"),
        "no_source": {k: v for k, v in event("email.complained", {"address": new_email()}).items() if k != "source"},
        "data_not_object": event("email.complained", [new_email()]),
        "channel": event("consent.granted", consent_data(new_phone(), channels=("fax",))),
        "star_consent": event("consent.granted", consent_data(new_phone(), brand="*")),
    }
    events = [*bad.values(), "not an event", None, good]
    results = send_raw(api, events)["results"]
    assert len(results) == len(events)
    *rejected, good_result = results
    assert good_result == {"id": good["id"], "status": "applied", "action": "opted_in"}
    assert all(r["status"] == "rejected" for r in rejected)
    errors = dict(zip([*bad, "string", "null"], (r["error"] for r in rejected), strict=True))
    for error in errors.values():
        assert set(error) <= {"code", "message", "field"} and error["message"]
    expected = {
        "address": ("invalid_address", "data.address"),
        "mismatch": ("channel_address_mismatch", "data.channels"),
        "type": ("invalid_request", "type"),
        "missing": ("invalid_request", "data.outcome"),  # occurred_at: the envelope's
        "unknown_data_field": ("invalid_request", "data.reason"),
        "unknown_envelope_field": ("invalid_request", "priority"),
        "no_id": ("invalid_request", "id"),
        "bad_id": ("invalid_request", "id"),
        "no_time": ("invalid_request", "occurred_at"),
        "bad_time": ("invalid_request", "occurred_at"),
        "no_source": ("invalid_request", "source"),
        "data_not_object": ("invalid_request", "data"),
        "channel": ("invalid_request", "data.channels[0]"),
        "star_consent": ("invalid_request", "data.brand"),
        "string": ("invalid_request", None),
        "null": ("invalid_request", None),
    }
    assert {k: (e["code"], e.get("field")) for k, e in errors.items()} == expected
    assert [r["id"] for r in rejected[:len(bad)]] == [e.get("id") for e in bad.values()]
    assert results[len(bad)]["id"] is None
    assert decide(api, number, "sms", "informational")["decision"] == "deny"  # the consent is for marketing ...
    assert codes(decide(api, number, "sms")) == ["written_consent_required"]  # ... and was recorded (express)


# --- the request as a whole -------------------------------------------------------------------


def test_at_most_100_events(api):
    events = [sms(new_phone(), "hello") for _ in range(101)]
    error = assert_error(api.call("POST", "/v1/events", {"events": events}), 413, "payload_too_large", "events")
    assert "100" in error["message"]
    results = send_raw(api, events[:100])["results"]
    assert [r["status"] for r in results] == ["applied"] * 100
    assert [r["id"] for r in results] == [e["id"] for e in events[:100]]


def test_request_shape(api):
    assert send_raw(api, [])["results"] == []
    assert_error(api.call("POST", "/v1/events", {}), 400, "invalid_request", "events")
    assert_error(api.call("POST", "/v1/events", {"events": {}}), 400, "invalid_request", "events")
    assert_error(api.call("POST", "/v1/events", {"events": [], "extra": 1}), 400, "invalid_request", "extra")
    assert_error(api.call("POST", "/v1/events", raw=b"{not json"), 400, "invalid_request")


def test_events_need_the_write_scope(api):
    body = {"events": [sms(new_phone(), "STOP")]}
    assert_error(api.call("POST", "/v1/events", body, key=None), 401, "unauthorized")
    assert_error(api.call("POST", "/v1/events", body, key="dialer"), 403, "forbidden")
    number = new_phone()
    assert send_raw(api, [sms(number, "STOP")], key="writer")["results"][0]["status"] == "applied"
    assert history(api, number)[0]["actor"]


def test_a_registry_outage_rejects_what_was_not_applied_and_answers_503(api, monkeypatch):
    from registry.storage import contacts

    first, second, third = new_phone(), new_phone(), new_phone()
    real_commit = contacts.commit
    calls = []

    def failing_after_one(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise contacts.StorageUnavailable("ProvisionedThroughputExceededException")
        return real_commit(*args, **kwargs)

    monkeypatch.setattr(contacts, "commit", failing_after_one)
    events = [sms(first, "STOP"), sms(second, "STOP"), event("email.bounced", {"address": "bad"}), sms(third, "STOP")]
    body = send_raw(api, events, status=503)
    assert body["error"]["code"] == "registry_unavailable"
    statuses = [(r["status"], r.get("error", {}).get("code")) for r in body["results"]]
    assert statuses == [("applied", None), ("rejected", "registry_unavailable"),
                        ("rejected", "registry_unavailable"), ("rejected", "registry_unavailable")]
    assert len(calls) == 2  # after the outage nothing more is tried
    assert "Provisioned" not in str(body)
    monkeypatch.undo()
    # Sending the whole batch again is safe: the applied one is a duplicate.
    statuses = [r["status"] for r in send_raw(api, events)["results"]]
    assert statuses == ["duplicate", "applied", "rejected", "applied"]
    for number in (first, second, third):
        assert len(history(api, number)) == 1


def test_an_opt_out_event_then_a_late_consent_keeps_the_opt_out(api):
    number = new_phone()
    send(api, sms(number, "STOP", occurred_at="2026-11-25T12:00:00Z"),
         event("consent.granted", consent_data(number, occurred_at="2026-11-24T12:00:00Z")))
    assert "opted_out" in codes(decide(api, number, "sms"))
    opt_out(api, number, ["call"], occurred_at="2026-11-26T12:00:00Z")
    assert [e["type"] for e in history(api, number)] == ["consent.granted", "opt_out.recorded", "opt_out.recorded"]
