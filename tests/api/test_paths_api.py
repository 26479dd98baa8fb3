"""Issue 7 #1, #6, #14: no spelling of a path reaches a route without its scope; the address in the
path is decoded exactly once; unknown routes are 404 whatever the key.

Every route of the served OpenAPI document (plus health, the document itself and the /p/ pages)
is tried in many spellings (percent-encoded letters, encoded and doubled slashes, dot segments,
case changes, double encoding, ...) with no key, an unknown key and a key without the scope,

- through the Lambda handler, with ``rawPath`` as API Gateway HTTP API delivers it (decoded
  once) and also verbatim, as sent (should anything in front ever pass it on undecoded);
- through the local server (``local_app()`` over ASGI, ``raw_path`` as sent), in-process and,
  for the attacks the issue lists, over a real socket with uvicorn.

A spelling is either refused (404) or resolves to exactly the route the plain spelling names,
whose scope is then checked: 401 / 403, never an answer.
"""
from __future__ import annotations

import http.client
import inspect
import json
import threading
import time
import urllib.parse
import uuid

import pytest

from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import assert_error, clean, consent, history, profile

pytestmark = pytest.mark.dynamodb

RUN = uuid.uuid4().hex[:8]
PHONE = new_phone()  # the address in every spelled path: it must never be written through one
VICTIM = new_phone()  # has facts; spelled DELETEs must never erase it
LIST_NAME = f"paths-{RUN}"

# The contract's scopes (CONTRACT.md "Access"), per (method, route): the tests' own table, not
# the code's declarations, which are checked against it.
LOOKUP = {("GET", "/v1/permissions"), ("POST", "/v1/permissions/batch"), ("GET", "/v1/policy"),
          ("GET", "/v1/brands"), ("GET", "/v1/brands/{brand}")}
ADMIN = {("DELETE", "/v1/contacts/{address}"), ("PUT", "/v1/brands/{brand}"), ("GET", "/v1/reports/violations")}
PUBLIC = {("GET", "/v1/health"), ("GET", "/v1/openapi.json"), ("GET", "/v1/docs"), ("GET", "/p/{token}"),
          ("POST", "/p/{token}"), ("GET", "/p/{token}/unsubscribe"), ("POST", "/p/{token}/unsubscribe"),
          ("GET", "/new-link"), ("POST", "/new-link")}
# Providers' webhooks (rev. 2): no key; the provider's signature, checked in the route (403 without it).
SIGNED = {("POST", "/webhooks/twilio/sms/{brand}"), ("POST", "/webhooks/ses")}
# routes outside the OpenAPI document (include_in_schema=False)
HIDDEN = (PUBLIC - {("GET", "/v1/health")}) | SIGNED


def expected_scope(method: str, route: str) -> str:
    if (method, route) in PUBLIC:
        return "public"
    if (method, route) in SIGNED:
        return "signed"
    if (method, route) in LOOKUP:
        return "lookup"
    if (method, route) in ADMIN:
        return "admin"
    return "write"


def body_for(method: str, route: str):
    """A valid body: a request that reached its route would write something."""
    fact = {"address": PHONE, "occurred_at": "2026-11-28T12:00:00Z"}
    return {
        "/v1/consents": {**fact, "channels": ["call"], "purposes": ["marketing"], "source": "web_form"},
        "/v1/opt-outs": {**fact, "channels": ["call"], "purposes": ["all"], "source": "agent"},
        "/v1/relationships": {**fact, "kind": "inquiry"},
        "/v1/attempts": {**fact, "channel": "call", "purpose": "marketing", "outcome": "busy"},
        "/v1/contacts/{address}/preferences": {"preferred_channel": "sms"},
        "/v1/suppression-lists/{name}": {"kind": "internal"},
        "/v1/suppression-lists/{name}/entries": {"add": [PHONE]},
        "/v1/events": {"events": [{"id": f"paths-{RUN}", "type": "email.complained", "occurred_at": fact["occurred_at"],
                                   "source": "crm", "data": {"address": f"paths-{RUN}@example.com"}}]},
        "/v1/permissions/batch": {"channel": "call", "purpose": "marketing", "addresses": [PHONE]},
        "/v1/preference-links": {"address": PHONE},
        "/v1/brands/{brand}": {"help_text": "paths"},
        "/v1/consent-requests": {**fact, "channels": ["sms"], "purposes": ["marketing"], "disclosure_text": "YES?"},
    }.get(route) if method in ("POST", "PUT") else None


def concrete(route: str, token: str, address: str = PHONE) -> str:
    path = (route.replace("{address}", quoted(address)).replace("{name}", LIST_NAME)
            .replace("{brand}", f"paths-{RUN}").replace("{token}", token))
    if route == "/v1/permissions":
        path += f"?address={quoted(PHONE)}&channel=call&purpose=marketing"
    return path


def pct(text: str, lower: bool = False) -> str:
    encoded = "".join(f"%{ord(c):02X}" for c in text)
    return encoded.lower() if lower else encoded


def spellings(path: str) -> dict[str, str]:
    """Other spellings of an absolute path as a client sends it (the query is kept as it is)."""
    path, sep, query = path.partition("?")
    segs = path.split("/")[1:]
    out: dict[str, str] = {}

    def put(name: str, parts: list[str], joiner: str = "/", lead: str = "/") -> None:
        out[name] = lead + joiner.join(parts) + sep + query

    for i, seg in enumerate(segs):
        literal = not seg.startswith("%")  # leave the percent-encoded address alone here
        if literal:
            for name, new in {
                "enc-first": pct(seg[0]) + seg[1:],
                "enc-first-lower": pct(seg[0], lower=True) + seg[1:],
                "enc-all": pct(seg),
                "enc-last": seg[:-1] + pct(seg[-1]),
                "double-enc": "%25" + f"{ord(seg[0]):02X}" + seg[1:],
                "upper": seg.upper(),
                "title": seg[:1].upper() + seg[1:],
                "fullwidth": urllib.parse.quote(chr(ord(seg[0]) + 0xFEE0)) + seg[1:]
                if seg[0].isascii() and seg[0].isalnum() else seg,
                "semicolon": seg + ";x=1",
                "nul": seg + "%00",
                "trailing-space": seg + "%20",
            }.items():
                if new != seg:
                    put(f"{name}-{i}", segs[:i] + [new] + segs[i + 1:])
        put(f"double-slash-{i}", segs[:i] + [""] + segs[i:])
        put(f"dot-{i}", segs[:i] + ["."] + segs[i:])
        put(f"dot-enc-{i}", segs[:i] + ["%2e"] + segs[i:])
        put(f"dotdot-{i}", segs[:i] + ["x", ".."] + segs[i:])
        put(f"dotdot-enc-{i}", segs[:i] + ["x", "%2E%2E"] + segs[i:])
        put(f"dotdot-mixed-{i}", segs[:i] + ["x", ".%2e"] + segs[i:])
        put(f"dotdot-up-{i}", segs[:i] + [".."] + segs[i:])
        if i + 1 < len(segs):
            for name, slash in {"enc-slash": "%2F", "enc-slash-lower": "%2f", "backslash": "\\",
                                "enc-backslash": "%5C", "double-enc-slash": "%252F"}.items():
                put(f"{name}-{i}", segs[:i] + [segs[i] + slash + segs[i + 1]] + segs[i + 2:])
    put("leading-double-slash", segs, lead="//")
    put("leading-enc-slash", segs, lead="%2F")
    put("trailing-slash", segs + [""])
    put("trailing-dot", segs + ["."])
    put("trailing-dotdot", segs + [".."])
    put("all-enc-slashes", segs, joiner="%2F")
    return out


# Spellings that, decoded once, are other text than the plain path (not just another spelling of
# it): they may name another route, or the same route with another parameter.
OTHER_TEXT = ("double-enc", "backslash", "semicolon", "nul", "trailing-space", "fullwidth")
# Case changes are other text too (paths are case-sensitive): a static segment so changed names
# no route, a parameter (a token, a list name) so changed is another parameter of the same route.
CASE = ("upper", "title")


def same_text(name: str, how_name: str, case_too: bool = False) -> bool:
    """Decoded once, this spelling is the plain path's text (or a non-canonical form of it)."""
    other = OTHER_TEXT + CASE if case_too else OTHER_TEXT
    return how_name != "verbatim" and not any(tag in name for tag in other)


def deliveries(host: str, sent: str) -> list[tuple[str, dict]]:
    """How the path reaches the app: for Lambda, decoded once by API Gateway, and verbatim."""
    if host == "local":
        return [("as sent", {})]
    path_only = sent.partition("?")[0]
    return [("gateway", {}), ("verbatim", {"raw_path": path_only})]


def delivered_path(host: str, sent: str, how: dict) -> str | None:
    """The path the app routes on (the string the gate and the resolver share)."""
    from registry.handlers.routing import NotCanonical, decode_once

    path_only = sent.partition("?")[0]
    if host == "local":
        try:
            return decode_once(path_only.encode("latin-1"))
        except NotCanonical:
            return None
    return how.get("raw_path", urllib.parse.unquote(path_only))


# --- the inventory --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def inventory(api):
    """(method, route) of every route: the served OpenAPI document plus the routes it leaves out."""
    document = clean(api.call("GET", "/v1/openapi.json", key=None))
    routes = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    for path, ops in document["paths"].items():
        for method, op in ops.items():
            # the document names each route's scope, and it is the contract's
            assert op.get("x-required-scope") == expected_scope(method.upper(), path), (method, path)
    return sorted(routes | HIDDEN)


@pytest.fixture(scope="module")
def token(api):
    link = clean(api.call("POST", "/v1/preference-links", {"address": new_email()}))
    return urllib.parse.urlsplit(link["url"]).path.split("/")[2]


@pytest.fixture(scope="module")
def victim(api):
    consent(api, VICTIM, ["call", "sms"], evidence={"disclosure_text": "victim evidence", "ip": "203.0.113.9"})
    return VICTIM


def test_the_inventory_is_every_route_of_the_app(inventory):
    """A route added later is in the document or in HIDDEN, so the tests below try it too."""
    from registry.handlers import api as api_module
    from registry.handlers.routing import routes

    in_app = {(r.method, r.path.replace("<", "{").replace(">", "}")) for r in routes(api_module.app)}
    assert in_app == set(inventory)
    assert len(inventory) >= 20


# --- every route, every spelling, no key / bad key / key without the scope ---------------------------

WRONG_KEYS = {"lookup": ["writer"], "write": ["dialer"], "admin": ["dialer", "writer"]}
KEY_SCOPES = {None: set(), "not-a-real-key": set(), "dialer": {"lookup"}, "writer": {"write"}}


def template_of(route) -> str:
    return route.path.replace("<", "{").replace(">", "}")


@pytest.mark.parametrize("host", ["lambda", "local"])
def test_no_spelling_reaches_a_route_without_its_scope(api, local_api, host, inventory, token, victim):
    """Each spelling resolves to no route (404) or to a route, and then that route's scope is
    checked (401 / 403). Decoded once (gateway, local), a spelling that resolves at all resolves
    to the very route of the plain spelling; verbatim, a literal '%..' can only make a parameter
    longer (another route, whose own scope is checked)."""
    from registry.handlers import api as api_module
    from registry.handlers.routing import NotCanonical, check_canonical, find_route

    client = api if host == "lambda" else local_api
    tried = 0
    for method, route in inventory:
        scope = expected_scope(method, route)
        address = victim if (method, route) in ADMIN else PHONE
        plain = concrete(route, token, address)
        canonical_route = find_route(api_module.app, method, urllib.parse.unquote(plain.partition("?")[0]))
        assert canonical_route is not None and template_of(canonical_route) == route, (method, plain)
        for name, sent in spellings(plain).items():
            for how_name, how in deliveries(host, sent):
                where = f"{method} {sent} ({host}, {how_name}, {name})"
                # the shared normalisation, as the gate and the resolver apply it
                path = delivered_path(host, sent, how)
                try:
                    chosen = find_route(api_module.app, method, check_canonical(path))
                except NotCanonical:
                    chosen = None
                if same_text(name, how_name):
                    assert chosen is None or chosen is canonical_route, where
                chosen_scope = expected_scope(method, template_of(chosen)) if chosen else None
                keys = [None] if scope in ("public", "signed") else [None, "not-a-real-key", *WRONG_KEYS[scope]]
                for key in keys:
                    reply = client.call(method, sent, body_for(method, route), key=key, **how)
                    tried += 1
                    if chosen is None:
                        assert_error(reply, 404, "not_found")
                    elif chosen_scope == "public":
                        assert reply.status < 500, where
                    elif chosen_scope == "signed":  # unsigned: refused by the route, nothing applied
                        assert reply.status in (400, 403), where
                    elif chosen_scope not in KEY_SCOPES[key]:
                        assert_error(reply, 401 if key in (None, "not-a-real-key") else 403,
                                     "unauthorized" if key in (None, "not-a-real-key") else "forbidden")
                    else:  # another route this key may call
                        assert reply.status < 500, where
    assert tried > 1000
    # nothing was written through any of them, nothing erased
    assert_error(api.call("GET", f"/v1/contacts/{quoted(PHONE)}"), 404, "not_found")
    assert {c["channels"][0] for c in profile(api, victim)["consents"]} >= {"call"}


@pytest.mark.parametrize("host", ["lambda", "local"])
def test_a_spelling_with_the_right_key_is_refused_or_the_route_itself(api, local_api, host, inventory, token):
    """With a key that has every scope, a spelling answers 404 (no such endpoint) or what the
    route answers; never a 5xx."""
    client = api if host == "lambda" else local_api
    for method, route in inventory:
        if method != "GET":
            continue
        plain = concrete(route, token)
        expected = client.call(method, plain)
        for name, sent in spellings(plain).items():
            for how_name, how in deliveries(host, sent):
                reply = client.call(method, sent, **how)
                where = f"{method} {sent} ({host}, {how_name}, {name})"
                assert reply.status < 500, where
                if reply.status == 404 and "no such endpoint" in reply.text:
                    continue
                if same_text(name, how_name, case_too=True):  # else a parameter may differ (a literal %)
                    assert reply.status == expected.status, where


@pytest.mark.parametrize("host", ["lambda", "local"])
def test_401_before_400_in_every_spelling(api, local_api, host, inventory, token):
    client = api if host == "lambda" else local_api
    for method, route in inventory:
        if method not in ("POST", "PUT") or expected_scope(method, route) in ("public", "signed"):
            continue
        for sent in [concrete(route, token), *spellings(concrete(route, token)).values()]:
            for _, how in deliveries(host, sent):
                reply = client.call(method, sent, raw=b"{not json", key=None, **how)
                assert reply.status in (401, 404), f"{method} {sent}: {reply.status}"


# --- the attacks of the issue, exactly ---------------------------------------------------------------

def issue_attacks(api, phone: str):
    """(method, path as sent, key, status the plain route gives that key)."""
    q = quoted(phone)
    body = {"address": phone, "channels": ["call"], "purposes": ["marketing"], "source": "web_form",
            "occurred_at": "2026-11-28T12:00:00Z"}
    return [
        ("POST", "/%761/consents", body, None),
        ("GET", f"/%761/contacts/{q}/history", None, None),
        ("DELETE", f"/%761/contacts/{q}", None, "not-a-real-key"),
        ("DELETE", f"/v1/%63ontacts/{q}", None, "writer"),
    ]


@pytest.mark.parametrize("how", ["gateway", "verbatim", "local"])
def test_the_issues_attacks_are_refused(api, local_api, how):
    victim_phone, fresh = new_phone(), new_phone()
    consent(api, victim_phone, ["call"], evidence={"disclosure_text": "evidence of the victim", "ip": "203.0.113.7"})
    client = local_api if how == "local" else api
    for method, sent, body, key in issue_attacks(api, victim_phone):
        if method == "POST":
            body = {**body, "address": fresh}
        extra = {"raw_path": sent} if how == "verbatim" else {}
        reply = client.call(method, sent, body, key=key, **extra)
        assert reply.status in (401, 403, 404), (how, method, sent, reply.status, reply.text)
        assert "evidence of the victim" not in reply.text and "203.0.113.7" not in reply.text
        if how != "verbatim":  # decoded once, these are the plain routes: their own answer
            assert reply.status == (403 if key == "writer" else 401), (how, method, sent)
    assert_error(api.call("GET", f"/v1/contacts/{quoted(fresh)}"), 404, "not_found")  # no consent stored
    kept = profile(api, victim_phone)
    assert kept["erased"] is False and kept["consents"], "the victim was erased"


@pytest.fixture(scope="module")
def uvicorn_url(local_api):
    """The local app under a real uvicorn on a free loopback port (the issue's attacks went over
    HTTP, with paths exactly as typed)."""
    import uvicorn

    from infra.net import free_port

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(local_api.handler, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


def raw_http(port: int, method: str, path: str, body=None, key: str | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {"content-type": "application/json"}
    if key:
        headers["x-api-key"] = key
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    connection.close()
    return response.status, text


def test_the_issues_attacks_over_a_real_socket(api, uvicorn_url):
    victim_phone, fresh = new_phone(), new_phone()
    consent(api, victim_phone, ["call"], evidence={"disclosure_text": "evidence of the victim"})
    keys = {None: None, "not-a-real-key": "not-a-real-key", "writer": api.writer}
    for method, sent, body, key in issue_attacks(api, victim_phone):
        if method == "POST":
            body = {**body, "address": fresh}
        status, text = raw_http(uvicorn_url, method, sent, body, keys[key])
        assert status == (403 if key == "writer" else 401), (method, sent, status, text)
        assert "evidence of the victim" not in text
    for sent in ("/v1//consents", "/v1/./consents", "/v1/x/../consents", "/V1/consents", "/v1%2Fconsents"):
        status, text = raw_http(uvicorn_url, "POST", sent, {"address": fresh, "channels": ["call"]}, None)
        assert status in (401, 404), (sent, status, text)
    assert_error(api.call("GET", f"/v1/contacts/{quoted(fresh)}"), 404, "not_found")
    assert profile(api, victim_phone)["consents"]
    # and the address decoded once over the wire too (#6)
    run = uuid.uuid4().hex[:8]
    meant, other = f"pct%41-{run}@example.com", f"pcta-{run}@example.com"
    consent(api, meant, ["email"])
    consent(api, other, ["email"])
    status, text = raw_http(uvicorn_url, "DELETE", f"/v1/contacts/{quoted(meant)}", key=api.admin)
    assert status == 200, text
    assert profile(api, meant)["erased"] is True and profile(api, other)["erased"] is False


# --- the address in the path is decoded exactly once (#6) ----------------------------------------------

def test_the_address_in_the_path_is_decoded_once(both):
    """DELETE /v1/contacts/pct%2541%40example.com erased pcta@example.com."""
    run = uuid.uuid4().hex[:8]
    meant, other = f"pct%41-{run}@example.com", f"pcta-{run}@example.com"
    consent(both, meant, ["email"])
    consent(both, other, ["email"])
    assert quoted(meant) == f"pct%2541-{run}%40example.com"

    assert clean(both.call("GET", f"/v1/contacts/{quoted(meant)}"))["address"] == meant
    assert history(both, meant)  # the history of the address meant, not of pcta-...
    reply = both.call("DELETE", f"/v1/contacts/{quoted(meant)}")
    assert reply.status == 200, reply.text
    assert profile(both, meant)["erased"] is True
    kept = profile(both, other)
    assert kept["erased"] is False and kept["consents"]


def test_an_address_with_a_slash_can_be_read_changed_and_erased(both):
    run = uuid.uuid4().hex[:8]
    address = f"a/b-{run}@example.com"
    consent(both, address, ["email"])
    path = f"/v1/contacts/{quoted(address)}"
    assert "%2F" in path

    body = clean(both.call("GET", path))
    assert body["address"] == address and body["consents"]
    assert history(both, address)
    assert both.call("PUT", f"{path}/preferences", {"preferred_channel": "email"}).status in (200, 201)
    assert profile(both, address)["preferences"]["preferred_channel"] == "email"
    reply = both.call("DELETE", path)
    assert reply.status == 200, reply.text
    assert profile(both, address)["erased"] is True


# --- unknown routes, caching (#14) ------------------------------------------------------------------------

UNKNOWN = [("GET", "/v1/nothing-here"), ("GET", "/v1/keys"), ("POST", "/v1/keys"), ("GET", "/v1/consents"),
           ("PATCH", "/v1/consents"), ("GET", "/v1/contacts"), ("POST", "/v1/contacts/x/history"),
           ("GET", "/v1"), ("GET", "/"), ("OPTIONS", "/v1/consents"), ("HEAD", "/v1/policy"),
           ("GET", "/p"), ("DELETE", "/v1/suppression-lists/x")]


def test_unknown_routes_are_404_whatever_the_key(both):
    for method, path in UNKNOWN:
        for key in ("admin", "dialer", "writer", "not-a-real-key", None):
            assert_error(both.call(method, path, key=key), 404, "not_found")


def test_profile_and_history_are_not_stored_by_caches(both):
    phone = new_phone()
    consent(both, phone, ["call"])
    for path in (f"/v1/contacts/{quoted(phone)}", f"/v1/contacts/{quoted(phone)}/history"):
        reply = both.call("GET", path)
        assert reply.status == 200 and reply.headers.get("cache-control") == "no-store", (path, reply.headers)
    reply = both.call("DELETE", f"/v1/contacts/{quoted(phone)}")
    assert reply.status == 200 and reply.headers.get("cache-control") == "no-store"


# --- declared where declared, checked inside the route too ------------------------------------------------

def test_an_app_with_an_undeclared_route_does_not_start():
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
    from aws_lambda_powertools.event_handler.api_gateway import Router

    from registry.handlers import api
    from registry.handlers.access import UndeclaredScope, check_declared

    router = Router()

    @router.get("/v1/forgotten")
    def forgotten():
        return {"reached": True}

    resolver = APIGatewayHttpResolver(enable_validation=True)
    resolver.include_router(router)
    # Not configure(resolver): that would include the app's own Routers in this throwaway resolver,
    # and a Router reads the request of the last resolver that included it (the local app's routes
    # would then read this one's). configure() ends with this same check, which the source shows.
    with pytest.raises(UndeclaredScope, match="GET /v1/forgotten"):
        check_declared(resolver)
    assert "check_declared(app)" in inspect.getsource(api.configure)


def test_the_route_checks_its_scope_even_without_the_gate(api):
    """Should the gate and the router ever disagree, the chosen route still refuses."""
    from registry.handlers.access import current_principal
    from registry.handlers.api import app
    from registry.services import api_keys
    from tests.api.conftest import LambdaContext

    phone = new_phone()

    def resolve(method, path, body=None):
        event = {"version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": "",
                 "headers": {"content-type": "application/json"}, "isBase64Encoded": False,
                 "body": json.dumps(body) if body is not None else None,
                 "requestContext": {"http": {"method": method, "path": path, "sourceIp": "127.0.0.1"},
                                    "stage": "$default", "requestId": "no-gate"}}
        return app.resolve(event, LambdaContext())

    body = {"address": phone, "channels": ["call"], "purposes": ["marketing"], "source": "web_form",
            "occurred_at": "2026-11-28T12:00:00Z"}
    current_principal.set(None)
    assert resolve("POST", "/v1/consents", body)["statusCode"] == 401
    current_principal.set(api_keys.authenticate(api.dialer))
    try:
        assert resolve("POST", "/v1/consents", body)["statusCode"] == 403
        assert resolve("DELETE", f"/v1/contacts/{phone}")["statusCode"] == 403
    finally:
        current_principal.set(None)
    assert_error(api.call("GET", f"/v1/contacts/{quoted(phone)}"), 404, "not_found")


def test_two_key_headers_are_refused_over_a_real_socket(api, uvicorn_url):
    """Kept: a request with two x-api-key headers is 401 (joined with ',' as API Gateway joins
    them, it is no key), not whichever came last."""
    connection = http.client.HTTPConnection("127.0.0.1", uvicorn_url, timeout=20)
    connection.putrequest("GET", "/v1/policy")
    connection.putheader("x-api-key", api.dialer)
    connection.putheader("X-Api-Key", api.admin)
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 401, response.read()
    connection.close()
