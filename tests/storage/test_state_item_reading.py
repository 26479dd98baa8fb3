"""A contact's raw state item (from a BatchGetItem) is read without making a PynamoDB model, for
speed (a batch of 1,000): it must read every item, good or damaged, exactly as
``ContactItem.from_raw_data`` would, as the same ``Snapshot`` or the same ``CorruptItem``."""
from __future__ import annotations

import json

import pytest

from registry.storage import contacts
from registry.storage.contacts import ContactItem, Snapshot
from registry.storage.errors import CorruptItem, dynamodb

PK = "C#" + "a" * 64
GOOD = {
    "pk": {"S": PK}, "sk": {"S": "STATE"}, "address": {"S": "+14155550123"}, "kind": {"S": "phone"},
    "version": {"N": "7"}, "state": {"S": json.dumps({"consents": [], "preferences": {"timezone": "America/Chicago"}})},
    "suppressions": {"SS": ["internal:house", "litigator:tcpa"]}, "created_at": {"S": "2026-11-01T00:00:00.000000Z"},
    "updated_at": {"S": "2026-11-02T00:00:00.000000Z"},
    "last_change": {"S": json.dumps({"type": "consent", "id": "x"})},
}


def variants() -> list[tuple[str, dict]]:
    out = [("good", GOOD), ("only keys", {"pk": {"S": PK}, "sk": {"S": "STATE"}}), ("no pk", {"sk": {"S": "STATE"}}),
           ("erased", {**GOOD, "erased_at": {"S": "2026-11-03T00:00:00Z"}, "address": {"NULL": True}}),
           ("expiring", {**GOOD, "expires_at_epoch": {"N": "1800000000"}}),
           ("unknown attribute", {**GOOD, "something": {"S": "else"}}),
           ("state control character", {**GOOD, "state": {"S": '{"a": "b\x01c"}'}}),
           ("version float", {**GOOD, "version": {"N": "7.0"}})]
    for name in ("address", "kind", "version", "state", "suppressions", "created_at", "last_change", "pk",
                 "expires_at_epoch"):
        out += [(f"{name} NULL", {**GOOD, name: {"NULL": True}}), (f"{name} empty", {**GOOD, name: {}}),
                (f"{name} of another type", {**GOOD, name: {"BOOL": True}}),
                (f"{name} as a number", {**GOOD, name: {"N": "1"}}), (f"{name} as a text", {**GOOD, name: {"S": "x"}}),
                (f"{name} as a set", {**GOOD, name: {"SS": ["x"]}})]
    out += [("state not JSON", {**GOOD, "state": {"S": "{not json"}}),
            ("version not a number", {**GOOD, "version": {"N": "seven"}}),
            ("last_change not JSON", {**GOOD, "last_change": {"S": "["}})]
    return out


def as_pynamodb_reads(raw: dict) -> Snapshot | CorruptItem | str:
    pk = str((raw.get("pk") or {}).get("S"))
    try:
        with dynamodb("read a contact", reading=pk):
            return Snapshot.of(ContactItem.from_raw_data(raw))
    except CorruptItem as corrupt:
        return corrupt
    except Exception as err:  # anything else must be the same too
        return type(err).__name__


def as_read_now(raw: dict) -> Snapshot | CorruptItem | str:
    try:
        return contacts.snapshot_from_raw(raw)[1]
    except Exception as err:
        return type(err).__name__


@pytest.mark.parametrize(("case", "raw"), variants(), ids=[name for name, _ in variants()])
def test_state_values_read_as_pynamodb_does(case: str, raw: dict) -> None:
    expected, got = as_pynamodb_reads(raw), as_read_now(raw)
    if isinstance(expected, CorruptItem):
        assert isinstance(got, CorruptItem) and got.args == expected.args and type(got.__cause__) is type(
            expected.__cause__), case
    else:
        assert got == expected, case


def test_the_damaged_cases_are_there() -> None:
    """The comparison above meets both outcomes (a test that compared only good items would pass a
    reader that never refused anything)."""
    outcomes = [as_pynamodb_reads(raw) for _, raw in variants()]
    assert sum(isinstance(o, CorruptItem) for o in outcomes) >= 10
    assert sum(isinstance(o, Snapshot) for o in outcomes) >= 10
