"""Issue 7, item 7: one spelling per brand, at every entry point (domain.brands)."""
from __future__ import annotations

import pytest

from registry.domain.brands import normalise_brand, stored_brand
from registry.domain.errors import InvalidRequest, UnreadableRecord
from registry.domain.policy import DEFAULT_POLICY, PolicyBook


# a tab or a line break around a brand is trimmed like a space (issue 14: "\tacme" was a brand of its own)
@pytest.mark.parametrize("raw", ["Acme", "acme", "acme ", " ACME", "ＡＣＭＥ", "\tacme\n", "acme\r\n", "\u3000acme", "AcMe"])
def test_spellings_of_one_brand_are_one_brand(raw):
    assert normalise_brand(raw) == "acme"


@pytest.mark.parametrize("raw, brand", [
    ("Acme  Corp", "acme corp"),  # inner runs of spaces are one
    ("Straße", "strasse"),  # case folding, not just lower case
    ("*", "*"),
    ("default", "default"),
    ("Café", "café"),
    ("Cafe\u0301", "café"),  # decomposed é: the same brand
])
def test_normal_forms(raw, brand):
    assert normalise_brand(raw) == brand


@pytest.mark.parametrize("raw", ["", "   ", "ac\u200bme", "acme\u200d", "ac\u00a0me", "ac\tme", "acme\u202e",
                                 None, 42, "a" * 129])
def test_ambiguous_or_empty_brands_are_refused(raw):
    with pytest.raises(InvalidRequest) as err:
        normalise_brand(raw)
    assert err.value.field == "brand" and err.value.code == "invalid_request"


def test_normalising_twice_changes_nothing():
    for raw in ("Acme", "Straße Ｇｍｂｈ", "*", "ﬁne"):
        once = normalise_brand(raw)
        assert normalise_brand(once) == once


def test_brands_stored_before_normalising_are_read_in_the_canonical_spelling():
    assert stored_brand("Acme") == "acme" and stored_brand("acme ") == "acme" and stored_brand("*") == "*"
    assert stored_brand("\tAcme\n") == "acme"
    with pytest.raises(UnreadableRecord):
        stored_brand(7)


def test_policy_overrides_from_config_are_keyed_by_the_canonical_spelling():
    book = PolicyBook({" Acme ": {"quiet_hours_start": "09:00"}})
    assert book.brands() == ["acme"]
    assert book.for_brand("acme").quiet_hours_start.hour == 9
    assert book.for_brand("globex") is book.default
    assert book.default == DEFAULT_POLICY
