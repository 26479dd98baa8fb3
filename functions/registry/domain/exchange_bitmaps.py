"""Bulk lists by telephone exchange: one 10,000-bit bitmap per list and NPA-NXX (docs/scale.md, (e)).

A US number +1 NPA NXX LINE is the exchange ``NPA+NXX`` (6 digits) and the line number (0..9999).
Bit ``line`` of the exchange's bitmap (byte ``line // 8``, bit ``line % 8``, least significant
first) is set when that number is on the list. Pure: the storage keeps the bytes, these functions
read and change them, and the rules about change records (what a record may still change) live here.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

LINES = 10_000  # line numbers in an exchange
BITMAP_BYTES = 1250  # 10,000 line numbers, bit i <=> line number i listed


def new_bitmap() -> bytearray:
    return bytearray(BITMAP_BYTES)


def _check_line(line: int) -> None:
    if not 0 <= line < LINES:
        raise ValueError(f"line number {line} is not in 0..9999")


def set_line(bitmap: bytearray, line: int) -> None:
    _check_line(line)
    bitmap[line >> 3] |= 1 << (line & 7)


def clear_line(bitmap: bytearray, line: int) -> None:
    _check_line(line)
    bitmap[line >> 3] &= ~(1 << (line & 7)) & 0xFF


def has_line(bitmap: bytes | bytearray, line: int) -> bool:
    _check_line(line)
    return bool(bitmap[line >> 3] >> (line & 7) & 1)


def count(bitmap: bytes | bytearray) -> int:
    """Numbers listed (bits set)."""
    return int.from_bytes(bitmap, "little").bit_count()


def union(a: bytes, b: bytes) -> bytes:
    """Every number in either bitmap (a staged checkpoint merged into the final copy)."""
    return (int.from_bytes(a, "little") | int.from_bytes(b, "little")).to_bytes(BITMAP_BYTES, "little")


def added_and_removed(old: bytes | None, new: bytes) -> tuple[int, int]:
    """(numbers in ``new`` and not in ``old``, numbers in ``old`` and not in ``new``); no old: all added."""
    after = int.from_bytes(new, "little")
    before = int.from_bytes(old, "little") if old is not None else 0
    return (after & ~before).bit_count(), (before & ~after).bit_count()


def lines(bitmap: bytes) -> list[int]:
    """The line numbers listed, in order."""
    value = int.from_bytes(bitmap, "little")
    out = []
    while value:
        low = value & -value
        out.append(low.bit_length() - 1)
        value ^= low
    return out


def split_number(e164_or_10_digits: str) -> tuple[str, int]:
    """("415555", 123) for +14155550123 (or 4155550123, or 14155550123): the exchange NPA+NXX and the line.

    ValueError for anything that is not a 10-digit NANP number (an email, a foreign number, an
    area code or exchange code starting with 0 or 1)."""
    digits = e164_or_10_digits[1:] if e164_or_10_digits.startswith("+") else e164_or_10_digits
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        raise ValueError("not a 10-digit NANP number")
    if digits[0] < "2" or digits[3] < "2":
        raise ValueError("not a NANP number: area code and exchange start with 2-9")
    return digits[:6], int(digits[6:])


def exchange_of(address: str) -> tuple[str, int] | None:
    """The exchange and line of a normalised address, None when it has none (an email, a number
    outside the NANP): such an address is on no bulk list."""
    if not address.startswith("+1"):
        return None
    try:
        return split_number(address)
    except ValueError:
        return None


@dataclass(frozen=True)
class ChangeRecord:
    """One line of a change file (or one entry of a request), as applied to an exchange."""

    exchange: str  # 6 digits NPA+NXX
    line: int  # 0..9999
    add: bool  # A -> True, D -> False
    dated: date


def record_applies(record: ChangeRecord, copy_version: date | None) -> bool:
    """May this record still change an exchange whose bitmap belongs to the full copy ``copy_version``?

    A record dated before the copy is already in it; a deletion dated on the copy's own day is
    skipped as well (the number may stay listed a day longer, never leave too early). An exchange
    no full copy wrote (None) takes every record."""
    if copy_version is None:
        return True
    if record.dated < copy_version:
        return False
    return record.add or record.dated > copy_version


def apply_records(bitmap: bytes, copy_version: date | None,
                  records: Iterable[ChangeRecord]) -> tuple[bytearray, int, int]:
    """The bitmap after the records that apply (in order), with the numbers added and removed."""
    out = bytearray(bitmap)
    added = removed = 0
    for record in records:
        if not record_applies(record, copy_version):
            continue
        present = has_line(out, record.line)
        if record.add and not present:
            set_line(out, record.line)
            added += 1
        elif not record.add and present:
            clear_line(out, record.line)
            removed += 1
    return out, added, removed


def version_text(version: date) -> str:
    """A copy's version as stored: yyyymmdd (sorts as the dates do)."""
    return version.strftime("%Y%m%d")


def version_of(text: str) -> date:
    return datetime.strptime(text, "%Y%m%d").date()
