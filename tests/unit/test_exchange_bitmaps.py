"""The pure bitmap of an exchange's line numbers, and the rule of which change records still apply."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain import exchange_bitmaps as xb
from registry.domain.exchange_bitmaps import ChangeRecord

DAY = date(2026, 11, 1)
line_numbers = st.integers(min_value=0, max_value=9999)
line_sets = st.sets(line_numbers, max_size=60)


def of(*lines: int) -> bytearray:
    out = xb.new_bitmap()
    for line in lines:
        xb.set_line(out, line)
    return out


def test_a_new_bitmap_is_1250_zero_bytes():
    assert xb.BITMAP_BYTES == 1250 and xb.new_bitmap() == bytearray(1250)
    assert xb.count(xb.new_bitmap()) == 0 and xb.lines(xb.new_bitmap()) == []


@pytest.mark.parametrize(("line", "index", "bit"), [(0, 0, 0x01), (1, 0, 0x02), (7, 0, 0x80), (8, 1, 0x01),
                                                    (9999, 1249, 0x80), (123, 15, 0x08)])
def test_line_i_is_bit_i_least_significant_first(line, index, bit):
    bitmap = of(line)
    assert bitmap[index] == bit and sum(bitmap) == bit
    assert xb.has_line(bitmap, line) and xb.count(bitmap) == 1 and xb.lines(bitmap) == [line]


def test_setting_twice_and_clearing_keep_the_other_bits():
    bitmap = of(3, 4)
    xb.set_line(bitmap, 3)
    assert bitmap[0] == 0x18
    xb.clear_line(bitmap, 3)
    assert bitmap[0] == 0x10 and not xb.has_line(bitmap, 3) and xb.has_line(bitmap, 4)
    xb.clear_line(bitmap, 3)
    assert bitmap[0] == 0x10
    xb.clear_line(bitmap, 4)
    assert bitmap == xb.new_bitmap()


@pytest.mark.parametrize("line", [-1, 10_000, 10_007])
def test_a_line_outside_0_to_9999_is_refused(line):
    bitmap = xb.new_bitmap()
    for change in (xb.set_line, xb.clear_line, xb.has_line):
        with pytest.raises(ValueError, match=rf"^line number {line} is not in 0\.\.9999$"):
            change(bitmap, line)
    assert bitmap == xb.new_bitmap()


@pytest.mark.parametrize("line", [0, 9999])
def test_the_edge_lines_are_accepted(line):
    bitmap = xb.new_bitmap()
    xb.set_line(bitmap, line)
    assert xb.has_line(bitmap, line)
    xb.clear_line(bitmap, line)
    assert not xb.has_line(bitmap, line)


@given(line_sets)
def test_set_count_has_and_lines_agree(lines):
    bitmap = of(*lines)
    assert xb.count(bitmap) == len(lines)
    assert xb.lines(bitmap) == sorted(lines)
    assert all(xb.has_line(bitmap, line) == (line in lines) for line in range(0, 10_000, 97))
    assert len(bitmap) == 1250


@given(line_sets, line_sets)
def test_union_and_the_counts_of_a_replacement(old, new):
    a, b = bytes(of(*old)), bytes(of(*new))
    assert xb.lines(xb.union(a, b)) == sorted(old | new) and len(xb.union(a, b)) == 1250
    assert xb.added_and_removed(a, b) == (len(new - old), len(old - new))
    assert xb.added_and_removed(None, b) == (len(new), 0)


@pytest.mark.parametrize(("text", "expected"), [
    ("+14155550123", ("415555", 123)), ("4155550123", ("415555", 123)), ("14155550123", ("415555", 123)),
    ("+12125559999", ("212555", 9999)), ("2125550000", ("212555", 0)), ("9992005555", ("999200", 5555)),
])
def test_a_number_splits_into_its_exchange_and_line(text, expected):
    assert xb.split_number(text) == expected


@pytest.mark.parametrize("text", ["", "+1415555012", "415555012", "+141555501234", "24155550123", "+44207946000",
                                  "41555501x3", "+1415555O123", "4155550١23", "+24155550123",
                                  "1415555012", "0415555012", "4151555012", "4150555012", "+11415555012"])
def test_anything_else_is_not_a_number_with_an_exchange(text):
    with pytest.raises(ValueError):
        xb.split_number(text)


@pytest.mark.parametrize(("text", "message"), [
    ("415555012", "not a 10-digit NANP number"), ("1415555012", "not a NANP number: area code and exchange start "
                                                                "with 2-9"),
    ("4151555012", "not a NANP number: area code and exchange start with 2-9"),
])
def test_the_refusal_says_why(text, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        xb.split_number(text)


@pytest.mark.parametrize(("address", "expected"), [
    ("+14155550123", ("415555", 123)), ("someone@example.com", None), ("+442079460000", None), ("+1415555", None),
    ("4155550123", None),
])
def test_only_a_nanp_number_in_e164_has_an_exchange(address, expected):
    assert xb.exchange_of(address) == expected


def record(add: bool, dated: date, line: int = 5) -> ChangeRecord:
    return ChangeRecord("415555", line, add, dated)


@pytest.mark.parametrize(("add", "offset", "applies"), [
    (True, -1, False), (False, -1, False),  # before the copy: already in it
    (True, 0, True), (False, 0, False),  # on the copy's day: a deletion waits a day
    (True, 1, True), (False, 1, True),
])
def test_which_records_a_copy_still_takes(add, offset, applies):
    assert xb.record_applies(record(add, DAY + timedelta(days=offset)), DAY) is applies


@pytest.mark.parametrize("add", [True, False])
def test_an_exchange_no_copy_wrote_takes_every_record(add):
    assert xb.record_applies(record(add, DAY - timedelta(days=400)), None) is True


def test_records_apply_in_order_and_count_only_what_they_changed():
    start = bytes(of(1, 2))
    records = [record(True, DAY, 5), record(True, DAY, 5), record(False, DAY + timedelta(days=1), 1),
               record(False, DAY + timedelta(days=1), 9), record(True, DAY - timedelta(days=1), 7),
               record(False, DAY, 2)]
    out, added, removed = xb.apply_records(start, DAY, records)
    assert xb.lines(out) == [2, 5] and (added, removed) == (1, 1)
    assert bytes(start) == bytes(of(1, 2))  # the input is not changed


def test_every_change_counts():
    out, added, removed = xb.apply_records(bytes(of(1, 2, 3)), None, [
        record(True, DAY, 7), record(True, DAY, 8), record(True, DAY, 9), record(False, DAY, 1), record(False, DAY, 2)])
    assert xb.lines(out) == [3, 7, 8, 9] and (added, removed) == (3, 2)


def test_an_addition_then_a_deletion_of_the_same_number_both_count():
    out, added, removed = xb.apply_records(bytes(1250), None, [record(True, DAY), record(False, DAY)])
    assert xb.count(out) == 0 and (added, removed) == (1, 1)


@given(line_sets, st.lists(st.tuples(line_numbers, st.booleans(), st.integers(-2, 2)), max_size=40))
def test_applying_records_twice_changes_nothing_the_second_time(lines, changes):
    records = [record(add, DAY + timedelta(days=offset), line) for line, add, offset in changes]
    once, _, _ = xb.apply_records(bytes(of(*lines)), DAY, records)
    # the last applicable record of each line decides it
    final = set(lines)
    for r in records:
        if xb.record_applies(r, DAY):
            (final.add if r.add else final.discard)(r.line)
    assert xb.lines(once) == sorted(final)
    twice, added, removed = xb.apply_records(bytes(once), DAY, [r for r in records if xb.record_applies(r, DAY)
                                                                and (r.line in final) == r.add])
    assert twice == once and (added, removed) == (0, 0)


def test_versions_are_stored_as_yyyymmdd():
    assert xb.version_text(date(2026, 1, 9)) == "20260109"
    assert xb.version_of("20260109") == date(2026, 1, 9)
    assert xb.version_of("20261231") == date(2026, 12, 31)
    with pytest.raises(ValueError):
        xb.version_of("2026-12-31")
    assert xb.version_text(date(2026, 12, 31)) > xb.version_text(date(2026, 2, 1))
