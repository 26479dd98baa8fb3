"""Facts to and from the plain JSON document a contact's state item stores.

Instants are stored in one fixed-width form (``timeutil.stored_instant``). A document that
cannot be read back (a field missing or of the wrong type, an instant in no known form or out
of range) is an ``UnreadableRecord``: the registry cannot answer for that address, so it fails
closed for it alone (503 deny), and never answers 400 for a caller's good request.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .errors import RegistryError, UnreadableRecord
from .facts import (
    PREFERENCES_CHANGE_UNKNOWN,
    Attempt,
    Consent,
    ContactFacts,
    OptOut,
    Preferences,
    ReassignedCheck,
    Reassignment,
    Relationship,
    SuppressionMembership,
    Undeliverable,
)
from .timeutil import read_stored_instant, stored_instant


def facts_from_document(address: str, kind: str, state: dict[str, Any] | None,
                        memberships: Iterable[str] = ()) -> ContactFacts:
    try:
        return _facts(address, kind, state or {}, memberships)
    except UnreadableRecord:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, RegistryError) as err:
        raise UnreadableRecord("a stored record could not be read") from err


def _facts(address: str, kind: str, state: dict[str, Any], memberships: Iterable[str]) -> ContactFacts:
    return ContactFacts(
        address=address,
        kind=kind,
        consents=tuple(Consent.from_document(d) for d in state.get("consents", ())),
        opt_outs=tuple(OptOut.from_document(d) for d in state.get("opt_outs", ())),
        relationships=tuple(Relationship.from_document(d) for d in state.get("relationships", ())),
        attempts=tuple(Attempt.from_document(d) for d in state.get("attempts", ())),
        preferences=Preferences.from_document(state.get("preferences")),
        undeliverable=tuple(Undeliverable.from_document(d) for d in state.get("undeliverable", ())),
        reassignments=tuple(Reassignment.from_document(d) for d in state.get("reassignments", ())),
        reassigned_checks=tuple(ReassignedCheck.from_document(d) for d in state.get("reassigned_checks", ())),
        suppressions=tuple(sorted((parse_membership(m) for m in memberships),
                                  key=lambda m: (m.list_name, m.kind))),
        preferences_changed_at=_preferences_changed_at(state),
    )


PREFERENCES_CHANGED_AT = "preferences_changed_at"


def _preferences_changed_at(state: dict[str, Any]) -> datetime | None:
    """When the preferences last changed: None, never; unknown on a record stored before the field."""
    if PREFERENCES_CHANGED_AT not in state:
        return PREFERENCES_CHANGE_UNKNOWN
    raw = state[PREFERENCES_CHANGED_AT]
    return None if raw is None else read_stored_instant(raw)


def document_from_facts(facts: ContactFacts) -> dict[str, Any]:
    """Memberships are not part of it: they are stored apart (see storage.contacts)."""
    return {
        "consents": [c.to_document(stored_instant) for c in facts.consents],
        "opt_outs": [o.to_document(stored_instant) for o in facts.opt_outs],
        "relationships": [r.to_document(stored_instant) for r in facts.relationships],
        "attempts": [a.to_document(stored_instant) for a in facts.attempts],
        "preferences": facts.preferences.to_document(stored_instant),
        "undeliverable": [u.to_document(stored_instant) for u in facts.undeliverable],
        "reassignments": [r.to_document(stored_instant) for r in facts.reassignments],
        "reassigned_checks": [c.to_document(stored_instant) for c in facts.reassigned_checks],
        **_preferences_change(facts),
    }


def _preferences_change(facts: ContactFacts) -> dict[str, Any]:
    """Written when known (null: never changed); a record that did not know it still does not."""
    if facts.preferences_changed_at == PREFERENCES_CHANGE_UNKNOWN:
        return {}
    return {PREFERENCES_CHANGED_AT: stored_instant(facts.preferences_changed_at)}


def membership_token(list_name: str, kind: str) -> str:
    return f"{kind}:{list_name}"


def parse_membership(token: str) -> SuppressionMembership:
    kind, _, name = token.partition(":")
    return SuppressionMembership(list_name=name, kind=kind)


ERASED = "[erased]"


def redact(value: Any, secret: str) -> Any:
    """``value`` (a stored JSON document) without ``secret``: list items equal to it dropped, and
    every occurrence inside a text replaced. Used to take an erased address out of other contacts'
    records."""
    if isinstance(value, dict):
        return {k: redact(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, secret) for v in value if v != secret]
    if isinstance(value, str) and secret and secret in value:
        return value.replace(secret, ERASED)
    return value
