"""A lookup's one round trip: contacts, the LISTS catalog and the bulk lists' exchange items in one
BatchGetItem (pages of 100), numbers of one exchange sharing its items, unprocessed keys asked for
again, an unreadable exchange failing closed for its numbers alone."""
from __future__ import annotations

import json
import threading
import uuid
from datetime import date

import pytest

from registry.domain.addresses import normalise
from registry.domain.errors import RegistryUnavailable, UnreadableRecord
from registry.domain.exchange_bitmaps import new_bitmap, set_line, split_number
from registry.services import contact_facts
from registry.services.address_keys import contact_key
from registry.storage import list_exchanges as lx
from registry.storage import lookup_reads
from registry.storage import suppression_lists as lists
from registry.storage.contacts import ContactItem
from tests.storage.faults import new_email
from tests.storage.test_batch_get import unprocess

pytestmark = [pytest.mark.dynamodb, pytest.mark.usefixtures("dynamodb_table")]

OP = "BatchGetItem"


def national(*numbers: str) -> str:
    """A national list in the catalog holding ``numbers`` (one full copy per exchange)."""
    name = f"dnc-{uuid.uuid4().hex[:10]}"
    lists.create(name, "national", "2026-11-01T00:00:00Z")
    lx.register(name)
    by_exchange: dict[str, bytearray] = {}
    for number in numbers:
        exchange, line = split_number(number)
        set_line(by_exchange.setdefault(exchange, new_bitmap()), line)
    for exchange, bitmap in by_exchange.items():
        lx.put_full(name, exchange, bytes(bitmap), date(2026, 11, 1))
    return name


def phones(count: int, exchange: str = "555") -> list[str]:
    base = uuid.uuid4().int % 9000
    return [f"+1415{exchange}{(base + i) % 10_000:04d}" for i in range(count)]


def test_numbers_of_one_exchange_share_its_item(faults):
    listed = phones(3)
    name = national(*listed[:2])
    addresses = [normalise(p) for p in listed]
    contact_facts.load_many(addresses)  # the plan knows the list now
    calls = faults.count_calls(ContactItem, OP)
    read = lookup_reads.read([contact_key(a.value) for a in addresses], {split_number(p)[0] for p in listed})
    assert calls.count == 1
    assert set(read.exchanges) >= {(name, "415555")}
    assert len([k for k in read.exchanges if k[1] == "415555"]) == len(lx.planned().lists)
    facts = contact_facts.load_many(addresses)
    on = [[m.list_name for m in f.suppressions if m.bulk] for f in facts.values()]
    assert on == [[name], [name], []]


def test_a_batch_of_250_numbers_in_many_exchanges_reads_every_page_concurrently(faults):
    numbers = [f"+1212{200 + i:03d}{i:04d}" for i in range(250)]
    name = national(*numbers[::2])
    addresses = [normalise(p) for p in numbers]
    contact_facts.load_many(addresses[:1])
    calls = faults.count_calls(ContactItem, OP)
    facts = contact_facts.load_many(addresses)
    keys = 250 + 1 + 250 * len(lx.planned().lists)
    assert calls.count == -(-keys // 100)
    assert [any(m.list_name == name for m in f.suppressions) for f in facts.values()] == [True, False] * 125


def test_unprocessed_keys_are_asked_for_again(faults):
    listed = phones(40, "556")
    name = national(*listed)
    addresses = [normalise(p) for p in listed]
    contact_facts.load_many(addresses[:1])
    left = {"n": 4}
    lock = threading.Lock()

    def half_unprocessed(parsed, **_):
        with lock:
            if left["n"] <= 0:
                return
            left["n"] -= 1
        unprocess(parsed, 0.5)

    calls = faults.count_calls(ContactItem, OP)
    faults.hook(ContactItem, f"after-call.dynamodb.{OP}", half_unprocessed)
    facts = contact_facts.load_many(addresses)
    assert calls.count > 1
    assert all(any(m.list_name == name for m in f.suppressions) for f in facts.values())


def test_keys_that_never_drain_fail_closed(faults):
    from tests.storage.faults import response

    listed = phones(2, "557")
    national(*listed)
    contact_facts.load_many([normalise(listed[0])])

    def nothing(request, **_):
        asked = json.loads(request.body)["RequestItems"]
        table = next(iter(asked))
        return response(request.url, 200, {"Responses": {table: []}, "UnprocessedKeys": asked})

    faults.hook(ContactItem, f"before-send.dynamodb.{OP}", nothing)
    with pytest.raises(RegistryUnavailable):
        contact_facts.load(normalise(listed[0]))


def test_an_unreadable_exchange_fails_closed_for_its_numbers_alone(dynamodb_client, dynamodb_table):
    bad, good = phones(1, "558")[0], phones(1, "559")[0]
    name = national(bad, good)
    dynamodb_client.update_item(TableName=dynamodb_table, Key={"pk": {"S": lx.exchange_pk(name, "415558")},
                                                               "sk": {"S": "LX"}},
                                UpdateExpression="SET b = :b", ExpressionAttributeValues={":b": {"B": b"short"}})
    try:
        facts = contact_facts.load_many([normalise(bad), normalise(good), normalise(new_email())])
        assert isinstance(facts[bad], UnreadableRecord)
        assert any(m.list_name == name for m in facts[good].suppressions)
        with pytest.raises(UnreadableRecord):
            contact_facts.load(normalise(bad))
    finally:
        # the table is shared by every test: a corrupt exchange item left behind would fail closed
        # the lookups of any later test's number in 415-558 (the queue consumer's, say)
        dynamodb_client.delete_item(TableName=dynamodb_table, Key={"pk": {"S": lx.exchange_pk(name, "415558")},
                                                                   "sk": {"S": "LX"}})


def test_an_email_asks_for_no_exchange(faults):
    address = normalise(new_email())
    contact_facts.load(address)
    seen = []
    faults.hook(ContactItem, f"before-send.dynamodb.{OP}",
                lambda request, **_: seen.append(json.loads(request.body)["RequestItems"]))
    facts, snapshot = contact_facts.load(address)
    keys = [k["sk"]["S"] for items in seen for table in items.values() for k in table["Keys"]]
    assert sorted(keys) == ["LISTS", "STATE"] and snapshot is None and facts.suppressions == ()
