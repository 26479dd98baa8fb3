"""The entries of an internal or litigator list are transactions on different contacts: a request
sends as many at once as the write connection's pool holds (``ENTRY_WRITERS``), not eight, so 1,000
entries answer in seconds on DynamoDB Local. Each entry is still one transaction of its own (its
state change and history entry together), sent once per try, and every one is counted."""
from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from registry.services import suppression
from registry.storage.table import MAX_POOL_CONNECTIONS


@pytest.fixture
def stored_list(monkeypatch: pytest.MonkeyPatch) -> dict:
    """No table: the list's definition and each membership change are stand-ins that record calls."""
    seen: dict = {"calls": [], "now": 0, "peak": 0}
    lock = threading.Lock()
    full = threading.Event()  # as many in flight as may be: the ones waiting go on

    def change_membership(pk, address, kind, member, add, now, history, *args, **kwargs):
        with lock:
            seen["now"] += 1
            seen["peak"] = max(seen["peak"], seen["now"])
            seen["calls"].append((address, history.fact_id))
            if seen["now"] >= suppression.ENTRY_WRITERS:
                full.set()
        full.wait(0.5)  # a transaction's round trip: the others start meanwhile
        with lock:
            seen["now"] -= 1

    monkeypatch.setattr(suppression.lists, "get", lambda name: SimpleNamespace(kind="internal"))
    monkeypatch.setattr(suppression.store, "change_membership", change_membership)
    monkeypatch.setattr(suppression.bulk, "count_changes", lambda *args: None)
    return seen


def numbers(count: int) -> list[str]:
    return [f"+1415555{i:04d}" for i in range(count)]


def test_entries_are_written_as_many_at_a_time_as_the_pool_holds(stored_list: dict) -> None:
    assert suppression.ENTRY_WRITERS == MAX_POOL_CONNECTIONS == 32
    result = suppression.change_entries("house", numbers(200), [])
    assert result["added"] == 200 and result["unchanged"] == 0
    assert stored_list["peak"] == suppression.ENTRY_WRITERS  # more than the 8 of before
    # one transaction per entry, each with its own history entry
    assert len(stored_list["calls"]) == 200
    assert len({address for address, _ in stored_list["calls"]}) == 200
    assert len({fact_id for _, fact_id in stored_list["calls"]}) == 200


def test_a_small_request_starts_no_more_writers_than_entries(stored_list: dict) -> None:
    suppression.change_entries("house", numbers(3), [])
    assert stored_list["peak"] <= 3 and len(stored_list["calls"]) == 3
