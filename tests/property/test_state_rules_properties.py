"""The strictest state wins: properties of domain/state_rules.strictest_window and cap_for.

For any set of states and any local date: the strictest window lies inside every state's own window and inside the
federal 08:00-21:00; a state closed that day closes it; adding a state never widens it nor raises the cap. Checked
both over the real pack and over made-up states with random windows.
"""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain import state_rules
from registry.domain.state_rules import Cap, Cited, StateRule, cap_for, rules_for, strictest_window

PACK = state_rules.load_pack()
FEDERAL = ("08:00", "21:00")
CITED = Cited("made up", date(2026, 12, 1), "a test")

days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
pack_states = st.lists(st.sampled_from(sorted(PACK.states)), max_size=5)

times = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 15, 30, 59]))
windows = st.none() | st.tuples(times, times).filter(lambda w: w[0] < w[1])
codes = st.sampled_from(["NY", "NJ", "CA", "TX", "OR", "NV"])


@st.composite
def made_up_rules(draw) -> StateRule:
    per_24h = draw(st.none() | st.integers(1, 10))
    return StateRule(
        state=draw(codes),
        name="made up",
        applies_to="all",
        days=tuple(draw(windows) for _ in range(7)),
        hours_cited=CITED,
        closed_holidays=frozenset(),
        holidays_cited=None,
        cap=None if per_24h is None else Cap(per_24h, ("call", "sms"), True, CITED),
        dnc=None,
        notes="",
    )


any_rules = st.lists(made_up_rules(), max_size=4, unique_by=lambda rule: rule.state) | pack_states.map(rules_for)


def inside(inner: tuple[str, str], outer: tuple[str, str]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


@settings(max_examples=300)
@given(rules=any_rules, day=days)
def test_the_strictest_window_is_inside_every_window_and_the_federal_one(rules, day):
    window = strictest_window(rules, day)
    own = [rule.hours(day) for rule in rules]
    if window is None:
        open_ = [w for w in own if w is not None]
        closed_somewhere = len(open_) < len(own)
        if not closed_somewhere:
            start = max([FEDERAL[0], *(w[0] for w in open_)])
            end = min([FEDERAL[1], *(w[1] for w in open_)])
            assert start >= end  # only closed when a state is closed or the windows do not meet
        return
    assert window.start < window.end
    assert inside(window.pair(), FEDERAL)
    for hours in own:
        assert hours is not None and inside(window.pair(), hours)
    setters = {"US": FEDERAL, **{rule.state: rule.hours(day) for rule in rules}}
    assert window.start_set_by and window.end_set_by
    assert any(setters[who][0] == window.start for who in window.start_set_by)  # type: ignore[index]
    assert any(setters[who][1] == window.end for who in window.end_set_by)  # type: ignore[index]


@settings(max_examples=300)
@given(rules=any_rules, extra=made_up_rules() | st.sampled_from(sorted(PACK.states)).map(lambda c: PACK.states[c]), day=days)
def test_adding_a_state_never_widens_the_window_nor_raises_the_cap(rules, extra, day):
    before = strictest_window(rules, day)
    after = strictest_window([*rules, extra], day)
    if before is None:
        assert after is None
    elif after is not None:
        assert inside(after.pair(), before.pair())
    cap_before, cap_after = cap_for(rules), cap_for([*rules, extra])
    if cap_before is not None:
        assert cap_after is not None and cap_after.per_24h <= cap_before.per_24h


@settings(max_examples=200)
@given(states=pack_states, day=days)
def test_the_order_of_the_states_does_not_matter(states, day):
    rules = rules_for(states)
    window, backwards = strictest_window(rules, day), strictest_window(list(reversed(rules)), day)
    assert (window and window.pair()) == (backwards and backwards.pair())
    assert (window and set(window.start_set_by)) == (backwards and set(backwards.start_set_by))
