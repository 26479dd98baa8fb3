"""Policy versions (issue 12 item 3): for any moment, the version in force is the latest whose
effective_from is at or before it (a tie: the later one; before the first federal one: the first);
a brand's versions, added one after another, never change what was in force before they were added.

Moments come from a small pool around the versions' starts (exactly at one, a microsecond either
side), so the boundaries come up in most draws."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain.errors import Conflict
from registry.domain.policy_versions import (
    BrandVersion,
    add_brand_version,
    brand_version_at,
    federal_at,
    federal_versions,
    in_force_index,
    policy_at,
)

SETTINGS = settings(max_examples=300, deadline=None)
US = timedelta(microseconds=1)
DAY0 = datetime(2026, 1, 1, tzinfo=UTC)
STARTS = st.lists(st.integers(0, 6), max_size=6).map(lambda days: [DAY0 + timedelta(days=d) for d in sorted(days)])


def around(starts):
    """Moments at, just before and just after each start, and far from all of them."""
    pool = [DAY0 - timedelta(days=400), DAY0 + timedelta(days=400)]
    for s in starts:
        pool += [s - US, s, s + US]
    return st.sampled_from(pool)


def oracle(starts, at):
    """Straight from the rule: the last (in order) of those that started by then."""
    started = [i for i, s in enumerate(starts) if s is None or s <= at]
    return started[-1] if started else None


@SETTINGS
@given(st.data(), STARTS, st.booleans())
def test_the_version_in_force_is_the_latest_started_by_then(data, starts, from_the_beginning):
    starts = ([None] if from_the_beginning else []) + starts
    at = data.draw(around([s for s in starts if s is not None]))
    assert in_force_index(starts, at) == oracle(starts, at)
    versions = [BrandVersion(n, s, {"hot_days": n}) for n, s in enumerate(starts, start=1)]
    chosen = brand_version_at(versions, at)
    expected = oracle(starts, at)
    assert chosen == (versions[expected] if expected is not None else None)
    if chosen is not None:  # the policy applied is that version's, named by it
        assert policy_at("acme", versions, at).hot_days == chosen.number
        assert policy_at("acme", versions, at).version.endswith(f"+brand-acme-{chosen.number}")


@SETTINGS
@given(st.data())
def test_the_federal_version_in_force_is_the_latest_started_or_the_first(data):
    versions = federal_versions()
    at = data.draw(around([v.effective_from for v in versions]))
    started = [v for v in versions if v.effective_from <= at]
    assert federal_at(at) == (started[-1] if started else versions[0])


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 5), st.one_of(st.none(), st.integers(0, 8)), st.integers(0, 3)),
                max_size=8), st.data())
def test_adding_a_version_never_changes_what_was_in_force_before_it_was_added(puts, data):
    """Each PUT comes at ``now`` (never going back), with or without a later effective_from: whatever
    was in force at any moment before that PUT's ``now`` stays so, and a refused PUT changes nothing."""
    versions: tuple[BrandVersion, ...] = ()
    now = DAY0
    for step, ahead, value in puts:
        now += timedelta(days=step)
        moments = [now - timedelta(days=d) - US for d in range(0, 10)]
        before = {m: brand_version_at(versions, m) for m in moments}
        start = now + timedelta(days=ahead) if ahead is not None else None
        try:
            added = add_brand_version(versions, {"hot_days": value}, now, start)
        except Conflict:
            continue  # before a scheduled version: nothing written
        assert added[:len(versions)] == versions  # the versions before are kept, unedited
        assert {m: brand_version_at(added, m) for m in moments} == before
        if len(added) > len(versions):
            assert brand_version_at(added, start or now).overrides == {"hot_days": value}
            assert added[-1].number == (versions[-1].number + 1 if versions else 1)
        versions = added
