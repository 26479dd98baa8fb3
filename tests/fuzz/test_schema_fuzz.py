"""A schema-driven fuzzer (issue 7, item 9): schemathesis reads the served OpenAPI document
(``/v1/openapi.json``) of the local server's ASGI app and sends every GET, POST and PUT operation
generated requests, valid ones and ones that break the schema, in-process against the moto
backend. It fails on any 5xx (a 503 only passes if the storage really is down at that moment:
an outage, not a bug), on any 4xx that is not the contract's JSON error, and on any answer the
document does not declare: a status it does not list, another content type, a body its schema
for that status refuses.

Bounded and reproducible: ``FUZZ_EXAMPLES`` examples per operation (env ``REGISTRY_FUZZ_EXAMPLES``
overrides), derandomized (the same examples on every run), no example database, no shrinking
deadline. The number of examples sent is recorded as the ``fuzz_examples`` property of each
test and summed at the end of the run ("schema fuzz: N examples, zero 5xx").
"""
from __future__ import annotations

import json
import os
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from registry.handlers.api import OPENAPI_PATH, local_app

pytestmark = pytest.mark.dynamodb

FUZZ_EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "30"))
ADMIN_KEY = f"fuzz-admin-{uuid.uuid4().hex[:8]}"
LEAKS = ("Traceback", 'File "', "site-packages", "botocore", "pynamodb", "PynamoDB")

APP = local_app()
schema = schemathesis.openapi.from_asgi(OPENAPI_PATH, APP).include(method=["GET", "POST", "PUT"])


@pytest.fixture(scope="module")
def admin_key(dynamodb_table):
    from registry.services import api_keys

    api_keys.ensure_key(ADMIN_KEY, "fuzz-admin", {"lookup", "write", "admin"})
    return ADMIN_KEY


@pytest.fixture
def sent(record_property):
    """Counts the examples one operation was sent; recorded when its test ends."""
    count = {"examples": 0}
    yield count
    record_property("fuzz_examples", count["examples"])


def _storage_is_down(dynamodb_client) -> bool:
    try:
        dynamodb_client.describe_table(TableName=os.environ["REGISTRY_TABLE"])
    except Exception:  # noqa: BLE001 - any failure to reach it is an outage
        return True
    return False


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, derandomize=True, database=None, deadline=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_5xx(case, admin_key, sent, dynamodb_client):
    sent["examples"] += 1
    # A write on a loaded 2-core machine can outlast schemathesis' 10 s default; the registry's own
    # timeouts (REGISTRY_WRITE_TIMEOUT) decide what a slow backend gets, not the fuzzer's client.
    response = case.call(headers={"x-api-key": admin_key}, timeout=60)
    status = response.status_code
    where = f"{case.method} {case.formatted_path} -> {status}: {response.text[:300]}"
    if status == 503 and _storage_is_down(dynamodb_client):
        return  # a real outage of the backend: nothing to learn about the API
    assert status < 500, where
    for leak in LEAKS:
        assert leak not in response.text, where
    if 400 <= status < 500:
        content_type = response.headers.get("content-type") or [""]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/json"), where
        error = json.loads(response.text)["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str), where
    # and the answer is one the document declares, with its content type and schema (issue 8, item 10)
    case.validate_response(response, checks=[status_code_conformance, content_type_conformance,
                                              response_schema_conformance])
