"""Small builders for domain facts, so tests read as the contract does."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime, time

from registry.domain.decide import Question, decide
from registry.domain.facts import (
    Attempt,
    Consent,
    ContactFacts,
    ContactHours,
    OptOut,
    Preferences,
    Reassignment,
    Relationship,
    SuppressionMembership,
    Undeliverable,
)
from registry.domain.policy import DEFAULT_POLICY, Policy

LA_PHONE = "+14155550123"  # America/Los_Angeles
NY_PHONE = "+12125550123"  # America/New_York
TOLL_FREE = "+18005550123"  # every NANP zone from Guam to St John's
EMAIL = "person@example.com"

NOON_LA = "2026-12-01T20:00:00Z"  # 12:00 in Los Angeles, 15:00 in New York
LATE_LA = "2026-12-02T06:00:00Z"  # 22:00 in Los Angeles

_ids = itertools.count(1)


def ts(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.astimezone(UTC)


def _set(values) -> frozenset[str]:
    return frozenset([values] if isinstance(values, str) else values)


def consent(channels=("call",), purposes=("marketing",), brand="default", source="web_form",
            at="2026-11-28T12:00:00Z", expires=None, grade="express") -> Consent:
    return Consent(id=f"c{next(_ids)}", channels=_set(channels), purposes=_set(purposes), brand=brand,
                   source=source, occurred_at=ts(at), expires_at=ts(expires) if expires else None, grade=grade)


def written(channels=("call",), purposes=("marketing",), **kw) -> Consent:
    """A prior express written consent (rev. 2)."""
    return consent(channels, purposes, grade="written", **kw)


def opt_out(channels=("call",), purposes=("all",), brand="default", source="agent",
            at="2026-11-29T12:00:00Z") -> OptOut:
    return OptOut(id=f"o{next(_ids)}", channels=_set(channels), purposes=_set(purposes), brand=brand,
                  source=source, occurred_at=ts(at))


def relationship(kind="inquiry", brand="default", at="2026-11-01T12:00:00Z", source=None) -> Relationship:
    return Relationship(id=f"r{next(_ids)}", kind=kind, brand=brand, occurred_at=ts(at), source=source)


def attempt(channel="call", purpose="marketing", brand="default", at="2026-11-28T18:00:00Z",
            outcome="no_answer", dialing=None) -> Attempt:
    return Attempt(id=f"a{next(_ids)}", channel=channel, purpose=purpose, brand=brand, occurred_at=ts(at),
                   outcome=outcome, dialing=dialing)


def reassignment(at="2026-11-25T12:00:00Z", cause="wrong_party") -> Reassignment:
    return Reassignment(id=f"x{next(_ids)}", occurred_at=ts(at), cause=cause)


def undeliverable(channels=("email",), at="2026-11-20T12:00:00Z", reason="hard_bounce") -> Undeliverable:
    return Undeliverable(channels=_set(channels), occurred_at=ts(at), reason=reason)


def member(name="national-x", kind="national") -> SuppressionMembership:
    return SuppressionMembership(list_name=name, kind=kind)


def hours(start="09:00", end="17:00", days=("mon", "tue", "wed", "thu", "fri")) -> ContactHours:
    return ContactHours(start=time.fromisoformat(start), end=time.fromisoformat(end), days=frozenset(days))


def prefs(**kw) -> Preferences:
    if isinstance(kw.get("snooze_until"), str):
        kw["snooze_until"] = ts(kw["snooze_until"])
    if "linked_addresses" in kw:
        kw["linked_addresses"] = tuple(kw["linked_addresses"])
    return Preferences(**kw)


def facts(address=LA_PHONE, *, consents=(), opt_outs=(), relationships=(), attempts=(), preferences=None,
          suppressions=(), undeliverable=(), reassignments=()) -> ContactFacts:
    kind = "email" if "@" in address else "phone"
    return ContactFacts(address=address, kind=kind, consents=tuple(consents), opt_outs=tuple(opt_outs),
                        relationships=tuple(relationships), attempts=tuple(attempts),
                        preferences=preferences or Preferences(), suppressions=tuple(suppressions),
                        undeliverable=tuple(undeliverable), reassignments=tuple(reassignments))


def question(address=LA_PHONE, channel="call", purpose="marketing", brand="default", at=NOON_LA,
             dialing=None) -> Question:
    kind = "email" if "@" in address else "phone"
    return Question(address=address, kind=kind, channel=channel, purpose=purpose, brand=brand,
                    at=ts(at) if isinstance(at, str) else at, dialing=dialing)


def ask(f: ContactFacts, channel="call", purpose="marketing", brand="default", at=NOON_LA,
        policy: Policy = DEFAULT_POLICY, linked=None, dialing=None):
    return decide(question(f.address, channel, purpose, brand, at, dialing), f, policy, linked)


def codes(decision) -> list[str]:
    return [r.code for r in decision.reasons]
