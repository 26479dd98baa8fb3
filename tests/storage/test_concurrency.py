"""Many writers, one contact: every fact survives (optimistic versioning, no lost update)."""
from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from registry.domain.addresses import normalise
from registry.domain.facts import Attempt, Consent, OptOut, Relationship
from registry.services import recording, suppression
from registry.services.address_keys import contact_key
from registry.storage import contacts as store
from registry.storage.suppression_lists import SuppressionListItem
from registry.storage.table import write_connection
from tests.api.conftest import new_phone
from tests.storage.faults import client_of, fail_where, hours_ago, new_id

pytestmark = [pytest.mark.dynamodb, pytest.mark.usefixtures("dynamodb_table")]

THREADS = 8
PER_THREAD = 4  # one of each kind of fact: 32 racing writes keep the test to a few seconds



def fresh_phone(contact_items) -> str:
    """A phone number the registry has never seen (the number space is small; tests share a table)."""
    while True:
        address = normalise(new_phone())
        if not contact_items(contact_key(address.value)):
            return address.value


def record_fact(address, n: int) -> tuple[str, str]:
    """The n-th fact of a thread: a consent, opt-out, relationship or attempt, each with its own id."""
    fact_id = new_id()
    occurred = hours_ago(1 + n / 100)
    kind = n % 4
    if kind == 0:
        recording.record_consent(address, Consent(id=fact_id, channels=frozenset({"call"}),
                                                  purposes=frozenset({"marketing"}), brand=f"b{n}",
                                                  source="web_form", occurred_at=occurred))
        return "consents", fact_id
    if kind == 1:
        recording.record_opt_out(address, OptOut(id=fact_id, channels=frozenset({"sms"}),
                                                 purposes=frozenset({"marketing"}), brand=f"b{n}",
                                                 source="sms_keyword", occurred_at=occurred))
        return "opt_outs", fact_id
    if kind == 2:
        recording.record_relationship(address, Relationship(id=fact_id, kind="inquiry", brand=f"b{n}",
                                                            occurred_at=occurred, source="web_form"))
        return "relationships", fact_id
    recording.record_attempt(address, Attempt(id=fact_id, channel="call", purpose="marketing", brand=f"b{n}",
                                              occurred_at=occurred, outcome="no_answer"))
    return "attempts", fact_id


def warm_clients() -> None:
    """Make every botocore client now: made lazily, eight threads would each build one at once."""
    for model in (store.ContactItem, store.HistoryEntry, store.IdempotencyMark, SuppressionListItem):
        client_of(model)
    client_of(write_connection())


def run_together(jobs: list) -> list:
    """Start every job at the same moment, each on its own thread; re-raise the first failure."""
    warm_clients()
    barrier = threading.Barrier(len(jobs))

    def run(job):
        barrier.wait()
        return job()

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return [f.result() for f in [pool.submit(run, job) for job in jobs]]


def stored(contact_items, address: str) -> tuple[dict, dict, list[dict], list[str]]:
    items = contact_items(contact_key(address))
    state_item = items[store.STATE]
    history = [item for sk, item in sorted(items.items()) if sk.startswith(store.HISTORY_PREFIX)]
    # marks live under the request id (one per id in the registry), not in the contact's partition
    marks = [h["fact_id"]["S"] for h in history if store.get_mark(recording.mark_key(h["fact_id"]["S"]))]
    return state_item, json.loads(state_item["state"]["S"]) if "state" in state_item else {}, history, marks


def test_concurrent_fact_writes_to_one_contact_lose_nothing(contact_items):
    address = normalise(fresh_phone(contact_items))

    def writer():
        return [record_fact(address, n) for n in range(PER_THREAD)]

    written = [fact for facts in run_together([writer] * THREADS) for fact in facts]
    assert len(written) == THREADS * PER_THREAD

    state_item, state, history, marks = stored(contact_items, address.value)
    for section in ("consents", "opt_outs", "relationships", "attempts"):
        expected = {fact_id for kind, fact_id in written if kind == section}
        assert {fact["id"] for fact in state[section]} == expected, section
    assert len(history) == THREADS * PER_THREAD
    assert {h["fact_id"]["S"] for h in history} == {fact_id for _, fact_id in written}
    assert len(marks) == THREADS * PER_THREAD
    assert int(state_item["version"]["N"]) == THREADS * PER_THREAD  # one version per applied fact


def test_concurrent_retries_of_the_same_id_apply_it_once(contact_items):
    address = normalise(fresh_phone(contact_items))
    consent = Consent(id=new_id(), channels=frozenset({"call"}), purposes=frozenset({"marketing"}),
                      brand="default", source="web_form", occurred_at=hours_ago(1))
    results = run_together([lambda: recording.record_consent(address, consent)] * THREADS)
    assert sum(1 for r in results if r.created) == 1
    assert all(r.record == results[0].record for r in results)

    state_item, state, history, marks = stored(contact_items, address.value)
    assert [c["id"] for c in state["consents"]] == [consent.id]
    assert len(history) == 1 and len(marks) == 1 and state_item["version"]["N"] == "1"


def test_list_membership_changes_race_fact_writes_and_both_survive(contact_items):
    address = normalise(fresh_phone(contact_items))
    lists = [f"race-{uuid.uuid4().hex[:8]}-{n}" for n in range(4)]
    for name in lists:
        suppression.create_list(name, "internal")
    dropped = lists[0]
    suppression.change_entries(dropped, add=[address.value], remove=[])

    def writer():
        return [record_fact(address, n) for n in range(PER_THREAD)]

    def lister(name: str):
        def change():
            if name == dropped:
                return suppression.change_entries(name, add=[], remove=[address.value])
            return suppression.change_entries(name, add=[address.value], remove=[])
        return change

    outcomes = run_together([writer] * 4 + [lister(name) for name in lists])
    written = [fact for facts in outcomes[:4] for fact in facts]
    changes = outcomes[4:]
    assert changes[0]["removed"] == 1 and all(c["added"] == 1 for c in changes[1:])

    state_item, state, history, _ = stored(contact_items, address.value)
    for section in ("consents", "opt_outs", "relationships", "attempts"):
        expected = {fact_id for kind, fact_id in written if kind == section}
        assert {fact["id"] for fact in state[section]} == expected, section
    assert set(state_item["suppressions"]["SS"]) == {f"internal:{name}" for name in lists[1:]}
    types = [h["type"]["S"] for h in history]
    assert types.count("suppression.added") == 4 and types.count("suppression.removed") == 1
    assert len(history) == len(written) + 5
    assert state_item["address"]["S"] == address.value


# DynamoDB cancels a transaction that touches an item another transaction is writing at that
# moment, with reason TransactionConflict. Emulators rarely produce it, so it is injected here:
# both kinds of write to a contact must take it as "try again", not as an outage.

STATE_IN_CONFLICT = fail_where("TransactionConflict", lambda kind, pk, sk: sk == store.STATE)


def test_a_transaction_conflict_on_a_fact_write_is_retried(faults, contact_items):
    address = normalise(fresh_phone(contact_items))
    conflicts = faults.transaction_cancelled(
        write_connection(), STATE_IN_CONFLICT, times=2)
    kind, fact_id = record_fact(address, 0)
    assert conflicts.count == 2
    _, state, history, marks = stored(contact_items, address.value)
    assert [c["id"] for c in state[kind]] == [fact_id] and len(history) == 1 and len(marks) == 1


def test_a_transaction_conflict_on_a_membership_change_is_retried(faults, contact_items):
    address = normalise(fresh_phone(contact_items))
    name = f"conflict-{uuid.uuid4().hex[:8]}"
    suppression.create_list(name, "internal")
    conflicts = faults.transaction_cancelled(
        write_connection(), STATE_IN_CONFLICT, times=2)
    assert suppression.change_entries(name, add=[address.value], remove=[])["added"] == 1
    assert conflicts.count == 2
    state_item, _, history, _ = stored(contact_items, address.value)
    assert state_item["suppressions"]["SS"] == [f"internal:{name}"] and len(history) == 1
