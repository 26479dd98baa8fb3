"""The attempts index (``AttemptsByDay``, storage.attempt_index): every attempt's history entry is in
it, keyed by its UTC day and ``<occurred_at>#<id>``, written in the attempt's own transaction; nothing
else is; a range is read in order, bounded, resumable, across days; erasure takes the entries away."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from registry.domain.addresses import normalise
from registry.domain.facts import Attempt, Consent
from registry.domain.timeutil import sortable_instant
from registry.services import erasure, recording
from registry.services.address_keys import contact_key
from registry.storage import attempt_index
from tests.api.conftest import new_phone

pytestmark = pytest.mark.dynamodb

_random = random.SystemRandom()


def a_day() -> datetime:
    """A day no other test records attempts on (the index is shared by the session)."""
    day = datetime(2030, 1, 1, tzinfo=UTC) + timedelta(days=_random.randrange(20_000))
    return day.replace(hour=0, minute=0, second=0, microsecond=0)


def record(address, fact_id: str, at: datetime, outcome: str = "answered") -> None:
    recording.record_attempt(address, Attempt(id=fact_id, channel="call", purpose="marketing", brand="default",
                                              occurred_at=at, outcome=outcome))


def positions(start: datetime, end: datetime, after: str | None = None, limit: int = 100):
    found, more = attempt_index.read(sortable_instant(start), sortable_instant(end), after, limit)
    return [p for p, _ in found], more


def test_an_attempts_history_entry_carries_its_index_keys_and_nothing_else_does(dynamodb_table, contact_items):
    address = normalise(new_phone())
    at = a_day() + timedelta(hours=20, microseconds=1234)
    recording.record_consent(address, Consent(id=f"c-{_random.random()}", channels=frozenset({"call"}),
                                              purposes=frozenset({"marketing"}), brand="default", source="web_form",
                                              occurred_at=at - timedelta(days=1)))
    fact_id = f"ix-{_random.random()}"
    record(address, fact_id, at, outcome="wrong_party")  # implies a reassignment: its entry is no attempt
    items = contact_items(contact_key(address.value))
    indexed = {sk: item for sk, item in items.items() if "attempt_day" in item}
    (sk, item), = indexed.items()
    assert item["type"]["S"] == "contact.attempted" and item["fact_id"]["S"] == fact_id
    assert item["attempt_day"]["S"] == at.date().isoformat()
    assert item["attempt_at"]["S"] == f"{sortable_instant(at)}#{fact_id}"
    assert len([sk for sk in items if sk.startswith("H#")]) == 3  # consent, attempt, reassignment
    ((position, entry),), more = attempt_index.read(sortable_instant(at), sortable_instant(at + timedelta(seconds=1)),
                                                    None, 10)
    assert not more and position == item["attempt_at"]["S"]
    assert (entry.pk, entry.fact_id, entry.data["outcome"]) == (contact_key(address.value), fact_id, "wrong_party")


def test_a_range_is_read_in_order_bounded_and_resumable_across_days(dynamodb_table):
    day = a_day()
    address = normalise(new_phone())
    moments = [day - timedelta(seconds=1), day, day + timedelta(hours=23, minutes=59, seconds=59),
               day + timedelta(days=1, hours=1), day + timedelta(days=1, hours=1), day + timedelta(days=3),
               day + timedelta(days=4)]
    ids = ["before", "first", "late", "same-b", "same-a", "third-day", "at-end"]
    for fact_id, moment in zip(ids, moments, strict=True):
        record(address, f"{fact_id}-{day:%Y%m%d}", moment)
    start, end = day, day + timedelta(days=4)  # [start, end): "before" and "at-end" fall outside
    wanted = [f"{sortable_instant(m)}#{i}-{day:%Y%m%d}" for i, m in zip(ids, moments, strict=True)][1:-1]
    wanted[2:4] = sorted(wanted[2:4])  # the same moment: by id
    assert positions(start, end) == (wanted, False)
    first, more = positions(start, end, limit=2)
    assert first == wanted[:2] and more
    rest, more = positions(start, end, after=first[-1], limit=10)
    assert rest == wanted[2:] and not more
    assert positions(start, end, after=wanted[-1]) == ([], False)
    assert positions(start, end, after=sortable_instant(end)) == ([], False)


def test_erasure_takes_a_contacts_attempts_out_of_the_index(dynamodb_table):
    day = a_day()
    address = normalise(new_phone())
    record(address, f"gone-{day:%Y%m%d}", day + timedelta(hours=12))
    assert len(positions(day, day + timedelta(days=1))[0]) == 1
    erasure.erase(address)
    assert positions(day, day + timedelta(days=1)) == ([], False)


def test_the_backfill_indexes_attempts_recorded_before_the_index(dynamodb_client, dynamodb_table, contact_items):
    """Migration: an attempt's history entry written before the index existed (no attempt_day) is
    found by the report once ``registry attempts backfill-index`` ran; a second run changes nothing."""
    from registry.services import violations

    day = a_day()
    address = normalise(new_phone())
    record(address, f"old-{day:%Y%m%d}", day + timedelta(hours=12))
    pk = contact_key(address.value)
    (sk,) = [sk for sk, item in contact_items(pk).items() if "attempt_day" in item]
    dynamodb_client.update_item(TableName=dynamodb_table, Key={"pk": {"S": pk}, "sk": {"S": sk}},
                                UpdateExpression="REMOVE attempt_day, attempt_at")  # as written before
    assert positions(day, day + timedelta(days=1)) == ([], False)
    assert violations.backfill_index() >= 1
    (found,), more = positions(day, day + timedelta(days=1))
    assert found == f"{sortable_instant(day + timedelta(hours=12))}#old-{day:%Y%m%d}" and not more
    assert violations.backfill_index() == 0
    assert {sk for sk, item in contact_items(pk).items() if "attempt_day" in item} == {sk}  # nothing else indexed
