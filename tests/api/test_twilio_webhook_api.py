"""POST /webhooks/twilio/sms/{brand} (contract rev. 2, Events): Twilio's inbound-message form post,
verified with the brand's auth token by Twilio's own RequestValidator, applied as an sms.inbound
event, answered with TwiML. Through the Lambda handler and the local server (``both``)."""
from __future__ import annotations

import os
import secrets
import urllib.parse
from xml.etree import ElementTree

import pytest
from twilio.request_validator import RequestValidator

from tests.api.conftest import new_phone, quoted
from tests.api.helpers import codes, decide, history, noon_la_after_now, unique, written_consent

pytestmark = pytest.mark.dynamodb

BASE = os.environ.get("REGISTRY_PUBLIC_BASE_URL", "http://prefs.test:3000")
TWILIO_NUMBER = "+14155550100"


def brand_with_token(api, **settings) -> tuple[str, str]:
    brand, token = unique("tw"), secrets.token_hex(16)
    answer = api.call("PUT", f"/v1/brands/{quoted(brand)}", {"twilio_auth_token": token, **settings})
    assert answer.status == 201, answer.text
    return brand, token


def consented(api, number: str, brand: str) -> None:
    written_consent(api, number, brand=brand, occurred_at="2026-11-28T12:00:00Z")


def lookup(api, number: str, brand: str) -> dict:
    """sms marketing for the brand, at a calling hour after now (after the reply's arrival)."""
    return decide(api, number, "sms", at=noon_la_after_now(), brand=brand)


def form(sender: str, body: str, sid: str | None = None, **more: str) -> dict[str, str]:
    return {"MessageSid": sid or "SM" + secrets.token_hex(16), "AccountSid": "AC" + "0" * 32, "From": sender,
            "To": TWILIO_NUMBER, "Body": body, "NumMedia": "0", **more}


def path(brand: str) -> str:
    return f"/webhooks/twilio/sms/{quoted(brand)}"


def post(api, brand: str, params: dict[str, str], token: str | None = None, signature: str | None = None,
         url: str | None = None, query: str = ""):
    target = path(brand) + (f"?{query}" if query else "")
    if signature is None:
        signature = RequestValidator(token or "").compute_signature(url or BASE + target, params)
    headers = {"content-type": "application/x-www-form-urlencoded"}
    if signature:
        headers["X-Twilio-Signature"] = signature
    return api.call("POST", target, key=None, raw=urllib.parse.urlencode(params).encode(), headers=headers)


def message_text(reply) -> str | None:
    assert reply.status == 200, reply.text
    assert reply.headers["content-type"].startswith("application/xml")
    root = ElementTree.fromstring(reply.text)
    assert root.tag == "Response"
    found = root.find("Message")
    return None if found is None else found.text


def test_a_signed_stop_opts_out_and_answers_the_confirmation(both):
    brand, token = brand_with_token(both, confirmation_text="Acme: unsubscribed. No more texts <3 & bye")
    number = new_phone()
    consented(both, number, brand)
    assert lookup(both, number, brand)["decision"] == "allow"
    reply = post(both, brand, form(number, "Stop please"), token)
    assert message_text(reply) == "Acme: unsubscribed. No more texts <3 & bye"  # escaped, read back
    assert "&lt;3 &amp; bye" in reply.text
    denied = lookup(both, number, brand)
    assert denied["decision"] == "deny" and "opted_out" in codes(denied)
    entries = [e for e in history(both, number) if e["type"] == "opt_out.recorded"]
    assert len(entries) == 1 and entries[0]["source"] == "sms_keyword"


def test_help_answers_the_brands_help_text_and_changes_nothing(both):
    brand, token = brand_with_token(both, help_text="Acme alerts. Reply STOP to stop.")
    number = new_phone()
    consented(both, number, brand)
    assert message_text(post(both, brand, form(number, "HELP"), token)) == "Acme alerts. Reply STOP to stop."
    assert lookup(both, number, brand)["decision"] == "allow"


def test_anything_else_answers_an_empty_response(both):
    brand, token = brand_with_token(both)
    reply = post(both, brand, form(new_phone(), "see you at noon"), token)
    assert message_text(reply) is None and "<Response/>" in reply.text


def test_a_bad_signature_is_403_and_changes_nothing(both):
    brand, token = brand_with_token(both)
    number = new_phone()
    consented(both, number, brand)
    params = form(number, "STOP")
    good = RequestValidator(token).compute_signature(BASE + path(brand), params)
    forged = [
        RequestValidator("not-the-token").compute_signature(BASE + path(brand), params),  # another token
        RequestValidator(token).compute_signature("https://evil.example" + path(brand), params),  # another URL
        RequestValidator(token).compute_signature(BASE + path(brand), {**params, "Body": "hi"}),  # another body
        good[:-2] + ("AA" if not good.endswith("AA") else "BB"),  # tampered
        "",  # none at all
    ]
    for signature in forged:
        reply = post(both, brand, params, signature=signature)
        assert reply.status == 403, (signature, reply.text)
        error = reply.json()["error"]
        assert error["code"] == "forbidden" and token not in reply.text
    assert lookup(both, number, brand)["decision"] == "allow"
    assert [e for e in history(both, number) if e["type"] == "opt_out.recorded"] == []


def test_another_brands_token_or_an_unknown_brand_is_403(both):
    brand, token = brand_with_token(both)
    other, other_token = brand_with_token(both)
    number = new_phone()
    consented(both, number, brand)
    # signed with the other brand's token, for this brand's URL
    reply = post(both, brand, form(number, "STOP"), signature=RequestValidator(other_token).compute_signature(
        BASE + path(brand), form(number, "STOP", sid="SM1")))
    assert reply.status == 403
    # a valid signature for the other brand's URL, sent to this brand's
    params = form(number, "STOP")
    reply = post(both, brand, params, signature=RequestValidator(token).compute_signature(BASE + path(other), params))
    assert reply.status == 403
    # a brand no one stored, and one without a token: the same 403
    assert post(both, unique("nobody"), form(number, "STOP"), token).status == 403
    plain = unique("plain")
    assert both.call("PUT", f"/v1/brands/{quoted(plain)}", {"help_text": "hi"}).status == 201
    assert post(both, plain, form(number, "STOP"), "").status == 403
    assert post(both, "*", form(number, "STOP"), token).status == 403
    assert lookup(both, number, brand)["decision"] == "allow"


def test_a_retry_of_the_same_message_is_a_duplicate(both):
    brand, token = brand_with_token(both)
    number = new_phone()
    consented(both, number, brand)
    params = form(number, "STOP")
    assert message_text(post(both, brand, params, token))  # the confirmation
    again = post(both, brand, params, token)
    assert message_text(again) is None  # one confirmation, never a second
    assert len([e for e in history(both, number) if e["type"] == "opt_out.recorded"]) == 1


def test_the_query_string_is_signed_as_received(both):
    brand, token = brand_with_token(both)
    number = new_phone()
    consented(both, number, brand)
    query = "b=2&a=%2B1"
    params = form(number, "STOP")
    signed = RequestValidator(token).compute_signature(f"{BASE}{path(brand)}?{query}", params)
    assert post(both, brand, params, signature=signed, query=query).status == 200
    # the same parameters in another order are another URL
    params = form(number, "STOP")
    signed = RequestValidator(token).compute_signature(f"{BASE}{path(brand)}?a=%2B1&b=2", params)
    assert post(both, brand, params, signature=signed, query=query).status == 403


def test_the_host_header_is_not_the_url(both):
    """The URL comes from configuration: a signature made for the Host a client sends is refused."""
    brand, token = brand_with_token(both)
    params = form(new_phone(), "STOP")
    signature = RequestValidator(token).compute_signature("https://attacker.example" + path(brand), params)
    reply = both.call("POST", path(brand), key=None, raw=urllib.parse.urlencode(params).encode(),
                      headers={"content-type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature,
                               "host": "attacker.example", "x-forwarded-host": "attacker.example",
                               "x-forwarded-proto": "https"})
    assert reply.status == 403


def test_a_post_that_is_not_a_form_or_lacks_a_field_is_refused(both):
    brand, token = brand_with_token(both)
    reply = both.call("POST", path(brand), {"From": new_phone()}, key=None)
    assert reply.status == 400 and reply.json()["error"]["code"] == "invalid_request"
    params = form(new_phone(), "STOP")
    del params["From"]
    reply = post(both, brand, params, token)
    assert reply.status == 400 and reply.json()["error"]["field"] == "From"


def test_no_api_key_is_asked_for_and_a_key_does_not_replace_the_signature(both):
    brand, _ = brand_with_token(both)
    params = form(new_phone(), "STOP")
    reply = both.call("POST", path(brand), key="admin", raw=urllib.parse.urlencode(params).encode(),
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert reply.status == 403


def test_the_token_is_never_logged(both, logs):
    brand, token = brand_with_token(both)
    number = new_phone()
    post(both, brand, form(number, "STOP"), token)
    post(both, brand, form(number, "STOP"), "wrong-token")
    text = "\n".join(logs.take_text())
    assert token not in text and number not in text and number[2:] not in text
