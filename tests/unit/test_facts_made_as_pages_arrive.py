"""A batch's contacts' own facts (``contact_facts.own_facts``: the record's document, its times) are
made by the page reader that read the contact's page, as it arrives, while other pages are still on
their way; the facts, and the error of a record that cannot be read (raised, and logged, where
``facts_of`` raises it), are exactly those ``facts_of`` gives for the same items."""
from __future__ import annotations

import json
import threading
import time

import pytest
from builders import consent

from registry.domain import timeutil
from registry.domain.addresses import normalise
from registry.domain.errors import UnreadableRecord
from registry.services import contact_facts
from registry.services.address_keys import contact_key
from registry.storage import lookup_reads
from registry.storage.contacts import snapshot_from_raw

GOOD = consent().to_document(timeutil.stored_instant)
ADDRESSES = [normalise(f"+1415555{i:04d}") for i in range(250)]
DAMAGED = {ADDRESSES[7].value, ADDRESSES[160].value}  # a consent without its id: unreadable


def _raw(address: str) -> dict:
    consents = [{k: v for k, v in GOOD.items() if k != "id"}] if address in DAMAGED else [GOOD]
    return {"pk": {"S": contact_key(address)}, "sk": {"S": "STATE"}, "address": {"S": address},
            "kind": {"S": "phone"}, "version": {"N": "3"}, "updated_at": {"S": "2026-11-20T12:00:00.000000Z"},
            "state": {"S": json.dumps({"consents": consents, "preferences_changed_at": None})},
            "suppressions": {"SS": ["internal:dnc"]} if address.endswith("3") else {"NULL": True}}


ITEMS: dict = {}  # the table: every address but those ending in 9 (filled once the hash key is set)


@pytest.fixture
def made_in(monkeypatch):
    if not ITEMS:
        ITEMS.update({(contact_key(a.value), "STATE"): _raw(a.value) for a in ADDRESSES if not a.value.endswith("9")})

    def batch_get(model, keys, consistent_read=True, policy=None):
        time.sleep(0.002)
        return [ITEMS[k] for k in keys if k in ITEMS]

    threads = []
    real = contact_facts.own_facts

    def own_facts(snapshot, address):
        threads.append(threading.current_thread())
        return real(snapshot, address)

    monkeypatch.setattr(lookup_reads, "batch_get", batch_get)
    monkeypatch.setattr(contact_facts, "own_facts", own_facts)
    return threads


def _one_by_one(address):
    """What ``facts_of`` gives for the address's item (no bulk lists in this table)."""
    raw = ITEMS.get((contact_key(address.value), "STATE"))
    try:
        return contact_facts.facts_of(None if raw is None else snapshot_from_raw(raw)[1], address)
    except UnreadableRecord as err:
        return err


def test_own_facts_are_made_by_the_page_readers_and_are_facts_ofs(made_in, caplog):
    loaded = contact_facts.load_many(ADDRESSES)
    stored = [a for a in ADDRESSES if (contact_key(a.value), "STATE") in ITEMS]
    assert len(made_in) == len(stored) and threading.current_thread() not in made_in
    assert all(t.name.startswith("registry-page-reader") for t in made_in)
    logged = [r for r in caplog.records if r.getMessage() == "stored record could not be read"]
    assert len(logged) == 2  # once per unreadable record, as facts_of logs it
    made_in.clear()
    for address in ADDRESSES:
        expected = _one_by_one(address)
        if isinstance(expected, UnreadableRecord):
            assert address.value in DAMAGED
            assert isinstance(loaded[address.value], UnreadableRecord)
            assert str(loaded[address.value]) == str(expected) == "a stored record could not be read"
        else:
            assert loaded[address.value] == expected
    assert sum(1 for a in ADDRESSES if loaded[a.value].__class__ is UnreadableRecord) == 2
    assert loaded[ADDRESSES[3].value].suppressions[0].list_name == "dnc"
    assert loaded[ADDRESSES[9].value].consents == ()  # never written: no record, no facts


def test_a_single_lookup_reads_as_before(made_in):
    facts, snapshot = contact_facts.load(ADDRESSES[1])
    assert made_in == [threading.current_thread()]  # one address, one page: facts_of, in this thread
    assert snapshot is not None and facts == _one_by_one(ADDRESSES[1])
    with pytest.raises(UnreadableRecord):
        contact_facts.load(ADDRESSES[7])
