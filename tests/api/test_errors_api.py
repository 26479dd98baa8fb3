"""Every error is {"error": {"code", "message", "field"?}}; nothing leaks; bad input writes nothing."""

import json
import urllib.parse

import pytest

from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import LEAKS, NOON_LA, assert_error, assert_unknown, consent, decide, opt_out, profile, written_consent

pytestmark = pytest.mark.dynamodb

OCCURRED = "2026-11-28T12:00:00Z"


def consent_body(address, **changes):
    return {
        "address": address,
        "channels": ["call"],
        "purposes": ["marketing"],
        "source": "web_form",
        "occurred_at": OCCURRED,
        **changes,
    }


def opt_out_body(address, **changes):
    return {
        "address": address,
        "channels": ["call"],
        "purposes": ["all"],
        "source": "agent",
        "occurred_at": OCCURRED,
        **changes,
    }


def attempt_body(address, **changes):
    return {
        "address": address,
        "channel": "call",
        "purpose": "marketing",
        "occurred_at": OCCURRED,
        "outcome": "no_answer",
        **changes,
    }


def relationship_body(address, **changes):
    return {"address": address, "kind": "inquiry", "occurred_at": OCCURRED, **changes}


# (path, body builder taking the fresh phone and email, status, code, field, which address must stay unknown)
BAD_WRITES = [
    ("/v1/consents", lambda p, e: consent_body("12345"), 400, "invalid_address", "address", None),
    ("/v1/consents", lambda p, e: consent_body("+1 415 555"), 400, "invalid_address", "address", None),
    ("/v1/consents", lambda p, e: consent_body("someone@"), 400, "invalid_address", "address", None),
    ("/v1/consents", lambda p, e: consent_body("two@@example.com"), 400, "invalid_address", "address", None),
    ("/v1/consents", lambda p, e: consent_body(""), 400, "invalid_address", "address", None),
    ("/v1/consents", lambda p, e: consent_body(e), 400, "channel_address_mismatch", "channels", "email"),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, channels=["call", "email"]),
        400,
        "channel_address_mismatch",
        "channels",
        "phone",
    ),
    (
        "/v1/opt-outs",
        lambda p, e: opt_out_body(e, channels=["sms"]),
        400,
        "channel_address_mismatch",
        "channels",
        "email",
    ),
    ("/v1/attempts", lambda p, e: attempt_body(e), 400, "channel_address_mismatch", "channel", "email"),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, channels=["fax"]),
        400,
        "invalid_request",
        "channels[0]",
        "phone",
    ),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, channels=["call", "pigeon"]),
        400,
        "invalid_request",
        "channels[1]",
        "phone",
    ),
    ("/v1/consents", lambda p, e: consent_body(p, channels=[]), 400, "invalid_request", "channels", "phone"),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, channels="call"),
        400,
        "invalid_request",
        "channels",
        "phone",
    ),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, purposes=["sales"]),
        400,
        "invalid_request",
        "purposes[0]",
        "phone",
    ),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, source="telepathy"),
        400,
        "invalid_request",
        "source",
        "phone",
    ),
    ("/v1/consents", lambda p, e: consent_body(p, brand="*"), 400, "invalid_request", "brand", "phone"),
    ("/v1/consents", lambda p, e: consent_body(p, brand=""), 400, "invalid_request", "brand", "phone"),
    ("/v1/consents", lambda p, e: consent_body(p, id="has spaces"), 400, "invalid_request", "id", "phone"),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, occurred_at="2026-11-28T12:00:00"),
        400,
        "invalid_request",
        "occurred_at",
        "phone",
    ),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, occurred_at="last tuesday"),
        400,
        "invalid_request",
        "occurred_at",
        "phone",
    ),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, occurred_at="2026-13-45T12:00:00Z"),
        400,
        "invalid_request",
        "occurred_at",
        "phone",
    ),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, occurred_at=1764331200),
        400,
        "invalid_request",
        "occurred_at",
        "phone",
    ),
    (
        "/v1/consents",
        lambda p, e: {k: v for k, v in consent_body(p).items() if k != "occurred_at"},
        400,
        "invalid_request",
        "occurred_at",
        "phone",
    ),
    (
        "/v1/consents",
        lambda p, e: {k: v for k, v in consent_body(p).items() if k != "address"},
        400,
        "invalid_request",
        "address",
        None,
    ),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, expires_at="2026-11-01T00:00:00Z"),
        400,
        "invalid_request",
        "expires_at",
        "phone",
    ),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, expires_at="2027-01-01"),
        400,
        "invalid_request",
        "expires_at",
        "phone",
    ),
    ("/v1/consents", lambda p, e: consent_body(p, colour="blue"), 400, "invalid_request", "colour", "phone"),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, evidence={"signed_by": "x"}),
        400,
        "invalid_request",
        "evidence.signed_by",
        "phone",
    ),
    (
        "/v1/consents",
        lambda p, e: consent_body(p, evidence="signed"),
        400,
        "invalid_request",
        "evidence",
        "phone",
    ),
    (
        "/v1/opt-outs",
        lambda p, e: opt_out_body(p, purposes=["everything"]),
        400,
        "invalid_request",
        "purposes[0]",
        "phone",
    ),
    (
        "/v1/opt-outs",
        lambda p, e: opt_out_body(p, source="rumour"),
        400,
        "invalid_request",
        "source",
        "phone",
    ),
    (
        "/v1/attempts",
        lambda p, e: attempt_body(p, outcome="exploded"),
        400,
        "invalid_request",
        "outcome",
        "phone",
    ),
    ("/v1/attempts", lambda p, e: attempt_body(p, channel="fax"), 400, "invalid_request", "channel", "phone"),
    (
        "/v1/attempts",
        lambda p, e: attempt_body(p, disposition="call_back"),
        400,
        "invalid_request",
        "disposition",
        "phone",
    ),
    ("/v1/attempts", lambda p, e: attempt_body(p, brand="*"), 400, "invalid_request", "brand", "phone"),
    (
        "/v1/relationships",
        lambda p, e: relationship_body(p, kind="friendship"),
        400,
        "invalid_request",
        "kind",
        "phone",
    ),
    (
        "/v1/relationships",
        lambda p, e: relationship_body(p, source="gossip"),
        400,
        "invalid_request",
        "source",
        "phone",
    ),
    (
        "/v1/relationships",
        lambda p, e: relationship_body(p, brand="*"),
        400,
        "invalid_request",
        "brand",
        "phone",
    ),
]


@pytest.mark.parametrize(
    "path, build, status, code, field, untouched",
    BAD_WRITES,
    ids=[f"{i}-{case[0].rsplit('/', 1)[-1]}-{case[4]}" for i, case in enumerate(BAD_WRITES)],
)
def test_bad_write_is_a_clear_error_and_writes_nothing(api, path, build, status, code, field, untouched):
    phone, email = new_phone(), new_email()
    reply = api.call("POST", path, build(phone, email))
    assert_error(reply, status, code, field)
    assert_unknown(api, phone)
    assert_unknown(api, email)


BAD_PREFERENCES = [
    ({"timezone": "Mars/Olympus_Mons"}, "invalid_request", "timezone"),
    ({"timezone": "EST5EDT/../../etc"}, "invalid_request", "timezone"),
    ({"timezone": ""}, "invalid_request", "timezone"),
    ({"preferred_channel": "fax"}, "invalid_request", "preferred_channel"),
    ({"snooze_until": "soon"}, "invalid_request", "snooze_until"),
    ({"snooze_until": "2026-12-01T00:00:00"}, "invalid_request", "snooze_until"),
    (
        {"contact_hours": {"start": "25:00", "end": "17:00", "days": ["mon"]}},
        "invalid_request",
        "contact_hours.start",
    ),
    (
        {"contact_hours": {"start": "8:00", "end": "17:00", "days": ["mon"]}},
        "invalid_request",
        "contact_hours.start",
    ),
    (
        {"contact_hours": {"start": "08:00", "end": "17:00:00", "days": ["mon"]}},
        "invalid_request",
        "contact_hours.end",
    ),
    ({"contact_hours": {"start": "08:00", "days": ["mon"]}}, "invalid_request", "contact_hours.end"),
    (
        {"contact_hours": {"start": "08:00", "end": "17:00", "days": ["funday"]}},
        "invalid_request",
        "contact_hours.days[0]",
    ),
    (
        {"contact_hours": {"start": "08:00", "end": "17:00", "days": []}},
        "invalid_request",
        "contact_hours.days",
    ),
    (
        {"contact_hours": {"start": "08:00", "end": "17:00", "days": ["mon"], "tz": "UTC"}},
        "invalid_request",
        "contact_hours.tz",
    ),
    ({"contact_hours": "9 to 5"}, "invalid_request", "contact_hours"),
    ({"linked_addresses": ["not-an-address"]}, "invalid_address", "linked_addresses[0]"),
    ({"linked_addresses": "someone@example.com"}, "invalid_request", "linked_addresses"),
    ({"nickname": "Bob"}, "invalid_request", "nickname"),
]


@pytest.mark.parametrize(
    "body, code, field", BAD_PREFERENCES, ids=[c[2] + str(i) for i, c in enumerate(BAD_PREFERENCES)]
)
def test_bad_preferences_are_a_clear_error_and_write_nothing(api, body, code, field):
    phone = new_phone()
    reply = api.call("PUT", f"/v1/contacts/{quoted(phone)}/preferences", {"preferred_channel": "sms", **body})
    assert_error(reply, 400, code, field)
    assert_unknown(api, phone)


def test_preferences_for_an_invalid_address(api):
    assert_error(
        api.call("PUT", "/v1/contacts/12345/preferences", {"preferred_channel": "sms"}),
        400,
        "invalid_address",
    )


def test_an_email_may_prefer_a_channel_of_its_linked_phone(api):
    """Not an error: the preference is stored as sent and used. Texts to the linked phone are
    allowed (a written consent: rev. 2, marketing texts need one), so a lookup for the email
    recommends sms, where it would otherwise recommend the email itself."""
    email, phone = new_email(), new_phone()
    written_consent(api, phone, channels=["sms"])
    reply = api.call(
        "PUT",
        f"/v1/contacts/{quoted(email)}/preferences",
        {"preferred_channel": "sms", "linked_addresses": [phone]},
    )
    assert reply.status == 201, reply.text
    answered = reply.json()["preferences"]
    assert (answered["preferred_channel"], answered["linked_addresses"]) == ("sms", [phone])
    stored = profile(api, email)["preferences"]
    assert (stored["preferred_channel"], stored["linked_addresses"]) == ("sms", [phone])
    decision = decide(api, email, "email")
    assert (decision["decision"], decision["preferred_channel"], decision["recommended_channel"]) == (
        "allow", "sms", "sms")


# --- bodies that are not JSON objects -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"",
        b"[]",
        b'[{"address": "+14155550100"}]',
        b'"consent"',
        b"42",
        b"null",
        b'{"address": "+1415',
        "\ufeff{}".encode(),
    ],
)
def test_a_body_that_is_not_a_json_object_is_a_400(api, raw):
    reply = api.call("POST", "/v1/consents", raw=raw)
    assert_error(reply, 400, "invalid_request")


def test_a_body_labelled_as_a_form_is_still_read_as_json(api):
    phone = new_phone()
    reply = api.call(
        "POST",
        "/v1/consents",
        raw=json.dumps(consent_body(phone)).encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert reply.status == 201, reply.text
    record = reply.json()
    assert (record["address"], record["channels"], record["source"]) == (phone, ["call"], "web_form")
    (stored,) = profile(api, phone)["consents"]
    assert stored["id"] == record["id"]
    assert decide(api, phone, "call")["decision"] == "allow"  # read as the consent it is


def test_body_over_one_megabyte_is_413_and_writes_nothing(api):
    phone = new_phone()
    body = consent_body(phone, evidence={"disclosure_text": "x" * 20_000})
    raw = json.dumps({**body, "padding": "y" * 1_100_000}).encode()
    reply = api.call("POST", "/v1/consents", raw=raw)
    assert_error(reply, 413, "payload_too_large")
    assert_unknown(api, phone)


def test_over_long_lists_are_413(api):
    phone = new_phone()
    reply = api.call(
        "PUT",
        f"/v1/contacts/{quoted(phone)}/preferences",
        {"linked_addresses": [new_email() for _ in range(11)]},
    )
    assert_error(reply, 413, "payload_too_large", "linked_addresses")
    assert_unknown(api, phone)
    reply = api.call("POST", "/v1/suppression-lists/any-list/entries", {"add": [phone] * 1001})
    assert_error(reply, 413, "payload_too_large", "add")
    reply = api.call("POST", "/v1/suppression-lists/any-list/entries", {"remove": [phone] * 1001})
    assert_error(reply, 413, "payload_too_large", "remove")
    assert_unknown(api, phone)


# --- lookups ------------------------------------------------------------------------------------------------


def lookup(api, **query):
    return api.call("GET", "/v1/permissions?" + urllib.parse.urlencode(query), key="dialer")


@pytest.mark.parametrize(
    "query, status, code, field",
    [
        ({"address": "12345", "channel": "call", "purpose": "marketing"}, 400, "invalid_address", "address"),
        (
            {"address": "nobody@", "channel": "email", "purpose": "marketing"},
            400,
            "invalid_address",
            "address",
        ),
        (
            {"address": "a@example.com", "channel": "call", "purpose": "marketing"},
            400,
            "channel_address_mismatch",
            "channel",
        ),
        (
            {"address": "+14155550100", "channel": "email", "purpose": "marketing"},
            400,
            "channel_address_mismatch",
            "channel",
        ),
        (
            {"address": "+14155550100", "channel": "fax", "purpose": "marketing"},
            400,
            "invalid_request",
            "channel",
        ),
        (
            {"address": "+14155550100", "channel": "call", "purpose": "sales"},
            400,
            "invalid_request",
            "purpose",
        ),
        ({"address": "+14155550100", "purpose": "marketing"}, 400, "invalid_request", "channel"),
        ({"address": "+14155550100", "channel": "call"}, 400, "invalid_request", "purpose"),
        ({"channel": "call", "purpose": "marketing"}, 400, "invalid_request", "address"),
        (
            {"address": "+14155550100", "channel": "call", "purpose": "marketing", "at": "garbage"},
            400,
            "invalid_request",
            "at",
        ),
        (
            {
                "address": "+14155550100",
                "channel": "call",
                "purpose": "marketing",
                "at": "2026-12-01T20:00:00",
            },
            400,
            "invalid_request",
            "at",
        ),
        (
            {"address": "+14155550100", "channel": "call", "purpose": "marketing", "at": "2026-12-01"},
            400,
            "invalid_request",
            "at",
        ),
        (
            {"address": "+14155550100", "channel": "call", "purpose": "marketing", "brand": ""},
            400,
            "invalid_request",
            "brand",
        ),
    ],
)
def test_bad_lookup_is_a_clear_400(api, query, status, code, field):
    assert_error(lookup(api, **query), status, code, field)


def test_unknown_route_is_a_json_404(api):
    for method, path in (
        ("GET", "/v1/nothing-here"),
        ("POST", "/v1/consents/extra"),
        ("GET", "/v1"),
        ("PATCH", "/v1/consents"),
        ("GET", "/v1/contacts"),
    ):
        assert_error(api.call(method, path), 404, "not_found")


# --- nothing internal, nobody else's data -------------------------------------------------------------------


def test_errors_never_show_another_contacts_data(api):
    other = new_phone()
    secret = new_email()
    consent(
        api,
        other,
        ["call"],
        evidence={"disclosure_text": "other person's secret words", "ip": "198.51.100.77"},
    )
    opt_out(api, secret, ["email"], ["marketing"])
    phone = new_phone()
    replies = [
        api.call("POST", "/v1/consents", consent_body(phone, channels=["fax"])),
        api.call("POST", "/v1/consents", raw=b"{not json"),
        api.call("GET", f"/v1/contacts/{quoted(phone)}"),
        api.call("GET", f"/v1/contacts/{quoted(phone)}/history?cursor=bogus"),
        api.call("DELETE", f"/v1/contacts/{quoted(phone)}"),
        lookup(api, address=phone, channel="fax", purpose="marketing"),
        api.call(
            "POST",
            "/v1/permissions/batch",
            {"channel": "call", "purpose": "marketing", "addresses": [phone, "bad"]},
            key="dialer",
        ),
        api.call("POST", "/v1/suppression-lists/nope-list/entries", {"add": [phone]}),
    ]
    for reply in replies:
        for text in (other, secret, other[2:], "secret words", "198.51.100.77", *LEAKS):
            assert text not in reply.text, (text, reply.text)


def test_registry_outage_fails_closed_for_lookups(api, monkeypatch):
    from registry.storage import contacts, lookup_reads

    def boom(*args, **kwargs):
        raise contacts.StorageUnavailable("ReadTimeoutError")

    monkeypatch.setattr(contacts, "load", boom)
    monkeypatch.setattr(contacts, "load_many", boom)
    monkeypatch.setattr(lookup_reads, "read", boom)  # a lookup's one read (issue 11)
    reply = api.permission(new_phone(), "call", "informational", at=NOON_LA)
    assert reply.status == 503, reply.text
    body = reply.json()
    assert body["decision"] == "deny" and body["allowed"] is False
    assert [r["code"] for r in body["reasons"]] == ["registry_unavailable"]
    assert body["error"]["code"] == "registry_unavailable"
    for text in LEAKS + ("ReadTimeoutError",):
        assert text not in reply.text

    reply = api.call(
        "POST",
        "/v1/permissions/batch",
        {"channel": "email", "purpose": "marketing", "addresses": [new_email(), new_email()]},
        key="dialer",
    )
    assert reply.status == 503, reply.text
    results = reply.json()["results"]
    assert len(results) == 2 and all(r["decision"] == "deny" and r["allowed"] is False for r in results)


def test_unexpected_failure_in_a_lookup_still_denies(api, monkeypatch):
    from registry.services import permissions

    def crash(*args, **kwargs):
        raise RuntimeError("pynamodb exploded at /var/task/registry/storage.py line 12")

    monkeypatch.setattr(permissions, "check", crash)
    reply = api.permission(new_phone(), "call", "informational", at=NOON_LA)
    assert reply.status == 503, reply.text
    body = reply.json()
    assert body["decision"] == "deny" and body["allowed"] is False
    assert "exploded" not in reply.text and "pynamodb" not in reply.text


def test_registry_outage_on_a_write_is_503_in_the_error_shape(api, monkeypatch):
    from registry.storage import contacts

    def boom(*args, **kwargs):
        raise contacts.StorageUnavailable("ProvisionedThroughputExceededException")

    monkeypatch.setattr(contacts, "commit", boom)
    phone = new_phone()
    error = assert_error(api.call("POST", "/v1/consents", consent_body(phone)), 503, "registry_unavailable")
    assert "Provisioned" not in error["message"]
    monkeypatch.undo()
    assert_unknown(api, phone)
