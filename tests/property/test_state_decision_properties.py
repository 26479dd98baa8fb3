"""The strictest state wins, in decisions (issue 12 item 2): adding a state (the one on file) never turns a deny or a
defer into an allow, nor brings next_allowed_at earlier; next_allowed_at never lands on a day a state closes nor
outside any applicable window, in any of the number's zones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain import state_rules
from registry.domain.decide import Question, decide
from registry.domain.facts import Attempt, Consent, ContactFacts, Preferences
from registry.domain.location import locate
from registry.domain.policy import DEFAULT_POLICY

PACK = state_rules.load_pack()
STATES = sorted(PACK.states)
# area codes of pack states (FL, TX, LA, AL, UT, RI, MD, OK), and of states with no stricter rule (NY, CA)
NUMBERS = ["+13055550123", "+12145550123", "+15045550123", "+12055550123", "+18015550123", "+14015550123",
           "+14105550123", "+14055550123", "+12125550123", "+14155550123"]
RANK = {"deny": 0, "defer": 1, "allow": 2}  # the more permissive, the higher

moments = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))


@st.composite
def attempts_before(draw, at: datetime) -> tuple[Attempt, ...]:
    out = []
    for i in range(draw(st.integers(0, 5))):
        ago = draw(st.integers(1, 48 * 60))
        out.append(Attempt(id=f"a{i}", channel=draw(st.sampled_from(["call", "sms"])),
                           purpose=draw(st.sampled_from(["marketing", "marketing", "informational"])),
                           brand=draw(st.sampled_from(["default", "default", "other"])),
                           occurred_at=at - timedelta(minutes=ago), outcome="no_answer"))
    return tuple(out)


@st.composite
def cases(draw):
    at = draw(moments)
    number = draw(st.sampled_from(NUMBERS))
    channel = draw(st.sampled_from(["call", "sms"]))
    dialing = None if channel == "sms" else draw(st.sampled_from([None, "autodialed"]))
    purpose = draw(st.sampled_from(["marketing", "marketing", "informational"]))
    on_file = draw(st.none() | st.sampled_from(STATES))
    attempts = draw(attempts_before(at))
    return at, number, channel, dialing, purpose, on_file, attempts


CONSENT = Consent(id="c1", channels=frozenset({"call", "sms"}), purposes=frozenset({"marketing", "informational"}),
                  brand="default", source="web_form", occurred_at=datetime(2025, 1, 1, tzinfo=UTC), grade="written",
                  evidence={"disclosure_text": "d", "signature": "s"})


def ask(at, number, channel, dialing, purpose, state, attempts):
    facts = ContactFacts(address=number, kind="phone", consents=(CONSENT,), attempts=attempts,
                         preferences=Preferences(state=state))
    return decide(Question(number, "phone", channel, purpose, "default", at, dialing), facts, DEFAULT_POLICY)


@settings(max_examples=250)
@given(case=cases(), extra=st.sampled_from(STATES))
def test_adding_a_state_never_makes_a_decision_more_permissive(case, extra):
    at, number, channel, dialing, purpose, _, attempts = case
    alone = ask(at, number, channel, dialing, purpose, None, attempts)
    added = ask(at, number, channel, dialing, purpose, extra, attempts)
    assert RANK[added.decision] <= RANK[alone.decision]
    if added.decision == "defer" and added.next_allowed_at is not None:
        # every moment allowed with the extra state is allowed without it: its first is no earlier
        assert alone.decision == "allow" or (alone.next_allowed_at is not None
                                             and alone.next_allowed_at <= added.next_allowed_at)
    if alone.decision == "defer" and alone.next_allowed_at is None:
        assert added.decision == "defer" and added.next_allowed_at is None


@settings(max_examples=250)
@given(case=cases())
def test_next_allowed_at_is_open_in_every_applicable_state_and_zone(case):
    at, number, channel, dialing, purpose, on_file, attempts = case
    decision = ask(at, number, channel, dialing, purpose, on_file, attempts)
    if decision.decision != "defer" or decision.next_allowed_at is None:
        return
    moment = decision.next_allowed_at
    where = locate(number, "phone", Preferences(state=on_file))
    rules = state_rules.applicable(where.states, channel, purpose, dialing)
    for zone in decision.timezones:
        local = moment.astimezone(ZoneInfo(zone))
        for rule in rules:
            assert state_rules.closure(rule, local.date()) is None, (rule.state, local)
            assert state_rules.shut_at(rule, local) is None, (rule.state, local)
    again = ask(moment, number, channel, dialing, purpose, on_file, attempts)
    assert not {"quiet_hours", "frequency_cap"} & {r.code for r in again.reasons}, again.reasons
