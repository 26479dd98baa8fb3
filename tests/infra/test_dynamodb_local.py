"""DynamoDB Local straight from the npm package's jar."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from infra import dynamodb_local
from infra.net import http_status


def test_missing_jar_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.delenv("DYNAMODB_LOCAL_JAR", raising=False)
    monkeypatch.setattr(dynamodb_local, "INSTALL_DIR", tmp_path)
    with pytest.raises(FileNotFoundError, match="make dynamodb-local"):
        dynamodb_local.find_jar()


def _jar_or_skip():
    try:
        jar = dynamodb_local.find_jar()
    except FileNotFoundError:
        pytest.skip("DynamoDB Local not installed (make dynamodb-local)")
    if shutil.which("java") is None:
        pytest.skip("no java on PATH")
    return jar


@pytest.mark.slow
def test_exec_runs_the_command_against_it_and_stops_it():
    _jar_or_skip()
    check = "import os, sys; print(os.environ['AWS_ENDPOINT_URL_DYNAMODB']); sys.exit(4)"
    result = subprocess.run(
        [sys.executable, "-m", "infra.dynamodb_local", "exec", "--", sys.executable, "-c", check],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 4, result.stderr
    url = result.stdout.strip().splitlines()[-1]
    assert url.startswith("http://127.0.0.1:")
    assert http_status(url, timeout=1) is None  # stopped
