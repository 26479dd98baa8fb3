"""An established business relationship gives the brand a basis from its own moment until its end
(domain/ebr.py), whichever of several relationships is in force, also when two end together."""
from __future__ import annotations

from builders import ask, codes, facts, relationship, ts

from registry.domain.ebr import ebr_in_force
from registry.domain.policy import DEFAULT_POLICY

AT = "2026-12-01T20:00:00Z"


def test_from_its_own_moment():
    f = facts(relationships=[relationship(at=AT)])
    assert ask(f, at=AT).decision == "allow"  # call marketing: consent or EBR
    assert "no_consent" in codes(ask(f, at="2026-12-01T19:59:59Z"))


def test_two_relationships_that_end_together_still_give_it():
    same_end = [relationship("inquiry", at="2026-11-01T12:00:00Z"), relationship("inquiry", at="2026-11-01T12:00:00Z")]
    assert ebr_in_force(same_end, "default", ts(AT), DEFAULT_POLICY) in same_end
    assert ask(facts(relationships=same_end), at=AT).decision == "allow"


def test_the_longest_lasting_is_the_one_in_force():
    inquiry = relationship("inquiry", at="2026-11-01T12:00:00Z")
    transaction = relationship("transaction", at="2026-10-01T12:00:00Z")
    assert ebr_in_force([inquiry, transaction], "default", ts(AT), DEFAULT_POLICY) is transaction
    assert ebr_in_force([transaction, inquiry], "default", ts(AT), DEFAULT_POLICY) is transaction
