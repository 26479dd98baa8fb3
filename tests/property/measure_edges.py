"""How often the property strategies reach each edge (ties, interleavings, caps reached, expiries
and window boundaries at the very moment asked about).

    PYTHONPATH=functions:.:tests/property python tests/property/measure_edges.py [N]

draws N cases (derandomized: the same cases every run) from each strategy and prints, per edge,
in how many of them it came up.
"""
from __future__ import annotations

import sys
from collections import Counter

from edges import EDGES, edges
from hypothesis import HealthCheck, given, settings


def zones_of(facts) -> tuple[str, ...]:
    """The contact's zones (contract.py's table; phonenumbers for a number the table does not hold)."""
    import phonenumbers
    from contract import NUMBER_ZONES, contact_zones
    from phonenumbers import timezone as phone_timezones

    if facts.kind == "email" or facts.address in NUMBER_ZONES:
        return contact_zones(facts)
    found = phone_timezones.time_zones_for_number(phonenumbers.parse(facts.address))
    return contact_zones(facts) if facts.preferences.timezone else tuple(z for z in found if z != "Etc/Unknown")


def count(cases, unpack, n: int) -> Counter:
    """Per edge, in how many of n derandomized cases it comes up."""
    seen: Counter = Counter()

    @settings(max_examples=n, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(cases)
    def draw(case):
        question, facts = unpack(case)
        seen["cases"] += 1
        for edge in edges(question, facts, zones_of(facts)):
            seen[edge] += 1

    draw()
    return seen


def report(name: str, seen: Counter) -> None:
    print(f"{name}: {seen['cases']} cases")
    for edge in EDGES:
        print(f"  {edge:24} {seen[edge]:6d}  {100 * seen[edge] / max(seen['cases'], 1):5.1f}%")


def main(n: int) -> None:
    import decision_strategies
    import scope_strategies

    report("decision_strategies.cases", count(decision_strategies.cases(), lambda c: (c[0], c[1]), n))
    report("scope_strategies.cases", count(scope_strategies.cases(), lambda c: (c[0], c[2]), n))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)

