"""Answering "may I contact this address, on this channel, for this purpose, now?"

The hot path: one GetItem for one address (one BatchGetItem more only when the contact has
linked addresses), BatchGetItem pages for a batch. Any storage failure is RegistryUnavailable:
the caller answers 503 with a deny.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from ..domain.addresses import Address, check_channel, normalise
from ..domain.decide import Decision, Question, check_question, decide
from ..domain.errors import InvalidRequest, RegistryError, UnreadableRecord
from ..domain.facts import ContactFacts
from ..domain.policy import Policy
from ..domain.vocabulary import Channel
from ..settings import get_settings
from . import contact_facts, replay
from .policies import policy_for


@dataclass(frozen=True)
class Ask:
    channel: str
    purpose: str
    brand: str
    at: datetime
    dialing: str | None = None  # rev. 2: how a call is placed (None: manual); refused for email
    # rev. 2: a replay: only what was recorded by then counts (None: a plain lookup, all that is known)
    known_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.channel == Channel.EMAIL and self.dialing is not None:
            raise InvalidRequest("email has no dialing; leave dialing out", "dialing")


def check(raw_address: str, ask: Ask) -> Decision:
    check_question(ask.channel, ask.purpose)
    address = normalise(raw_address, get_settings().phone_default_region)
    check_channel(address, ask.channel)
    facts, _ = contact_facts.load(address)
    if ask.known_at is not None:
        facts = replay.replayed(address, facts, ask.known_at)
    linked = _linked_facts([facts], ask.known_at)
    return decide_loaded(address, facts, ask, linked)


def check_many(raw_addresses: Sequence[str], ask: Ask) -> list[Decision | RegistryError]:
    """One result per input, in input order; a bad address is its error, not the batch's, and so
    is an address whose stored record cannot be read (``UnreadableRecord``: deny it, 503-style)."""
    check_question(ask.channel, ask.purpose)
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
    if ask.known_at is not None:
        facts = replay.replayed_many({a.value: a for a in good}, facts, ask.known_at)
    linked = _linked_facts(contact_facts.readable(facts).values(), ask.known_at)
    policy = policy_for(ask.brand, ask.at) if good else None  # once for the batch (cached, but not free)
    out: list[Decision | RegistryError] = []
    for p in parsed:
        if isinstance(p, RegistryError):
            out.append(p)
        elif isinstance(loaded := facts[p.value], UnreadableRecord):
            out.append(loaded)
        else:
            out.append(decide_loaded(p, loaded, ask, linked, policy))
    return out


def _linked_facts(facts: Any, known_at: datetime | None = None) -> dict[str, ContactFacts | UnreadableRecord]:
    """The facts of the addresses linked to ``facts``' contacts (as known at ``known_at``, for a replay)."""
    linked = contact_facts.linked_addresses(facts)
    if not linked:
        return {}
    loaded = contact_facts.load_many(linked)
    return loaded if known_at is None else replay.replayed_many({a.value: a for a in linked}, loaded, known_at)


def decide_loaded(address: Address, facts: ContactFacts, ask: Ask,
                  linked: dict[str, ContactFacts | UnreadableRecord] | None = None,
                  policy: Policy | None = None) -> Decision:
    """The decision for facts already read (lookups, and the preference page from one read).

    A linked address whose record cannot be read is left out: it is never recommended (taking it
    as an empty record would recommend a channel that may well be opted out). ``policy``: the
    brand's, when the caller read it already (a batch reads it once)."""
    linked = linked or {}
    question = Question(address=address.value, kind=address.kind, channel=ask.channel, purpose=ask.purpose,
                        brand=ask.brand, at=ask.at, dialing=ask.dialing,
                        known_at=ask.known_at, number_zones=address.zones)
    unreadable = {a for a in facts.preferences.linked_addresses if isinstance(linked.get(a), UnreadableRecord)}
    if unreadable:
        kept = tuple(a for a in facts.preferences.linked_addresses if a not in unreadable)
        facts = replace(facts, preferences=replace(facts.preferences, linked_addresses=kept))
    own_links = {a: found for a in facts.preferences.linked_addresses
                 if isinstance(found := linked.get(a), ContactFacts)}
    # the version in force at ``at`` (a batch passes the one it chose once)
    return decide(question, facts, policy if policy is not None else policy_for(ask.brand, ask.at), own_links)
