"""A contact's list memberships are read back in the lists' name order (then kind), whatever
order storage gives them in; each is its list's name and kind (documents.membership_token)."""
from __future__ import annotations

from registry.domain.documents import facts_from_document, membership_token
from registry.domain.facts import SuppressionMembership


def test_memberships_are_read_in_name_order():
    tokens = [membership_token("zeta", "national"), membership_token("alpha", "internal"),
              membership_token("mid.list-2", "litigator")]
    facts = facts_from_document("+14155550123", "phone", {}, tokens)
    assert facts.suppressions == (SuppressionMembership("alpha", "internal"),
                                  SuppressionMembership("mid.list-2", "litigator"),
                                  SuppressionMembership("zeta", "national"))
    assert facts_from_document("+14155550123", "phone", {}, reversed(tokens)).suppressions == facts.suppressions
