"""The fact codec's rules, as domain/codec.py states them, on a fact made to use every one.

The real facts use only some of the codec's cases (no Enum field, no tuple of facts, no default
other than empty); a new fact kind may use the others, and they must hold then too. The codec
remembers each class's fields: every test here starts from an empty memo, so the fields are
worked out from the class as a new kind's would be.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from enum import Enum
from typing import Annotated, Any

import pytest

from registry.domain import codec
from registry.domain.codec import InOrder, ReadWith, from_document, to_document
from registry.domain.documents import facts_from_document
from registry.domain.errors import UnreadableRecord
from registry.domain.facts import Consent, ContactHours, Preferences
from registry.domain.timeutil import format_instant, stored_instant

T1 = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
T2 = datetime(2026, 11, 24, 5, 40, tzinfo=UTC)


class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Inner:
    at: datetime
    label: str = "x"


@dataclass(frozen=True)
class Sample:
    name: str
    when: datetime
    colour: Colour
    opening: time
    tags: frozenset[str]
    days: Annotated[frozenset[str], InOrder(("mon", "tue", "wed"))]
    codes: tuple[str, ...]
    maybe_when: datetime | None  # optional, but without a default: must be stored, may be null
    counts: tuple[int, ...] = ()
    inner: Inner | None = None
    inners: tuple[Inner, ...] = ()
    shades: frozenset[Colour] = frozenset()
    groups: frozenset[frozenset[str]] = frozenset()
    stamps: tuple[datetime, ...] = ()
    days_off: frozenset[datetime] = frozenset()
    sets: tuple[frozenset[str], ...] = ()
    # marks on both sides of the Optional: written in the inner order, read through the outer reader
    both: Annotated[Annotated[frozenset[str], InOrder(("b", "a"))] | None, ReadWith(lambda raw: frozenset(raw) | {"r"})] = None
    upper: Annotated[str, ReadWith(str.upper)] = "A"
    maybe_upper: Annotated[str, ReadWith(str.upper)] | None = None
    note: str | None = None
    loose: tuple = ()  # no item type: items as they are
    bag: frozenset = frozenset()
    fallback: tuple[str, ...] = field(default_factory=lambda: ("d",))


FULL = Sample(name="n", when=T1, colour=Colour.BLUE, opening=time(9, 5), tags=frozenset({"b", "a"}),
              days=frozenset({"wed", "mon"}), codes=("z", "y"), maybe_when=T2, counts=(3, 1),
              inner=Inner(T2, "in"), inners=(Inner(T1), Inner(T2, "two")), shades=frozenset({Colour.RED}),
              groups=frozenset({frozenset({"q", "p"})}), stamps=(T2, T1), days_off=frozenset({T1}),
              sets=(frozenset({"y", "x"}),), both=frozenset({"a", "b", "r"}), upper="UP", maybe_upper="MU", note="",
              loose=(1, "a"), bag=frozenset({2, 1}), fallback=("e",))
FULL_DOC = {
    "name": "n", "when": "2026-03-04T05:06:07Z", "colour": "blue", "opening": "09:05", "tags": ["a", "b"],
    "days": ["mon", "wed"], "codes": ["z", "y"], "maybe_when": "2026-11-24T05:40:00Z", "counts": [3, 1],
    "inner": {"at": "2026-11-24T05:40:00Z", "label": "in"},
    "inners": [{"at": "2026-03-04T05:06:07Z", "label": "x"}, {"at": "2026-11-24T05:40:00Z", "label": "two"}],
    "shades": ["red"], "groups": [["p", "q"]], "stamps": ["2026-11-24T05:40:00Z", "2026-03-04T05:06:07Z"],
    "days_off": ["2026-03-04T05:06:07Z"], "sets": [["x", "y"]], "both": ["b", "a"],
    "upper": "UP", "maybe_upper": "MU", "note": "", "loose": [1, "a"], "bag": [1, 2], "fallback": ["e"],
}
REQUIRED = {"name": "n", "when": "2026-03-04T05:06:07Z", "colour": "red", "opening": "09:05", "tags": [],
            "days": [], "codes": [], "maybe_when": None}


@pytest.fixture(autouse=True)
def fresh_memo(monkeypatch):
    """Each test works out its types' fields and readers afresh (a reader made by an earlier test
    would read without them, and a mutant of how they are worked out would go unseen)."""
    monkeypatch.setattr(codec, "_FIELDS", {})
    monkeypatch.setattr(codec, "_READERS", {})


# --- writing -------------------------------------------------------------------------------------

def test_every_kind_of_value_is_written_by_its_type_in_field_order():
    doc = to_document(FULL)
    assert doc == FULL_DOC and list(doc) == [f.name for f in dataclasses.fields(Sample)]


def test_instants_are_written_through_the_given_form_nested_and_listed_ones_too():
    doc = to_document(FULL, stored_instant)
    assert doc["when"] == stored_instant(T1) == "2026-03-04T05:06:07.000000Z"
    assert doc["inner"]["at"] == doc["stamps"][0] == stored_instant(T2)
    assert doc["inners"][0]["at"] == doc["days_off"][0] == stored_instant(T1)
    assert to_document(Inner(T1), lambda at: "then") == {"at": "then", "label": "x"}


def test_a_missing_optional_value_is_written_as_null():
    doc = to_document(dataclasses.replace(FULL, maybe_when=None, inner=None, note=None))
    assert doc["maybe_when"] is None and doc["inner"] is None and doc["note"] is None


def test_only_dataclasses_have_documents():
    with pytest.raises(TypeError) as err:
        to_document(object())
    assert "is not a dataclass" in str(err.value)
    with pytest.raises(TypeError) as err:
        from_document(FULL, FULL_DOC)  # an instance is not a kind of fact
    assert "is not a dataclass" in str(err.value)


# --- reading -------------------------------------------------------------------------------------

def test_a_document_reads_back_as_the_same_fact():
    assert from_document(Sample, FULL_DOC) == FULL
    assert from_document(Sample, to_document(FULL, stored_instant)) == FULL


def test_missing_or_null_values_take_the_declared_defaults():
    fact = from_document(Sample, REQUIRED)
    assert fact.upper == "A" and fact.fallback == ("d",) and fact.inner is None and fact.counts == ()
    nulls = {**REQUIRED, **{f.name: None for f in dataclasses.fields(Sample) if f.name not in REQUIRED}}
    assert from_document(Sample, nulls) == fact


def test_an_empty_structured_value_means_the_default_and_an_empty_text_stays():
    empty = {**REQUIRED, "fallback": [], "inner": {}, "stamps": [], "note": "", "maybe_upper": ""}
    fact = from_document(Sample, empty)
    assert fact.fallback == ("d",) and fact.inner is None and fact.stamps == ()
    assert fact.note == "" and fact.maybe_upper == ""
    prefs = Preferences.from_document({"snooze_until": "", "contact_hours": {}, "linked_addresses": []})
    assert prefs == Preferences()


def test_a_field_without_a_default_must_be_stored():
    for name in REQUIRED:
        doc = {k: v for k, v in REQUIRED.items() if k != name}
        with pytest.raises(KeyError):
            from_document(Sample, doc)


def test_a_required_optional_field_may_be_null_and_a_required_instant_may_not():
    assert from_document(Sample, REQUIRED).maybe_when is None
    with pytest.raises(UnreadableRecord):
        from_document(Sample, {**REQUIRED, "when": None})
    doc = Consent(id="c", channels=frozenset({"sms"}), purposes=frozenset({"marketing"}), brand="acme",
                  source="web_form", occurred_at=T1).to_document(stored_instant)
    with pytest.raises(UnreadableRecord):
        facts_from_document("+14155550123", "phone", {"consents": [{**doc, "occurred_at": None}]})


def test_read_with_reads_the_stored_value_through_its_function_optional_or_not():
    fact = from_document(Sample, {**REQUIRED, "upper": "low", "maybe_upper": "lower"})
    assert fact.upper == "LOW" and fact.maybe_upper == "LOWER"


def test_items_are_read_by_their_own_type():
    fact = from_document(Sample, FULL_DOC)
    assert fact.shades == frozenset({Colour.RED}) and fact.inners == FULL.inners and fact.stamps == (T2, T1)
    assert fact.groups == frozenset({frozenset({"p", "q"})}) and fact.loose == (1, "a") and fact.bag == {1, 2}


def test_texts_must_be_texts_and_other_items_are_not_checked():
    with pytest.raises(TypeError):
        from_document(Sample, {**REQUIRED, "codes": ["a", 1]})
    assert from_document(Sample, {**REQUIRED, "counts": [1, "2"]}).counts == (1, "2")
    with pytest.raises(UnreadableRecord):
        facts_from_document("+14155550123", "phone", {"preferences": {"linked_addresses": ["a@example.com", 7]}})


def test_keys_the_fact_does_not_know_are_ignored():
    assert from_document(Sample, {**FULL_DOC, "later_field": 1}) == FULL


def test_a_real_fact_reads_back_through_a_fresh_memo():
    hours = ContactHours(start=time(8, 0), end=time(20, 15), days=frozenset({"sat", "mon"}))
    assert hours.to_document() == {"start": "08:00", "end": "20:15", "days": ["mon", "sat"]}
    assert ContactHours.from_document(hours.to_document()) == hours


# --- what the codec refuses to convert --------------------------------------------------------------

def test_a_union_of_two_kinds_cannot_be_converted():
    @dataclass(frozen=True)
    class Either:
        value: int | str

    with pytest.raises(TypeError) as err:
        to_document(Either(1))
    assert "cannot convert" in str(err.value)


def test_the_memo_holds_each_kind_once():
    assert to_document(Inner(T1)) == to_document(Inner(T1))
    assert list(codec._FIELDS) == [Inner]
    assert [f.name for f in codec._FIELDS[Inner]] == ["at", "label"]
    assert from_document(Inner, {"at": "2026-03-04T05:06:07.000000Z"}) == from_document(
        Inner, {"at": "2026-03-04T05:06:07.000000Z"})
    assert list(codec._READERS) == [Inner]  # one reader per kind, made once


def test_a_value_of_any_type_is_kept_as_stored():
    @dataclass(frozen=True)
    class Evidence:
        data: Any = None

    assert from_document(Evidence, {"data": {"k": [1]}}).data == {"k": [1]}
    assert to_document(Evidence({"k": [1]})) == {"data": {"k": [1]}}
    assert format_instant(T1) == "2026-03-04T05:06:07Z"
