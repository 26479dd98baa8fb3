"""Hypothesis strategies for a scope's status: the decision strategies' cases (small shared pools
of instants around the question's moment and of scopes, see decision_strategies.py) under a
policy book in which one brand may have rules of its own.
"""
from __future__ import annotations

from decision_strategies import cases as decision_cases
from hypothesis import strategies as st

from registry.domain.policy import DEFAULT_POLICY, with_overrides
from registry.domain.scope_status import Scope

STRICT = with_overrides(DEFAULT_POLICY, {"basis": {"email:marketing": "consent"},
                                         "rejected_consent_sources": {"email": ["import"]}})
# The registry's policy book in miniature: brand acme has its own rules, every other brand the default.
BOOKS = ({}, {"acme": STRICT}, {"default": STRICT})


@st.composite
def cases(draw):
    """(question, scope, facts, policy_for): one question and the facts of the address it asks about."""
    question, facts = draw(decision_cases())
    book = draw(st.sampled_from(BOOKS))

    def policy_for(brand: str):
        return book.get(brand, DEFAULT_POLICY)

    return question, Scope(question.channel, question.purpose, question.brand), facts, policy_for
