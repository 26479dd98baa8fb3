"""Recording facts, idempotency, history and the contact profile."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import (
    add_entries,
    assert_error,
    attempt,
    clean,
    codes,
    consent,
    create_list,
    decide,
    history,
    opt_out,
    post,
    preferences,
    profile,
    relationship,
)

pytestmark = pytest.mark.dynamodb

EVIDENCE = {
    "disclosure_text": "By clicking Submit I agree to receive marketing calls from Acme.",
    "disclosure_version": "v3",
    "form_url": "https://acme.example/signup",
    "ip": "203.0.113.7",
    "user_agent": "Mozilla/5.0",
    "recording_url": "https://acme.example/rec/1.wav",
}


def local_format(number: str) -> str:
    return f"({number[2:5]}) {number[5:8]}-{number[8:]}"


def assert_recent_utc(text: str) -> None:
    assert text.endswith("Z"), text
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert abs(datetime.now(UTC) - moment) < timedelta(minutes=2), text


# --- each endpoint answers 201 with the stored record -------------------------------------------------------


def test_consent_answers_the_stored_record(api):
    number = new_phone()
    record = consent(
        api,
        local_format(number),
        ["sms", "call"],
        ["marketing"],
        occurred_at="2026-11-28T04:00:00-08:00",
        expires_at="2027-11-28T12:00:00Z",
        evidence=EVIDENCE,
        id="consent-" + number[1:],
    )
    assert set(record) == {
        "address",
        "id",
        "channels",
        "purposes",
        "brand",
        "source",
        "occurred_at",
        "expires_at",
        "evidence",
        "recorded_at",
        "grade",
    }
    assert record["grade"] == "express"  # when none is given
    assert record["address"] == number
    assert record["id"] == "consent-" + number[1:]
    assert sorted(record["channels"]) == ["call", "sms"] and record["purposes"] == ["marketing"]
    assert record["brand"] == "default"
    assert record["source"] == "web_form"
    assert record["occurred_at"] == "2026-11-28T12:00:00Z"
    assert record["expires_at"] == "2027-11-28T12:00:00Z"
    assert record["evidence"] == EVIDENCE
    assert_recent_utc(record["recorded_at"])


def test_consent_without_id_gets_one(api):
    first, second = consent(api, new_phone(), ["call"]), consent(api, new_phone(), ["call"])
    assert first["id"] and second["id"] and first["id"] != second["id"]


def test_opt_out_answers_the_stored_record(api):
    number = new_phone()
    record = opt_out(api, number, ["all"], ["all"], brand="*", note="asked on the phone")
    assert set(record) == {
        "address",
        "id",
        "channels",
        "purposes",
        "brand",
        "source",
        "occurred_at",
        "note",
        "recorded_at",
        "undone_at",  # rev. 2: a keyword opt-out undone by START
        "undone_by",
        "undone_recorded_at",  # rev. 2: when the START that undid it was recorded (replay)
        "confirmation",  # rev. 2: the person's own opt-out of texts: the one confirmation text
    }
    assert record["undone_at"] is None and record["undone_by"] is None
    assert (record["address"], record["channels"], record["purposes"], record["brand"]) == (
        number,
        ["all"],
        ["all"],
        "*",
    )
    assert record["source"] == "agent" and record["note"] == "asked on the phone"
    assert record["occurred_at"] == "2026-11-29T12:00:00Z"
    assert_recent_utc(record["recorded_at"])
    assert opt_out(api, new_phone(), ["call"])["brand"] == "default"


def test_relationship_answers_the_stored_record(api):
    number = new_phone()
    record = relationship(
        api, number, "transaction", occurred_at="2026-10-01T12:00:00Z", source="purchase", brand="acme"
    )
    assert set(record) >= {"address", "id", "kind", "brand", "occurred_at", "source", "recorded_at"}
    assert (record["address"], record["kind"], record["brand"], record["source"]) == (
        number,
        "transaction",
        "acme",
        "purchase",
    )
    assert relationship(api, new_phone())["brand"] == "default"


def test_attempt_answers_the_stored_record(api):
    number = new_phone()
    record = attempt(
        api, number, "sms", "informational", occurred_at="2026-11-28T18:00:00Z", outcome="delivered"
    )
    assert set(record) >= {
        "address",
        "id",
        "channel",
        "purpose",
        "brand",
        "occurred_at",
        "outcome",
        "recorded_at",
    }
    assert (record["address"], record["channel"], record["purpose"], record["brand"], record["outcome"]) == (
        number,
        "sms",
        "informational",
        "default",
        "delivered",
    )
    assert record.get("disposition") is None


def test_preferences_answer_the_stored_preferences_and_merge_per_field(api):
    number, email = new_phone(), new_email()
    first = preferences(api, number, preferred_channel="sms", timezone="America/Chicago")
    assert first["address"] == number
    assert first["preferences"] == {"preferred_channel": "sms", "timezone": "America/Chicago", "contact_hours": None,
                                    "snooze_until": None, "linked_addresses": [], "state": None, "line_type": None,
                                    "timezone_source": "api"}
    assert_recent_utc(first["recorded_at"])
    preferences(
        api,
        number,
        contact_hours={"start": "09:00", "end": "18:00", "days": ["sat", "mon"]},
        linked_addresses=[email.upper()],
        snooze_until="2026-12-10T12:00:00+01:00",
    )
    prefs = profile(api, number)["preferences"]
    assert prefs == {
        "preferred_channel": "sms",
        "timezone": "America/Chicago",
        "contact_hours": {"start": "09:00", "end": "18:00", "days": ["mon", "sat"]},
        "snooze_until": "2026-12-10T11:00:00Z",
        "linked_addresses": [email],
        "state": None,
        "line_type": None,
        "timezone_source": "api",  # who set the time zone: not the person (rev. 2: it adds to the number's)
    }
    preferences(api, number, timezone=None, snooze_until=None)  # null clears a field
    prefs = profile(api, number)["preferences"]
    assert prefs["timezone"] is None and prefs["snooze_until"] is None and prefs["preferred_channel"] == "sms"
    assert prefs["timezone_source"] is None


def test_empty_preferences_are_a_400(api):
    number = new_phone()
    assert_error(api.call("PUT", f"/v1/contacts/{quoted(number)}/preferences", {}), 400, "invalid_request")


# --- idempotency --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, body",
    [
        (
            "/v1/consents",
            {
                "channels": ["call"],
                "purposes": ["marketing"],
                "source": "web_form",
                "occurred_at": "2026-11-28T12:00:00Z",
                "evidence": {"ip": "198.51.100.1"},
            },
        ),
        (
            "/v1/opt-outs",
            {
                "channels": ["call"],
                "purposes": ["all"],
                "source": "agent",
                "occurred_at": "2026-11-28T12:00:00Z",
            },
        ),
        ("/v1/relationships", {"kind": "inquiry", "occurred_at": "2026-11-28T12:00:00Z"}),
        (
            "/v1/attempts",
            {
                "channel": "call",
                "purpose": "marketing",
                "occurred_at": "2026-11-28T12:00:00Z",
                "outcome": "no_answer",
            },
        ),
    ],
)
def test_same_id_twice_is_applied_once(api, path, body):
    number = new_phone()
    fact_id = f"dup-{number[1:]}"
    first = post(api, path, {**body, "address": number, "id": fact_id}, 201)
    second = post(api, path, {**body, "address": local_format(number), "id": fact_id}, 200)
    assert second == first
    entries = history(api, number)
    assert len(entries) == 1 and entries[0]["id"] == fact_id
    # a different body under the same id is a conflict, and changes nothing
    changed = {**body, "address": number, "id": fact_id, "occurred_at": "2026-11-27T12:00:00Z"}
    assert_error(api.call("POST", path, changed), 409, "conflict", "id")
    assert len(history(api, number)) == 1


def test_same_id_twice_does_not_double_count_attempts(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-11-20T12:00:00Z")
    for day in ("28", "29"):
        attempt(api, number, occurred_at=f"2026-11-{day}T18:00:00Z", id=f"a-{day}-{number[1:]}")
    attempt(api, number, occurred_at="2026-11-29T18:00:00Z", id=f"a-29-{number[1:]}", status=200)
    assert decide(api, number, "call")["decision"] == "allow"
    assert len(profile(api, number)["recent_attempts"]) == 2


def test_same_preferences_id_twice_is_applied_once(api):
    number = new_phone()
    first = preferences(api, number, preferred_channel="sms", id=f"p-{number[1:]}")
    second = preferences(api, number, 200, preferred_channel="sms", id=f"p-{number[1:]}")
    assert second == first
    assert len(history(api, number)) == 1


# --- history ------------------------------------------------------------------------------------------------


def test_history_is_ordered_by_occurred_at_not_arrival(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-11-25T12:00:00Z", evidence={"ip": "192.0.2.1"})
    opt_out(api, number, ["call"], occurred_at="2026-11-10T12:00:00Z", source="sms_keyword")
    relationship(api, number, "inquiry", occurred_at="2026-11-20T12:00:00Z", source="inbound_call")
    attempt(api, number, purpose="informational", occurred_at="2026-11-15T12:00:00Z")
    entries = history(api, number)
    assert [e["occurred_at"] for e in entries] == [
        "2026-11-10T12:00:00Z",
        "2026-11-15T12:00:00Z",
        "2026-11-20T12:00:00Z",
        "2026-11-25T12:00:00Z",
    ]
    assert [e["type"] for e in entries] == [
        "opt_out.recorded",
        "contact.attempted",
        "relationship.recorded",
        "consent.granted",
    ]
    assert [e["source"] for e in entries] == ["sms_keyword", "dialer", "inbound_call", "web_form"]
    assert entries[3]["evidence"] == {"ip": "192.0.2.1"}
    for entry in entries:
        assert {"id", "type", "occurred_at", "recorded_at", "source", "evidence"} <= set(entry)
        assert_recent_utc(entry["recorded_at"])
    # arrival order is kept in recorded_at
    assert entries[3]["recorded_at"] < entries[0]["recorded_at"] < entries[2]["recorded_at"]


def test_history_pages_with_a_cursor(api):
    number = new_phone()
    for day in range(10, 15):
        attempt(api, number, purpose="informational", occurred_at=f"2026-11-{day}T12:00:00Z")
    everything = history(api, number)
    assert len(everything) == 5
    paged = history(api, number, limit=2)
    assert [e["id"] for e in paged] == [e["id"] for e in everything]
    assert len({e["id"] for e in paged}) == 5
    first = clean(api.call("GET", f"/v1/contacts/{quoted(number)}/history?limit=2"))
    assert len(first["entries"]) == 2 and first["cursor"]


def test_history_limit_must_be_sensible(api):
    number = new_phone()
    attempt(api, number, purpose="informational")
    for bad in ("0", "-1", "abc", "100000"):
        assert_error(
            api.call("GET", f"/v1/contacts/{quoted(number)}/history?limit={bad}"),
            400,
            "invalid_request",
            "limit",
        )


@pytest.mark.parametrize("cursor", ["bogus", "!!!", "eyJwayI6ICJ4In0", "%00%FF"])
def test_a_bogus_cursor_is_a_400(api, cursor):
    number = new_phone()
    attempt(api, number, purpose="informational")
    reply = api.call("GET", f"/v1/contacts/{quoted(number)}/history?cursor={cursor}")
    assert_error(reply, 400, "invalid_request", "cursor")


def test_history_of_an_unknown_address_is_empty(api):
    assert history(api, new_phone()) == []


# --- the profile --------------------------------------------------------------------------------------------


def test_profile_shows_the_whole_contact(api):
    number, email, linked_phone = new_phone(), new_email(), new_phone()
    consent(
        api,
        number,
        ["call"],
        ["marketing"],
        occurred_at="2026-11-20T12:00:00Z",
        evidence=EVIDENCE,
        brand="acme",
    )
    consent(api, number, ["sms"], ["marketing"], occurred_at="2026-11-20T12:00:00Z")
    opt_out(api, number, ["sms"], ["marketing"], occurred_at="2026-11-21T12:00:00Z", source="sms_keyword")
    relationship(api, number, "inquiry", occurred_at="2026-11-01T12:00:00Z", brand="acme")
    attempt(api, number, occurred_at="2026-11-22T18:00:00Z", brand="acme")
    preferences(api, number, preferred_channel="email", linked_addresses=[email, linked_phone])
    name = create_list(api, "state")
    add_entries(api, name, add=[number])

    body = profile(api, local_format(number))
    assert body["address"] == number
    scopes = {(s["channel"], s["purpose"], s["brand"]): s for s in body["scopes"]}
    call = scopes[("call", "marketing", "acme")]
    assert call["status"] == "consented" and call["source"] == "web_form"
    assert call["occurred_at"] == "2026-11-20T12:00:00Z"
    assert call["evidence"] == EVIDENCE
    sms = scopes[("sms", "marketing", "default")]
    assert sms["status"] == "opted_out" and sms["source"] == "sms_keyword"
    assert body["preferences"]["preferred_channel"] == "email"
    assert body["linked_addresses"] == [email, linked_phone]
    # a state list is kept as exchange bitmaps (issue 11): its membership says which copy it is from
    assert {"list": name, "kind": "state", "version": None} in body["suppression_lists"]
    ebr = body["ebr"]
    assert len(ebr) == 1 and ebr[0]["kind"] == "inquiry" and ebr[0]["brand"] == "acme"
    assert ebr[0]["expires_at"] == "2027-02-01T12:00:00Z"
    attempts = body["recent_attempts"]
    assert len(attempts) == 1 and attempts[0]["occurred_at"] == "2026-11-22T18:00:00Z"
    assert attempts[0]["brand"] == "acme" and attempts[0]["outcome"] == "no_answer"
    assert body["lead_temperature"] in ("hot", "warm", "cold")
    for fact in body["consents"] + body["opt_outs"] + attempts:
        assert fact["recorded_at"], fact  # when the registry learned it


def test_profile_shows_a_consent_recorded_for_a_later_moment_on_record_and_not_yet_in_force(api):
    """A consent whose occurred_at is ahead of the registry's clock is on the record, evidence and all,
    and names its scope; like the lookup, the scope's status counts it from its occurred_at on
    (issue 8: the profile used to say "consented" while every lookup said no_consent)."""
    number = new_phone()
    later = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    consent(api, number, ["call"], occurred_at=later, evidence={"ip": "192.0.2.55"})
    body = profile(api, number)
    assert [(c["occurred_at"], c["evidence"]) for c in body["consents"]] == [(later, {"ip": "192.0.2.55"})]
    (scope,) = body["scopes"]
    assert (scope["channel"], scope["purpose"], scope["status"], scope["source"]) == ("call", "marketing", "none", None)
    assert "no_consent" in codes(decide(api, number, "call", at=None))  # now, as the profile


def test_profile_shows_an_expired_consent_as_expired(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2025-01-01T12:00:00Z", expires_at="2025-06-01T12:00:00Z")
    assert profile(api, number)["scopes"][0]["status"] == "expired"


def test_profile_shows_the_dialers_do_not_contact_as_an_opt_out(api):
    number = new_phone()
    attempt(
        api,
        number,
        occurred_at="2026-11-22T18:00:00Z",
        outcome="answered",
        disposition="do_not_contact",
        brand="acme",
    )
    body = profile(api, number)
    assert [(o["channels"], o["brand"], o["source"]) for o in body["opt_outs"]] == [
        (["call", "sms"], "acme", "dialer")  # rev. 2: calls and texts
    ]
    assert {s["status"] for s in body["scopes"] if s["brand"] == "acme"} == {"opted_out"}
    assert {(s["channel"], s["purpose"]) for s in body["scopes"] if s["brand"] == "acme"} == {
        (c, p) for c in ("call", "sms") for p in ("marketing", "informational")}


def test_do_not_contact_is_its_own_opt_out_entry_in_history_and_survives_erasure(api):
    number = new_phone()
    attempt(api, number, occurred_at="2026-11-22T18:00:00Z", outcome="answered", disposition="do_not_contact")
    entries = history(api, number)
    assert [e["type"] for e in entries] == ["contact.attempted", "opt_out.recorded"]
    assert entries[1]["source"] == "dialer" and entries[1]["data"]["channels"] == ["call", "sms"]
    assert api.call("DELETE", f"/v1/contacts/{quoted(number)}").status == 200
    assert [e["type"] for e in history(api, number)] == ["opt_out.recorded", "contact.erased"]


def test_profile_of_an_unknown_address_is_404(api):
    for address in (new_phone(), new_email()):
        assert_error(api.call("GET", f"/v1/contacts/{quoted(address)}"), 404, "not_found")


def test_profile_of_an_invalid_address_is_400(api):
    assert_error(api.call("GET", "/v1/contacts/12345"), 400, "invalid_address")


# --- one contact, whatever the format -----------------------------------------------------------------------


def test_phone_formats_resolve_to_one_contact(api):
    number = new_phone()
    consent(api, local_format(number), ["call"], occurred_at="2026-11-20T12:00:00Z")
    opt_out(api, f"{number[2:5]}.{number[5:8]}.{number[8:]}", ["sms"], occurred_at="2026-11-21T12:00:00Z")
    relationship(api, f"+1 {number[2:5]} {number[5:8]} {number[8:]}", "inquiry")
    body = profile(api, f"+1 {number[2:5]} {number[5:8]} {number[8:]}")
    assert body["address"] == number
    assert len(body["consents"]) == 1 and len(body["opt_outs"]) == 1 and len(body["ebr"]) == 1
    assert len(history(api, local_format(number))) == 3
    assert decide(api, f"1{number[2:]}", "call")["decision"] == "allow"


def test_emails_are_trimmed_and_lower_cased(api):
    email = new_email()
    record = opt_out(api, f"  {email.upper()}\t", ["email"], ["marketing"])
    assert record["address"] == email
    assert profile(api, email)["address"] == email
    assert profile(api, email.upper())["opt_outs"][0]["id"] == record["id"]
    assert decide(api, email.title(), "email")["decision"] == "deny"


def test_profile_agrees_with_decisions_about_a_bought_consent_after_an_opt_out(api):
    email = new_email()
    opt_out(api, email, ["email"], ["marketing"], occurred_at="2026-11-20T12:00:00Z")
    consent(api, email, ["email"], source="purchased_list", occurred_at="2026-11-25T12:00:00Z")
    assert decide(api, email, "email")["decision"] == "deny"
    scope = profile(api, email)["scopes"][0]
    assert (scope["channel"], scope["purpose"], scope["status"]) == ("email", "marketing", "opted_out")


def test_a_raw_plus_in_the_path_finds_the_contact(api):
    number = new_phone()
    consent(api, number, ["call"])
    assert clean(api.call("GET", f"/v1/contacts/{number}"))["address"] == number


def test_a_link_to_the_address_itself_is_dropped(api):
    number, email = new_phone(), new_email()
    record = preferences(api, number, linked_addresses=[local_format(number), email, email.upper()])
    assert record["preferences"]["linked_addresses"] == [email]
    assert profile(api, number)["preferences"]["linked_addresses"] == [email]  # as stored
