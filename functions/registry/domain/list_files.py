"""Bulk list files, read as the national registry delivers them (pure: no I/O).

Full files hold one number a line, in any of the registry's three spellings: 10 digits
(``4155550123``), area code and number separated by a comma (``415,5550123``), or E.164
(``+14155550123``). Spaces around a line and a CR before its LF are tolerated; a blank line is
skipped. Each number is read as its exchange (NPA + NXX, 6 digits) and line number (0..9999),
the unit the list store keeps (``exchange_bitmaps``).

Change files hold one record a line: a number (any spelling above), a date and ``A`` (added) or
``D`` (deleted). The FTC describes its change list as "a comma-delimited text file ... several
data items per record, separated by commas" without publishing the field order, so a record is
read by what its fields are, not where they stand: fields are separated by ``,``, ``;``, ``|``
or a tab; the one field that is ``A``/``D`` (or ``ADD``/``DEL``/``DELETE``, any case) is the
action, the one that is a date (``YYYY-MM-DD``, ``YYYYMMDD`` or ``MM/DD/YYYY``) its date, and the
rest, joined, the number (so ``415,5550123,2026-11-30,A`` and ``2026-11-30|A|+14155550123`` are
both read). Anything else is a bad line: counted with its line number, never fatal.

Also here: an import's identity (``import_id``), what an object's key says (``key_target``,
``version_in_key``), the bad-line tally (``note_bad``) and the streaming line splitter
(``split_lines``) that keeps the byte offset a resumed import starts from.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from datetime import date

FIRST_BAD_KEPT = 20  # the first bad line numbers an import keeps (the contract: "the first bad line numbers")
FULL = "full"
CHANGES = "changes"
MODES = (FULL, CHANGES)

# NANP: area code and exchange both start with 2-9.
_NUMBER = re.compile(r"(?:\+1([2-9][0-9]{2})([2-9][0-9]{2})([0-9]{4})|([2-9][0-9]{2}),?([2-9][0-9]{2})([0-9]{4}))")
_SEPARATORS = re.compile(r"[,;|\t]")
_ADD = frozenset({"A", "ADD", "ADDED"})
_DELETE = frozenset({"D", "DEL", "DELETE", "DELETED"})
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_US = re.compile(r"([0-9]{2})/([0-9]{2})/([0-9]{4})")
_KEY_DATE = re.compile(r"(?<![0-9])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])")
_KEY = re.compile(r"^imports/([A-Za-z0-9][A-Za-z0-9._-]{0,63})/(full|changes)/.+$")


class BadLine(ValueError):
    """A line that is not a number (full files) or not a change record (change files). It carries
    no text: the line may hold a number, and logs never do."""


def read_number(text: str) -> tuple[str, int]:
    """``(exchange, line)`` of one number in any of the three spellings; BadLine otherwise."""
    found = _NUMBER.fullmatch(text.strip())
    if found is None:
        raise BadLine()
    npa, nxx, line = [group for group in found.groups() if group is not None]
    return npa + nxx, int(line)


def parse_full_line(text: str) -> tuple[str, int] | None:
    """One line of a full file: ``(exchange, line)``, None for a blank line, BadLine otherwise."""
    if not text.strip():
        return None
    return read_number(text)


def parse_change_line(text: str) -> tuple[str, int, bool, date] | None:
    """One line of a change file: ``(exchange, line, added, dated)``, None for a blank line,
    BadLine otherwise (no action, no date, two of either, or no number)."""
    stripped = text.strip()
    if not stripped:
        return None
    action: bool | None = None
    dated: date | None = None
    rest: list[str] = []
    for raw in _SEPARATORS.split(stripped):
        field = raw.strip()
        word = field.upper()
        if word in _ADD or word in _DELETE:
            if action is not None:
                raise BadLine()
            action = word in _ADD
            continue
        day = read_date(field)
        if day is not None:
            if dated is not None:
                raise BadLine()
            dated = day
            continue
        rest.append(field)
    if action is None or dated is None:
        raise BadLine()
    exchange, line = read_number(",".join(rest))
    return exchange, line, action, dated


def read_date(field: str) -> date | None:
    """``YYYY-MM-DD``, ``YYYYMMDD`` or ``MM/DD/YYYY`` as a date; None for anything else (a field
    that looks like a date but is none, such as ``2026-02-30``, is None too)."""
    found = _ISO.fullmatch(field)
    if found is not None:
        year, month, day = found.groups()
    else:
        found = _COMPACT.fullmatch(field)
        if found is not None:
            year, month, day = found.groups()
        else:
            found = _US.fullmatch(field)
            if found is None:
                return None
            month, day, year = found.groups()
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def note_bad(first_bad: list[int], line_no: int) -> None:
    """Keep ``line_no`` among the first FIRST_BAD_KEPT bad line numbers (in file order)."""
    if len(first_bad) < FIRST_BAD_KEPT:
        first_bad.append(line_no)


def import_id(list_name: str, mode: str, bucket: str, key: str, etag: str) -> str:
    """The import's id: the same object (list, mode, bucket, key and ETag) is the same import,
    however often it is notified or posted."""
    material = "\n".join((list_name, mode, bucket, key, etag.strip('"')))
    return hashlib.sha256(material.encode()).hexdigest()


def key_target(key: str) -> tuple[str, str] | None:
    """``(list, mode)`` of an object under ``imports/{list}/full/...`` or
    ``imports/{list}/changes/...``; None for any other key."""
    found = _KEY.match(key)
    if found is None:
        return None
    return found.group(1), found.group(2)


def version_in_key(key: str) -> date | None:
    """The last ``YYYY-MM-DD`` date in an object's key (``.../dnc-2026-11-30.txt``), if any."""
    found: date | None = None
    for match in _KEY_DATE.finditer(key):
        try:
            found = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            continue
    return found


def split_lines(chunks: Iterable[bytes], offset: int, line_no: int) -> Iterator[tuple[int, str, int]]:
    """The lines of a byte stream read from ``offset`` (the start of line ``line_no``, 1-based):
    ``(line number, text, offset of the next line)``. The last line needs no newline. A line
    that is not UTF-8 comes as text with replacement characters (so it reads as a bad line)."""
    pending = b""
    for chunk in chunks:
        if not chunk:
            continue
        pending += chunk
        parts = pending.split(b"\n")
        pending = parts.pop()
        for part in parts:
            offset += len(part) + 1
            yield line_no, part.decode(errors="replace"), offset
            line_no += 1
    if pending:
        yield line_no, pending.decode(errors="replace"), offset + len(pending)


# --- the exchanges a full file holds, kept in the import record across runs -----------------------
# Per area code: a 1,000-bit bitmap of its NXX codes (125 bytes), packed as "NPA" + bitmap.
AREA_BYTES = 125


def mark_exchange(seen: dict[str, bytearray], exchange: str) -> None:
    """Note that the file holds ``exchange`` (NPA + NXX)."""
    area = seen.get(exchange[:3])
    if area is None:
        area = seen[exchange[:3]] = bytearray(AREA_BYTES)
    nxx = int(exchange[3:])
    area[nxx >> 3] |= 1 << (nxx & 7)


def exchanges_seen(seen: dict[str, bytearray]) -> list[str]:
    """Every exchange noted, in order."""
    found: list[str] = []
    for npa in sorted(seen):
        bits = int.from_bytes(seen[npa], "little")
        while bits:
            low = bits & -bits
            found.append(f"{npa}{low.bit_length() - 1:03d}")
            bits ^= low
    return found


def pack_seen(seen: dict[str, bytearray]) -> bytes:
    return b"".join(npa.encode() + bytes(seen[npa]) for npa in sorted(seen))


def unpack_seen(data: bytes | None) -> dict[str, bytearray]:
    """``pack_seen`` read back; ValueError for bytes it did not write."""
    data = data or b""
    step = 3 + AREA_BYTES
    if len(data) % step:
        raise ValueError("not a packed set of exchanges")
    seen: dict[str, bytearray] = {}
    for start in range(0, len(data), step):
        npa = data[start:start + 3].decode("ascii")
        if not npa.isdigit():
            raise ValueError("not a packed set of exchanges")
        seen[npa] = bytearray(data[start + 3:start + step])
    return seen
