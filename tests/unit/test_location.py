"""Where a contact may be, as one value built once and handed to every rule (issue 8, item 8)."""
from __future__ import annotations

import pytest
from builders import EMAIL, LA_PHONE, LATE_LA, TOLL_FREE, ask, consent, facts, prefs, ts

from registry.domain import decide as decide_module
from registry.domain import location
from registry.domain.location import Whereabouts, locate, locate_contact


def test_a_value_keeps_only_known_zones_sorted_once():
    where = Whereabouts(zones=("America/New_York", "Not/AZone", "America/Los_Angeles", "America/New_York"),
                        own_zone="Mars/Olympus", states=("NY", "CA", "NY"))
    assert where.zones == ("America/Los_Angeles", "America/New_York")
    assert where.own_zone is None and where.states == ("CA", "NY") and where.known
    assert not Whereabouts(zones=("Not/AZone",)).known  # nothing known: quiet hours fail closed


@pytest.mark.parametrize("address, timezone, zones, own", [
    (LA_PHONE, None, ("America/Los_Angeles",), None),
    (LA_PHONE, "Europe/Paris", ("Europe/Paris",), "Europe/Paris"),  # the person's own zone replaces the number's
    (LA_PHONE, "Mars/Olympus", ("America/Los_Angeles",), None),  # an unknown one is ignored
    (EMAIL, None, (), None),
    (EMAIL, "Europe/Paris", ("Europe/Paris",), "Europe/Paris"),
    ("+979123456789", None, (), None),  # no zone known for the number
    ("not a number", None, (), None),
])
def test_locate(address, timezone, zones, own):
    kind = "email" if "@" in address else "phone"
    where = locate(address, kind, prefs(timezone=timezone))
    assert (where.zones, where.own_zone, where.states) == (zones, own, ())


def test_toll_free_numbers_may_be_anywhere_in_the_plan():
    assert {"Pacific/Guam", "America/St_Johns"} <= set(locate_contact(facts(TOLL_FREE)).zones)


def test_a_decision_locates_the_contact_once_and_every_rule_uses_that_value(monkeypatch):
    """Quiet hours, the search for next_allowed_at (many instants) and the answer's timezones
    all read the one value built for the address."""
    built = []

    def counting(*args):
        where = location.locate(*args)
        built.append(where)
        return where

    monkeypatch.setattr(decide_module, "locate", counting)
    decision = ask(facts(consents=[consent()]), at=LATE_LA)  # 22:00 in Los Angeles: deferred
    assert decision.decision == "defer" and decision.next_allowed_at == ts("2026-12-02T16:00:00Z")
    assert len(built) == 1 and decision.whereabouts is built[0]
    assert decision.timezones == built[0].zones == ("America/Los_Angeles",)
    assert decision.to_dict()["timezones"] == ["America/Los_Angeles"]
