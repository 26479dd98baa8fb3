"""Who may lift what, written consent and reassigned numbers (contract rev. 2, issue 9 items 4-6),
as properties over generated facts.

The facts come from small pools (four moments, two brands, every source, both grades, every
dialing mode, a reassignment or not) so ties, an opt-out and a consent at the same moment, and a
consent at the very moment of a reassignment are common.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain.decide import Question, decide
from registry.domain.facts import Attempt, Consent, ContactFacts, OptOut, Preferences, Reassignment, Relationship
from registry.domain.facts import SuppressionMembership as Member
from registry.domain.policy import DEFAULT_POLICY
from registry.domain.reassignment import reassigned_at
from registry.domain.vocabulary import FIRST_PARTY_SOURCES, ROBO_DIALING, Dialing, Source

SETTINGS = settings(max_examples=400, deadline=None)
INSTANTS = tuple(datetime(2026, 12, d, 20, tzinfo=UTC) for d in (1, 2, 3, 4))  # noon in Los Angeles
PHONE = "+14155550123"
BRANDS = ("default", "acme")
NOT_FIRST_PARTY = tuple(sorted(set(Source) - FIRST_PARTY_SOURCES))

instants = st.sampled_from(INSTANTS)


def consents(channel: str, purpose: str, brand: str, sources=tuple(Source)):
    return st.builds(Consent, id=st.text("cdef", min_size=1, max_size=3),
                     channels=st.just(frozenset({channel})) | st.just(frozenset({"call", "sms"})),
                     purposes=st.just(frozenset({purpose})) | st.just(frozenset({"marketing", "informational"})),
                     brand=st.just(brand) | st.sampled_from(BRANDS), source=st.sampled_from(sources),
                     occurred_at=instants, expires_at=st.none() | instants, grade=st.sampled_from(["express", "written"]))


def opt_outs(channel: str, brand: str):
    return st.builds(OptOut, id=st.just("o"), channels=st.just(frozenset({channel})) | st.just(frozenset({"all"})),
                     purposes=st.just(frozenset({"all"})) | st.just(frozenset({"marketing"})),
                     brand=st.just(brand) | st.just("*"), source=st.sampled_from(tuple(Source)), occurred_at=instants)


@st.composite
def cases(draw, channel=None, purpose=None):
    """(question, facts): a question about one phone number, and what the registry knows of it."""
    channel = channel or draw(st.sampled_from(["call", "sms"]))
    purpose = purpose or draw(st.sampled_from(["marketing", "informational"]))
    brand = draw(st.sampled_from(BRANDS))
    dialing = draw(st.none() | st.sampled_from(list(Dialing)))
    facts = ContactFacts(
        address=PHONE, kind="phone",
        consents=tuple(draw(st.lists(consents(channel, purpose, brand), max_size=4))),
        opt_outs=tuple(draw(st.lists(opt_outs(channel, brand), max_size=2))),
        relationships=tuple(draw(st.lists(st.builds(
            Relationship, id=st.just("r"), kind=st.sampled_from(["inquiry", "transaction"]),
            brand=st.sampled_from(BRANDS), occurred_at=instants), max_size=2))),
        attempts=tuple(draw(st.lists(st.builds(
            Attempt, id=st.just("a"), channel=st.sampled_from(["call", "sms"]), purpose=st.just("informational"),
            brand=st.sampled_from(BRANDS), occurred_at=instants,
            outcome=st.sampled_from(["answered", "delivered", "no_answer", "wrong_party", "disconnected"])),
            max_size=2))),
        preferences=Preferences(line_type=draw(st.none() | st.sampled_from(["wireless", "landline", "voip"]))),
        suppressions=tuple(draw(st.lists(st.builds(Member, list_name=st.just("dnc"),
                                                   kind=st.sampled_from(["national", "state"])), max_size=1))),
        reassignments=tuple(draw(st.lists(st.builds(Reassignment, id=st.just("x"), occurred_at=instants,
                                                    cause=st.just("reassigned_check")), max_size=1))))
    question = Question(address=PHONE, kind="phone", channel=channel, purpose=purpose, brand=brand,
                        at=draw(instants), dialing=dialing)
    return question, facts


def codes(decision) -> set[str]:
    return {r.code for r in decision.reasons}


@SETTINGS
@given(cases(), st.data())
def test_no_consent_from_a_source_other_than_the_person_ever_lifts_an_opt_out(case, data):
    """However new, whatever its grade: a consent from a CRM, an import, a list, a dialer, the
    API ... never turns an opted-out deny into anything else, and never removes ``opted_out``."""
    question, facts = case
    extra = data.draw(st.lists(consents(question.channel, question.purpose, question.brand, NOT_FIRST_PARTY),
                               min_size=1, max_size=3))
    before = decide(question, facts, DEFAULT_POLICY)
    after = decide(question, replace(facts, consents=facts.consents + tuple(extra)), DEFAULT_POLICY)
    if "opted_out" in codes(before):
        assert after.decision == "deny" and "opted_out" in codes(after), (before.reasons, after.reasons)


@SETTINGS
@given(cases(), st.sampled_from(NOT_FIRST_PARTY))
def test_a_deny_never_turns_into_an_allow_by_a_third_party_consent_after_an_opt_out(case, source):
    """The same, where the consent is for exactly the scope asked about, written, and newest of all."""
    question, facts = case
    extra = Consent(id="late", channels=frozenset({question.channel}), purposes=frozenset({question.purpose}),
                    brand=question.brand, source=source, occurred_at=question.at, grade="written")
    before = decide(question, facts, DEFAULT_POLICY)
    after = decide(question, replace(facts, consents=facts.consents + (extra,)), DEFAULT_POLICY)
    if before.decision == "deny" and "opted_out" in codes(before):
        assert after.decision == "deny"


def _void(facts: ContactFacts, at: datetime) -> ContactFacts:
    """The facts without the consents and relationships a reassignment by ``at`` voids."""
    when = reassigned_at(facts, at)
    if when is None:
        return facts
    return replace(facts, consents=tuple(c for c in facts.consents if c.occurred_at > when),
                   relationships=tuple(r for r in facts.relationships if r.occurred_at > when))


@SETTINGS
@given(cases(), st.lists(st.builds(Attempt, id=st.just("later"), channel=st.sampled_from(["call", "sms"]),
                                   purpose=st.sampled_from(["marketing", "informational"]), brand=st.sampled_from(BRANDS),
                                   occurred_at=instants, outcome=st.sampled_from(["answered", "delivered"])),
                         max_size=2))
def test_a_reassignment_never_lets_an_older_consent_count_again(case, answered):
    """Whatever happened after it (a call answered, a text delivered), the answer is the one the
    registry would give had the consents and EBR from before the reassignment never existed,
    except that it says why (``consent_void``)."""
    question, facts = case
    facts = replace(facts, attempts=facts.attempts + tuple(answered))
    with_old = decide(question, facts, DEFAULT_POLICY)
    without = decide(question, _void(facts, question.at), DEFAULT_POLICY)
    assert with_old.decision == without.decision, (with_old.reasons, without.reasons)
    assert codes(with_old) - {"consent_void"} == codes(without)
    if "consent_void" in codes(with_old):
        (reason,) = [r for r in with_old.reasons if r.code == "consent_void"]
        assert reason.reassigned_at == reassigned_at(facts, question.at)


def _written_in_force(facts: ContactFacts, q: Question) -> bool:
    """An oracle written from the contract: a written consent for the scope and brand, by the moment,
    not expired, not from a bought list, newer than any reassignment, and newer than every opt-out
    that covers the scope unless there is none (then from the person's own act)."""
    when = reassigned_at(facts, q.at)
    blockers = [o.occurred_at for o in facts.opt_outs if o.occurred_at <= q.at
                and (q.channel in o.channels or "all" in o.channels)
                and (q.purpose in o.purposes or "all" in o.purposes) and o.brand in (q.brand, "*")]
    for c in facts.consents:
        if not (c.grade == "written" and q.channel in c.channels and q.purpose in c.purposes and c.brand == q.brand):
            continue
        if c.occurred_at > q.at or (c.expires_at is not None and q.at >= c.expires_at):
            continue
        if c.source == "purchased_list" or (when is not None and c.occurred_at <= when):
            continue
        if blockers and (c.occurred_at <= max(blockers) or c.source not in FIRST_PARTY_SOURCES):
            continue
        return True
    return False


@SETTINGS
@given(cases(channel="sms", purpose="marketing"))
def test_an_allow_for_marketing_texts_implies_a_written_consent_in_force(case):
    question, facts = case
    if decide(question, facts, DEFAULT_POLICY).allowed:
        assert _written_in_force(facts, question)


@SETTINGS
@given(cases(channel="call", purpose="marketing"))
def test_an_allow_for_a_marketing_robocall_implies_a_written_consent_in_force(case):
    question, facts = case
    if question.dialing in ROBO_DIALING and decide(question, facts, DEFAULT_POLICY).allowed:
        assert _written_in_force(facts, question)


@SETTINGS
@given(cases(purpose="informational"))
def test_an_informational_robocall_to_a_number_that_may_be_wireless_is_allowed_only_with_consent(case):
    question, facts = case
    robo = question.channel == "sms" or question.dialing in ROBO_DIALING
    if robo and facts.preferences.line_type != "landline" and decide(question, facts, DEFAULT_POLICY).allowed:
        assert decide(question, replace(facts, consents=()), DEFAULT_POLICY).decision == "deny"
