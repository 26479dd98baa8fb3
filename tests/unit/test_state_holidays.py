"""The states' holidays table (domain/state_holidays.json): what the `holidays` library says, for every state of
the packs and every year of its range, so that a lookup never imports the library; outside it, the library."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import holidays
import pytest

from infra.state_holidays import pack_states, text
from registry.domain import state_holidays, state_rules
from registry.domain.state_holidays import TABLE_PATH, build_table

ROOT = Path(__file__).resolve().parents[2]
TABLE = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
FIRST, LAST = TABLE["years"]
STATES = sorted(TABLE["states"])


def test_the_table_is_what_the_library_says_for_every_state_and_year_of_its_range():
    """Fails after an upgrade of `holidays` that changes a date or a name: regenerate (python -m infra.state_holidays)."""
    assert TABLE == build_table(STATES, range(FIRST, LAST + 1))
    assert TABLE["subdivisions"] == sorted(holidays.US.subdivisions)
    assert TABLE["holidays"] == holidays.__version__
    assert json.loads(text(TABLE)) == TABLE  # the generator's layout holds the same data


def test_the_table_covers_every_state_of_every_pack_and_the_years_around_now():
    assert pack_states() <= set(STATES)
    assert {"AL", "LA", "PA", "RI", "UT"} <= set(STATES)  # the packs' states that close on holidays
    # the pack check asks about today's year +/- 2; lookups ask about `at`, mostly near now (and 400 days ahead in CI)
    assert FIRST <= date.today().year - 5 and date.today().year + 10 <= LAST


@pytest.mark.parametrize("code", STATES)
def test_every_day_of_the_range_answers_as_the_library(code):
    calendar = holidays.US(subdiv=code, years=range(FIRST, LAST + 1))
    day = date(FIRST, 1, 1)
    while day.year <= LAST:
        assert state_holidays.holidays_on(code, day) == tuple(calendar.get_list(day)), (code, day)
        day += timedelta(days=1)
    for year in (FIRST + 2, 2026, LAST - 2):
        names = {name for d in sorted(calendar) if year - 2 <= d.year <= year + 2 for name in calendar.get_list(d)}
        assert state_holidays.names_in(code, range(year - 2, year + 3)) == frozenset(names), (code, year)


def _no_library(monkeypatch):
    def refuse(*_):
        raise AssertionError("the library was asked about a day the table holds")

    monkeypatch.setattr(state_holidays, "_library_calendar", refuse)
    monkeypatch.setattr(state_holidays, "_library_days", refuse)


def test_inside_the_range_the_table_answers_up_to_its_first_and_last_day(monkeypatch):
    _no_library(monkeypatch)
    assert state_holidays.holidays_on("LA", date(FIRST, 1, 1)) == ("New Year's Day",)
    assert state_holidays.holidays_on("LA", date(LAST, 12, 25)) == ("Christmas Day",)
    assert state_holidays.holidays_on("LA", date(LAST, 12, 31)) == ()
    assert "Mardi Gras" in state_holidays.names_in("LA", range(FIRST, FIRST + 1))
    assert "Mardi Gras" in state_holidays.names_in("LA", range(LAST, LAST + 1))
    assert state_holidays.names_in("LA", range(FIRST, FIRST + 1)) != state_holidays.names_in("LA", range(2021, 2022))


@pytest.mark.parametrize("day", [date(FIRST - 1, 12, 25), date(LAST + 1, 1, 1), date(LAST + 20, 7, 4),
                                 date(2050, 2, 22)])  # Mardi Gras: Louisiana's own, not the nation's
def test_a_year_outside_the_range_is_asked_of_the_library(day):
    assert state_holidays.holidays_on("LA", day) == tuple(holidays.US(subdiv="LA").get_list(day))
    assert state_holidays.holidays_on("LA", day)  # each of these days is a holiday


def test_a_range_reaching_outside_the_table_is_asked_of_the_library():
    years = range(LAST - 1, LAST + 2)
    calendar = holidays.US(subdiv="UT", years=years)
    expected = frozenset(name for d in calendar for name in calendar.get_list(d))
    assert state_holidays.names_in("UT", years) == expected
    years = range(FIRST - 1, FIRST + 1)
    calendar = holidays.US(subdiv="UT", years=years)
    assert state_holidays.names_in("UT", years) == frozenset(name for d in calendar for name in calendar.get_list(d))


def test_a_state_the_table_does_not_hold_is_asked_of_the_library():
    missing = sorted(set(holidays.US.subdivisions) - set(STATES))[0]
    day = date(2026, 7, 4)
    assert state_holidays.holidays_on(missing, day) == tuple(holidays.US(subdiv=missing).get_list(day))
    assert "Independence Day" in state_holidays.names_in(missing, range(2026, 2027))


def test_the_subdivisions_are_the_librarys():
    assert state_holidays.subdivisions() == frozenset(holidays.US.subdivisions)
    assert "LA" in state_holidays.subdivisions() and "ZZ" not in state_holidays.subdivisions()


def test_a_decision_on_a_state_holiday_never_imports_the_library():
    """In a fresh interpreter: the pack read and checked, a closed day found, a window computed; no `holidays`."""
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from registry.domain import state_rules\n"
        "pack = state_rules.load_pack()\n"
        "louisiana = pack.states['LA']\n"
        "assert state_rules.closure(louisiana, date(2026, 2, 17)).why == 'Mardi Gras'\n"
        "assert state_rules.hours_on(louisiana, date(2026, 2, 18)) is not None\n"
        "assert state_rules.strictest_window(state_rules.rules_for(['LA', 'PA']), date(2026, 11, 26)) is None\n"
        "print('holidays' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "functions"), str(ROOT)])}
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_the_pack_check_knows_the_names_from_the_table():
    assert "Mardi Gras" in state_rules.known_holiday_names("LA", 2026)
    assert "Mardi Gras" not in state_rules.known_holiday_names("PA", 2026)
    assert all(not name.endswith(state_rules.OBSERVED) for name in state_rules.known_holiday_names("PA", 2026))
