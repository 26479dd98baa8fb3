"""Every generated fact survives its document: facts -> stored document -> facts is the identity,
in the stored form and in the answer form (older records hold that one), through JSON."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from decision_strategies import cases
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain.documents import document_from_facts, facts_from_document
from registry.domain.facts import ContactHours
from registry.domain.timeutil import EARLIEST, LATEST

# Any instant the registry stores, to the microsecond.
_INSTANTS = st.integers(0, int((LATEST - EARLIEST).total_seconds() * 1_000_000)).map(
    lambda us: EARLIEST + timedelta(microseconds=us))
_TEXT = st.text(max_size=12)
_EVIDENCE = st.none() | st.dictionaries(_TEXT, st.none() | _TEXT | st.integers() | st.lists(_TEXT, max_size=3),
                                        max_size=3)


@st.composite
def _facts(draw):
    _, facts = draw(cases())
    # fields the decision strategies leave at their defaults, and instants anywhere in the range, to the microsecond
    consents = tuple(replace(c, evidence=draw(_EVIDENCE), recorded_at=draw(st.none() | _INSTANTS))
                     for c in facts.consents)
    opt_outs = tuple(replace(o, note=draw(st.none() | _TEXT), recorded_at=draw(st.none() | _INSTANTS))
                     for o in facts.opt_outs)
    attempts = tuple(replace(a, occurred_at=draw(_INSTANTS)) for a in facts.attempts)
    prefs = replace(facts.preferences, snooze_until=draw(st.none() | _INSTANTS),
                    linked_addresses=tuple(draw(st.lists(_TEXT, max_size=3))))
    return facts.with_changes(consents=consents, opt_outs=opt_outs, attempts=attempts, preferences=prefs)


@settings(max_examples=150, deadline=None)
@given(_facts())
def test_stored_document_round_trips(facts) -> None:
    doc = json.loads(json.dumps(document_from_facts(facts)))
    tokens = [f"{m.kind}:{m.list_name}" for m in facts.suppressions]
    assert facts_from_document(facts.address, facts.kind, doc, tokens) == facts.with_changes(
        suppressions=tuple(sorted(facts.suppressions, key=lambda m: (m.list_name, m.kind))))


@settings(max_examples=150, deadline=None)
@given(_facts())
def test_answer_form_reads_back_as_the_same_facts(facts) -> None:
    for fact in (*facts.consents, *facts.opt_outs, *facts.relationships, *facts.attempts, *facts.undeliverable,
                 facts.preferences):
        assert type(fact).from_document(json.loads(json.dumps(fact.to_document()))) == fact


@given(st.builds(ContactHours, start=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
                 end=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
                 days=st.frozensets(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]))))
def test_contact_hours_round_trip_in_week_order(hours) -> None:
    doc = hours.to_document()
    order = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert doc["days"] == [d for d in order if d in hours.days]
    assert ContactHours.from_document(doc) == hours

