"""The profile's relationships (domain/profile.relationships_view): each with the end of the EBR it
gives (calendar months from its moment, docs/decisions.md) and whether that EBR is in force now,
from its own moment on, until (not at) its end."""
from __future__ import annotations

from builders import facts, relationship, ts

from registry.domain.policy import DEFAULT_POLICY
from registry.domain.profile import relationships_view


def test_each_relationship_with_its_ebr_end_and_whether_it_is_in_force():
    inquiry = relationship("inquiry", brand="acme", at="2026-11-30T12:00:00Z", source="web_form")
    f = facts(relationships=[inquiry])
    assert relationships_view(f, ts("2026-12-01T00:00:00Z"), DEFAULT_POLICY) == [
        {"kind": "inquiry", "brand": "acme", "occurred_at": "2026-11-30T12:00:00Z", "source": "web_form",
         "expires_at": "2027-02-28T12:00:00Z", "active": True, "void": False}]


def test_in_force_from_its_own_moment_until_its_end():
    f = facts(relationships=[relationship("transaction", at="2026-01-31T08:00:00Z")])
    [at_start] = relationships_view(f, ts("2026-01-31T08:00:00Z"), DEFAULT_POLICY)
    [before] = relationships_view(f, ts("2026-01-31T07:59:59Z"), DEFAULT_POLICY)
    [at_end] = relationships_view(f, ts("2027-07-31T08:00:00Z"), DEFAULT_POLICY)
    assert at_start["active"] and not before["active"] and not at_end["active"]
    assert at_end["expires_at"] == "2027-07-31T08:00:00Z"


def test_a_kind_the_policy_gives_no_ebr_has_no_end_and_is_never_in_force():
    f = facts(relationships=[relationship("newsletter", at="2026-11-30T12:00:00Z")])
    [view] = relationships_view(f, ts("2026-12-01T00:00:00Z"), DEFAULT_POLICY)
    assert view["expires_at"] is None and view["active"] is False and view["source"] is None
