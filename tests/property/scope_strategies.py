"""Hypothesis strategies for a scope's status: fact sets drawn from SMALL shared pools.

Every instant (an opt-out's, a consent's, its expiry, an attempt's, a report's, the question's)
comes from the same four moments, and every scope from two channels, two purposes and two
brands, so ties, an opt-out and a consent and an expiry interleaved in one scope, and an
expiry (or an EBR's end) at the very moment asked about are common, not one draw in a million.
Half the consents and opt-outs are drawn for the question's own scope.
"""
from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import strategies as st

from registry.domain.decide import Question
from registry.domain.ebr import add_months
from registry.domain.facts import (
    Attempt,
    Consent,
    ContactFacts,
    OptOut,
    Relationship,
    SuppressionMembership,
    Undeliverable,
)
from registry.domain.policy import DEFAULT_POLICY, with_overrides
from registry.domain.scope_status import Scope
from registry.domain.vocabulary import PURPOSES, channels_for_kind

# 20:00Z: noon in Los Angeles, so the quiet hours of the phone below never hide a deny reason.
INSTANTS = tuple(datetime(2026, 12, d, 20, tzinfo=UTC) for d in (1, 2, 3, 4))
# Relationships also from before the pool, ending (3 months for an inquiry, 18 for a transaction)
# on instants of the pool: an EBR that lapses at the moment asked about.
RELATIONSHIP_INSTANTS = INSTANTS + (add_months(INSTANTS[1], -3), add_months(INSTANTS[2], -18))
ADDRESSES = ("+14155550123", "person@example.com")
BRANDS = ("default", "acme")
CONSENT_SOURCES = ("web_form", "purchased_list", "import")
STRICT = with_overrides(DEFAULT_POLICY, {"basis": {"email:marketing": "consent"},
                                         "rejected_consent_sources": {"email": ["import"]}})
# The registry's policy book in miniature: brand acme has its own rules, every other brand the default.
BOOKS = ({}, {"acme": STRICT}, {"default": STRICT})

instants = st.sampled_from(INSTANTS)


def kind_of(address: str) -> str:
    return "email" if "@" in address else "phone"


def _one_of(values):
    return st.frozensets(st.sampled_from(list(values)), min_size=1)


def consents(channels, scope: Scope):
    mine = st.builds(Consent, id=st.just("c"), channels=st.just(frozenset({scope.channel})),
                     purposes=st.just(frozenset({scope.purpose})), brand=st.just(scope.brand),
                     source=st.sampled_from(CONSENT_SOURCES), occurred_at=instants,
                     expires_at=st.none() | instants)
    any_scope = st.builds(Consent, id=st.just("c"), channels=_one_of(channels), purposes=_one_of(PURPOSES),
                          brand=st.sampled_from(BRANDS), source=st.sampled_from(CONSENT_SOURCES),
                          occurred_at=instants, expires_at=st.none() | instants)
    return mine | any_scope


def opt_outs(channels, scope: Scope):
    mine = st.builds(OptOut, id=st.just("o"), channels=st.just(frozenset({scope.channel})),
                     purposes=st.just(frozenset({scope.purpose})), brand=st.just(scope.brand),
                     source=st.just("sms_keyword"), occurred_at=instants)
    any_scope = st.builds(
        OptOut, id=st.just("o"), channels=_one_of(channels) | st.just(frozenset({"all"})),
        purposes=_one_of(PURPOSES) | st.just(frozenset({"all"})), brand=st.sampled_from(BRANDS + ("*",)),
        source=st.just("agent"), occurred_at=instants)
    return mine | any_scope


def relationships():
    return st.builds(Relationship, id=st.just("r"), kind=st.sampled_from(["inquiry", "transaction"]),
                     brand=st.sampled_from(BRANDS), occurred_at=st.sampled_from(RELATIONSHIP_INSTANTS))


def attempts(channels):
    return st.builds(Attempt, id=st.just("a"), channel=st.sampled_from(channels),
                     purpose=st.just("informational"),  # never capped: a cap only defers
                     brand=st.sampled_from(BRANDS), occurred_at=instants,
                     outcome=st.sampled_from(["answered", "delivered", "disconnected", "bounced", "no_answer"]))


def memberships():
    return st.builds(SuppressionMembership, list_name=st.sampled_from(["dnc", "house"]),
                     kind=st.sampled_from(["national", "state", "internal", "litigator"]))


def undeliverable(channels):
    return st.builds(Undeliverable, channels=_one_of(channels), occurred_at=instants,
                     reason=st.sampled_from(["hard_bounce", "disconnected"]))


@st.composite
def cases(draw):
    """(question, scope, facts, policy_for): one question and the facts of the address it asks about."""
    address = draw(st.sampled_from(ADDRESSES))
    kind = kind_of(address)
    channels = channels_for_kind(kind)
    scope = Scope(draw(st.sampled_from(channels)), draw(st.sampled_from(PURPOSES)), draw(st.sampled_from(BRANDS)))
    facts = ContactFacts(
        address=address, kind=kind,
        consents=tuple(draw(st.lists(consents(channels, scope), max_size=4))),
        opt_outs=tuple(draw(st.lists(opt_outs(channels, scope), max_size=3))),
        relationships=tuple(draw(st.lists(relationships(), max_size=2))),
        attempts=tuple(draw(st.lists(attempts(channels), max_size=2))),
        suppressions=tuple(draw(st.lists(memberships(), max_size=2))),
        undeliverable=tuple(draw(st.lists(undeliverable(channels), max_size=1))))
    book = draw(st.sampled_from(BOOKS))

    def policy_for(brand: str):
        return book.get(brand, DEFAULT_POLICY)

    at = draw(instants)
    question = Question(address=address, kind=kind, channel=scope.channel, purpose=scope.purpose,
                        brand=scope.brand, at=at)
    return question, scope, facts, policy_for
