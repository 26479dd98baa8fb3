"""Issue 8, item 10: the OpenAPI document says what the API answers.

- Every operation has a short operation id, its success bodies as schemas, the errors it really
  sends (the contract's error model; a lookup's 503 is also a deny), the API-key security
  requirement when it needs a scope, and none of Powertools' 422 (never sent).
- What the API sends conforms: real answers of every operation, success and error, through both
  hosts, validate against the document's schema for their status, with the models closed
  (``additionalProperties: false`` for the test) so a field the models do not name is caught.
- Swagger UI is served at /v1/docs without a key, with its assets inline (no CDN).
"""
from __future__ import annotations

import copy
import json
import re
import uuid

import jsonschema
import pytest
from openapi_spec_validator import validate

from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import clean, consent

pytestmark = pytest.mark.dynamodb

NOON_LA = "2026-12-01T20:00:00Z"
OCCURRED = "2026-11-28T12:00:00Z"


@pytest.fixture(scope="module")
def document(api):
    reply = api.call("GET", "/v1/openapi.json", key=None)
    assert reply.status == 200
    return clean(reply)


def operations(document):
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def test_the_document_is_valid_openapi_with_a_security_scheme(document):
    validate(document)  # OpenAPI 3.1, every $ref resolves
    assert document["components"]["securitySchemes"] == {
        "apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key",
                   "description": "An API key of the registry; its scopes: lookup, write, admin"}}
    text = json.dumps(document)
    assert '"422"' not in text and "HTTPValidationError" not in text and "ValidationError" not in text


def test_every_operation_declares_id_answers_errors_and_security(document):
    ids = set()
    for path, method, op in operations(document):
        where = f"{method.upper()} {path}"
        assert re.fullmatch(r"(get|post|put|delete)[A-Z][A-Za-z]{2,28}", op["operationId"]), where
        ids.add(op["operationId"])
        responses = op["responses"]
        success = [status for status in responses if status.startswith("2")]
        assert success, where
        for status in success:  # a schema, never the empty {}
            assert responses[status]["content"]["application/json"]["schema"]["$ref"], (where, status)
        scope = op["x-required-scope"]
        if scope == "public":
            assert "security" not in op and not {"401", "403"} & set(responses), where
        else:
            assert op["security"] == [{"apiKey": []}], where
            assert {"400", "401", "403", "503"} <= set(responses), where
        if "requestBody" in op:
            assert "413" in responses, where
        for status, response in responses.items():
            if status >= "400":
                ref = response["content"]["application/json"]["schema"]["$ref"]
                unavailable = {"/v1/permissions": "LookupUnavailable",
                               "/v1/permissions/batch": "BatchUnavailable", "/v1/events": "EventsUnavailable"}
                expected = unavailable.get(path, "ErrorResponse") if status == "503" else "ErrorResponse"
                assert ref == f"#/components/schemas/{expected}", (where, status)
    assert len(ids) == len(list(operations(document)))  # unique
    assert {"getPermission", "postConsent", "postPermissionsBatch", "getContact", "postEvents"} <= ids


def test_answers_have_examples(document):
    schemas = document["components"]["schemas"]
    for _, _, op in operations(document):
        for status, response in op["responses"].items():
            if status.startswith("2"):
                name = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
                assert schemas[name].get("examples") or name == "Health", name
    assert schemas["Decision"]["examples"][0]["decision"] == "defer"


# --- what is sent is what the document says ------------------------------------------------------------

def closed(document) -> dict:
    """The document's schemas with every modelled object closed: a field no model names fails."""
    components = copy.deepcopy(document["components"])
    for schema in components["schemas"].values():
        for node in _walk(schema):
            if isinstance(node, dict) and "properties" in node and node.get("additionalProperties") is True:
                node["additionalProperties"] = False
    return components


def _walk(node):
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def check(document, components, method: str, route: str, reply) -> None:
    op = document["paths"][route][method.lower()]
    assert str(reply.status) in op["responses"], (method, route, reply.status, reply.text[:300])
    schema = op["responses"][str(reply.status)]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**schema, "components": components},
                                                format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(reply.json()), key=str)
    assert not errors, (method, route, reply.status, [e.message for e in errors[:3]], reply.text[:500])


def _imports(call, run, monkeypatch):
    """rev. 2: bulk imports (a file in a bucket of the emulator, the import queue configured)."""
    import os

    import boto3

    from registry.settings import reset_settings

    s3, sqs = (boto3.client(name, endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1")
               for name in ("s3", "sqs"))
    from datetime import UTC, datetime

    version = datetime.now(UTC).date().isoformat()  # a copy in force stays fresh (list_stale), on any date
    bucket, key = "oa-imports", f"imports/oa-n-{run}/full/{version}.txt"
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    s3.put_object(Bucket=bucket, Key=key, Body=b"4155550123\nbad\n")
    monkeypatch.setenv("REGISTRY_IMPORT_QUEUE_URL", sqs.create_queue(QueueName=f"oa-{run}")["QueueUrl"])
    reset_settings()
    route, path = "/v1/suppression-lists/{name}/imports", f"/v1/suppression-lists/oa-n-{run}/imports"
    call("PUT", "/v1/suppression-lists/{name}", f"/v1/suppression-lists/oa-n-{run}", {"kind": "state"})
    started = call("POST", route, path, {"bucket": bucket, "key": key, "mode": "full", "version": version})
    assert started.status == 202, started.text
    call("POST", route, path, {"bucket": bucket, "key": key, "mode": "all"})
    call("POST", route, path, {"bucket": bucket, "key": key + "-none", "mode": "full"})
    call("POST", route, f"/v1/suppression-lists/oa-{run}/imports", {"bucket": bucket, "key": key, "mode": "full"})
    call("GET", route + "/{import_id}", f"{path}/{started.json()['id']}")
    call("GET", route + "/{import_id}", f"{path}/{'0' * 64}")
    monkeypatch.delenv("REGISTRY_IMPORT_QUEUE_URL")
    reset_settings()


def test_every_answer_conforms_to_the_document(both, document, monkeypatch):
    components = closed(document)
    run = uuid.uuid4().hex[:8]
    phone, mail, fact_id = new_phone(), new_email(), f"oa-{run}"
    q = quoted(phone)
    calls = []

    def call(method, route, path, body=None, key="admin", **kwargs):
        reply = both.call(method, path, body, key=key, **kwargs)
        calls.append((method, route, reply))
        return reply

    consent_body = {"id": fact_id, "address": phone, "channels": ["call", "sms"], "purposes": ["marketing"],
                    "source": "web_form", "occurred_at": OCCURRED, "expires_at": "2030-01-01T00:00:00Z",
                    "evidence": {"disclosure_text": "I agree", "ip": "203.0.113.7"}}
    assert call("POST", "/v1/consents", "/v1/consents", consent_body).status == 201
    assert call("POST", "/v1/consents", "/v1/consents", consent_body).status == 200
    assert call("POST", "/v1/consents", "/v1/consents", {**consent_body, "channels": ["call"]}).status == 409
    call("POST", "/v1/opt-outs", "/v1/opt-outs", {"address": phone, "channels": ["call"], "purposes": ["all"],
                                                  "source": "agent", "occurred_at": "2026-11-29T12:00:00Z", "note": "n"})
    call("POST", "/v1/relationships", "/v1/relationships", {"address": phone, "kind": "inquiry", "occurred_at": OCCURRED})
    call("POST", "/v1/attempts", "/v1/attempts", {"address": phone, "channel": "sms", "purpose": "marketing",
                                                  "occurred_at": OCCURRED, "outcome": "busy"})
    # rev. 2: the violations report (the sms above had only an express consent: written_consent_required)
    window = "from=2026-11-28T11:59:59Z&to=2026-11-28T12:00:01Z"
    assert call("GET", "/v1/reports/violations", f"/v1/reports/violations?{window}").status == 200
    assert call("GET", "/v1/reports/violations", f"/v1/reports/violations?{window}&limit=1").status == 200
    assert call("GET", "/v1/reports/violations", "/v1/reports/violations?from=2026-11-28T12:00:00Z"
                "&to=2026-11-28T11:00:00Z").status == 400
    check_body = {"id": f"oa-rc-{run}", "address": phone, "result": "no", "since": "2026-06-01",
                  "occurred_at": OCCURRED, "source": "rnd"}
    assert call("POST", "/v1/reassigned-checks", "/v1/reassigned-checks", check_body).status == 201
    assert call("POST", "/v1/reassigned-checks", "/v1/reassigned-checks", check_body).status == 200
    assert call("POST", "/v1/reassigned-checks", "/v1/reassigned-checks",
                {**check_body, "id": f"oa-rc2-{run}", "address": mail}).status == 400
    call("PUT", "/v1/contacts/{address}/preferences", f"/v1/contacts/{q}/preferences", {
        "preferred_channel": "sms", "timezone": "America/New_York", "snooze_until": "2026-11-01T00:00:00Z",
        "contact_hours": {"start": "09:00", "end": "17:00", "days": ["mon"]}, "linked_addresses": [mail]})
    call("POST", "/v1/events", "/v1/events", {"events": [
        {"id": f"oa-ev-{run}", "type": "email.bounced", "occurred_at": OCCURRED, "source": "ses",
         "data": {"address": mail, "bounce_type": "permanent"}}, {"id": "x"}, 7]})
    call("PUT", "/v1/suppression-lists/{name}", f"/v1/suppression-lists/oa-{run}", {"kind": "internal"})
    call("PUT", "/v1/suppression-lists/{name}", f"/v1/suppression-lists/oa-{run}", {"kind": "internal"})
    call("PUT", "/v1/suppression-lists/{name}", f"/v1/suppression-lists/oa-{run}", {"kind": "national"})
    call("POST", "/v1/suppression-lists/{name}/entries", f"/v1/suppression-lists/oa-{run}/entries", {"add": [mail]})
    call("POST", "/v1/suppression-lists/{name}/entries", f"/v1/suppression-lists/no-{run}/entries", {"add": [mail]})
    call("PUT", "/v1/suppression-lists/{name}", f"/v1/suppression-lists/oa-dnc-{run}", {"kind": "national"})
    call("POST", "/v1/suppression-lists/{name}/entries", f"/v1/suppression-lists/oa-dnc-{run}/entries",
         {"add": [new_phone()]})
    call("POST", "/v1/suppression-lists/{name}/entries", f"/v1/suppression-lists/oa-dnc-{run}/entries",
         {"add": [mail]})
    call("GET", "/v1/suppression-lists/{name}", f"/v1/suppression-lists/oa-dnc-{run}")
    call("GET", "/v1/suppression-lists/{name}", f"/v1/suppression-lists/oa-{run}")
    call("GET", "/v1/suppression-lists/{name}", f"/v1/suppression-lists/no-{run}")
    _imports(call, run, monkeypatch)
    call("GET", "/v1/contacts/{address}", f"/v1/contacts/{q}")
    call("GET", "/v1/contacts/{address}", f"/v1/contacts/{quoted(mail)}")
    call("GET", "/v1/contacts/{address}", f"/v1/contacts/{quoted(new_phone())}")
    call("GET", "/v1/contacts/{address}", "/v1/contacts/not-an-address")
    call("GET", "/v1/contacts/{address}/history", f"/v1/contacts/{q}/history?limit=2")
    call("GET", "/v1/contacts/{address}/history", f"/v1/contacts/{q}/history?cursor=nope")
    for channel in ("call", "sms"):
        call("GET", "/v1/permissions", f"/v1/permissions?address={q}&channel={channel}&purpose=marketing&at={NOON_LA}",
             key="dialer")
    call("GET", "/v1/permissions", f"/v1/permissions?address={quoted(mail)}&channel=email&purpose=marketing",
         key="dialer")
    call("GET", "/v1/permissions", f"/v1/permissions?address={q}&channel=call&purpose=marketing&dialing=prerecorded"
                                    f"&at={NOON_LA}", key="dialer")
    call("GET", "/v1/permissions", f"/v1/permissions?address={q}&channel=fax&purpose=marketing", key="dialer")
    call("GET", "/v1/permissions", f"/v1/permissions?address={q}&channel=call&purpose=marketing", key=None)
    call("GET", "/v1/permissions", f"/v1/permissions?address={q}&channel=call&purpose=marketing", key="writer")
    call("POST", "/v1/permissions/batch", "/v1/permissions/batch", {
        "channel": "call", "purpose": "marketing", "addresses": [phone, "nope", 5, mail]}, key="dialer")
    call("POST", "/v1/permissions/batch", "/v1/permissions/batch", {
        "channel": "call", "purpose": "marketing", "addresses": [phone] * 1001}, key="dialer")
    call("GET", "/v1/policy", "/v1/policy", key="dialer")
    call("GET", "/v1/policy", "/v1/policy?brand=acme", key="dialer")
    brand_number = new_phone()
    call("PUT", "/v1/brands/{brand}", f"/v1/brands/oa-{run}", {
        "sms_numbers": [brand_number], "help_text": "h", "confirmation_text": "c", "stop_words": ["basta"],
        "twilio_auth_token": "t" * 32, "policy": {"quiet_hours_end": "20:00"}})
    call("PUT", "/v1/brands/{brand}", f"/v1/brands/oa-{run}", {"help_text": "again"})
    call("PUT", "/v1/brands/{brand}", f"/v1/brands/oa2-{run}", {"sms_numbers": [brand_number]})
    call("PUT", "/v1/brands/{brand}", f"/v1/brands/oa2-{run}", {"sms_numbers": ["nope"]})
    call("GET", "/v1/brands/{brand}", f"/v1/brands/oa-{run}", key="dialer")
    call("GET", "/v1/brands/{brand}", f"/v1/brands/none-{run}", key="dialer")
    call("GET", "/v1/brands", "/v1/brands", key="dialer")
    request_body = {"id": f"oa-cr-{run}", "address": phone, "channels": ["sms"], "purposes": ["marketing"],
                    "brand": f"oa-{run}", "grade": "written", "disclosure_text": "Reply YES", "occurred_at": OCCURRED}
    call("POST", "/v1/consent-requests", "/v1/consent-requests", request_body)
    call("POST", "/v1/consent-requests", "/v1/consent-requests", request_body)
    call("POST", "/v1/consent-requests", "/v1/consent-requests", {**request_body, "disclosure_text": "other"})
    call("POST", "/v1/consent-requests", "/v1/consent-requests", {**request_body, "grade": "oral"})
    call("POST", "/v1/events", "/v1/events", {"events": [
        {"id": f"oa-yes-{run}", "type": "sms.inbound", "occurred_at": OCCURRED, "source": "twilio",
         "data": {"from": phone, "to": brand_number, "body": "YES"}},
        {"id": f"oa-help-{run}", "type": "sms.inbound", "occurred_at": OCCURRED, "source": "twilio",
         "data": {"from": phone, "to": brand_number, "body": "help"}},
        {"id": f"oa-stop-{run}", "type": "sms.inbound", "occurred_at": OCCURRED, "source": "twilio",
         "data": {"from": phone, "to": brand_number, "body": "STOP please"}}]})
    call("POST", "/v1/opt-outs", "/v1/opt-outs", {"address": phone, "channels": ["sms"], "purposes": ["all"],
                                                  "source": "agent", "occurred_at": OCCURRED})
    call("GET", "/v1/permissions", f"/v1/permissions?address={q}&channel=sms&purpose=opt_out_confirmation",
         key="dialer")
    call("POST", "/v1/preference-links", "/v1/preference-links", {"address": phone})
    call("POST", "/v1/preference-links", "/v1/preference-links", {"address": phone, "ttl_days": 0})
    call("POST", "/v1/consents", "/v1/consents", raw=b"x" * 1_048_577)
    call("GET", "/v1/health", "/v1/health", key=None)
    call("DELETE", "/v1/contacts/{address}", f"/v1/contacts/{quoted(mail)}")
    call("DELETE", "/v1/contacts/{address}", f"/v1/contacts/{quoted(new_email())}")

    # the registry cannot answer: 503s, a lookup's as a deny
    from registry.domain.errors import RegistryUnavailable
    from registry.services import events, permissions

    def down(*args, **kwargs):
        raise RegistryUnavailable("the registry could not be read")

    from registry.services import violations

    monkeypatch.setattr(violations, "report", down)
    call("GET", "/v1/reports/violations", "/v1/reports/violations?from=2026-11-28T11:00:00Z&to=2026-11-28T12:00:00Z")
    monkeypatch.setattr(permissions, "check", down)
    monkeypatch.setattr(permissions, "check_many", down)
    monkeypatch.setattr(events, "apply_event",
                        lambda *a, **k: events.EventResult(events.REJECTED, RegistryUnavailable("down")))
    call("GET", "/v1/permissions", f"/v1/permissions?address={q}&channel=call&purpose=marketing", key="dialer")
    call("POST", "/v1/permissions/batch", "/v1/permissions/batch", {
        "channel": "call", "purpose": "marketing", "addresses": [phone, mail]}, key="dialer")
    call("POST", "/v1/events", "/v1/events", {"events": [
        {"id": f"oa-ev2-{run}", "type": "email.complained", "occurred_at": OCCURRED, "source": "ses",
         "data": {"address": mail}}]})
    monkeypatch.undo()

    statuses = set()
    for method, route, reply in calls:
        check(document, components, method, route, reply)
        statuses.add(reply.status)
    assert statuses >= {200, 201, 400, 401, 403, 404, 409, 413, 503}
    # every operation of the document was tried
    assert {(m.lower(), r) for m, r, _ in calls} == {(m, p) for p, m, _ in operations(document)}


# --- Swagger UI ----------------------------------------------------------------------------------------

def test_swagger_ui_is_served_without_a_key_and_loads_nothing_from_elsewhere(both, document):
    page = both.call("GET", "/v1/docs", key=None)
    assert page.status == 200, page.text[:300]
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "SwaggerUIBundle" in html and '"getPermission"' in html  # the bundle, and this document
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|@import|https?://(?!www\.w3\.org|swagger\.io)", html[:2000])
    for tag in re.findall(r"<script[^>]*>", html) + re.findall(r"<link[^>]*>", html):
        assert "src=" not in tag and "href=" not in tag, tag
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "http" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-request-id"]
    as_json = both.call("GET", "/v1/docs?format=json", key=None)
    assert as_json.status == 200 and as_json.json() == document


def test_the_served_document_is_the_swagger_pages_document(api, document):
    html = api.call("GET", "/v1/docs", key=None).text
    spec = json.loads(re.search(r"spec: (\{.*?\}),\n\s*presets", html, re.S).group(1).replace("<\\/", "</"))
    assert spec == document


def test_consent_example_round_trips(api):
    """The decision example in the document is the shape a real lookup has."""
    phone = new_phone()
    consent(api, phone, ["call"])
    reply = api.permission(phone, "call", at=NOON_LA)
    document = clean(api.call("GET", "/v1/openapi.json", key=None))
    example = document["components"]["schemas"]["Decision"]["examples"][0]
    assert set(example) == set(reply.json())
