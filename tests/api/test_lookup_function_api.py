"""The lookup function (``registry.handlers.lookup``, template.yaml's LookupFunction): the routes of
scope ``lookup`` in a Lambda function of their own, set up as the API's (``handlers.resolver``).

- It answers as ``registry.handlers.api`` and the local server do, called in turns in one process
  (the two resolvers share the lookup Router, which reads the request of the last resolver that
  included it: each call must still read its own request).
- It holds no other route, and its gate is the API's (401, 403, a 503 deny when it cannot answer).
- It never writes: every AWS call a lookup, a batch, a replay and the policy make is a read that
  LookupFunction's role allows (template.yaml), nothing else.
"""
from __future__ import annotations

import inspect
import urllib.parse
from contextlib import contextmanager

import pytest

from infra.template import load_template, resource
from tests.api.conftest import Api, new_phone, quoted
from tests.api.helpers import NOON_LA, assert_error, clean, codes, consent, opt_out

pytestmark = pytest.mark.dynamodb


@pytest.fixture(scope="module")
def hosts(api, local_api):
    """The same keys through each host: the lookup function, the API function, the local server."""
    from registry.handlers import api as api_module
    from registry.handlers import lookup

    return {"lookup": Api(lookup.lambda_handler, api.admin, api.dialer, api.writer),
            "api": Api(api_module.lambda_handler, api.admin, api.dialer, api.writer),
            "local": local_api}


def _ask(client, address, at=NOON_LA):
    query = urllib.parse.urlencode({"address": address, "channel": "call", "purpose": "marketing", "at": at})
    reply = client.call("GET", f"/v1/permissions?{query}", key="dialer")
    assert reply.status == 200, reply.text
    return clean(reply)


def test_the_gateway_sends_the_lookups_to_the_lookup_function_and_the_rest_to_the_api(api):
    assert api.handler.function_for("GET", "/v1/permissions") == "LookupFunction"
    assert api.handler.function_for("POST", "/v1/permissions/batch") == "LookupFunction"
    assert api.handler.function_for("GET", "/v1/policy") == "LookupFunction"
    assert api.handler.function_for("POST", "/v1/permissions") == "ApiFunction"
    assert api.handler.function_for("GET", f"/v1/contacts/{quoted(new_phone())}") == "ApiFunction"
    assert api.handler.function_for("GET", "/v1/openapi.json") == "ApiFunction"


def test_lookups_through_both_functions_and_the_local_server_in_turns_each_read_their_own_request(api, hosts):
    """Allowed and opted-out numbers asked in turns through the three hosts: a host reading another
    call's request (a Router shared by two resolvers) would answer for the wrong number."""
    allowed, opted = new_phone(), new_phone()
    consent(api, allowed, ["call"])
    consent(api, opted, ["call"], occurred_at="2026-11-20T12:00:00Z")
    opt_out(api, opted, ["call"], occurred_at="2026-11-21T12:00:00Z")
    order = ["lookup", "api", "local", "api", "lookup", "local", "lookup"]
    for turn, host in enumerate(order):
        address = (allowed, opted)[turn % 2]
        decision = _ask(hosts[host], address)
        assert decision["address"] == address, (host, turn)
        if address == allowed:
            assert decision["decision"] == "allow", (host, decision)
        else:
            assert decision["decision"] == "deny" and "opted_out" in codes(decision), (host, decision)

    batch = {"channel": "call", "purpose": "marketing", "at": NOON_LA, "addresses": [opted, allowed, "nope"]}
    answers = {}
    for host in ("lookup", "api", "local", "lookup"):
        reply = hosts[host].call("POST", "/v1/permissions/batch", batch, key="dialer")
        assert reply.status == 200, reply.text
        answers[host] = [(r["address"], r.get("decision"), r.get("error", {}).get("code"))
                         for r in clean(reply)["results"]]
    assert answers["lookup"] == answers["api"] == answers["local"] == [
        (opted, "deny", None), (allowed, "allow", None), ("nope", None, "invalid_address")]

    # what keeps it so: the lookup routes read the request only through their arguments
    from registry.handlers.routes import permissions
    assert "current_event" not in inspect.getsource(permissions)

    policies = [clean(hosts[h].call("GET", f"/v1/policy?brand=acme&at={NOON_LA}", key="dialer"))
                for h in ("lookup", "api", "local")]
    assert policies[0] == policies[1] == policies[2] and policies[0]


def test_the_lookup_function_holds_only_the_lookup_routes_behind_the_same_gate(hosts):
    lookup = hosts["lookup"]
    phone = new_phone()
    # API Gateway never sends it these; it has no such route
    assert_error(lookup.call("GET", f"/v1/contacts/{quoted(phone)}"), 404, "not_found")
    assert_error(lookup.call("GET", "/v1/openapi.json", key=None), 404, "not_found")
    assert_error(lookup.call("GET", "/health", key=None), 404, "not_found")
    # the gate: no key, an unknown key, a key without the lookup scope; a non-canonical path
    query = f"/v1/permissions?address={quoted(phone)}&channel=call&purpose=marketing"
    assert_error(lookup.call("GET", query, key=None), 401, "unauthorized")
    assert_error(lookup.call("GET", query, key="not-a-real-key"), 401, "unauthorized")
    assert_error(lookup.call("GET", query, key="writer"), 403, "forbidden")
    assert_error(lookup.call("GET", query.replace("/v1/", "/v1//")), 404, "not_found")
    # bad input: the contract's 400, as on the API
    assert_error(lookup.call("GET", "/v1/permissions?address=x&channel=fax&purpose=marketing", key="dialer"), 400)
    assert lookup.call("GET", query, key="dialer").headers.get("x-request-id")


def test_the_lookup_function_fails_closed(hosts, monkeypatch):
    """An unexpected error in a lookup is a 503 deny here as on the API (the resolver's one handler)."""
    from registry.services import permissions

    def broken(*_, **__):
        raise RuntimeError("boom")

    monkeypatch.setattr(permissions, "check", broken)
    phone = new_phone()
    for host in ("lookup", "api"):
        reply = hosts[host].call("GET", f"/v1/permissions?address={quoted(phone)}&channel=call&purpose=marketing",
                                 key="dialer")
        body = clean(reply)
        assert reply.status == 503, (host, reply.text)
        assert body["decision"] == "deny" and body["allowed"] is False, host
        assert body["error"]["code"] == "registry_unavailable", host


@contextmanager
def aws_calls():
    """Every AWS API call made in the block: (service, operation)."""
    from botocore.client import BaseClient

    seen: list[tuple[str, str]] = []
    original = BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        seen.append((self.meta.service_model.endpoint_prefix, operation_name))
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = recording  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        BaseClient._make_api_call = original  # type: ignore[method-assign]


def _allowed_actions() -> set[str]:
    statements = [s for policy in resource("LookupFunction", load_template())["Properties"]["Policies"]
                  for s in policy["Statement"]]
    actions: set[str] = set()
    for statement in statements:
        assert statement["Effect"] == "Allow"
        actions.update([statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"])
    return actions


def test_a_lookup_never_writes_and_makes_only_calls_its_role_allows(api, hosts):
    """Whatever a lookup reads first (an API key, the list catalog, brands), it writes nothing:
    LookupFunction's role may only read (template.yaml), and this is every call it makes."""
    from registry.services import api_keys

    phone, other = new_phone(), new_phone()
    consent(api, phone, ["call", "sms"])
    api_keys.clear_cache()  # the key is read again too
    lookup = hosts["lookup"]
    with aws_calls() as seen:
        _ask(lookup, phone)
        _ask(lookup, other)
        reply = lookup.call("GET", f"/v1/permissions?address={quoted(phone)}&channel=call&purpose=marketing"
                                   f"&at={NOON_LA}&known_at=2026-01-01T00:00:00Z", key="dialer")
        assert reply.status == 200, reply.text
        reply = lookup.call("POST", "/v1/permissions/batch", {"channel": "sms", "purpose": "marketing",
                                                              "addresses": [phone, other], "at": NOON_LA},
                            key="dialer")
        assert reply.status == 200, reply.text
        assert lookup.call("GET", "/v1/policy", key="dialer").status == 200
    assert seen, "the lookups made no AWS call at all: the recording is not watching"
    allowed = _allowed_actions()
    made = {f"{service}:{operation}" for service, operation in seen}
    assert made <= allowed, made - allowed
    assert not any(op.startswith(("dynamodb:Put", "dynamodb:Update", "dynamodb:Delete", "dynamodb:BatchWrite",
                                  "dynamodb:Transact")) for op in made), made


def test_the_lookup_function_s_routes_carry_no_response_models_and_the_api_s_carry_the_classes():
    """The models describe answers for the OpenAPI document (ApiFunction's); the lookup function has none,
    and its first request never analyses them (handlers.answers)."""
    from pydantic import BaseModel

    from registry.handlers import api as api_module
    from registry.handlers import lookup
    from registry.handlers.routing import routes

    assert [r.responses for r in routes(lookup.app)] == [None, None, None]
    described = {r.path: r.responses for r in routes(api_module.app) if r.path in ("/v1/permissions", "/v1/policy")}
    assert described["/v1/permissions"][200]["content"]["application/json"]["model"].__name__ == "Decision"
    assert described["/v1/permissions"][503]["content"]["application/json"]["model"].__name__ == "LookupUnavailable"
    for responses in described.values():
        models = [c["model"] for answer in responses.values() for c in answer["content"].values()]
        assert models and all(isinstance(m, type) and issubclass(m, BaseModel) for m in models)
