"""Which US state a phone number's area code (NPA) belongs to: a table taken from libphonenumber's geocoder data.

The table (area_codes.json) maps each geographic US area code to its state's two-letter code. It is generated from
the `phonenumbers` library's geocoder data (`python -m infra.area_codes` writes it; a unit test fails when the
installed library's data says otherwise), because loading that data in the Lambda costs about two seconds and a
hundred megabytes at every cold start, while the table is a few kilobytes.

Non-geographic area codes (toll-free 800, 833-888, personal 500-533, 900, ...) have no state in the geocoder's data,
so none here; nor have numbers outside the US (Canada, the Caribbean, the territories), whose rules are not states'.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path

TABLE_PATH = Path(__file__).with_name("area_codes.json")

# libphonenumber's English names that are not the state's own name
_NAMES = {"Washington State": "WA", "Washington D.C.": "DC"}
_CITY_STATE = re.compile(r".*, ([A-Z]{2})")


def state_of_description(description: str, states: Mapping[str, str]) -> str | None:
    """The state code in a geocoder description: "Florida" (a name in `states`, name -> code), "Miami, FL"."""
    match = _CITY_STATE.fullmatch(description)
    if match is not None and match.group(1) in states.values():
        return match.group(1)
    return states.get(description) or _NAMES.get(description)


def build_table(entries: Iterable[tuple[str, str]], states: Mapping[str, str],
                is_us: Callable[[str], bool]) -> dict[str, str]:
    """Area code -> state from geocoder entries (prefix "1NPA..." -> English description).

    The area code's own entry ("1305": "Florida") decides; an area code with only longer entries ("1713555") takes
    the state most of them name (ties: the first in code order). `is_us(npa)` keeps only US area codes.
    """
    own: dict[str, str] = {}
    longer: dict[str, Counter[str]] = {}
    for prefix, description in entries:
        if not prefix.startswith("1") or len(prefix) < 4:
            continue
        npa = prefix[1:4]
        state = state_of_description(description, states)
        if state is None or not is_us(npa):
            continue
        if len(prefix) == 4:
            own[npa] = state
        else:
            longer.setdefault(npa, Counter())[state] += 1
    table = {npa: min(counts, key=lambda s: (-counts[s], s)) for npa, counts in longer.items()}
    table.update(own)
    return dict(sorted(table.items()))


@cache
def load_table() -> Mapping[str, str]:
    data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    return data["area_codes"]


def area_code(e164: str) -> str | None:
    """The area code of a NANP number in E.164 ("+13055550123" -> "305"); None for any other number."""
    if len(e164) != 12 or not e164.startswith("+1") or not e164[1:].isdigit():
        return None
    return e164[2:5]


def state_for_number(e164: str, table: Mapping[str, str] | None = None) -> str | None:
    """The US state the number's area code belongs to, or None (non-geographic, not US, not a NANP number)."""
    npa = area_code(e164)
    if npa is None:
        return None
    return (load_table() if table is None else table).get(npa)
