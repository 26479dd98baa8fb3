"""Reassigned numbers (contract rev. 2, "who may lift what"): the seam an SMS reply uses today.

A "wrong number" (or "not me") reply says the number has a new owner. The reply's opt-out is
recorded by ``services.sms_replies`` (``opted out of texts for the brand``); the reassignment
itself, which voids every consent and EBR of the number dated before it, for every brand, and
is shown in the profile, is the work of the reassigned-numbers item (issue 9, item 5), which
records it here: a ``disconnected`` or ``wrong_party`` attempt and a reassigned-numbers check
answering ``yes`` will call the same function.
"""
from __future__ import annotations

from datetime import datetime

from ..domain.addresses import Address


def number_reassigned(address: Address, occurred_at: datetime, source: str, fact_id: str,
                      actor: str | None = None) -> None:
    """Record that ``address`` was reassigned at ``occurred_at`` (``source``: who said so;
    ``fact_id``: the reply's id, for idempotency). Not recorded yet: item 5 of issue 9 adds the
    fact; until then a wrong-number reply is the opt-out it also is."""
    return None
