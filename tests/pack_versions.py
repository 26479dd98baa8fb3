"""A second state rules pack for tests (issue 12 item 3): Florida amends its hours and its cap.

``FLORIDA_AMENDED`` is a pack ``based_on`` the first one (state_rules.json) that changes only Florida: calls
09:00-19:00 every day and at most 2 on the same subject in 24 hours, with the amendment's own citations.
``history_with`` is the real federal versions with one more, a version that brings that pack from
``effective_from`` on (placed among the others by its start, as a compliance officer adds one), parsed as
``policy_versions.json`` is.
"""
from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from registry.domain import policy_versions, state_rules
from registry.domain.policy_versions import FederalVersion, parse_versions

PACK_NAME = "state_rules-florida-test.json"
AMENDED_HOURS = "Fla. Stat. 501.616(6)(a) (as amended: a test)"
AMENDED_CAP = "Fla. Stat. 501.616(6)(b) (as amended: a test)"


def florida_amended() -> dict[str, Any]:
    florida = copy.deepcopy(json.loads(state_rules.PACK_PATH.read_text(encoding="utf-8"))["states"]["FL"])
    florida["hours"]["days"] = {day: ["09:00", "19:00"] for day in state_rules.DAYS}
    florida["hours"]["citation"] = AMENDED_HOURS
    florida["cap"]["per_24h"] = 2
    florida["cap"]["citation"] = AMENDED_CAP
    return {"about": "a test: Florida's hours become 09:00-19:00 and its cap 2",
            "based_on": state_rules.PACK_PATH.name, "states": {"FL": florida}}


def write_pack(directory: Path, name: str = PACK_NAME, data: dict[str, Any] | None = None) -> str:
    (directory / name).write_text(json.dumps(data if data is not None else florida_amended()), encoding="utf-8")
    return name


def history_with(name: str, effective_from: datetime, state_pack: str = PACK_NAME) -> tuple[FederalVersion, ...]:
    """The real versions and one more: ``state_pack`` from ``effective_from`` on (the versions after it keep it)."""
    return history_of((name, effective_from, state_pack))


def history_of(*added: tuple[str, datetime, str]) -> tuple[FederalVersion, ...]:
    """The real versions and those ``added`` (name, effective_from, state_pack), all in order of their starts."""
    data = json.loads(policy_versions.VERSIONS_PATH.read_text(encoding="utf-8"))
    entries = [{"name": name, "effective_from": start.isoformat(), "summary": "a test: Florida amends its hours",
                "citation": AMENDED_HOURS, "state_pack": pack} for name, start, pack in added]
    data["versions"] = sorted([*data["versions"], *entries], key=lambda v: datetime.fromisoformat(v["effective_from"]))
    return parse_versions(data)
