"""The entries of an internal or litigator list go to DynamoDB in groups of
``MEMBERSHIPS_PER_TRANSACTION`` (one transaction each: every entry's state change and history entry
commit together), the groups ``ENTRY_WRITERS`` at a time, so 1,000 entries are 20 transactions in
flight together, not 1,000 one after another. Entries that failed are sent once more as the same
change (same history id)."""
from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from registry.services import suppression
from registry.services.address_keys import contact_key
from registry.storage import contacts
from registry.storage.errors import CorruptItem, StorageUnavailable
from registry.storage.table import MAX_POOL_CONNECTIONS


@pytest.fixture
def stored_list(monkeypatch: pytest.MonkeyPatch) -> dict:
    """No table: the list's definition and each group's transaction are stand-ins that record calls."""
    seen: dict = {"groups": [], "now": 0, "peak": 0, "answers": {}}
    lock = threading.Lock()
    full = threading.Event()

    def change_memberships(changes):
        with lock:
            seen["now"] += 1
            seen["peak"] = max(seen["peak"], seen["now"])
            seen["groups"].append(list(changes))
            if seen["now"] >= seen.get("expect", 1):
                full.set()
        full.wait(0.5)  # a transaction's round trip: the other groups start meanwhile
        with lock:
            seen["now"] -= 1
        answers = seen["answers"]  # address -> what its tries come to, in turn (none left: applied)
        return [answers[c.address].pop(0) if answers.get(c.address) else contacts.APPLIED for c in changes]

    monkeypatch.setattr(suppression.lists, "get", lambda name: SimpleNamespace(kind="internal"))
    monkeypatch.setattr(suppression.store, "change_memberships", change_memberships)
    monkeypatch.setattr(suppression.bulk, "count_changes", lambda *args: None)
    monkeypatch.setattr(suppression.store, "load_many", lambda pks: seen.get("stored", {}))
    return seen


def stored(address: str, *members: str) -> tuple[str, contacts.Snapshot]:
    pk = contact_key(address)
    return pk, contacts.Snapshot(pk=pk, address=address, kind="phone", version=1, state={},
                                 suppressions=frozenset(members), erased_at=None)


def numbers(count: int) -> list[str]:
    return [f"+1415555{i:04d}" for i in range(count)]


def test_a_thousand_entries_are_twenty_transactions_in_flight_together(stored_list: dict) -> None:
    assert contacts.MEMBERSHIPS_PER_TRANSACTION == 50 and suppression.ENTRY_WRITERS == MAX_POOL_CONNECTIONS == 32
    stored_list["expect"] = 20
    result = suppression.change_entries("house", numbers(1000), [])
    assert result["added"] == 1000 and result["unchanged"] == 0
    groups = stored_list["groups"]
    assert len(groups) == 20 and all(len(group) == 50 for group in groups)
    assert stored_list["peak"] == 20  # every group at once (the pool holds 32)
    changes = [change for group in groups for change in group]
    assert len({c.address for c in changes}) == 1000
    assert len({c.history.fact_id for c in changes}) == 1000  # each entry its own history entry
    assert all(c.add and c.member == "internal:house" and c.pk.startswith("C#") for c in changes)


def test_removals_and_outcomes_are_counted(stored_list: dict) -> None:
    add, remove = numbers(3), ["+14155559990", "+14155559991"]
    stored_list["stored"] = dict(stored(n, "internal:house") for n in remove)  # members when read
    # ... but another request changed these two meanwhile: their conditions say so
    stored_list["answers"] = {add[1]: [contacts.UNCHANGED], remove[0]: [contacts.UNCHANGED]}
    result = suppression.change_entries("house", add, remove)
    assert (result["added"], result["removed"], result["unchanged"]) == (2, 1, 2)
    removals = [c for group in stored_list["groups"] for c in group if not c.add]
    assert [c.address for c in removals] == remove


def test_a_failed_entry_is_sent_once_more_as_the_same_change(stored_list: dict) -> None:
    entries = numbers(3)
    stored_list["answers"] = {entries[1]: [contacts.FAILED, contacts.APPLIED]}
    result = suppression.change_entries("house", entries, [])
    assert result["added"] == 3
    first, again = stored_list["groups"]
    assert [c.address for c in again] == [entries[1]]  # only the failed one
    assert again[0].history == first[1].history  # the same change: an applied one is recognised


def test_an_entry_that_fails_twice_makes_the_request_unavailable(stored_list: dict) -> None:
    from registry.domain.errors import RegistryUnavailable

    stored_list["answers"] = {numbers(2)[0]: [contacts.FAILED, contacts.FAILED]}
    with pytest.raises(RegistryUnavailable):
        suppression.change_entries("house", numbers(2), [])
    assert len(stored_list["groups"]) == 2


def test_a_small_request_is_one_transaction(stored_list: dict) -> None:
    suppression.change_entries("house", numbers(3), [])
    assert stored_list["peak"] == 1 and [len(g) for g in stored_list["groups"]] == [3]


def test_entries_that_would_change_nothing_are_read_not_sent(stored_list: dict) -> None:
    """A list sent again: an add of a member and a removal of a non-member (or of a contact never
    written) are ``unchanged`` from one read of the contacts, with no transaction; the others go."""
    add, remove = numbers(4), ["+14155559990", "+14155559991", "+14155559992"]
    damaged = contact_key(add[3])
    stored_list["stored"] = dict([stored(add[0], "internal:house"), stored(add[1], "internal:other"),
                                  stored(remove[0], "internal:other"), stored(remove[1], "internal:house")])
    stored_list["stored"][damaged] = CorruptItem(damaged)
    result = suppression.change_entries("house", add, remove)
    sent = [(c.address, c.add) for group in stored_list["groups"] for c in group]
    assert sorted(sent) == sorted([(add[1], True), (add[2], True), (add[3], True), (remove[1], False)])
    assert (result["added"], result["removed"], result["unchanged"]) == (3, 1, 3)


def test_a_list_sent_again_sends_no_transaction(stored_list: dict) -> None:
    entries = numbers(1000)
    stored_list["stored"] = dict(stored(n, "internal:house") for n in entries)
    result = suppression.change_entries("house", entries, [])
    assert (result["added"], result["unchanged"]) == (0, 1000) and stored_list["groups"] == []


def test_a_failed_read_leaves_every_entry_to_its_transaction(stored_list: dict,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(pks):
        raise StorageUnavailable("read timed out")

    monkeypatch.setattr(suppression.store, "load_many", unavailable)
    entries = numbers(3)
    stored_list["answers"] = {entries[0]: [contacts.UNCHANGED]}
    result = suppression.change_entries("house", entries, [])
    assert (result["added"], result["unchanged"]) == (2, 1)
    assert len([c for group in stored_list["groups"] for c in group]) == 3
