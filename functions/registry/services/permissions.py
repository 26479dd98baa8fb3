"""Answering "may I contact this address, on this channel, for this purpose, now?"

The hot path: one GetItem for one address (one BatchGetItem more only when the contact has
linked addresses), BatchGetItem pages for a batch. Any storage failure is RegistryUnavailable:
the caller answers 503 with a deny.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from ..domain.addresses import Address, check_channel, normalise
from ..domain.decide import Decision, Question, decide
from ..domain.errors import RegistryError
from ..domain.facts import ContactFacts
from ..settings import get_settings
from . import contact_facts
from .policies import policy_book


@dataclass(frozen=True)
class Ask:
    channel: str
    purpose: str
    brand: str
    at: datetime


def check(raw_address: str, ask: Ask) -> Decision:
    address = normalise(raw_address, get_settings().phone_default_region)
    check_channel(address, ask.channel)
    facts, _ = contact_facts.load(address)
    linked = _linked_facts([facts])
    return decide_loaded(address, facts, ask, linked)


def check_many(raw_addresses: Sequence[str], ask: Ask) -> list[Decision | RegistryError]:
    """One result per input, in input order; a bad address is its error, not the batch's."""
    region = get_settings().phone_default_region
    parsed: list[Address | RegistryError] = []
    for index, raw in enumerate(raw_addresses):
        try:
            address = normalise(raw, region, field=f"addresses[{index}]")
            check_channel(address, ask.channel, field=f"addresses[{index}]")
            parsed.append(address)
        except RegistryError as err:
            parsed.append(err)
    good = [p for p in parsed if isinstance(p, Address)]
    facts = contact_facts.load_many(good) if good else {}
    linked = _linked_facts(facts.values())
    return [p if isinstance(p, RegistryError) else decide_loaded(p, facts[p.value], ask, linked) for p in parsed]


def _linked_facts(facts: Any) -> dict[str, ContactFacts]:
    linked = contact_facts.linked_addresses(facts)
    return contact_facts.load_many(linked) if linked else {}


def decide_loaded(address: Address, facts: ContactFacts, ask: Ask,
                  linked: dict[str, ContactFacts] | None = None) -> Decision:
    """The decision for facts already read (lookups, and the preference page from one read)."""
    linked = linked or {}
    question = Question(address=address.value, kind=address.kind, channel=ask.channel, purpose=ask.purpose,
                        brand=ask.brand, at=ask.at)
    own_links = {a: linked[a] for a in facts.preferences.linked_addresses if a in linked}
    return decide(question, facts, policy_book().for_brand(ask.brand), own_links)
