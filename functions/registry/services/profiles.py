"""The whole profile of a contact and its history, for CRMs and compliance staff."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.addresses import Address
from ..domain.errors import InvalidRequest, NotFound
from ..domain.lead_temperature import lead_temperature
from ..domain.location import locate_contact
from ..domain.policy import DEFAULT_POLICY
from ..domain.profile import relationships_view, scope_statuses
from ..domain.timeutil import format_instant, utc_now
from ..settings import get_settings
from ..storage import contacts as store
from . import contact_facts
from .address_keys import contact_key
from .failures import storage_failures
from .policies import policy_for


def profile(address: Address, at: datetime | None = None) -> dict[str, Any]:
    at = at or utc_now()
    facts, snapshot = contact_facts.load(address)
    if snapshot is None and not any(m.bulk for m in facts.suppressions):
        # (a number on a national or state list is known by its list alone: no contact is written for it)
        raise NotFound("the registry knows nothing about this address")
    policy = DEFAULT_POLICY
    erased_at = snapshot.erased_at if snapshot is not None else None
    return {
        "address": address.value,
        "kind": address.kind,
        # erased_at stays after the person comes back (a fact dated after it): erased while the
        # contact holds nothing recorded since, so no address.
        "erased": snapshot is not None and erased_at is not None and snapshot.address is None,
        "erased_at": erased_at,
        "scopes": scope_statuses(facts, at, policy_for),
        "consents": [c.to_document() for c in facts.consents],
        "opt_outs": [o.to_document() for o in facts.opt_outs],
        "ebr": relationships_view(facts, at, policy),
        "preferences": facts.preferences.to_document(),
        "timezones": list(locate_contact(facts).zones),
        # rev. 2: a national or state list's membership (read from its bitmaps) says which copy it is from
        "suppression_lists": [{"list": m.list_name, "kind": m.kind, "version": m.version.isoformat() if m.version else None}
                              if m.bulk else {"list": m.list_name, "kind": m.kind} for m in facts.suppressions],
        "undeliverable": [u.to_document() for u in facts.undeliverable],
        "recent_attempts": [a.to_document() for a in facts.attempts][-50:],
        # rev. 2: when the number changed hands (every consent and EBR before then is void), and every
        # reassigned-numbers check's answer, the evidence of the safe harbor (47 CFR 64.1200(m))
        "reassignments": [r.to_document() for r in facts.reassignments],
        "reassigned_checks": [c.to_document() for c in facts.reassigned_checks],
        "lead_temperature": lead_temperature(facts, at, policy),
        "linked_addresses": list(facts.preferences.linked_addresses),
        "evaluated_at": format_instant(at),
    }


def history(address: Address, cursor: str | None, limit: int | None = None) -> dict[str, Any]:
    limit = min(max(limit or get_settings().history_page_size, 1), 1000)
    if cursor:
        try:
            store.decode_cursor(cursor)
        except store.BadCursor:  # the caller's mistake, never an outage
            raise InvalidRequest("cursor is not one this registry gave out", "cursor") from None
    with storage_failures("the registry could not be read"):
        entries, next_cursor = store.history_page(contact_key(address.value), cursor, limit)
    return {"entries": [_entry(e) for e in entries], "cursor": next_cursor}


def _entry(entry: store.HistoryEntry) -> dict[str, Any]:
    data = entry.data or {}
    return {"id": entry.fact_id, "type": entry.type, "occurred_at": entry.occurred_at,
            "recorded_at": entry.recorded_at, "source": entry.source, "evidence": data.get("evidence"),
            "data": data, "actor": entry.actor}
