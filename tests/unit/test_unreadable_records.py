"""A stored record that cannot be read is an ``UnreadableRecord`` (503 ``registry_unavailable``,
deny) with one message, wherever the domain finds the fault: the same words services/failures.py
answers with, so a caller sees one answer for one fault (docs/decisions.md, Recording)."""
from __future__ import annotations

from datetime import date

import pytest
from builders import consent, ts

from registry.domain import timeutil
from registry.domain.brands import stored_brand
from registry.domain.documents import facts_from_document
from registry.domain.errors import UnreadableRecord
from registry.domain.facts import ReassignedCheck
from registry.services.failures import UNREADABLE_MESSAGE

GOOD = consent().to_document(timeutil.stored_instant)
# a reassigned-numbers check: the date asked about is stored as YYYY-MM-DD, nothing else
CHECK = ReassignedCheck(id="k1", result="no", since=date(2026, 1, 31), occurred_at=ts("2026-11-24T05:40:00Z"),
                        source="rnd").to_document(timeutil.stored_instant)


@pytest.mark.parametrize("read", [
    lambda: timeutil.read_stored_instant("2026-11-28 12:00"),  # not the stored form
    lambda: timeutil.read_stored_instant("2026-02-30T12:00:00Z"),  # the form, but no such day
    lambda: timeutil.read_stored_instant("2100-01-01T00:00:00.000001Z"),  # out of range
    lambda: stored_brand(7),
    lambda: facts_from_document("+14155550123", "phone", {"consents": [{**GOOD, "occurred_at": "soon"}]}),
    lambda: facts_from_document("+14155550123", "phone", {"consents": [{k: v for k, v in GOOD.items() if k != "id"}]}),
    lambda: facts_from_document("+14155550123", "phone", {"preferences": {"contact_hours": {"start": "9"}}}),
    lambda: facts_from_document("+14155550123", "phone", {"reassigned_checks": [{**CHECK, "since": "20260131"}]}),
    lambda: facts_from_document("+14155550123", "phone", {"reassigned_checks": [{**CHECK, "since": 20260131}]}),
], ids=["instant-form", "instant-day", "instant-range", "brand", "fact-instant", "fact-field", "preferences",
        "date-form", "date-type"])
def test_an_unreadable_record_has_one_answer(read):
    with pytest.raises(UnreadableRecord) as err:
        read()
    assert err.value.code == "registry_unavailable"
    assert err.value.message == str(err.value) == UNREADABLE_MESSAGE == "a stored record could not be read"
