"""List entries of internal and litigator lists go to DynamoDB fifty to a transaction
(``change_memberships``): each entry's contact update and history entry still commit together, and a
group cancelled by some of its entries settles those and sends the rest again.

These run on moto and on DynamoDB Local: both must give one cancellation reason per action, in the
order PynamoDB sent the actions (``Transaction`` reads them by position)."""
from __future__ import annotations

import pytest

from registry.storage import contacts as store
from registry.storage.operations import Transaction
from registry.storage.table import write_connection
from tests.storage.faults import new_id

pytestmark = [pytest.mark.dynamodb, pytest.mark.usefixtures("dynamodb_table")]

TX = "TransactWriteItems"
STAMP = "2026-01-01T00:00:00Z"


def _change(pk: str, member: str = "internal:group", add: bool = True, fact_id: str | None = None,
            minute: int = 0) -> store.MembershipChange:
    fact_id = fact_id or new_id()
    stamp = f"2026-01-01T00:{minute:02d}:00Z"
    history = store.HistoryRecord(sk=store.history_sk(stamp, stamp, fact_id), type="suppression.added",
                                  fact_id=fact_id, occurred_at=stamp, recorded_at=stamp, source="api",
                                  data={"list": "group", "kind": "internal"})
    return store.MembershipChange(pk, f"{fact_id}@example.com", "email", member, add, stamp, history)


def _transactions_on(faults, changes) -> list[int]:
    """The sizes of the TransactWriteItems this process sends that touch ``changes``' contacts (other
    tests' leftover threads may send their own meanwhile)."""
    pks = {change.pk for change in changes}
    sizes: list[int] = []

    def capture(params, **_):
        actions = [body for action in params["TransactItems"] for body in action.values()]
        if any(body.get("Key", body.get("Item"))["pk"]["S"] in pks for body in actions):
            sizes.append(len(actions))

    faults.hook(write_connection(), "before-parameter-build.dynamodb.TransactWriteItems", capture)
    return sizes


def _history_count(contact_items, pk: str) -> int:
    return sum(1 for sk in contact_items(pk) if sk.startswith(store.HISTORY_PREFIX))


def test_a_group_of_fifty_new_memberships_is_one_transaction(contact_items, faults):
    changes = [_change(store.contact_pk(new_id())) for _ in range(store.MEMBERSHIPS_PER_TRANSACTION)]
    sent = _transactions_on(faults, changes)
    assert store.change_memberships(changes) == [store.APPLIED] * 50
    assert sent == [100]  # one transaction of a hundred actions
    for change in changes:
        items = contact_items(change.pk)
        assert "internal:group" in items[store.STATE]["suppressions"]["SS"]
        assert items[store.STATE]["memberships_changed_at"]["S"] == change.now
        assert _history_count(contact_items, change.pk) == 1


def test_entries_that_change_nothing_are_settled_and_the_rest_applied(contact_items, faults):
    members = [_change(store.contact_pk(new_id())) for _ in range(3)]
    assert store.change_memberships(members) == [store.APPLIED] * 3
    # a removal of a contact never written: its condition fails on a missing item, named by position
    missing = store.contact_pk(new_id())
    group = [_change(members[0].pk),                                   # already a member
             _change(store.contact_pk(new_id())),                      # new
             _change(missing, add=False),                              # not a member (no item at all)
             _change(members[1].pk, add=False, minute=1),              # removed
             members[2],                                               # this very change, sent again
             _change(store.contact_pk(new_id()))]                      # new
    sent = _transactions_on(faults, group)
    assert store.change_memberships(group) == [store.UNCHANGED, store.APPLIED, store.UNCHANGED, store.APPLIED,
                                               store.APPLIED, store.APPLIED]
    assert sent == [12, 6]  # cancelled once by three of them, then the other three together
    assert _history_count(contact_items, members[0].pk) == 1  # the refused change wrote nothing
    assert contact_items(missing) == {}
    assert "suppressions" not in contact_items(members[1].pk)[store.STATE]
    assert _history_count(contact_items, members[1].pk) == 2
    assert _history_count(contact_items, members[2].pk) == 1  # sent again: not applied twice
    for change in (group[1], group[5]):
        assert _history_count(contact_items, change.pk) == 1


def test_a_group_whose_answer_was_lost_is_failed_and_applied_once_when_sent_again(contact_items, faults):
    changes = [_change(store.contact_pk(new_id())) for _ in range(4)]
    lost = faults.response_lost(write_connection(), TX, times=3)  # every try botocore makes
    assert store.change_memberships(changes) == [store.FAILED] * 4
    assert lost.count == 3
    assert store.change_memberships(changes) == [store.APPLIED] * 4  # recognised by their history entries
    for change in changes:
        assert _history_count(contact_items, change.pk) == 1


def test_a_conflict_is_tried_again_after_a_pause(contact_items, monkeypatch):
    """TransactionConflict (another write held a contact) cancels the group; it is sent again."""
    changes = [_change(store.contact_pk(new_id())) for _ in range(3)]
    real = Transaction.commit
    tries = {"n": 0}

    def busy_once(self):
        tries["n"] += 1
        if tries["n"] == 1:
            raise store.TransactionCancelled(self.action, store.Cancellation(
                codes=frozenset({"TransactionConflict"}), reasons={"membership:1": "TransactionConflict"}))
        return real(self)

    monkeypatch.setattr(Transaction, "commit", busy_once)
    assert store.change_memberships(changes) == [store.APPLIED] * 3
    assert tries["n"] == 2


def test_a_reason_other_than_a_condition_or_a_conflict_fails_its_entry_only(contact_items, monkeypatch):
    changes = [_change(store.contact_pk(new_id())) for _ in range(3)]
    real = Transaction.commit

    def throttled(self):
        if "membership:0" in self._sent["update"]:
            raise store.TransactionCancelled(self.action, store.Cancellation(
                codes=frozenset({"ThrottlingError"}), reasons={"history:0": "ThrottlingError"}))
        return real(self)

    monkeypatch.setattr(Transaction, "commit", throttled)
    assert store.change_memberships(changes) == [store.FAILED, store.APPLIED, store.APPLIED]
    assert contact_items(changes[0].pk) == {}


def test_more_than_a_transaction_holds_is_refused():
    with pytest.raises(ValueError):
        store.change_memberships([_change(store.contact_pk(new_id()))
                                  for _ in range(store.MEMBERSHIPS_PER_TRANSACTION + 1)])


def test_pynamodb_sends_the_actions_in_the_order_the_transaction_reads_them(faults):
    """Reasons are read by position: the order ``Transaction`` records must be the order sent."""
    sent: list[list[tuple[str, str]]] = []

    def capture(params, **_):
        sent.append([(kind, body.get("Key", body.get("Item"))["sk"]["S"])
                     for action in params["TransactItems"] for kind, body in action.items()])

    faults.hook(write_connection(), "before-parameter-build.dynamodb.TransactWriteItems", capture)
    changes = [_change(store.contact_pk(new_id())) for _ in range(3)]
    tx = Transaction("change list memberships")
    for index, change in enumerate(changes):
        store._add_membership_change(tx, change, f":{index}")
    tx.commit()
    kinds = {"Put": "put", "Update": "update", "Delete": "delete"}
    labels = [f"{kinds[kind]}:{sk}" for kind, sk in sent[0]]
    expected = [f"put:{c.history.sk}" for c in changes] + [f"update:{store.STATE}" for _ in changes]
    assert labels == expected
    assert tx._sent["put"] + tx._sent["update"] == [f"history:{i}" for i in range(3)] + \
        [f"membership:{i}" for i in range(3)]


def test_reasons_out_of_order_are_read_by_item_and_each_entry_settled_alone(contact_items, faults):
    """Should the actions go out in another order than recorded, a failed condition on a missing item
    cannot be named by position: the group's entries are then sent one by one, and still settle right."""
    def reverse(params, **_):
        params["TransactItems"].reverse()

    faults.hook(write_connection(), "before-parameter-build.dynamodb.TransactWriteItems", reverse)
    member = _change(store.contact_pk(new_id()))
    assert store.change_memberships([member]) == [store.APPLIED]
    group = [_change(store.contact_pk(new_id()), add=False), _change(member.pk), _change(store.contact_pk(new_id()))]
    assert store.change_memberships(group) == [store.UNCHANGED, store.UNCHANGED, store.APPLIED]
    assert contact_items(group[0].pk) == {}
    assert _history_count(contact_items, member.pk) == 1
    assert _history_count(contact_items, group[2].pk) == 1
