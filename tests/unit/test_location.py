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


PAGE = "preference_center"  # the person, on their own page


CA = ("CA",)  # LA_PHONE's area code is California's (rev. 2)


@pytest.mark.parametrize("address, timezone, source, zones, own, states", [
    (LA_PHONE, None, None, ("America/Los_Angeles",), None, CA),
    (LA_PHONE, "Europe/Paris", PAGE, ("Europe/Paris",), "Europe/Paris", CA),  # the person's own zone replaces the number's
    # rev. 2: a zone set by anyone but the person adds to the number's (so both must be awake)
    (LA_PHONE, "Europe/Paris", "api", ("America/Los_Angeles", "Europe/Paris"), "Europe/Paris", CA),
    (LA_PHONE, "Europe/Paris", None, ("America/Los_Angeles", "Europe/Paris"), "Europe/Paris", CA),  # who: unknown
    (LA_PHONE, "America/Los_Angeles", "crm", ("America/Los_Angeles",), "America/Los_Angeles", CA),
    (LA_PHONE, "Mars/Olympus", PAGE, ("America/Los_Angeles",), None, CA),  # an unknown one is ignored
    (EMAIL, None, None, (), None, ()),
    (EMAIL, "Europe/Paris", PAGE, ("Europe/Paris",), "Europe/Paris", ()),
    (EMAIL, "Europe/Paris", "api", ("Europe/Paris",), "Europe/Paris", ()),  # an email has no zone of its own
    ("+979123456789", None, None, (), None, ()),  # no zone known for the number
    ("+979123456789", "Asia/Tokyo", "crm", ("Asia/Tokyo",), "Asia/Tokyo", ()),  # ... so the one set is all there is
    ("not a number", None, None, (), None, ()),
])
def test_locate(address, timezone, source, zones, own, states):
    kind = "email" if "@" in address else "phone"
    where = locate(address, kind, prefs(timezone=timezone, timezone_source=source))
    assert (where.zones, where.own_zone, where.states) == (zones, own, states)


@pytest.mark.parametrize("address, timezone, source, states", [
    (LA_PHONE, None, None, ("CA", "NV")),
    (LA_PHONE, "America/Denver", "crm", ("CA", "NV")),  # a zone someone else set adds to the number's
    (LA_PHONE, "America/Denver", PAGE, ("CA", "NV")),  # the person's own zone replaces the number's: the states stay
    (EMAIL, "America/Denver", "api", ("NV",)),
    ("+18005550123", None, None, ("NV",)),  # toll-free: no state of its own
])
def test_the_state_on_file_is_among_the_states(address, timezone, source, states):
    kind = "email" if "@" in address else "phone"
    assert locate(address, kind, prefs(state="NV", timezone=timezone, timezone_source=source)).states == states


def test_the_area_codes_state_and_the_one_on_file_count_once():
    assert locate("+13055550123", "phone", prefs()).states == ("FL",)
    assert locate("+13055550123", "phone", prefs(state="FL")).states == ("FL",)
    assert locate("+13055550123", "phone", prefs(state="TX")).states == ("FL", "TX")
    assert locate("+18005550123", "phone", prefs()).states == ()


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


def test_who_set_the_timezone_is_the_sender_never_what_the_patch_claims():
    """Only the person's own zone (set on their page) replaces the number's: a patch cannot claim to
    be the person's by carrying its own ``timezone_source``; who sent it decides."""
    from registry.domain.changes import preference_patch

    claimed = {"timezone": "Europe/Paris", "timezone_source": PAGE}
    assert preference_patch(claimed, "api") == {"timezone": "Europe/Paris", "timezone_source": "api"}
    assert preference_patch({"timezone_source": PAGE}, "api") == {}  # not a field anyone sets by itself
    assert preference_patch({"timezone": None}, PAGE) == {"timezone": None, "timezone_source": None}
    where = locate(LA_PHONE, "phone", prefs(**preference_patch(claimed, "api")))
    assert where.zones == ("America/Los_Angeles", "Europe/Paris")
