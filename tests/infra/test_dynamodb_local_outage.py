"""`make run` on DynamoDB Local: kill DynamoDB Local and the next lookup fails closed, fast."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from infra import dynamodb_local
from infra.net import free_port, http_status, wait_until
from tests.conftest import READ_TIMEOUT_VARIABLES

ROOT = Path(__file__).resolve().parents[2]
NOON_LA = "2026-12-01T20%3A00%3A00Z"


def _request(url: str, method: str = "GET", body: dict | None = None, key: str = "local-admin"):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"x-api-key": key, "content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.mark.slow
def test_killing_dynamodb_local_makes_the_next_lookup_deny_within_two_seconds(tmp_path):
    try:
        dynamodb_local.find_jar()
    except FileNotFoundError:
        pytest.skip("DynamoDB Local not installed (make dynamodb-local)")
    if shutil.which("java") is None:
        pytest.skip("no java on PATH")

    ddb = dynamodb_local.DynamoDBLocal()
    endpoint = ddb.start()
    port = free_port()
    # The stack's own read timeouts, not the suite's longer ones: this measures failing closed.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_ENDPOINT_URL") and k not in READ_TIMEOUT_VARIABLES}
    env.update(AWS_ENDPOINT_URL_DYNAMODB=endpoint, PORT=str(port), MOTO_PORT=str(free_port()),
               PYTHONPATH=os.pathsep.join([str(ROOT / "functions"), str(ROOT)]))
    log = (tmp_path / "stack.log").open("w")
    stack = subprocess.Popen([sys.executable, "-m", "infra.local_stack"], cwd=ROOT, env=env, stdout=log,
                             stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: http_status(base + "/v1/health") == 200, timeout=90, what="local stack")
        number = "+14155550987"
        status, _ = _request(base + "/v1/consents", "POST", {
            "address": number, "channels": ["call"], "purposes": ["marketing"], "source": "web_form",
            "occurred_at": "2026-11-28T12:00:00Z"})
        assert status in (200, 201)
        lookup = f"{base}/v1/permissions?address=%2B14155550987&channel=call&purpose=marketing&at={NOON_LA}"
        status, decision = _request(lookup, key="local-dialer")
        assert (status, decision["decision"]) == (200, "allow")

        ddb.stop()  # DynamoDB Local is gone

        started = time.perf_counter()
        status, body = _request(lookup, key="local-dialer")
        elapsed = time.perf_counter() - started
        assert status == 503, body
        assert body["decision"] == "deny" and body["allowed"] is False
        assert any(r["code"] == "registry_unavailable" for r in body["reasons"])
        assert elapsed < 2.0, f"took {elapsed:.2f} s"
        print(f"lookup after DynamoDB Local was killed: 503 in {elapsed * 1000:.0f} ms")
    finally:
        stack.terminate()
        try:
            stack.wait(timeout=20)
        except subprocess.TimeoutExpired:
            stack.kill()
        ddb.stop()
        log.close()
