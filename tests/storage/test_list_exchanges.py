"""The exchange-bitmap list store (docs/scale.md (e)): full copies, checkpoints, change records,
the sweep of an area code and the catalog, against the table (moto, or DynamoDB Local)."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from registry.domain.exchange_bitmaps import ChangeRecord, count, has_line, new_bitmap, set_line
from registry.storage import list_exchanges as lx
from registry.storage import suppression_lists as lists

pytestmark = [pytest.mark.dynamodb, pytest.mark.usefixtures("dynamodb_table")]

DAY = date(2026, 11, 1)
EXCHANGE = "415555"


def bitmap(*line_numbers: int) -> bytes:
    out = new_bitmap()
    for line in line_numbers:
        set_line(out, line)
    return bytes(out)


@pytest.fixture
def name() -> str:
    """A national list of its own, for one test."""
    made = f"dnc-{uuid.uuid4().hex[:10]}"
    lists.create(made, "national", "2026-11-01T00:00:00Z")
    return made


@pytest.fixture
def raw(dynamodb_client, dynamodb_table):
    def read(pk: str, sk: str) -> dict | None:
        return dynamodb_client.get_item(TableName=dynamodb_table, Key={"pk": {"S": pk}, "sk": {"S": sk}},
                                        ConsistentRead=True).get("Item")
    return read


def stored_bitmap(raw, name: str, exchange: str = EXCHANGE) -> bytes | None:
    item = raw(*lx.exchange_key(name, exchange))
    return None if item is None else lx.bitmap_of(item)


def test_the_key_names_neither_the_exchange_nor_the_number(name):
    pk, sk = lx.exchange_key(name, EXCHANGE)
    assert sk == "LX" and pk.startswith(f"LX#{name}#") and EXCHANGE not in pk
    assert len(pk.rsplit("#", 1)[1]) == 32
    assert lx.exchange_key(name, "415556")[0] != pk


def test_a_full_copy_counts_what_it_added_and_removed(name, raw):
    assert lx.put_full(name, EXCHANGE, bitmap(1, 2, 3), DAY) == lx.ExchangeWrite(3, 0)
    assert lx.put_full(name, EXCHANGE, bitmap(2, 3, 4, 5), DAY + timedelta(days=30)) == lx.ExchangeWrite(2, 1)
    stored = stored_bitmap(raw, name)
    assert stored == bitmap(2, 3, 4, 5)
    item = raw(*lx.exchange_key(name, EXCHANGE))
    assert item["v"]["S"] == "20261201" and item["n"]["N"] == "4"


def test_an_older_copy_is_refused_and_changes_nothing(name, raw):
    lx.put_full(name, EXCHANGE, bitmap(7), DAY)
    before = raw(*lx.exchange_key(name, EXCHANGE))
    assert lx.put_full(name, EXCHANGE, bitmap(8), DAY - timedelta(days=1)) is None
    assert raw(*lx.exchange_key(name, EXCHANGE)) == before


def test_a_replay_of_the_same_version_answers_the_same_counts_and_writes_nothing(name, raw):
    lx.put_full(name, EXCHANGE, bitmap(1, 2), DAY)
    first = lx.put_full(name, EXCHANGE, bitmap(2, 9), DAY + timedelta(days=1))
    after_first = raw(*lx.exchange_key(name, EXCHANGE))
    assert first == lx.ExchangeWrite(1, 1)
    assert lx.put_full(name, EXCHANGE, bitmap(2, 9), DAY + timedelta(days=1)) == first
    assert raw(*lx.exchange_key(name, EXCHANGE)) == after_first


def test_a_staged_checkpoint_is_merged_into_the_copy_and_removed(name, raw):
    lx.put_full(name, EXCHANGE, bitmap(100), DAY)
    new = DAY + timedelta(days=31)
    lx.stage(name, EXCHANGE, bitmap(1), new)
    lx.stage(name, EXCHANGE, bitmap(2), new)  # a second checkpoint adds to the first
    # readers still see the old copy while the import runs
    assert stored_bitmap(raw, name) == bitmap(100)
    assert lx.put_full(name, EXCHANGE, bitmap(3), new) == lx.ExchangeWrite(3, 1)
    item = raw(*lx.exchange_key(name, EXCHANGE))
    assert lx.bitmap_of(item) == bitmap(1, 2, 3)
    assert "nb" not in item and "nv" not in item


def test_a_checkpoint_of_another_version_is_replaced_not_merged(name, raw):
    lx.stage(name, EXCHANGE, bitmap(1), DAY)
    lx.stage(name, EXCHANGE, bitmap(2), DAY + timedelta(days=1))
    assert lx.put_full(name, EXCHANGE, bitmap(3), DAY + timedelta(days=1)) == lx.ExchangeWrite(2, 0)
    assert stored_bitmap(raw, name) == bitmap(2, 3)


def test_a_staged_only_exchange_lists_nothing(name, raw):
    lx.stage(name, EXCHANGE, bitmap(1), DAY)
    assert stored_bitmap(raw, name) == bytes(1250)


def record(line: int, add: bool, dated: date, exchange: str = EXCHANGE) -> ChangeRecord:
    return ChangeRecord(exchange, line, add, dated)


def test_change_records_set_and_clear_bits(name, raw):
    lx.put_full(name, EXCHANGE, bitmap(1, 2), DAY)
    later = DAY + timedelta(days=3)
    assert lx.apply_changes(name, EXCHANGE, [record(5, True, later), record(1, False, later)]) == \
        lx.ExchangeWrite(1, 1)
    assert stored_bitmap(raw, name) == bitmap(2, 5)
    assert raw(*lx.exchange_key(name, EXCHANGE))["v"]["S"] == "20261101"  # still the same copy


def test_records_dated_before_the_copy_are_skipped(name, raw):
    lx.put_full(name, EXCHANGE, bitmap(1), DAY)
    earlier = DAY - timedelta(days=1)
    assert lx.apply_changes(name, EXCHANGE, [record(5, True, earlier), record(1, False, earlier)]) == \
        lx.ExchangeWrite(0, 0)
    assert stored_bitmap(raw, name) == bitmap(1)


def test_a_deletion_on_the_copys_own_day_is_skipped_an_addition_is_not(name, raw):
    lx.put_full(name, EXCHANGE, bitmap(1), DAY)
    assert lx.apply_changes(name, EXCHANGE, [record(1, False, DAY), record(2, True, DAY)]) == lx.ExchangeWrite(1, 0)
    assert stored_bitmap(raw, name) == bitmap(1, 2)
    assert lx.apply_changes(name, EXCHANGE, [record(1, False, DAY + timedelta(days=1))]) == lx.ExchangeWrite(0, 1)
    assert stored_bitmap(raw, name) == bitmap(2)


def test_applying_the_same_records_again_changes_nothing(name, raw):
    records = [record(5, True, DAY), record(6, True, DAY), record(5, False, DAY + timedelta(days=1))]
    assert lx.apply_changes(name, EXCHANGE, records) == lx.ExchangeWrite(2, 1)
    item = raw(*lx.exchange_key(name, EXCHANGE))
    assert lx.apply_changes(name, EXCHANGE, records[:2]) == lx.ExchangeWrite(1, 0)  # 5 is back: the later D
    lx.apply_changes(name, EXCHANGE, records[2:])
    assert raw(*lx.exchange_key(name, EXCHANGE))["b"] == item["b"]
    assert lx.apply_changes(name, EXCHANGE, records[1:2]) == lx.ExchangeWrite(0, 0)


def test_records_of_another_exchange_are_refused(name):
    with pytest.raises(ValueError):
        lx.apply_changes(name, EXCHANGE, [record(1, True, DAY, exchange="415556")])


def test_a_write_that_lost_a_race_reads_again_and_applies_on_the_newer_item(name, raw, monkeypatch):
    """Another writer changed the exchange between the read and the write: the write is refused
    (rev), read again and applied on top of the other writer's bits."""
    lx.put_full(name, EXCHANGE, bitmap(1), DAY)
    real_read = lx._read_exchange
    raced = []

    def read(pk):
        found = real_read(pk)
        if not raced:
            raced.append(True)
            lx.apply_changes(name, EXCHANGE, [record(9, True, DAY + timedelta(days=2))])
        return found

    monkeypatch.setattr(lx, "_read_exchange", read)
    assert lx.apply_changes(name, EXCHANGE, [record(5, True, DAY + timedelta(days=2))]) == lx.ExchangeWrite(1, 0)
    assert stored_bitmap(raw, name) == bitmap(1, 5, 9)


def test_the_sweep_deletes_only_the_exchanges_the_new_copy_does_not_have_and_older_ones(name, raw):
    old, new = DAY, DAY + timedelta(days=30)
    for exchange, lines in (("415555", (1, 2)), ("415556", (3,)), ("415557", (4, 5, 6))):
        lx.put_full(name, exchange, bitmap(*lines), old)
    assert lx.sweep_area(name, "415", {"415555", "415556", "415557"}, old) == lx.ExchangeWrite(0, 0)
    # the new copy: 415555 again, 415558 new; 415556 and 415557 left the registry
    lx.put_full(name, "415555", bitmap(1), new)
    lx.put_full(name, "415558", bitmap(8), new)
    # a change record dated on the new copy's day created an exchange no copy wrote: it stays
    lx.apply_changes(name, "415559", [record(9, True, new, exchange="415559")])
    # and another exchange was written by a newer copy already (never deleted by an older sweep)
    assert lx.sweep_area(name, "415", {"415555", "415558"}, new) == lx.ExchangeWrite(0, 4)
    assert raw(*lx.exchange_key(name, "415556")) is None and raw(*lx.exchange_key(name, "415557")) is None
    assert stored_bitmap(raw, name, "415555") == bitmap(1)
    assert stored_bitmap(raw, name, "415558") == bitmap(8)
    assert stored_bitmap(raw, name, "415559") == bitmap(9)
    area = raw(lx.area_pk(name, "415"), "LA")
    assert set(area["x"]["SS"]) == {"555", "558", "559"} and area["v"]["S"] == "20261201"


def test_a_sweep_never_deletes_an_exchange_of_a_newer_copy(name, raw):
    lx.put_full(name, "415555", bitmap(1), DAY)
    lx.put_full(name, "415556", bitmap(2), DAY)
    lx.sweep_area(name, "415", {"415555", "415556"}, DAY)
    lx.put_full(name, "415556", bitmap(3), DAY + timedelta(days=5))  # a newer copy of that exchange
    assert lx.sweep_area(name, "415", {"415555"}, DAY + timedelta(days=1)) == lx.ExchangeWrite(0, 0)
    assert stored_bitmap(raw, name, "415556") == bitmap(3)
    assert "556" in raw(lx.area_pk(name, "415"), "LA")["x"]["SS"]


def test_an_older_sweep_after_a_newer_one_changes_nothing(name, raw):
    lx.put_full(name, "415555", bitmap(1), DAY + timedelta(days=5))
    lx.sweep_area(name, "415", {"415555"}, DAY + timedelta(days=5))
    area = raw(lx.area_pk(name, "415"), "LA")
    assert lx.sweep_area(name, "415", set(), DAY) == lx.ExchangeWrite(0, 0)
    assert raw(lx.area_pk(name, "415"), "LA") == area
    assert stored_bitmap(raw, name, "415555") == bitmap(1)


def test_the_sweep_refuses_exchanges_of_another_area_code(name):
    with pytest.raises(ValueError):
        lx.sweep_area(name, "415", {"416555"}, DAY)


def test_commit_puts_the_copy_in_the_list_and_the_catalog(raw):
    # a state list: an old copy of a national list in the table's catalog would deny every other
    # test's marketing calls (list_stale)
    name = f"state-{uuid.uuid4().hex[:10]}"
    lists.create(name, "state", "2026-11-01T00:00:00Z")
    lx.register(name)
    before = lx.read_catalog()
    assert {b.name: b for b in before.lists}[name].version is None
    at = datetime.now(UTC).replace(microsecond=0)
    lx.commit_copy(name, DAY, at, added=10, removed=2)
    lx.count_changes(name, added=3, removed=1)
    item = raw(lists.list_pk(name), "LIST")
    assert item["entries"]["N"] == "10" and item["version"]["S"] == "20261101"
    catalog = lx.read_catalog()
    bulk = {b.name: b for b in catalog.lists}[name]
    assert (bulk.kind, bulk.version, bulk.entries) == ("state", DAY, 10)
    assert bulk.refreshed_at is not None and datetime.fromisoformat(bulk.refreshed_at) == at
    assert catalog.plan_rev == before.plan_rev  # the keys a lookup reads did not change
    # an older copy committed late keeps the newer version, but its counts still count
    lx.commit_copy(name, DAY - timedelta(days=3), at, added=0, removed=0)
    assert {b.name: b for b in lx.read_catalog().lists}[name].version == DAY


def test_registering_a_bulk_list_changes_the_plan_once(name):
    before = lx.read_catalog()
    lx.register(name)
    after = lx.read_catalog()
    assert after.plan_rev > before.plan_rev and name in after.names
    lx.register(name)
    assert lx.read_catalog().plan_rev == after.plan_rev


def test_an_internal_list_never_enters_the_catalog():
    made = f"house-{uuid.uuid4().hex[:10]}"
    lists.create(made, "internal", "2026-11-01T00:00:00Z")
    lx.register(made)
    lx.count_changes(made, added=2, removed=0)
    assert made not in lx.read_catalog().names
    assert lists.get(made).entries == 2


def test_counting_an_unknown_list_is_refused():
    with pytest.raises(lx.UnknownList):
        lx.count_changes(f"nope-{uuid.uuid4().hex[:8]}", 1, 0)


def test_bits_count_as_numbers(name, raw):
    lx.put_full(name, EXCHANGE, bitmap(*range(0, 10_000, 7)), DAY)
    stored = stored_bitmap(raw, name)
    assert count(stored) == len(range(0, 10_000, 7)) and has_line(stored, 9996) and not has_line(stored, 9999)
