"""A brand that has no one spelling is refused with a message that says why, naming the field
(docs/decisions.md: "A brand has one spelling"); up to 128 characters are taken."""
from __future__ import annotations

import pytest

from registry.domain.brands import MAX_BRAND_LENGTH, normalise_brand
from registry.domain.errors import InvalidRequest


@pytest.mark.parametrize("raw, message", [
    (None, "brand must be a string"),
    (42, "brand must be a string"),
    ("ac\u200bme", "brand contains an invisible or control character (U+200B)"),
    ("ac\tme", "brand contains an invisible or control character (U+0009)"),
    ("   ", "brand must not be empty"),
    ("\t\n", "brand must not be empty"),
    ("a" * 129, "brand is longer than 128 characters"),
])
def test_each_refusal_says_why_and_names_the_field(raw, message):
    with pytest.raises(InvalidRequest) as err:
        normalise_brand(raw, field="events[0].data.brand")
    assert (err.value.code, err.value.message, err.value.field) == ("invalid_request", message, "events[0].data.brand")


def test_the_field_is_brand_unless_named():
    with pytest.raises(InvalidRequest) as err:
        normalise_brand("")
    assert err.value.field == "brand"


def test_a_brand_of_128_characters_is_taken_folded_first():
    assert MAX_BRAND_LENGTH == 128
    assert normalise_brand("A" * 128) == "a" * 128
    assert normalise_brand(" " + "b" * 128 + " ") == "b" * 128  # measured trimmed
    with pytest.raises(InvalidRequest):
        normalise_brand("ß" * 65)  # folds to 130 characters ("ss" each)
