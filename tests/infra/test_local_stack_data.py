"""The local stack keeps its table across restarts (DynamoDB Local with its data on disk), starts
empty when asked (REGISTRY_LOCAL_FRESH=1), and refuses a second stack on the same data."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from infra import dynamodb_local, local_stack
from infra.net import LOCALHOST, free_port, http_status, wait_until
from tests.api.conftest import new_phone

ROOT = Path(__file__).resolve().parents[2]
AT = "2026-12-01T20:00:00Z"

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _dynamodb_local_or_skip():
    why = dynamodb_local.available()
    if why:
        pytest.skip(why)


def _env(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_ENDPOINT_URL", "REGISTRY_"))}
    env.update({"PORT": str(free_port()), "MOTO_PORT": str(free_port()),
                "REGISTRY_LOCAL_STACK_FILE": str(data.parent / "stack.json"), "REGISTRY_LOCAL_DATA_DIR": str(data),
                "PYTHONPATH": os.pathsep.join([str(ROOT / "functions"), str(ROOT)]), **extra})
    return env


@contextmanager
def stack(data: Path, **extra: str):
    env = _env(data, **extra)
    url = f"http://{LOCALHOST}:{env['PORT']}"
    log = data.parent / "stack.log"
    with open(log, "ab") as out:
        process = subprocess.Popen([sys.executable, "-m", "infra.local_stack"], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: http_status(f"{url}/v1/health") == 200, 120, "the local stack",
                   alive=lambda: process.poll() is None, interval=0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    output = log.read_text()
    assert "Traceback" not in output, output[-3000:]


def consent(url: str, number: str) -> None:
    body = json.dumps({"address": number, "channels": ["call"], "purposes": ["marketing"], "source": "web_form",
                       "occurred_at": "2026-11-28T12:00:00Z"}).encode()
    request = urllib.request.Request(f"{url}/v1/consents", data=body, method="POST",
                                     headers={"x-api-key": "local-admin", "content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        assert reply.status == 201


def decision(url: str, number: str) -> str:
    query = urllib.parse.urlencode({"address": number, "channel": "call", "purpose": "marketing", "at": AT})
    request = urllib.request.Request(f"{url}/v1/permissions?{query}", headers={"x-api-key": "local-dialer"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.load(reply)["decision"]


def test_the_table_survives_a_restart_unless_asked_to_start_empty(tmp_path):
    data = tmp_path / "data"
    number = new_phone()
    with stack(data) as url:
        assert decision(url, number) == "deny"
        consent(url, number)
        assert decision(url, number) == "allow"
    log = (tmp_path / "stack.log").read_text()
    assert "the table on DynamoDB Local" in log and "kept across restarts" in log
    assert (data / "dynamodb" / "shared-local-instance.db").is_file()
    assert not (data / local_stack.DYNAMODB_PID_FILE).exists()  # DynamoDB Local stopped with the stack

    with stack(data) as url:  # the table and the keys are found, not made again
        assert decision(url, number) == "allow"
        # a second stack on the same data is refused, in one line
        second = subprocess.run([sys.executable, "-m", "infra.local_stack"], cwd=ROOT, env=_env(data),
                                capture_output=True, text=True, timeout=120)
        assert second.returncode == 1
        assert f"another local stack keeps its data in {data}" in second.stderr
        assert "Traceback" not in second.stderr
        assert decision(url, number) == "allow"  # and the first one goes on

    with stack(data, REGISTRY_LOCAL_FRESH="1") as url:
        assert decision(url, number) == "deny"
    assert "starting empty (REGISTRY_LOCAL_FRESH)" in (tmp_path / "stack.log").read_text()
