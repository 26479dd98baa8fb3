"""Bulk list files as the national registry delivers them (domain.list_files)."""
from __future__ import annotations

from datetime import date

import pytest

from registry.domain import list_files as lf
from registry.domain.list_files import BadLine


@pytest.mark.parametrize("text", ["4155550123", "415,5550123", "+14155550123", "  4155550123  ", "4155550123\r",
                                  "\t+14155550123\r", " 415,5550123 \r"])
def test_every_spelling_of_a_number_reads_as_its_exchange_and_line(text):
    assert lf.parse_full_line(text) == ("415555", 123)


@pytest.mark.parametrize("text,expected", [("2002000000", ("200200", 0)), ("9999999999", ("999999", 9999)),
                                           ("+12125559999", ("212555", 9999)), ("212,2000001", ("212200", 1))])
def test_the_edges_of_the_number_plan(text, expected):
    assert lf.parse_full_line(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "\r", " \t \r"])
def test_a_blank_line_is_skipped(text):
    assert lf.parse_full_line(text) is None


@pytest.mark.parametrize("text", [
    "415555012",        # 9 digits
    "41555501234",      # 11 digits
    "14155550123",      # a leading 1 without +
    "+4155550123",      # + without the country code
    "+24155550123",     # another country
    "1155550123",       # area code starting with 1
    "0155550123",       # area code starting with 0
    "4151550123",       # exchange starting with 1
    "4150550123",       # exchange starting with 0
    "415-555-0123",     # dashes
    "415,555,0123",     # two commas
    "4155,550123",      # comma in the wrong place
    "+1415,5550123",    # E.164 with a comma
    "415 5550123",      # inner space
    "415555O123",       # letter O
    "x4155550123",
    "4155550123x",
    "４１５５５５０１２３",  # full-width digits
])
def test_anything_else_is_a_bad_line(text):
    with pytest.raises(BadLine):
        lf.parse_full_line(text)


def test_read_number_refuses_a_blank():
    with pytest.raises(BadLine):
        lf.read_number("  ")


@pytest.mark.parametrize("text", [
    "4155550123,2026-11-30,A", "415,5550123,2026-11-30,A", "+14155550123,2026-11-30,A",
    "4155550123;2026-11-30;A", "4155550123|2026-11-30|A", "4155550123\t2026-11-30\tA",
    " 4155550123 , 2026-11-30 , a \r", "2026-11-30,A,4155550123", "A|2026-11-30|+14155550123",
    "4155550123,20261130,A", "4155550123,11/30/2026,A", "4155550123,2026-11-30,ADD", "4155550123,2026-11-30,added",
])
def test_an_added_record_in_every_layout(text):
    assert lf.parse_change_line(text) == ("415555", 123, True, date(2026, 11, 30))


@pytest.mark.parametrize("word", ["D", "d", "DEL", "delete", "Deleted"])
def test_a_deleted_record(word):
    assert lf.parse_change_line(f"4155550123,2026-11-30,{word}") == ("415555", 123, False, date(2026, 11, 30))


@pytest.mark.parametrize("text", ["", "  ", "\r"])
def test_a_blank_change_line_is_skipped(text):
    assert lf.parse_change_line(text) is None


@pytest.mark.parametrize("text", [
    "4155550123,2026-11-30",          # no action
    "4155550123,A",                   # no date
    "4155550123,2026-11-30,A,D",      # two actions
    "4155550123,2026-11-30,A,A",      # two actions, the same
    "4155550123,2026-11-30,2026-12-01,A",  # two dates
    "4155550123,2026-11-30,X",        # an unknown action
    "2026-11-30,A",                   # no number
    "415555012,2026-11-30,A",         # a bad number
    "4155550123,2026-02-30,A",        # not a date
    "4155550123,2026-11-30,A,extra",  # a field too many
])
def test_a_bad_change_record(text):
    with pytest.raises(BadLine):
        lf.parse_change_line(text)


@pytest.mark.parametrize("field,expected", [
    ("2026-11-30", date(2026, 11, 30)), ("20261130", date(2026, 11, 30)), ("11/30/2026", date(2026, 11, 30)),
    ("2024-02-29", date(2024, 2, 29)), ("01/02/2026", date(2026, 1, 2)),
    ("2026-13-01", None), ("2026-02-30", None), ("20261301", None), ("13/01/2026", None), ("2026-1-30", None),
    ("2026/11/30", None), ("A", None), ("", None), ("4155550123", None), ("x2026-11-30", None),
])
def test_read_date(field, expected):
    assert lf.read_date(field) == expected


def test_note_bad_keeps_the_first_twenty_in_order():
    first: list[int] = []
    for line_no in range(1, 30):
        lf.note_bad(first, line_no)
    assert first == list(range(1, 21))
    assert lf.FIRST_BAD_KEPT == 20


def test_import_id_is_the_objects_identity():
    one = lf.import_id("dnc", "full", "bucket", "imports/dnc/full/a.txt", '"abc"')
    assert one == lf.import_id("dnc", "full", "bucket", "imports/dnc/full/a.txt", "abc")  # ETag quotes don't count
    assert len(one) == 64 and int(one, 16) >= 0
    others = {lf.import_id("dnc2", "full", "bucket", "imports/dnc/full/a.txt", "abc"),
              lf.import_id("dnc", "changes", "bucket", "imports/dnc/full/a.txt", "abc"),
              lf.import_id("dnc", "full", "bucket2", "imports/dnc/full/a.txt", "abc"),
              lf.import_id("dnc", "full", "bucket", "imports/dnc/full/b.txt", "abc"),
              lf.import_id("dnc", "full", "bucket", "imports/dnc/full/a.txt", "abd"),
              lf.import_id("dn", "cfull", "bucket", "imports/dnc/full/a.txt", "abc")}
    assert one not in others and len(others) == 6
    assert lf.import_id("d", "full", "b", "k", "XabcX") != lf.import_id("d", "full", "b", "k", "abc")
    import hashlib
    assert one == hashlib.sha256(b"dnc\nfull\nbucket\nimports/dnc/full/a.txt\nabc").hexdigest()


@pytest.mark.parametrize("key,expected", [
    ("imports/dnc/full/2026-11-30.txt", ("dnc", "full")), ("imports/ca-dnc/changes/x/y.csv", ("ca-dnc", "changes")),
    ("imports/a.b_c/full/f", ("a.b_c", "full")),
    ("imports/dnc/full/", None), ("imports/dnc/other/f", None), ("imports/dnc/f", None), ("x/imports/dnc/full/f", None),
    ("imports/-dnc/full/f", None), ("imports//full/f", None), ("imports/" + "a" * 65 + "/full/f", None),
    ("imports/" + "a" * 64 + "/full/f", ("a" * 64, "full")),
])
def test_key_target(key, expected):
    assert lf.key_target(key) == expected


@pytest.mark.parametrize("key,expected", [
    ("imports/dnc/full/dnc-2026-11-30.txt", date(2026, 11, 30)),
    ("imports/dnc/full/2026-10-01/dnc-2026-11-30.txt", date(2026, 11, 30)),
    ("imports/dnc/full/2026-11-30/dnc-2026-02-30.txt", date(2026, 11, 30)),
    ("imports/dnc/full/2026-02-30/dnc-2026-11-30.txt", date(2026, 11, 30)),
    ("imports/dnc/full/dnc.txt", None), ("imports/dnc/full/12026-11-30.txt", None),
    ("imports/dnc/full/2026-11-301.txt", None), ("imports/dnc/full/2026-1-30.txt", None),
])
def test_version_in_key(key, expected):
    assert lf.version_in_key(key) == expected


def test_split_lines_keeps_offsets_across_chunks():
    data = b"4155550123\r\n415,5550124\n\n+14155550125"
    chunks = [data[i:i + 3] for i in range(0, len(data), 3)]
    got = list(lf.split_lines(chunks, 0, 1))
    assert got == [(1, "4155550123\r", 12), (2, "415,5550124", 24), (3, "", 25), (4, "+14155550125", len(data))]
    # resumed from a checkpoint: the offset and line number of the first unprocessed line
    assert list(lf.split_lines([data[24:]], 24, 3)) == got[2:]


def test_split_lines_with_a_trailing_newline_and_empty_chunks():
    assert list(lf.split_lines([b"", b"a\n", b"", b"b\n"], 10, 5)) == [(5, "a", 12), (6, "b", 14)]
    assert list(lf.split_lines([], 0, 1)) == []


def test_split_lines_reads_bad_bytes_as_text():
    [(_, text, _)] = list(lf.split_lines([b"\xff415\n"], 0, 1))
    assert text == "\ufffd415"
    assert list(lf.split_lines([b"a\n\xff415"], 0, 1)) == [(1, "a", 2), (2, "\ufffd415", 6)]


def test_the_exchanges_a_file_holds_survive_packing():
    seen: dict[str, bytearray] = {}
    for exchange in ["415555", "212200", "415200", "415999", "415555", "999000", "212201"]:
        lf.mark_exchange(seen, exchange)
    assert sorted(seen) == ["212", "415", "999"]
    assert all(len(bits) == lf.AREA_BYTES == 125 for bits in seen.values())
    expected = ["212200", "212201", "415200", "415555", "415999", "999000"]
    assert lf.exchanges_seen(seen) == expected
    packed = lf.pack_seen(seen)
    assert len(packed) == 3 * 128 and packed[:3] == b"212" and packed[128:131] == b"415"
    assert lf.exchanges_seen(lf.unpack_seen(packed)) == expected
    assert lf.unpack_seen(None) == {} and lf.unpack_seen(b"") == {} and lf.pack_seen({}) == b""
    assert lf.exchanges_seen({"200": bytearray(b"\x01" + bytes(124))}) == ["200000"]
    assert lf.exchanges_seen({"200": bytearray(bytes(124) + b"\x80")}) == ["200999"]
    assert lf.exchanges_seen({"200": bytearray(b"\x05" + bytes(123) + b"\xc0")}) == ["200000", "200002", "200998",
                                                                                   "200999"]


@pytest.mark.parametrize("data", [b"41", b"415" + bytes(124), b"x15" + bytes(125), b"415" + bytes(125) + b"2"])
def test_unpack_seen_refuses_what_pack_did_not_write(data):
    with pytest.raises(ValueError, match="^not a packed set of exchanges$"):
        lf.unpack_seen(data)
