"""API keys against a DynamoDB backend: minting, hashing, seeding, revoking, the CLI and outages."""
from __future__ import annotations

import io
import json
import uuid
from contextlib import contextmanager

import pytest
from botocore.awsrequest import AWSResponse

from registry import cli
from registry.domain.errors import Conflict, Forbidden, InvalidRequest, NotFound, RegistryUnavailable, Unauthorized
from registry.services import api_keys
from registry.services.api_keys import (
    authenticate,
    authenticator,
    clear_cache,
    create_key,
    ensure_key,
    hash_key,
    list_keys,
    require_scope,
    revoke_key,
)
from registry.settings import get_settings
from registry.storage import api_keys as store

pytestmark = [pytest.mark.dynamodb, pytest.mark.usefixtures("dynamodb_table")]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def fresh_cache():
    auth = authenticator()
    real_clock = auth.clock
    clear_cache()
    yield
    auth.clock = real_clock
    clear_cache()


@pytest.fixture
def clock() -> FakeClock:
    fake = FakeClock()
    authenticator().clock = fake
    return fake


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def raw_items(client, table: str) -> list[dict]:
    items, kwargs = [], {"TableName": table}
    while True:
        page = client.scan(**kwargs)
        items.extend(page["Items"])
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def test_create_authenticate_revoke():
    raw, principal = create_key(unique("crm"), {"lookup", "write"})
    assert raw.startswith("cr_") and len(raw) > 40
    assert principal.scopes == {"lookup", "write"}
    assert principal.key_id == hash_key(raw)[:12]

    assert authenticate(raw) == principal
    info = revoke_key(principal.key_id)
    assert info.revoked_at is not None
    with pytest.raises(Unauthorized):  # revoked here: this process forgets it at once
        authenticate(raw)


def test_revoked_elsewhere_stops_working_within_the_ttl(clock):
    raw, principal = create_key(unique("dialer"), {"lookup"})
    assert authenticate(raw) == principal
    store.revoke(key_id=principal.key_id)  # as another process would: this cache is not told
    clock.now = 29
    assert authenticate(raw) == principal
    clock.now = 30
    with pytest.raises(Unauthorized):
        authenticate(raw)


def test_unknown_and_missing_keys_are_unauthorized():
    with pytest.raises(Unauthorized):
        authenticate("not-a-real-key")
    with pytest.raises(Unauthorized):
        authenticate(None)


def test_missing_scope_is_forbidden():
    raw, _ = create_key(unique("dialer"), ["lookup"])
    principal = authenticate(raw)
    require_scope(principal, "lookup")
    with pytest.raises(Forbidden):
        require_scope(principal, "write")
    with pytest.raises(Forbidden):
        require_scope(principal, "admin")


def test_keys_are_stored_hashed(dynamodb_client, dynamodb_table):
    raw, principal = create_key(unique("hashed"), ["lookup"])
    items = raw_items(dynamodb_client, dynamodb_table)
    assert raw not in json.dumps(items, default=repr)
    key_hash = hash_key(raw)
    stored = [i for i in items if i["pk"]["S"] == f"KEY#{key_hash}"]
    assert len(stored) == 1 and stored[0]["sk"]["S"] == "KEY"
    assert stored[0]["key_id"]["S"] == principal.key_id
    assert set(stored[0]["scopes"]["SS"]) == {"lookup"}
    pointer = [i for i in items if i["pk"]["S"] == "KEYINDEX" and i["sk"]["S"] == f"KEY#{principal.key_id}"]
    assert pointer and pointer[0]["key_hash"]["S"] == key_hash


def test_bad_names_and_scopes_are_refused():
    with pytest.raises(InvalidRequest):
        create_key(unique("x"), [])
    with pytest.raises(InvalidRequest):
        create_key(unique("x"), ["lookup", "superuser"])
    with pytest.raises(InvalidRequest):
        create_key("  ", ["lookup"])


def test_ensure_key_is_idempotent_and_updates_scopes(dynamodb_client, dynamodb_table):
    raw = unique("local-fixed")
    first = ensure_key(raw, "local fixed", {"lookup", "write", "admin"})
    again = ensure_key(raw, "local fixed", {"lookup", "write", "admin"})
    assert first == again
    assert authenticate(raw).scopes == {"lookup", "write", "admin"}
    stored = [i for i in raw_items(dynamodb_client, dynamodb_table) if i["pk"]["S"] == f"KEY#{hash_key(raw)}"]
    assert len(stored) == 1

    narrowed = ensure_key(raw, "local fixed", {"lookup"})
    assert narrowed.scopes == {"lookup"} and narrowed.key_id == first.key_id
    assert authenticate(raw).scopes == {"lookup"}  # ensure_key drops the stale cached verdict


def test_ensure_key_does_not_revive_a_revoked_key():
    raw = unique("local-fixed")
    principal = ensure_key(raw, "fixed", {"lookup"})
    revoke_key(principal.key_id)
    with pytest.raises(Conflict):
        ensure_key(raw, "fixed", {"lookup"})
    with pytest.raises(Unauthorized):
        authenticate(raw)


def test_revoke_is_idempotent_and_404s_for_unknown_ids():
    _, principal = create_key(unique("twice"), ["lookup"])
    first = revoke_key(principal.key_id)
    second = revoke_key(principal.key_id)
    assert first.revoked_at == second.revoked_at
    with pytest.raises(NotFound):
        revoke_key("000000000000")
    with pytest.raises(store.NoSuchKey):  # storage says what happened; the service says 404
        store.revoke(key_hash="f" * 64)


def test_put_is_conditional():
    key_hash = hash_key(unique("dup"))
    store.put(key_hash, key_hash[:12], "dup", ["lookup"])
    with pytest.raises(store.KeyExists):  # told apart by the item's key, not by its place in the request
        store.put(key_hash, key_hash[:12], "dup", ["lookup"])
    other = hash_key(unique("other"))
    with pytest.raises(store.KeyIdTaken):
        store.put(other, key_hash[:12], "same id", ["lookup"])
    assert store.get(other) is None


def test_list_pages_through_every_key():
    names = {unique("listed") for _ in range(7)}
    ids = {create_key(name, ["lookup"])[1].key_id for name in names}
    listed = [item for item in store.list_all(page_size=2) if item.key_id in ids]
    assert {item.name for item in listed} == names
    infos = {info.key_id: info for info in list_keys()}
    assert ids <= set(infos)
    assert all(infos[i].created_at and infos[i].revoked_at is None for i in ids)


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_create_list_revoke():
    name = unique("cli")
    code, out, _ = run_cli("keys", "create", "--name", name, "--scopes", "lookup,write")
    assert code == 0
    created = json.loads(out)
    raw, key_id = created["key"], created["key_id"]
    assert created["scopes"] == ["lookup", "write"] and created["name"] == name
    assert authenticate(raw).key_id == key_id

    code, out, _ = run_cli("keys", "list")
    assert code == 0 and raw not in out
    listed = {k["key_id"]: k for k in json.loads(out)}
    assert listed[key_id]["name"] == name and listed[key_id]["revoked_at"] is None

    code, out, _ = run_cli("keys", "revoke", key_id)
    assert code == 0 and json.loads(out)["revoked_at"]
    with pytest.raises(Unauthorized):
        authenticate(raw)
    listed = {k["key_id"]: k for k in json.loads(run_cli("keys", "list")[1])}
    assert listed[key_id]["revoked_at"]


def test_cli_reports_errors_as_json():
    code, out, err = run_cli("keys", "revoke", "000000000000")
    assert code == 1 and out == ""
    assert json.loads(err)["error"]["code"] == "not_found"
    code, _, err = run_cli("keys", "create", "--name", "x", "--scopes", "lookup,root")
    assert code == 1 and json.loads(err)["error"]["field"] == "scopes"
    with pytest.raises(SystemExit):
        run_cli("keys", "create", "--name", "x")


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_):
        yield self.data


@contextmanager
def dynamodb_get_item_fails():
    """Make every GetItem on the key model's client answer 500, as a sick DynamoDB would."""
    events = store.ApiKeyItem._get_connection().connection.client.meta.events

    def fail(request, **_):
        body = json.dumps({"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
                           "message": "injected"}).encode()
        return AWSResponse(request.url, 500, {"content-type": "application/x-amz-json-1.0"}, _Body(body))

    events.register("before-send.dynamodb.GetItem", fail, unique_id="api-key-test-failure")
    try:
        yield
    finally:
        events.unregister("before-send.dynamodb.GetItem", unique_id="api-key-test-failure")


def test_storage_failure_fails_closed(clock):
    raw, principal = create_key(unique("outage"), ["lookup"])
    with dynamodb_get_item_fails():
        with pytest.raises(RegistryUnavailable):
            authenticate(raw)
        with pytest.raises(RegistryUnavailable):
            authenticate("not-a-real-key")
    assert authenticate(raw) == principal  # the failure was not cached


def test_cached_key_survives_an_outage_until_the_ttl(clock):
    raw, principal = create_key(unique("outage"), ["lookup"])
    assert authenticate(raw) == principal
    with dynamodb_get_item_fails():
        clock.now = 20
        assert authenticate(raw) == principal
        clock.now = 30
        with pytest.raises(RegistryUnavailable):
            authenticate(raw)


def test_logs_never_contain_raw_keys(caplog):
    caplog.set_level("DEBUG")
    raw, principal = create_key(unique("logged"), ["lookup"])
    assert authenticate(raw) == principal
    with pytest.raises(Unauthorized):
        authenticate("cr_not-a-real-key-at-all")
    revoked = revoke_key(principal.key_id)
    assert revoked.key_id == principal.key_id and revoked.revoked_at is not None
    with pytest.raises(Unauthorized):
        authenticate(raw)  # the revocation took effect
    text = "\n".join(r.getMessage() + repr(r.__dict__) for r in caplog.records)
    assert raw not in text and "cr_not-a-real-key-at-all" not in text
    # the lines read are the ones these calls logged, naming the key by its id
    messages = [(r.getMessage(), getattr(r, "key_id", None)) for r in caplog.records]
    assert ("api key created", principal.key_id) in messages and ("api key revoked", principal.key_id) in messages


def test_default_ttl_comes_from_settings():
    assert api_keys.authenticator()._known.ttl == get_settings().api_key_cache_seconds
