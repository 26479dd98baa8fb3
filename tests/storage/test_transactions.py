"""A fact write is one transaction: state + history entry + idempotency mark, all or nothing."""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import replace

import pytest

from registry.domain.addresses import normalise
from registry.domain.errors import Conflict, RegistryUnavailable
from registry.domain.facts import Consent, OptOut
from registry.services import recording
from registry.services.address_keys import contact_key
from registry.storage import contacts as store
from registry.storage.table import write_connection
from tests.api.conftest import new_phone
from tests.storage.faults import fail_where, hours_ago, new_email, new_id

pytestmark = [pytest.mark.dynamodb, pytest.mark.usefixtures("dynamodb_table")]

TX = "TransactWriteItems"


def consent_for(fact_id: str | None = None, hours: float = 2, brand: str = "default") -> Consent:
    return Consent(id=fact_id or new_id(), channels=frozenset({"email"}), purposes=frozenset({"marketing"}),
                   brand=brand, source="web_form", occurred_at=hours_ago(hours))


def opt_out_for(fact_id: str | None = None, hours: float = 1) -> OptOut:
    return OptOut(id=fact_id or new_id(), channels=frozenset({"email"}), purposes=frozenset({"all"}),
                  brand="*", source="email_feedback", occurred_at=hours_ago(hours))


@pytest.fixture
def split(mark_item):
    """(state, history, marks by fact id) of a contact's items; marks are found by the history's ids."""

    def read(items: dict[str, dict]) -> tuple[dict | None, list[dict], dict[str, dict]]:
        state = items.get(store.STATE)
        history = [item for sk, item in sorted(items.items()) if sk.startswith(store.HISTORY_PREFIX)]
        assert not [sk for sk in items if sk.startswith(store.LEGACY_MARK_PREFIX)]  # no mark in the partition
        marks = {h["fact_id"]["S"]: mark_item(h["fact_id"]["S"]) for h in history}
        return state, history, {fact_id: mark for fact_id, mark in marks.items() if mark is not None}

    return read


def test_a_fact_write_commits_state_history_and_mark_together(contact_items, split):
    address = normalise(new_email())
    consent = consent_for()
    result = recording.record_consent(address, consent)
    assert result.created and result.record["id"] == consent.id

    state, history, marks = split(contact_items(contact_key(address.value)))
    assert state is not None
    assert state["version"]["N"] == "1" and state["address"]["S"] == address.value
    assert [c["id"] for c in json.loads(state["state"]["S"])["consents"]] == [consent.id]

    assert len(history) == 1
    entry = history[0]
    assert entry["type"]["S"] == "consent.granted" and entry["fact_id"]["S"] == consent.id
    assert entry["sk"]["S"].endswith("#" + consent.id)
    assert entry["recorded_at"]["S"] == result.record["recorded_at"]

    assert list(marks) == [consent.id]
    mark = marks[consent.id]
    assert mark["request_hash"]["S"] == recording.fingerprint(result.record)
    assert mark["created_at"]["S"] == result.record["recorded_at"]
    assert int(mark["expires_at_epoch"]["N"]) > 0  # marks expire through the table's TTL
    # a mark holds no personal data: no address, no evidence, not even the request id in clear
    assert set(mark) == {"pk", "sk", "request_hash", "type", "token", "created_at", "expires_at_epoch"}
    assert address.value not in json.dumps(mark) and consent.id not in json.dumps(mark)


FAILURES = {
    "server_error": lambda faults: faults.server_error(write_connection(), TX),
    "throttled": lambda faults: faults.throttle(write_connection(), TX),
    "read_timeout": lambda faults: faults.read_timeout(write_connection(), TX),
    "endpoint_down": lambda faults: faults.endpoint_down(write_connection(), TX),
    # one action's condition fails or is refused: the others, which were fine, must not be applied
    "history_put_cancelled": lambda faults: faults.transaction_cancelled(
        write_connection(), fail_where("ConditionalCheckFailed", lambda kind, pk, sk: sk.startswith("H#"))),
    "state_update_throttled_in_transaction": lambda faults: faults.transaction_cancelled(
        write_connection(), fail_where("ThrottlingError", lambda kind, pk, sk: sk == "STATE")),
    "mark_put_invalid": lambda faults: faults.transaction_cancelled(
        write_connection(), fail_where("ValidationError", lambda kind, pk, sk: sk == store.MARK_SK)),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_failed_transaction_writes_nothing_at_all(failure, faults, contact_items, mark_item):
    address = normalise(new_email())
    consent = consent_for()
    FAILURES[failure](faults)
    with pytest.raises(RegistryUnavailable):
        recording.record_consent(address, consent)
    assert contact_items(contact_key(address.value)) == {}  # no state, no history
    assert mark_item(consent.id) is None  # and no mark


@pytest.mark.parametrize("failure", ["server_error", "history_put_cancelled"])
def test_a_failed_transaction_leaves_an_existing_contact_as_it_was(failure, faults, contact_items):
    address = normalise(new_email())
    recording.record_consent(address, consent_for())
    pk = contact_key(address.value)
    before = contact_items(pk)

    FAILURES[failure](faults)
    with pytest.raises(RegistryUnavailable):
        recording.record_opt_out(address, opt_out_for())
    assert contact_items(pk) == before


def test_transient_errors_are_retried_within_the_write_budget(faults, contact_items, split):
    """500s are retried by botocore (write_max_attempts in all); a cancelled transaction is not."""
    from registry.settings import get_settings

    address = normalise(new_email())
    attempts = faults.count_attempts(write_connection(), TX)
    failures = faults.server_error(write_connection(), TX, times=get_settings().write_max_attempts - 1)
    result = recording.record_consent(address, consent_for())
    assert result.created
    assert failures.count == get_settings().write_max_attempts - 1
    assert attempts.count == get_settings().write_max_attempts
    state, history, marks = split(contact_items(contact_key(address.value)))
    assert state["version"]["N"] == "1" and len(history) == 1 and len(marks) == 1

    faults.clear()
    attempts = faults.count_attempts(write_connection(), TX)
    FAILURES["history_put_cancelled"](faults)
    with pytest.raises(RegistryUnavailable):
        recording.record_consent(normalise(new_email()), consent_for())
    assert attempts.count == 1


def test_the_same_id_twice_is_applied_once(contact_items, split):
    address = normalise(new_email())
    consent = consent_for()
    first = recording.record_consent(address, consent)
    second = recording.record_consent(address, consent)
    assert first.created and not second.created
    assert second.record == first.record  # the first answer, recorded_at included

    state, history, marks = split(contact_items(contact_key(address.value)))
    assert state["version"]["N"] == "1"
    assert len(history) == 1 and list(marks) == [consent.id]
    assert len(json.loads(state["state"]["S"])["consents"]) == 1


def test_the_same_id_with_a_different_payload_is_a_conflict(contact_items):
    address = normalise(new_email())
    consent = consent_for()
    recording.record_consent(address, consent)
    pk = contact_key(address.value)
    before = contact_items(pk)

    with pytest.raises(Conflict) as caught:
        recording.record_consent(address, replace(consent, brand="other-brand"))
    assert caught.value.field == "id"
    with pytest.raises(Conflict):  # the id is taken for every kind of fact, not just consents
        recording.record_opt_out(address, opt_out_for(consent.id))
    assert contact_items(pk) == before


def test_the_same_id_after_other_writes_is_still_applied_once(contact_items, split):
    """The mark, not the state version, recognises a retry: other facts in between change nothing."""
    address = normalise(new_email())
    consent = consent_for()
    first = recording.record_consent(address, consent)
    recording.record_opt_out(address, opt_out_for())
    again = recording.record_consent(address, consent)
    assert not again.created and again.record == first.record

    state, history, marks = split(contact_items(contact_key(address.value)))
    assert state["version"]["N"] == "2" and len(history) == 2 and len(marks) == 2


def test_a_lost_response_retried_by_botocore_is_applied_once(faults, contact_items, split):
    """DynamoDB applies the transaction but the answer never arrives; botocore sends it again.

    The retry finds the version moved and the mark present; the mark carries this very request's
    token, so the write reports what it did (created, the first answer), and nothing is applied twice.
    """
    address = normalise(new_email())
    consent = consent_for()
    lost = faults.response_lost(write_connection(), TX, times=1)
    result = recording.record_consent(address, consent)
    assert lost.count == 1
    assert result.created  # the first write of this id: not reported as a duplicate
    assert result.record["id"] == consent.id

    state, history, marks = split(contact_items(contact_key(address.value)))
    assert state["version"]["N"] == "1" and len(history) == 1 and list(marks) == [consent.id]
    assert marks[consent.id]["created_at"]["S"] == result.record["recorded_at"] == history[0]["recorded_at"]["S"]

    faults.clear()
    again = recording.record_consent(address, consent)  # the caller's own retry
    assert not again.created and again.record == result.record
    assert len(split(contact_items(contact_key(address.value)))[1]) == 1


# --- how a cancelled transaction is read (storage level) --------------------------------------

def _history(fact_id: str, minute: int = 0) -> store.HistoryRecord:
    stamp = f"2026-01-01T00:{minute:02d}:00Z"
    return store.HistoryRecord(sk=store.history_sk(stamp, stamp, fact_id), type="test.fact", fact_id=fact_id,
                               occurred_at=stamp, recorded_at=stamp, source="api", data={})


def _mark(pk: str, fact_id: str) -> store.MarkRecord:
    # marks are one per id in the whole table: make the id unique to this test's contact
    return store.MarkRecord(key=f"{pk}-{fact_id}", request_hash="h-" + fact_id, type="test.fact", token="t",
                            created_at="2026-01-01T00:00:00Z", expires_at_epoch=4_000_000_000)


def _commit(pk: str, version: int, fact_id: str, minute: int = 0) -> int:
    return store.commit(pk, version, "x@example.com", "email", {"n": fact_id}, "2026-01-01T00:00:00Z",
                        [_history(fact_id, minute)], _mark(pk, fact_id))


def test_a_stale_version_is_a_version_conflict_and_changes_nothing(contact_items):
    pk = store.contact_pk(new_id())
    assert _commit(pk, 0, "a") == 1
    before = contact_items(pk)
    with pytest.raises(store.VersionConflict):
        _commit(pk, 0, "b", minute=1)  # another writer got version 1 first
    with pytest.raises(store.VersionConflict):
        _commit(pk, 5, "c", minute=2)
    assert contact_items(pk) == before
    assert _commit(pk, 1, "b", minute=1) == 2


def test_an_existing_mark_is_a_duplicate_write_carrying_the_first_mark(contact_items):
    pk = store.contact_pk(new_id())
    _commit(pk, 0, "a")
    before = contact_items(pk)
    with pytest.raises(store.DuplicateWrite) as caught:
        _commit(pk, 1, "a", minute=1)  # right version, new history key, same id
    assert caught.value.mark.request_hash == "h-a"
    with pytest.raises(store.DuplicateWrite):
        _commit(pk, 0, "a", minute=1)  # stale version too: the mark still tells it is a retry
    assert contact_items(pk) == before


def test_membership_changes_that_change_nothing_are_recognised(contact_items):
    pk = store.contact_pk(new_id())
    stamp = "2026-01-01T00:00:00Z"

    def change(add: bool, n: int) -> None:
        store.change_membership(pk, "x@example.com", "email", "internal:test-list", add, stamp,
                                _history(f"m{n}", minute=n))

    change(True, 1)
    with pytest.raises(store.AlreadyMember):
        change(True, 2)
    change(False, 3)
    with pytest.raises(store.NotMember):
        change(False, 4)
    history = [sk for sk in contact_items(pk) if sk.startswith(store.HISTORY_PREFIX)]
    assert len(history) == 2  # the refused changes left no history entry


def test_a_contact_on_several_lists_reads_back():
    """Memberships come back sorted by list name (they once failed to sort at all: a 503 for every read)."""
    from registry.services import contact_facts

    address = normalise(new_email())
    pk = contact_key(address.value)
    for n, member in enumerate(["litigator:zeta", "internal:alpha", "internal:beta"]):
        store.change_membership(pk, address.value, address.kind, member, True, "2026-01-01T00:00:00Z",
                                _history(f"m{n}", minute=n))
    facts, snapshot = contact_facts.load(address)
    assert [(m.list_name, m.kind) for m in facts.suppressions] == [
        ("alpha", "internal"), ("beta", "internal"), ("zeta", "litigator")]


# --- request ids are global; answers lost on the way back ------------------------------------

def test_a_request_id_is_one_request_whatever_the_address(contact_items, mark_item):
    first, second = normalise(new_email()), normalise(new_email())
    consent = consent_for()
    recording.record_consent(first, consent)
    with pytest.raises(Conflict) as caught:
        recording.record_consent(second, consent)  # the very same fact, for another address
    assert caught.value.field == "id"
    assert contact_items(contact_key(second.value)) == {}
    assert mark_item(consent.id)["type"]["S"] == "consent.granted"


def test_a_linked_address_pointer_commits_with_the_preferences_or_not_at_all(faults, contact_items):
    """The R# item in the linked address's partition is part of the preferences' transaction."""
    email, phone = normalise(new_email()), normalise(new_phone())
    faults.transaction_cancelled(write_connection(), fail_where("ValidationError",
                                                                lambda kind, pk, sk: sk.startswith("R#")), times=1)
    with pytest.raises(RegistryUnavailable):
        recording.update_preferences(email, {"linked_addresses": (phone.value,)}, new_id())
    assert contact_items(contact_key(email.value)) == {} and contact_items(contact_key(phone.value)) == {}

    recording.update_preferences(email, {"linked_addresses": (phone.value,)}, new_id())
    assert list(contact_items(contact_key(phone.value))) == ["R#" + contact_key(email.value)]


def test_a_membership_change_whose_answer_was_lost_is_reported_as_applied(faults, contact_items):
    pk = store.contact_pk(new_id())
    lost = faults.response_lost(write_connection(), TX, times=1)
    store.change_membership(pk, "x@example.com", "email", "internal:lost", True, "2026-01-01T00:00:00Z",
                            _history("lost"))  # no AlreadyMember: the retry found its own history entry
    assert lost.count == 1
    # every try lost (botocore gives up): the same change sent again is still recognised as applied
    lost = faults.response_lost(write_connection(), TX, times=3)
    change = _history("gone", minute=1)
    with pytest.raises(store.StorageUnavailable):
        store.change_membership(pk, "x@example.com", "email", "internal:gone", True, "2026-01-01T00:01:00Z", change)
    assert lost.count == 3
    store.change_membership(pk, "x@example.com", "email", "internal:gone", True, "2026-01-01T00:01:00Z", change)
    with pytest.raises(store.AlreadyMember):  # a new change of the same membership is a no-op
        store.change_membership(pk, "x@example.com", "email", "internal:gone", True, "2026-01-01T00:02:00Z",
                                _history("again", minute=2))
    items = contact_items(pk)
    assert set(items[store.STATE]["suppressions"]["SS"]) == {"internal:lost", "internal:gone"}
    assert len([sk for sk in items if sk.startswith(store.HISTORY_PREFIX)]) == 2


@pytest.mark.slow
# AWS_ENDPOINT_URL_DYNAMODB set before the session (read at collection) means DynamoDB Local.
@pytest.mark.skipif(not os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"),
                    reason="1,000 transactions take minutes on moto (it copies the table for each); "
                           "runs against DynamoDB Local (make test-dynamodb-local)")
def test_a_thousand_new_entries_with_lost_answers_are_a_thousand_added(faults):
    from registry.services import suppression

    name = f"lost-{uuid.uuid4().hex[:8]}"
    suppression.create_list(name, "internal")
    # the entries go fifty to a transaction: every one of the twenty groups' first answer is lost
    lost = faults.response_lost(write_connection(), TX, times=20)
    result = suppression.change_entries(name, add=[new_phone() for _ in range(1000)], remove=[])
    assert lost.count == 20
    assert (result["added"], result["unchanged"]) == (1000, 0)


# --- a cancellation is read by the failing item's key, not by its place -----------------------

@pytest.fixture
def reversed_transactions(faults):
    """Every TransactWriteItems sent with its actions in the reverse order: the reasons DynamoDB
    gives come back in that order too, so a reading by position would blame the wrong action."""
    sent: list[list[str]] = []

    def reverse(params, **_):
        params["TransactItems"].reverse()
        sent.append([next(iter(action)) for action in params["TransactItems"]])

    faults.hook(write_connection(), "before-parameter-build.dynamodb.TransactWriteItems", reverse)
    return sent


def test_a_cancelled_commit_is_read_by_the_items_key(reversed_transactions, contact_items):
    pk = store.contact_pk(new_id())
    assert _commit(pk, 0, "a") == 1
    before = contact_items(pk)
    with pytest.raises(store.DuplicateWrite) as caught:  # the mark's condition failed, the state's held
        _commit(pk, 1, "a", minute=1)
    assert caught.value.mark.request_hash == "h-a"
    with pytest.raises(store.VersionConflict):  # the state's condition failed (the item is returned)
        _commit(pk, 0, "b", minute=2)
    with pytest.raises(store.VersionConflict):  # version 5 of a contact never written: no item comes back
        _commit(store.contact_pk(new_id()), 5, "c")
    assert contact_items(pk) == before
    assert reversed_transactions and all(kinds[0] == "Update" for kinds in reversed_transactions)  # not as built


def test_a_cancelled_membership_change_is_read_by_the_items_key(reversed_transactions):
    pk = store.contact_pk(new_id())
    stamp = "2026-01-01T00:00:00Z"
    with pytest.raises(store.NotMember):  # no contact at all: the condition failed on a missing item
        store.change_membership(pk, "x@example.com", "email", "internal:keyed", False, stamp, _history("m0"))
    store.change_membership(pk, "x@example.com", "email", "internal:keyed", True, stamp, _history("m1", 1))
    with pytest.raises(store.AlreadyMember):
        store.change_membership(pk, "x@example.com", "email", "internal:keyed", True, stamp, _history("m2", 2))
    # the same change again (its history entry exists): applied before, not "already a member"
    store.change_membership(pk, "x@example.com", "email", "internal:keyed", True, stamp, _history("m1", 1))


def test_a_cancelled_key_put_is_read_by_the_items_key(reversed_transactions):
    from registry.services.api_keys import hash_key
    from registry.storage import api_keys as keys

    key_hash, other = hash_key(new_id()), hash_key(new_id())
    keys.put(key_hash, key_hash[:12], "first", ["lookup"])
    with pytest.raises(keys.KeyExists):
        keys.put(key_hash, other[:12], "same hash", ["lookup"])
    with pytest.raises(keys.KeyIdTaken):
        keys.put(other, key_hash[:12], "same id", ["lookup"])
    keys.revoke(key_hash=key_hash)
    with pytest.raises(keys.KeyRevoked):  # the key is returned as it was: there, and revoked
        keys.set_scopes(key_hash, "renamed", ["lookup"])
    with pytest.raises(keys.NoSuchKey):  # nothing comes back: there is no such key
        keys.set_scopes(other, "renamed", ["lookup"])


def test_a_cancellation_nobody_can_read_is_storage_unavailable(faults):
    """A reason on an item the transaction does not name, or one no action can have caused, is
    not guessed at: the registry could not write."""
    pk = store.contact_pk(new_id())
    faults.transaction_cancelled(write_connection(), lambda action: "ConditionalCheckFailed", item_exists=False)
    with pytest.raises(store.StorageUnavailable):  # two puts and no update: the missing item is nobody's
        from registry.services.api_keys import hash_key
        from registry.storage import api_keys as keys

        key_hash = hash_key(new_id())
        keys.put(key_hash, key_hash[:12], "unread", ["lookup"])
    faults.clear()
    faults.transaction_cancelled(write_connection(), lambda action: "ValidationError")
    with pytest.raises(store.StorageUnavailable):
        _commit(pk, 0, "x")
