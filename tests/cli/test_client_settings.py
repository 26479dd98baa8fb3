"""Which registry a client command talks to, and how long it waits before asking again (no network)."""
from __future__ import annotations

import email.utils

import pytest

from registry.client.http import RETRY_AFTER_CAP, retry_after
from registry.client.target import TargetError, resolve


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("REGISTRY_URL", "REGISTRY_API_KEY", "REGISTRY_IMPORT_BUCKET", "PORT", "MOTO_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REGISTRY_LOCAL_STACK_FILE", "")
    return monkeypatch


def test_options_win_over_the_environment(clean_env):
    clean_env.setenv("REGISTRY_URL", "https://env.example/")
    clean_env.setenv("REGISTRY_API_KEY", "env-key")
    assert resolve(None, None, False).url == "https://env.example"
    assert resolve(None, None, False).key == "env-key"
    target = resolve("https://opt.example", "opt-key", False)
    assert (target.url, target.key, target.local) == ("https://opt.example", "opt-key", False)
    assert "opt-key" not in repr(target)


def test_nothing_given_is_the_local_stack_with_the_key_the_command_needs(clean_env):
    lookup, write = resolve(None, None, False), resolve(None, None, False, write=True)
    assert lookup.url == "http://127.0.0.1:3000" and lookup.key == "local-dialer" and lookup.local
    assert write.key == "local-admin" and write.bucket == "registry-imports"
    assert write.s3_endpoint == "http://127.0.0.1:5050"
    clean_env.setenv("PORT", "3100")
    clean_env.setenv("MOTO_PORT", "5100")
    moved = resolve(None, None, True, write=True)
    assert moved.url == "http://127.0.0.1:3100" and moved.s3_endpoint == "http://127.0.0.1:5100"


def test_local_ignores_the_environments_deployed_registry(clean_env):
    clean_env.setenv("REGISTRY_URL", "https://deployed.example")
    clean_env.setenv("REGISTRY_API_KEY", "deployed-key")
    target = resolve(None, None, True)
    assert target.url == "http://127.0.0.1:3000" and target.key == "local-dialer"


def test_a_deployed_url_needs_a_key_and_names_its_bucket_from_the_environment(clean_env):
    with pytest.raises(TargetError, match="REGISTRY_API_KEY"):
        resolve("https://deployed.example", None, False)
    clean_env.setenv("REGISTRY_IMPORT_BUCKET", "stack-importbucket-abc")
    target = resolve("https://deployed.example", "k", False, write=True)
    assert target.bucket == "stack-importbucket-abc" and target.s3_endpoint is None and not target.local


@pytest.mark.parametrize("header, seconds", [
    ("7", 7.0), ("0", 0.0), ("1.5", 1.5), ("-3", 0.0), ("100000", RETRY_AFTER_CAP),
    (None, None), ("", None), ("soon", None), ("nan", None),
])
def test_retry_after_in_seconds(header, seconds):
    assert retry_after(header) == seconds


def test_retry_after_as_an_http_date():
    now = 1_800_000_000.0
    assert retry_after(email.utils.formatdate(now + 30, usegmt=True), now=now) == 30.0
    assert retry_after(email.utils.formatdate(now - 30, usegmt=True), now=now) == 0.0
