"""Brands as a resource (CONTRACT.md rev. 2, "Brands"): PUT (admin), GET one and all (lookup)."""
from __future__ import annotations

import os

import boto3
import pytest

from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import NOON_LA, assert_error, clean, codes, consent, decide, unique

pytestmark = pytest.mark.dynamodb


def put(api, brand, body, status=None, key="admin"):
    reply = api.call("PUT", f"/v1/brands/{quoted(brand)}", body, key=key)
    if status is not None:
        assert reply.status == status, reply.text
    return reply


def get(api, brand, status=200, key="dialer"):
    reply = api.call("GET", f"/v1/brands/{quoted(brand)}", key=key)
    assert reply.status == status, reply.text
    return clean(reply)


def ssm():
    return boto3.client("ssm", region_name=os.environ["AWS_DEFAULT_REGION"])


def test_a_brand_is_stored_and_read_back(both):
    brand, number = unique("acme"), new_phone()
    body = {"sms_numbers": [number], "help_text": "Acme: reply STOP to opt out.",
            "confirmation_text": "Acme: you are unsubscribed.", "stop_words": ["basta", "No thanks!"],
            "policy": {"basis": {"email:marketing": "consent"}}}
    created = clean(put(both, brand, body, 201))
    # rev. 2: the overrides are the brand's policy version 1, in force from when it was stored
    version = {"number": 1, "effective_from": created["created_at"], "overrides": body["policy"],
               "recorded_at": created["created_at"]}
    assert created == {**body, "brand": brand, "twilio_auth_token_set": False, "seeded": False,
                       "display_name": None, "logo_url": None, "privacy_url": None, "support_email": None,
                       "support_phone": None, "languages": None,
                       "created_at": created["created_at"], "updated_at": created["updated_at"],
                       "policy_versions": [version]}
    assert get(both, brand) == created
    assert brand in [b["brand"] for b in clean(both.call("GET", "/v1/brands", key="dialer"))["brands"]]


def test_put_changes_what_it_sends_and_keeps_the_rest(both):
    brand, number = unique("acme"), new_phone()
    put(both, brand, {"sms_numbers": [number], "help_text": "help", "stop_words": ["basta"]}, 201)
    changed = clean(put(both, brand, {"help_text": "new help", "stop_words": None}, 200))
    assert changed["sms_numbers"] == [number] and changed["help_text"] == "new help" and changed["stop_words"] == []
    assert changed["created_at"] <= changed["updated_at"]
    assert clean(put(both, brand, {}, 200))["help_text"] == "new help"


def test_the_brand_name_is_normalised(both):
    brand = unique("mixed")
    put(both, f"  {brand.upper()} ", {"help_text": "hi"}, 201)
    assert get(both, brand)["brand"] == brand
    put(both, brand, {"help_text": "again"}, 200)


def test_the_twilio_token_is_a_secret(both, dynamodb_client):
    brand, token = unique("acme"), "f" * 32
    answer = clean(put(both, brand, {"twilio_auth_token": token}, 201))
    assert answer["twilio_auth_token_set"] is True and token not in str(answer)
    assert "twilio_auth_token" not in answer
    assert token not in str(get(both, brand)) and token not in both.call("GET", "/v1/brands", key="dialer").text
    # in SSM, as a SecureString; nowhere in the table
    from registry.storage.brand_secrets import get_twilio_token, parameter_name

    parameter = ssm().get_parameter(Name=parameter_name(brand), WithDecryption=True)["Parameter"]
    assert parameter["Type"] == "SecureString" and parameter["Value"] == token
    assert get_twilio_token(brand) == token
    item = dynamodb_client.get_item(TableName=os.environ["REGISTRY_TABLE"],
                                    Key={"pk": {"S": "BRANDS"}, "sk": {"S": f"BRAND#{brand}"}})["Item"]
    assert token not in str(item)
    # kept when not sent, replaced when sent, deleted by null
    assert clean(put(both, brand, {"help_text": "x"}, 200))["twilio_auth_token_set"] is True
    put(both, brand, {"twilio_auth_token": "a" * 32}, 200)
    assert get_twilio_token(brand) == "a" * 32
    assert clean(put(both, brand, {"twilio_auth_token": None}, 200))["twilio_auth_token_set"] is False
    assert get_twilio_token(brand) is None


def test_a_number_belongs_to_one_brand(both):
    first, second, number, other = unique("acme"), unique("globex"), new_phone(), new_phone()
    put(both, first, {"sms_numbers": [number]}, 201)
    assert_error(put(both, second, {"sms_numbers": [other, number]}), 409, "conflict", "sms_numbers[1]")
    assert_error(both.call("GET", f"/v1/brands/{quoted(second)}", key="dialer"), 404, "not_found")  # nothing written
    put(both, first, {"sms_numbers": [other]}, 200)  # gives the number up
    assert clean(put(both, second, {"sms_numbers": [number]}, 201))["sms_numbers"] == [number]
    from registry.services.brands import brand_of_number

    assert brand_of_number(number) == second and brand_of_number(other) == first
    assert brand_of_number(new_phone()) is None and brand_of_number("12345") is None


def test_numbers_are_normalised_and_checked(both):
    brand, number = unique("acme"), new_phone()
    spaced = f"{number[:2]} {number[2:5]} {number[5:]}"
    assert clean(put(both, brand, {"sms_numbers": [spaced, number]}, 201))["sms_numbers"] == [number]
    assert_error(put(both, brand, {"sms_numbers": [number, "not a number"]}), 400, "invalid_address", "sms_numbers[1]")
    assert_error(put(both, brand, {"sms_numbers": [new_email()]}), 400, "invalid_address", "sms_numbers[0]")
    assert get(both, brand)["sms_numbers"] == [number]


@pytest.mark.parametrize("body, status, field", [
    ({"sms_numbers": [f"+1415555{i:04d}" for i in range(41)]}, 413, "sms_numbers"),
    ({"stop_words": [f"w{i}" for i in range(51)]}, 413, "stop_words"),
    ({"stop_words": ["x" * 65]}, 400, "stop_words[0]"),
    ({"stop_words": ["!!!"]}, 400, "stop_words[0]"),
    ({"stop_words": ["ok", "🛑"]}, 400, "stop_words[1]"),
    ({"help_text": ""}, 400, "help_text"),
    ({"help_text": "x" * 1601}, 400, "help_text"),
    ({"confirmation_text": "x" * 1601}, 400, "confirmation_text"),
    ({"twilio_auth_token": "short"}, 400, "twilio_auth_token"),
    ({"twilio_auth_token": "has spaces in it"}, 400, "twilio_auth_token"),
    ({"policy": {"basis": {"email:marketing": "maybe"}}}, 400, "policy.basis"),
    ({"policy": {"colour": "blue"}}, 400, "policy.colour"),
    ({"policy": {"frequency_caps": {"sms:marketing": {"attempts": "x"}}}}, 400, "policy"),
    ({"logo": "x"}, 400, "logo"),
])
def test_bad_bodies_change_nothing(both, body, status, field):
    brand = unique("acme")
    assert_error(put(both, brand, body), status, None, field)
    assert_error(both.call("GET", f"/v1/brands/{quoted(brand)}", key="dialer"), 404)


def test_names_that_are_not_one_brand(both):
    assert_error(put(both, "*", {"help_text": "x"}), 400, "invalid_request", "brand")
    assert_error(put(both, "bad\u200bname", {"help_text": "x"}), 400, "invalid_request", "brand")
    assert_error(both.call("GET", f"/v1/brands/{unique('nobody')}", key="dialer"), 404, "not_found")


def test_scopes(both):
    brand = unique("acme")
    assert_error(put(both, brand, {"help_text": "x"}, key="writer"), 403)
    assert_error(put(both, brand, {"help_text": "x"}, key="dialer"), 403)
    assert_error(put(both, brand, {"help_text": "x"}, key=None), 401)
    put(both, brand, {"help_text": "x"}, 201)
    get(both, brand, key="dialer")
    assert_error(both.call("GET", f"/v1/brands/{quoted(brand)}", key="writer"), 403)
    assert_error(both.call("GET", "/v1/brands", key=None), 401)


def test_a_brands_policy_applies_to_lookups_at_once(both):
    """At once: to a lookup for now (rev. 2: a lookup for a moment before the PUT keeps the version in
    force then, tests/api/test_policy_versions_api.py)."""
    brand, address = unique("optin"), new_email()
    assert decide(both, address, "email", brand=brand, at=None)["decision"] == "allow"  # the default: opt-out model
    put(both, brand, {"policy": {"basis": {"email:marketing": "consent"}}}, 201)
    assert "no_consent" in codes(decide(both, address, "email", brand=brand, at=None))
    consent(both, address, ["email"], brand=brand)
    assert decide(both, address, "email", brand=brand, at=None)["decision"] == "allow"
    put(both, brand, {"policy": None}, 200)
    assert decide(both, new_email(), "email", brand=brand, at=None)["decision"] == "allow"


def test_policy_shows_the_brands_words_and_overrides(both):
    brand = unique("acme")
    put(both, brand, {"stop_words": ["basta"], "policy": {"quiet_hours_end": "20:00"}}, 201)
    body = clean(both.call("GET", f"/v1/policy?brand={brand}", key="dialer"))
    assert body["policy"]["quiet_hours_end"] == "20:00"
    assert "basta" in body["policy"]["sms_replies"]["opt_out"] and body["policy"]["sms_replies"]["added_by_brand"] == [
        "basta"]
    assert brand in body["brands_with_overrides"]
    # the rules with their citations stand beside the brand's words and overrides (rev. 2); the law's
    # tables are no brand's to override
    rules = {r["id"]: r["citation"] for r in body["policy"]["rules"]}
    assert rules["written_consent"] == "47 CFR 64.1200(a)(2)" and rules["quiet_hours"] == "47 CFR 64.1200(c)(1)"
    assert body["policy"]["written_consent"]["sms:marketing"] == ["artificial_voice", "autodialed", "prerecorded"]
    refused = both.call("PUT", f"/v1/brands/{brand}", {"policy": {"written_consent": {"sms:marketing": []}}})
    assert refused.status == 400
    default = clean(both.call("GET", "/v1/policy", key="dialer"))["policy"]
    assert "basta" not in default["sms_replies"]["opt_out"] and "stop" in default["sms_replies"]["opt_out"]


def test_configuration_seeds_brands(api, configure):
    brand = unique("seeded")
    configure(REGISTRY_BRAND_POLICIES=f'{{"{brand.upper()}": {{"basis": {{"email:marketing": "consent"}}}}}}')
    seeded = get(api, brand)
    assert seeded["seeded"] is True and seeded["policy"] == {"basis": {"email:marketing": "consent"}}
    assert seeded["created_at"] is None
    assert "no_consent" in codes(decide(api, new_email(), "email", brand=brand))
    assert brand in [b["brand"] for b in clean(api.call("GET", "/v1/brands", key="dialer"))["brands"]]
    # a PUT starts from the seed and stores it: the table wins from then on
    stored = clean(put(api, brand, {"help_text": "hi"}, 201))
    assert stored["seeded"] is False and stored["policy"] == {"basis": {"email:marketing": "consent"}}
    assert "no_consent" in codes(decide(api, new_email(), "email", brand=brand))


def test_a_brand_that_cannot_be_read_fails_lookups_closed(api, monkeypatch):
    from registry.domain.errors import RegistryUnavailable
    from registry.services import brands

    def down(name):
        raise RegistryUnavailable("the registry could not read the brand")

    brand = unique("down")
    monkeypatch.setattr(brands, "_stored_or_seeded", down)
    reply = api.permission(new_phone(), "call", "informational", at=NOON_LA, brand=brand)
    body = clean(reply)
    assert reply.status == 503 and body["decision"] == "deny" and body["allowed"] is False
