"""Which state a number's area code belongs to (domain/area_codes.py and its table area_codes.json)."""

from __future__ import annotations

import json

import holidays
import pytest

from registry.domain import area_codes
from registry.domain.area_codes import area_code, build_table, load_table, state_for_number, state_of_description

STATES = dict(holidays.US.subdivisions_aliases)


@pytest.mark.parametrize(("number", "state"), [
    ("+13055550123", "FL"),  # Miami
    ("+12145550123", "TX"),  # Dallas
    ("+17135550123", "TX"),  # Houston: the geocoder has no entry for 713 alone, only its exchanges
    ("+12125550123", "NY"),
    ("+17185550123", "NY"),
    ("+14055550123", "OK"),
    ("+14105550123", "MD"),
    ("+12065550123", "WA"),  # "Washington State"
    ("+12025550123", "DC"),  # "Washington D.C."
    ("+12016315555", "NJ"),  # 201 is New Jersey's, though the geocoder names one of its exchanges New York
    ("+18005550123", None),  # toll-free: no state
    ("+18885550123", None),
    ("+15005550123", None),  # personal communications: no state
    ("+16045550123", None),  # British Columbia
    ("+17875550123", None),  # Puerto Rico: a territory, not a state's rules
    ("+442079460000", None),
    ("+1305555012", None),  # too short
    ("+130555501234", None),  # too long
    ("13055550123", None),  # no +
    ("+1305555O123", None),  # not digits
    ("+2305555012", None),  # not NANP, though 12 characters
])
def test_the_state_of_a_number_is_its_area_codes(number, state):
    assert state_for_number(number) == state


def test_area_code():
    assert area_code("+13055550123") == "305"
    assert area_code("+44207946000") is None
    assert area_code("+1305555012a") is None


def test_a_given_table_is_used():
    assert state_for_number("+13055550123", {"305": "ZZ"}) == "ZZ"
    assert state_for_number("+13055550123", {}) is None


def test_descriptions():
    assert state_of_description("Florida", STATES) == "FL"
    assert state_of_description("Miami, FL", STATES) == "FL"
    assert state_of_description("Washington State", STATES) == "WA"
    assert state_of_description("Washington D.C.", STATES) == "DC"
    assert state_of_description("Toronto, ON", STATES) is None
    assert state_of_description("British Columbia", STATES) is None
    assert state_of_description("", STATES) is None
    assert state_of_description("Miami, FL, USA", STATES) is None
    assert state_of_description("xMiami, FL", STATES) == "FL"


def test_build_table_prefers_the_area_codes_own_entry_then_the_most_named_state():
    entries = [
        ("1201", "New Jersey"), ("1201631", "New York, NY"), ("1201632", "Newark, NJ"),
        ("1713555", "Houston, TX"), ("1713556", "Houston, TX"), ("1713557", "Tulsa, OK"),
        ("1999111", "Toledo, OH"), ("1999112", "Tulsa, OK"),  # a tie: the first state in code order
        ("1604", "British Columbia"), ("1800", ""), ("44", "London"), ("130", "Florida"), ("1555", "Nowhere"),
    ]
    table = build_table(entries, STATES, lambda npa: npa != "604")
    assert table == {"201": "NJ", "713": "TX", "999": "OH"}
    assert list(table) == sorted(table)
    assert build_table([("1305", "Florida")], STATES, lambda npa: False) == {}
    assert build_table([("1305", "Florida"), ("1305555", "Dallas, TX")], STATES, lambda npa: True) == {"305": "FL"}
    assert build_table([("1305555", "Dallas, TX"), ("1305", "Florida")], STATES, lambda npa: True) == {"305": "FL"}


def test_build_table_the_area_codes_own_entry_outweighs_any_number_of_longer_ones():
    # 201's own entry says New Jersey; two of its exchanges say New York: the own entry decides
    entries = [("1201", "New Jersey"), ("1201631", "New York, NY"), ("1201632", "New York, NY")]
    assert build_table(entries, STATES, lambda npa: True) == {"201": "NJ"}
    # a prefix of five digits is an exchange's, not the area code's own: counted with the others
    entries = [("13055", "Dallas, TX"), ("1305555", "Miami, FL"), ("1305556", "Miami, FL")]
    assert build_table(entries, STATES, lambda npa: True) == {"305": "FL"}


def test_build_table_an_entry_that_is_no_us_area_code_is_passed_over_not_the_end():
    entries = [("44", "London"), ("1305", "Florida"), ("130", "Florida"), ("1212", "New York")]
    assert build_table(entries, STATES, lambda npa: True) == {"212": "NY", "305": "FL"}


def test_the_table_is_read_once_and_names_its_source():
    assert load_table() is load_table()
    data = json.loads(area_codes.TABLE_PATH.read_text(encoding="utf-8"))
    assert "phonenumbers" in data and "infra.area_codes" in data["about"]
    assert len(load_table()) > 300


def test_the_table_is_what_the_installed_phonenumbers_says():
    """Fails after a phonenumbers upgrade that changes an area code: run `python -m infra.area_codes`."""
    from infra.area_codes import generate

    assert generate()["area_codes"] == dict(load_table())
