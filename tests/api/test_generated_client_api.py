"""Issue 8, item 10: a client generated from the served OpenAPI document works.

``openapi-python-client`` generates a package from ``GET /v1/openapi.json`` into a temporary
folder; the test imports it and, through both hosts (the Lambda handler, behind an httpx
transport that builds API Gateway HTTP API events, and the local server's ASGI app), records a
consent and makes a lookup that returns a typed ``Decision`` (it returned None when every
response was ``{}``), then a batch, a profile and the typed errors.
"""
from __future__ import annotations

import asyncio
import datetime
import importlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import LambdaContext, new_phone
from tests.api.helpers import clean

pytestmark = [pytest.mark.dynamodb, pytest.mark.slow]

NOON_LA = "2026-12-01T20:00:00Z"
BASE = "http://registry.test"


@pytest.fixture(scope="module")
def generated(api, tmp_path_factory):
    """The generated client package, imported (a fresh name per run)."""
    document = clean(api.call("GET", "/v1/openapi.json", key=None))
    folder = tmp_path_factory.mktemp("client")
    (folder / "openapi.json").write_text(json.dumps(document))
    (folder / "config.yaml").write_text("post_hooks: []\n")  # no formatter run: the code is used as generated
    package = f"registry_client_{uuid.uuid4().hex[:8]}"
    tool = Path(sys.executable).parent / "openapi-python-client"
    result = subprocess.run([str(tool), "generate", "--path", str(folder / "openapi.json"), "--meta", "none",
                             "--output-path", str(folder / package), "--config", str(folder / "config.yaml")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield Generated(package)
    finally:
        sys.path.remove(str(folder))


class Generated:
    def __init__(self, package: str) -> None:
        self.package = package

    def __getattr__(self, name: str):
        return importlib.import_module(f"{self.package}.{name}")


def lambda_transport(api) -> httpx.MockTransport:
    """httpx requests as API Gateway HTTP API (payload 2.0) events to the Lambda handler."""
    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path  # decoded once, as API Gateway's rawPath
        body = request.content.decode() if request.content else None
        event = {"version": "2.0", "routeKey": "$default", "rawPath": path,
                 "rawQueryString": request.url.query.decode(), "headers": dict(request.headers),
                 "queryStringParameters": dict(request.url.params) or None,
                 "requestContext": {"http": {"method": request.method, "path": path, "sourceIp": "127.0.0.1"},
                                    "stage": "$default", "requestId": f"gen-{uuid.uuid4().hex[:8]}"},
                 "body": body, "isBase64Encoded": False}
        result = api.handler(event, LambdaContext())
        return httpx.Response(result["statusCode"], headers=result.get("headers") or {},
                              content=(result.get("body") or "").encode())
    return httpx.MockTransport(handle)


def clients(generated, api, key: str):
    """(call, client): ``call(module, **kwargs)`` runs an operation of the generated client."""
    client_module = generated.client
    lambda_client = client_module.AuthenticatedClient(base_url=BASE, token=key, prefix="", auth_header_name="x-api-key")
    lambda_client.set_httpx_client(httpx.Client(base_url=BASE, transport=lambda_transport(api),
                                                headers={"x-api-key": key}))

    def on_lambda(operation, **kwargs):
        return operation.sync_detailed(client=lambda_client, **kwargs)

    from registry.handlers.api import local_app

    def on_local(operation, **kwargs):
        async def go():
            local_client = client_module.AuthenticatedClient(base_url=BASE, token=key, prefix="",
                                                             auth_header_name="x-api-key")
            async with httpx.AsyncClient(base_url=BASE, transport=httpx.ASGITransport(app=local_app()),
                                         headers={"x-api-key": key}) as http:
                local_client.set_async_httpx_client(http)
                return await operation.asyncio_detailed(client=local_client, **kwargs)
        return asyncio.run(go())

    return {"lambda": on_lambda, "local": on_local}


@pytest.mark.parametrize("host", ["lambda", "local"])
def test_the_generated_client_makes_a_typed_lookup(generated, api, host):
    models = generated.models
    api_ops = importlib.import_module(f"{generated.package}.api.lookups")  # the "lookups" tag
    facts_ops = importlib.import_module(f"{generated.package}.api.facts")
    contacts_ops = importlib.import_module(f"{generated.package}.api.contacts")
    admin = clients(generated, api, api.admin)[host]
    dialer = clients(generated, api, api.dialer)[host]
    phone = new_phone()

    recorded = admin(importlib.import_module(f"{facts_ops.__name__}.post_consent"), body=models.ConsentIn(
        address=phone, channels=[models.ConsentInChannelsItem.CALL], purposes=[models.ConsentInPurposesItem.MARKETING],
        source=models.ConsentInSource.WEB_FORM, occurred_at="2026-11-28T12:00:00Z"))
    assert recorded.status_code == 201, recorded.content
    assert isinstance(recorded.parsed, models.ConsentRecord) and recorded.parsed.address == phone
    assert isinstance(recorded.parsed.recorded_at, datetime.datetime)

    get_permission = importlib.import_module(f"{api_ops.__name__}.get_permission")
    answer = dialer(get_permission, address=phone, channel=models.GetPermissionChannel.CALL,
                    purpose=models.GetPermissionPurpose.MARKETING, at=NOON_LA)
    assert answer.status_code == 200, answer.content
    decision = answer.parsed
    assert isinstance(decision, models.Decision), decision
    assert decision.decision == models.DecisionDecision.ALLOW and decision.allowed is True
    assert decision.address == phone and decision.channel == models.DecisionChannel.CALL
    assert decision.evaluated_at == datetime.datetime(2026, 12, 1, 20, 0, tzinfo=datetime.UTC)
    assert decision.reasons == [] and decision.lead_temperature in set(models.DecisionLeadTemperature)
    # and the same through the short sync call a client writes first
    if host == "lambda":
        lambda_client = generated.client.AuthenticatedClient(base_url=BASE, token=api.dialer, prefix="",
                                                             auth_header_name="x-api-key")
        lambda_client.set_httpx_client(httpx.Client(base_url=BASE, transport=lambda_transport(api),
                                                    headers={"x-api-key": api.dialer}))
        again = get_permission.sync(client=lambda_client, address=phone, channel=models.GetPermissionChannel.CALL,
                                    purpose=models.GetPermissionPurpose.MARKETING, at=NOON_LA)
        assert isinstance(again, models.Decision) and again.decision == models.DecisionDecision.ALLOW

    batch = dialer(importlib.import_module(f"{api_ops.__name__}.post_permissions_batch"), body=models.BatchIn(
        channel=models.BatchInChannel.CALL, purpose=models.BatchInPurpose.MARKETING, at=NOON_LA,
        addresses=[phone, "not-a-number"]))
    assert batch.status_code == 200, batch.content
    first, second = batch.parsed.results
    assert isinstance(first, models.Decision) and first.decision == models.DecisionDecision.ALLOW
    assert isinstance(second, models.AddressError) and second.error.code == "invalid_address"

    profile = admin(importlib.import_module(f"{contacts_ops.__name__}.get_contact"), address=phone)
    assert profile.status_code == 200, profile.content
    assert isinstance(profile.parsed, models.Profile) and profile.parsed.address == phone
    assert isinstance(profile.parsed.consents[0], models.ConsentFact)

    # errors are typed too, with the request's id
    refused = clients(generated, api, "not-a-real-key")[host](
        get_permission, address=phone, channel=models.GetPermissionChannel.CALL,
        purpose=models.GetPermissionPurpose.MARKETING)
    assert refused.status_code == 401 and isinstance(refused.parsed, models.ErrorResponse)
    assert refused.parsed.error.code == "unauthorized"
    assert refused.parsed.error.request_id == refused.headers["x-request-id"]
    forbidden = dialer(importlib.import_module(f"{contacts_ops.__name__}.get_contact"), address=phone)
    assert forbidden.status_code == 403 and forbidden.parsed.error.code == "forbidden"
