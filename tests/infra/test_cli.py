"""The admin CLI as the README runs it: the `registry` console script, `--local` for the local
stack without AWS credentials of one's own, and errors that name their real cause."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import urllib.parse
from pathlib import Path

import pytest

from infra.net import free_port

ROOT = Path(__file__).resolve().parents[2]
# What a newcomer's shell has: no AWS variables at all.
NO_AWS = {**{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "REGISTRY_", "MOTO_"))},
          "REGISTRY_LOCAL_STACK_FILE": ""}


def registry(*argv: str, env: dict[str, str]) -> tuple[int, dict | list | None, dict | None]:
    result = subprocess.run([sys.executable, "-m", "registry.cli", *argv], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    out = json.loads(result.stdout) if result.stdout.strip() else None
    err_lines = [line for line in result.stderr.splitlines() if line.startswith("{")]
    return result.returncode, out, json.loads(err_lines[-1]) if err_lines else None


def test_registry_is_a_console_script():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["registry"] == "registry.cli:main"


def test_local_needs_no_credentials_and_finds_the_stack_by_moto_port(dynamodb_table, dynamodb_endpoint):
    """`registry --local` reaches the local stack's DynamoDB at 127.0.0.1:$MOTO_PORT with fake credentials."""
    if os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") and "127.0.0.1" not in dynamodb_endpoint:
        pytest.skip("needs a loopback DynamoDB")
    port = urllib.parse.urlsplit(dynamodb_endpoint).port
    env = {**NO_AWS, "MOTO_PORT": str(port), "REGISTRY_TABLE": dynamodb_table}
    code, created, _ = registry("--local", "keys", "create", "--name", "cli-local", "--scopes", "lookup", env=env)
    assert code == 0 and created["key"].startswith("cr_") and created["scopes"] == ["lookup"]
    code, listed, _ = registry("--local", "keys", "list", env=env)
    assert code == 0 and created["key_id"] in {k["key_id"] for k in listed}
    assert created["key"] not in json.dumps(listed)
    code, revoked, _ = registry("--local", "keys", "revoke", created["key_id"], env=env)
    assert code == 0 and revoked["revoked_at"]


def test_no_credentials_is_named_as_such():
    env = {**NO_AWS, "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{free_port()}", "AWS_REGION": "us-east-1",
           "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent",
           "AWS_EC2_METADATA_DISABLED": "true"}
    code, out, err = registry("keys", "list", env=env)
    assert code == 1 and out is None
    assert err["error"]["code"] == "registry_unavailable"
    assert "no AWS credentials" in err["error"]["cause"] and "--local" in err["error"]["cause"]


def test_nothing_listening_is_named_with_the_endpoint():
    port = free_port()
    code, _, err = registry("--local", "keys", "list", env={**NO_AWS, "MOTO_PORT": str(port)})
    assert code == 1
    assert f"nothing answers at http://127.0.0.1:{port}" in err["error"]["cause"]


def test_a_missing_table_is_named(dynamodb_endpoint):
    env = {**NO_AWS, "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_endpoint, "AWS_ACCESS_KEY_ID": "testing",
           "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1", "REGISTRY_TABLE": "no-such-table"}
    code, _, err = registry("keys", "list", env=env)
    assert code == 1 and "there is no table 'no-such-table'" in err["error"]["cause"]


def test_local_finds_the_dynamodb_the_running_stack_published(dynamodb_table, dynamodb_endpoint, tmp_path):
    """`make run` on DynamoDB Local publishes that endpoint; `registry --local` needs no variable for it."""
    stack = tmp_path / "stack.json"
    stack.write_text(json.dumps({"pid": os.getpid(), "url": "http://127.0.0.1:3000", "dynamodb": dynamodb_endpoint,
                                 "table": dynamodb_table}))
    env = {**NO_AWS, "REGISTRY_LOCAL_STACK_FILE": str(stack)}
    code, listed, err = registry("--local", "keys", "list", env=env)
    assert code == 0, err
    assert isinstance(listed, list)


def test_a_dead_stacks_file_is_not_believed(tmp_path, monkeypatch):
    from infra import local_stack

    stack = tmp_path / "stack.json"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stack.write_text(json.dumps({"pid": int(dead.stdout), "dynamodb": "http://127.0.0.1:1", "table": "t"}))
    monkeypatch.setenv("REGISTRY_LOCAL_STACK_FILE", str(stack))
    assert local_stack.running_stack() is None
    stack.write_text(json.dumps({"pid": os.getpid(), "dynamodb": "http://127.0.0.1:1", "table": "t"}))
    assert local_stack.running_stack()["dynamodb"] == "http://127.0.0.1:1"
    monkeypatch.setenv("REGISTRY_LOCAL_STACK_FILE", "")
    assert local_stack.running_stack() is None


def test_attempts_backfill_index_runs_against_the_local_stack(dynamodb_table, dynamodb_endpoint):
    """The migration of docs/storage.md ("Attempts index") is one command; it answers how many it indexed."""
    if os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") and "127.0.0.1" not in dynamodb_endpoint:
        pytest.skip("needs a loopback DynamoDB")
    port = urllib.parse.urlsplit(dynamodb_endpoint).port
    env = {**NO_AWS, "MOTO_PORT": str(port), "REGISTRY_TABLE": dynamodb_table,
           "PYTHONPATH": os.pathsep.join([str(ROOT / "functions"), str(ROOT)])}  # this checkout's code
    code, result, _ = registry("--local", "attempts", "backfill-index", env=env)
    assert code == 0 and isinstance(result, dict) and isinstance(result["indexed"], int)
    code, again, _ = registry("--local", "attempts", "backfill-index", env=env)
    assert code == 0 and again == {"indexed": 0}
