"""Issue 7, item 3: the state document round-trips with fixed-width instants, and a document
that cannot be read is an UnreadableRecord (503 for that address), never a 400."""
from __future__ import annotations

import pytest
from builders import consent, facts, opt_out, prefs, relationship, ts

from registry.domain.documents import document_from_facts, facts_from_document
from registry.domain.errors import RegistryUnavailable, UnreadableRecord


def test_round_trip_with_fixed_width_instants():
    original = facts(consents=[consent(at="2026-11-28T12:00:00Z")], opt_outs=[opt_out()],
                     relationships=[relationship()], preferences=prefs(snooze_until=ts("2027-01-01T00:00:00Z")))
    doc = document_from_facts(original)
    assert doc["consents"][0]["occurred_at"] == "2026-11-28T12:00:00.000000Z"
    assert doc["preferences"]["snooze_until"] == "2027-01-01T00:00:00.000000Z"
    assert facts_from_document(original.address, original.kind, doc) == original


@pytest.mark.parametrize("state", [
    {"consents": [{"id": "c", "channels": ["call"], "purposes": ["marketing"], "brand": "default",
                   "source": "web_form", "occurred_at": "1-01-01T00:00:00Z"}]},
    {"relationships": [{"id": "r", "kind": "transaction", "brand": "default", "occurred_at": "9999-01-01T00:00:00Z"}]},
    {"opt_outs": [{"id": "o"}]},
    {"opt_outs": ["not a document"]},
    {"consents": 7},
    {"preferences": {"linked_addresses": [7]}},
    {"preferences": {"contact_hours": {"start": "25:00", "end": "10:00", "days": []}}},
    ["not", "a", "document"],
])
def test_a_document_that_cannot_be_read_is_unreadable(state):
    with pytest.raises(UnreadableRecord) as err:
        facts_from_document("+14155550123", "phone", state)
    assert isinstance(err.value, RegistryUnavailable) and err.value.code == "registry_unavailable"
