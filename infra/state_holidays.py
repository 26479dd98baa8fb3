"""Write functions/registry/domain/state_holidays.json from the installed holidays library.

    PYTHONPATH=functions:. python -m infra.state_holidays

The states are those of every pack beside state_rules.json; the years a bounded range around today (YEARS).
Run it after upgrading holidays or adding a state to a pack (tests/unit/test_state_holidays.py fails until the
table matches the library and covers every pack's states).
"""

from __future__ import annotations

import json

from registry.domain.state_holidays import TABLE_PATH, build_table
from registry.domain.state_rules import PACK_DIR

# A lookup asks about any moment (a replay, an `at` ahead); the pack check asks about today's year +/- 2. Outside
# these years the library answers (imported then).
YEARS = range(2015, 2041)


def pack_states() -> set[str]:
    """Every state code named by a pack beside state_rules.json (a JSON object with "states")."""
    codes: set[str] = set()
    for path in sorted(PACK_DIR.glob("*.json")):
        if path.name == TABLE_PATH.name:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("states"), dict) and ("federal" in data or "based_on" in data):
            codes.update(data["states"])
    return codes


def text(table: dict) -> str:
    """The table as JSON, one line per holiday (its name and every date of it): short enough to read and diff."""
    head = [f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}," for key, value in table.items()
            if key != "states"]
    lines = ["{", *head, ' "states": {']
    states = []
    for code, names in table["states"].items():
        rows = [f"  {json.dumps(name, ensure_ascii=False)}: {json.dumps(days)}" for name, days in names.items()]
        states.append(f" {json.dumps(code)}: {{\n" + ",\n".join(rows) + "\n }")
    lines.append(",\n".join(states))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main() -> None:
    table = build_table(pack_states(), YEARS)
    TABLE_PATH.write_text(text(table), encoding="utf-8")
    assert json.loads(TABLE_PATH.read_text(encoding="utf-8")) == table
    print(f"wrote {TABLE_PATH}")


if __name__ == "__main__":
    main()
