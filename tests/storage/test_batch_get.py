"""Batch reads: pages of 100 keys, UnprocessedKeys retried with backoff, failure is StorageUnavailable."""
from __future__ import annotations

import json
import threading
import time as real_time

import pytest

from registry import retry
from registry.domain.addresses import normalise
from registry.domain.errors import RegistryUnavailable
from registry.services import contact_facts
from registry.services.address_keys import contact_key
from registry.settings import get_settings
from registry.storage import contacts as store
from registry.storage.contacts import ContactItem
from tests.storage.faults import hours_ago, new_email, response

# The real read timeouts: these tests measure how fast a lookup fails closed.
pytestmark = [pytest.mark.dynamodb, pytest.mark.usefixtures("dynamodb_table", "real_read_timeouts")]

OP = "BatchGetItem"


def seed_contacts(client, table: str, count: int) -> list[str]:
    """``count`` contacts, written raw (BatchWriteItem, fast); their addresses, each with one consent."""
    addresses = [new_email() for _ in range(count)]
    items = []
    for address in addresses:
        consent = {"id": f"seed-{address}", "channels": ["email"], "purposes": ["marketing"],
                   "brand": "default", "source": "web_form",
                   "occurred_at": hours_ago(24).isoformat().replace("+00:00", "Z")}
        items.append({"PutRequest": {"Item": {
            "pk": {"S": contact_key(address)}, "sk": {"S": store.STATE}, "address": {"S": address},
            "kind": {"S": "email"}, "version": {"N": "1"},
            "state": {"S": json.dumps({"consents": [consent]})}}}})
    for start in range(0, len(items), 25):
        pending = {table: items[start:start + 25]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or None
    return addresses


@pytest.fixture(scope="module")
def seeded(dynamodb_client, dynamodb_table) -> list[str]:
    return seed_contacts(dynamodb_client, dynamodb_table, 250)


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Every backoff pause the retry policy takes (it still sleeps)."""
    taken: list[float] = []
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            taken.append(seconds)
        real_time.sleep(seconds)

    monkeypatch.setattr(retry, "sleep", sleep)
    return taken


def test_250_keys_are_three_batch_gets_and_every_key_is_answered(faults, seeded):
    calls = faults.count_calls(ContactItem, OP)
    keys = [contact_key(a) for a in seeded]
    found = store.load_many(keys + keys[:10])  # duplicates are asked for once
    assert calls.count == 3
    assert set(found) == set(keys)
    assert all(found[contact_key(a)].address == a for a in seeded)

    calls.count = 0
    unknown = [normalise(new_email()) for _ in range(20)]
    addresses = [normalise(a) for a in seeded[:230]] + unknown
    facts = contact_facts.load_many(addresses)
    assert calls.count == 3
    assert list(facts) == [a.value for a in addresses]  # one answer per address, unknown ones too
    assert all(len(facts[a.value].consents) == 1 for a in addresses[:230])
    assert all(facts[a.value].consents == () for a in unknown)


def unprocess(parsed: dict, share: float) -> int:
    """Move a share of a BatchGetItem answer's items to its UnprocessedKeys, as a throttled table does."""
    table = get_settings().table_name
    returned = parsed.get("Responses", {}).get(table, [])
    moved = returned[: int(len(returned) * share)]
    if not moved:
        return 0
    parsed["Responses"][table] = returned[len(moved):]
    pending = parsed.setdefault("UnprocessedKeys", {}).setdefault(table, {"Keys": [], "ConsistentRead": True})
    pending["Keys"].extend({"pk": item["pk"], "sk": item["sk"]} for item in moved)
    return len(moved)


def test_unprocessed_keys_are_retried_with_backoff_until_answered(faults, seeded, sleeps):
    calls = faults.count_calls(ContactItem, OP)
    degraded = {"left": 6}
    lock = threading.Lock()

    def half_unprocessed(parsed, **_):
        with lock:
            if degraded["left"] <= 0:
                return
            degraded["left"] -= 1
        unprocess(parsed, 0.5)

    faults.hook(ContactItem, f"after-call.dynamodb.{OP}", half_unprocessed)
    keys = [contact_key(a) for a in seeded]
    found = store.load_many(keys)
    assert set(found) == set(keys)
    assert calls.count > 3  # the three pages, then the retries of their unprocessed keys
    assert len(sleeps) == calls.count - 3  # a pause before every retry
    assert all(0 <= s <= 0.02 * 2 ** 5 for s in sleeps)


def test_unprocessed_keys_that_never_drain_are_storage_unavailable(faults, seeded, sleeps):
    table = get_settings().table_name
    calls = faults.count_calls(ContactItem, OP)

    def nothing_processed(request, **_):
        asked = json.loads(request.body)["RequestItems"]
        return response(request.url, 200, {"Responses": {table: []}, "UnprocessedKeys": asked})

    faults.hook(ContactItem, f"before-send.dynamodb.{OP}", nothing_processed)
    started = real_time.monotonic()
    with pytest.raises(store.StorageUnavailable):
        store.load_many([contact_key(a) for a in seeded[:50]])
    assert retry.UNPROCESSED.tries == 6
    assert calls.count == 6 and len(sleeps) == 5
    assert all(s <= 0.02 * 2 ** i for i, s in enumerate(sleeps))
    assert real_time.monotonic() - started < 2.0

    with pytest.raises(RegistryUnavailable):
        contact_facts.load_many([normalise(a) for a in seeded[:5]])


def test_a_throttled_batch_get_is_storage_unavailable(faults, seeded):
    faults.throttle(ContactItem, OP)
    with pytest.raises(store.StorageUnavailable):
        store.load_many([contact_key(a) for a in seeded[:150]])
    faults.clear()
    faults.read_timeout(ContactItem, OP)
    with pytest.raises(store.StorageUnavailable):
        store.load_many([contact_key(a) for a in seeded[:150]])


@pytest.mark.parametrize("fault", ["never_drains", "throttled", "server_error"])
def test_the_batch_endpoint_answers_503_deny_for_every_address(fault, api, faults, seeded):
    table = get_settings().table_name
    if fault == "never_drains":
        faults.hook(ContactItem, f"before-send.dynamodb.{OP}", lambda request, **_: response(
            request.url, 200, {"Responses": {table: []},
                               "UnprocessedKeys": json.loads(request.body)["RequestItems"]}))
    elif fault == "throttled":
        faults.throttle(ContactItem, OP)
    else:
        faults.server_error(ContactItem, OP)
    addresses = seeded[:120] + [new_email(), "not an address"]
    reply = api.call("POST", "/v1/permissions/batch",
                     {"channel": "email", "purpose": "marketing", "addresses": addresses}, key="dialer")
    assert reply.status == 503
    body = reply.json()
    assert body["error"]["code"] == "registry_unavailable"
    assert [r["address"] for r in body["results"]] == addresses
    for result in body["results"]:
        assert result["decision"] == "deny" and result["allowed"] is False
        assert [r["code"] for r in result["reasons"]] == ["registry_unavailable"]


def test_the_batch_endpoint_answers_when_keys_drain(api, faults, seeded):
    done = {"n": 0}
    lock = threading.Lock()

    def first_answers_partial(parsed, **_):
        with lock:
            done["n"] += 1
            if done["n"] > 2:
                return
        unprocess(parsed, 0.7)

    faults.hook(ContactItem, f"after-call.dynamodb.{OP}", first_answers_partial)
    addresses = seeded[:150]
    reply = api.call("POST", "/v1/permissions/batch",
                     {"channel": "email", "purpose": "marketing", "addresses": addresses}, key="dialer")
    assert reply.status == 200, reply.text
    results = reply.json()["results"]
    assert [r["address"] for r in results] == addresses
    assert all(r["decision"] == "allow" for r in results)  # email marketing needs no consent by default
