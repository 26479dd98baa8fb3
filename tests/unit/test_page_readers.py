"""A batch's BatchGetItem pages run in the process's page readers: one pool, made on the first batch and
kept from one request to the next (a pool per request started its threads every time, ~25 ms of a
1,000-address batch), sized by ``batch_get_concurrency``. The replay's history readers likewise."""
from __future__ import annotations

import threading
import time

import pytest

from registry.services import replay
from registry.storage import contacts, lookup_reads, operations
from registry.storage.list_exchanges import CATALOG

PKS = [f"C#{i:04d}" for i in range(1000)]


@pytest.fixture
def pages_read(monkeypatch):
    """BatchGetItem replaced: each page's keys and the thread that read it; every contact found empty."""
    seen: list[tuple[str, int]] = []
    lock = threading.Lock()

    def batch_get(model, keys, consistent_read=True, policy=None):
        time.sleep(0.002)  # long enough for the pages to overlap
        with lock:
            seen.append((threading.current_thread(), len(keys)))
        return [{"pk": {"S": pk}, "sk": {"S": sk}, "version": {"N": "1"}} for pk, sk in keys if sk == "STATE"]

    monkeypatch.setattr(lookup_reads, "batch_get", batch_get)
    monkeypatch.setattr(contacts, "batch_get", batch_get)
    return seen


def test_the_pages_of_every_request_run_in_one_lasting_pool(pages_read):
    pool = operations.page_readers()
    for _ in range(6):
        found = lookup_reads.read(PKS, [])
        assert set(found.contacts) == set(PKS)
        assert operations.page_readers() is pool
    # 66 pages over 6 requests, read by at most batch_get_concurrency threads in all (a pool per
    # request started new threads for each)
    readers = {thread for thread, _ in pages_read}
    assert 1 <= len(readers) <= 8
    assert all(thread.name.startswith("registry-page-reader") and thread.is_alive() for thread in readers)
    assert sorted(n for _, n in pages_read[:11]) == [1] + [100] * 10  # 1,000 contacts and the catalog: 11 pages


def test_a_single_page_is_read_in_the_callers_thread(pages_read):
    lookup_reads.read(PKS[:5], [])
    assert pages_read == [(threading.current_thread(), 6)]


def test_contacts_load_many_shares_the_pool(pages_read):
    for _ in range(3):
        lookup_reads.read(PKS, [])
        assert set(contacts.load_many(PKS)) == set(PKS)
    assert len({thread for thread, _ in pages_read}) <= 8


def test_the_pool_is_sized_by_the_setting(configure, pages_read):
    configure(REGISTRY_BATCH_GET_CONCURRENCY="3")
    pool = operations.page_readers()
    assert pool._max_workers == 3
    lookup_reads.read(PKS, [])
    assert len({thread for thread, _ in pages_read}) <= 3
    configure(REGISTRY_BATCH_GET_CONCURRENCY="5")
    assert operations.page_readers()._max_workers == 5


def test_a_page_that_fails_fails_the_read(monkeypatch):
    def batch_get(model, keys, consistent_read=True, policy=None):
        if CATALOG in keys:
            raise contacts.StorageUnavailable("down")
        return []

    monkeypatch.setattr(lookup_reads, "batch_get", batch_get)
    with pytest.raises(contacts.StorageUnavailable):
        lookup_reads.read(PKS, [])


def test_history_readers_last_too(monkeypatch):
    readers = set()

    def history_of_key(pk):
        time.sleep(0.002)
        readers.add(threading.current_thread())
        return []

    monkeypatch.setattr(replay, "history_of_key", history_of_key)
    pool = replay.history_readers()
    for _ in range(6):
        assert replay.histories(PKS[:20]) == {pk: [] for pk in PKS[:20]}
        assert replay.history_readers() is pool
    assert 1 <= len(readers) <= replay.HISTORY_READERS


def test_a_pages_contacts_are_read_by_its_reader_as_it_arrives(pages_read, monkeypatch):
    """The state items of a page become snapshots in the thread that fetched the page, while other
    pages are still on their way; only contacts' state items (the catalog and exchanges stay raw)."""
    parsed_in = []
    real = lookup_reads.snapshot_from_raw

    def snapshot_from_raw(raw):
        parsed_in.append(threading.current_thread())
        return real(raw)

    monkeypatch.setattr(lookup_reads, "snapshot_from_raw", snapshot_from_raw)
    found = lookup_reads.read(PKS, [])
    assert len(parsed_in) == 1000 and threading.current_thread() not in parsed_in
    assert {thread for thread in parsed_in} <= {thread for thread, _ in pages_read}
    assert all(isinstance(s, contacts.Snapshot) and s.pk == pk and s.version == 1 for pk, s in found.contacts.items())
    parsed_in.clear()
    lookup_reads.read(PKS[:3], [])  # one page: read and parsed here
    assert parsed_in == [threading.current_thread()] * 3
