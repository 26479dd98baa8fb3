"""Facts to and from the plain JSON document a contact's state item stores."""
from __future__ import annotations

from typing import Any, Iterable

from .facts import Attempt, Consent, ContactFacts, OptOut, Preferences, Relationship, SuppressionMembership, Undeliverable


def facts_from_document(address: str, kind: str, state: dict[str, Any] | None,
                        memberships: Iterable[str] = ()) -> ContactFacts:
    state = state or {}
    return ContactFacts(
        address=address,
        kind=kind,
        consents=tuple(Consent.from_document(d) for d in state.get("consents", ())),
        opt_outs=tuple(OptOut.from_document(d) for d in state.get("opt_outs", ())),
        relationships=tuple(Relationship.from_document(d) for d in state.get("relationships", ())),
        attempts=tuple(Attempt.from_document(d) for d in state.get("attempts", ())),
        preferences=Preferences.from_document(state.get("preferences")),
        undeliverable=tuple(Undeliverable.from_document(d) for d in state.get("undeliverable", ())),
        suppressions=tuple(sorted((parse_membership(m) for m in memberships),
                                  key=lambda m: (m.list_name, m.kind))),
    )


def document_from_facts(facts: ContactFacts) -> dict[str, Any]:
    """Memberships are not part of it: they are stored apart (see storage.contacts)."""
    return {
        "consents": [c.to_document() for c in facts.consents],
        "opt_outs": [o.to_document() for o in facts.opt_outs],
        "relationships": [r.to_document() for r in facts.relationships],
        "attempts": [a.to_document() for a in facts.attempts],
        "preferences": facts.preferences.to_document(),
        "undeliverable": [u.to_document() for u in facts.undeliverable],
    }


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
