"""Configuration is read when first asked for, never at import, and a reset makes a change count
everywhere: the settings, what is derived from them, and the DynamoDB connections."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsError

from registry.settings import Settings, derived, get_settings, reset_settings

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_whole_registry_reads_no_setting():
    """A fresh interpreter with no registry variable at all imports every module (the handlers'
    app included); only then is the environment given, and the settings follow it."""
    script = (
        "import importlib, os, pkgutil, registry, registry.settings as s\n"
        "for m in pkgutil.walk_packages(registry.__path__, 'registry.'):\n"
        "    importlib.import_module(m.name)\n"
        "import registry.handlers.api\n"
        "assert s._current is None, 'settings were read at import'\n"
        "from registry.storage.contacts import ContactItem\n"
        "assert ContactItem.Meta.table_name is None, 'the table name was baked in at import'\n"
        "os.environ['REGISTRY_TABLE'] = 'chosen-after-import'\n"
        "assert ContactItem._get_connection().table_name == 'chosen-after-import'\n"
        "print('ok')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGISTRY_", "AWS_", "POWERTOOLS_"))}
    env.update(PYTHONPATH=f"{ROOT / 'functions'}{os.pathsep}{ROOT}", AWS_ACCESS_KEY_ID="x",
               AWS_SECRET_ACCESS_KEY="x")
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_variables_are_read_typed_and_empty_ones_are_unset(configure):
    configure(REGISTRY_TABLE="another-table", REGISTRY_READ_TIMEOUT="0.75", REGISTRY_BRAND_POLICIES='{"acme": {}}',
              REGISTRY_PUBLIC_BASE_URL="https://prefs.example.com/x/", REGISTRY_API_DOMAIN="",
              REGISTRY_PHONE_REGION="GB")
    settings = get_settings()
    assert settings.table_name == "another-table"
    assert settings.read_timeout == 0.75
    assert settings.brand_policies == {"acme": {}}
    assert settings.public_base_url == "https://prefs.example.com/x"  # no trailing slash
    assert settings.api_domain is None  # the template's empty parameter is "not set"
    assert settings.phone_default_region == "GB"
    with pytest.raises(ValidationError):
        settings.table_name = "changed"  # frozen


@pytest.mark.parametrize("name, value", [("REGISTRY_PUBLIC_BASE_URL", "ftp://x"),
                                         ("REGISTRY_READ_MAX_ATTEMPTS", "0"),
                                         ("REGISTRY_BRAND_POLICIES", "not json")])
def test_a_bad_setting_is_refused_when_read(configure, name, value):
    configure(**{name: value})
    with pytest.raises((ValidationError, SettingsError), match=name.removeprefix("REGISTRY_").lower()):
        get_settings()


def test_every_setting_is_used():
    """A field nobody reads is configuration that silently does nothing."""
    source = "\n".join(p.read_text() for p in (ROOT / "functions" / "registry").rglob("*.py")
                       if p.name != "settings.py")
    unused = [name for name in Settings.model_fields if f".{name}" not in source]
    assert unused == []


def test_a_reset_makes_derived_values_and_connections_anew(configure):
    from registry.services.policies import policy_book
    from registry.storage.contacts import ContactItem
    from registry.storage.table import write_connection

    made = derived(lambda settings: object())
    first, book, connection, writes = made(), policy_book(), ContactItem._get_connection(), write_connection()
    assert made() is first and policy_book() is book and ContactItem._get_connection() is connection

    configure(REGISTRY_TABLE="registry-renamed", REGISTRY_BRAND_POLICIES='{"acme": {}}', REGISTRY_WRITE_TIMEOUT="7")
    assert made() is not first
    assert policy_book().brands() == ["acme"]
    assert ContactItem._get_connection().table_name == "registry-renamed"
    assert ContactItem.Meta.table_name == "registry-renamed"
    assert write_connection() is not writes
    assert write_connection().client.meta.config.read_timeout == 7


def test_the_write_path_reads_with_the_write_timeouts_even_after_a_lookup(configure):
    """A read model connected first used to lend its connection (0.5 s, two attempts) to the
    write-path model that inherits from it: the read a write starts from failed like a lookup."""
    from registry.storage.contacts import ContactItem, ContactItemForWrite

    configure(REGISTRY_READ_TIMEOUT="0.5", REGISTRY_WRITE_TIMEOUT="9", REGISTRY_WRITE_MAX_ATTEMPTS="4")
    read = ContactItem._get_connection()
    write = ContactItemForWrite._get_connection()
    assert write is not read
    assert read.connection.client.meta.config.read_timeout == 0.5
    assert write.connection.client.meta.config.read_timeout == 9
    assert write.connection.client.meta.config.retries["total_max_attempts"] == 4
    assert read.connection.client.meta.config.retries["total_max_attempts"] == get_settings().read_max_attempts


def test_the_write_client_is_made_once_when_twenty_threads_ask_for_it_first(configure, monkeypatch):
    """A 1,000-entry list change sends 20 transactions at once; were the write connection's client
    made at first use (PynamoDB makes it without a lock), each of the 20 threads would make its own
    (~0.1 s of CPU each: 3.3 s instead of 0.7 s for a container's first such request)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import botocore.session

    from registry.storage.table import write_connection

    configure(REGISTRY_WRITE_TIMEOUT="8")  # settings anew: the next write_connection() makes its connection
    made: list[object] = []
    create_client = botocore.session.Session.create_client
    gate = threading.Barrier(20)

    def counted(self, *args, **kwargs):
        made.append(args)
        return create_client(self, *args, **kwargs)

    def first_use(_: int) -> object:
        gate.wait()
        return write_connection().client

    monkeypatch.setattr(botocore.session.Session, "create_client", counted)
    with ThreadPoolExecutor(20) as pool:
        clients = set(map(id, pool.map(first_use, range(20))))
    assert len(made) == 1 and len(clients) == 1


def teardown_module() -> None:
    reset_settings()
