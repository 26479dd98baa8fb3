"""Pure rules of erasure: which late facts are taken, and how an erased address leaves a record."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from registry.domain import changes
from registry.domain.documents import ERASED, redact
from registry.domain.facts import ContactFacts, OptOut

ERASED_AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_facts_dated_after_an_erasure_are_the_person_coming_back():
    later = ERASED_AT + timedelta(microseconds=1)
    for kind in ("consent.granted", "relationship.recorded", "contact.attempted", "opt_out.recorded"):
        assert changes.after_erasure(kind, later, ERASED_AT) == changes.ACCEPT
        assert changes.after_erasure(kind, ERASED_AT - timedelta(days=9), None) == changes.ACCEPT  # never erased


def test_facts_dated_at_or_before_an_erasure_are_refused_but_opt_outs_are_kept():
    for when in (ERASED_AT, ERASED_AT - timedelta(days=3)):
        for kind in ("consent.granted", "relationship.recorded", "contact.attempted", "contact.undeliverable",
                     "preferences.updated"):
            assert changes.after_erasure(kind, when, ERASED_AT) == changes.REFUSE, kind
        assert changes.after_erasure("opt_out.recorded", when, ERASED_AT) == changes.KEEP_AS_ERASED


def test_opt_outs_up_to_the_erasure_lose_their_notes_and_later_ones_keep_them():
    def opt_out(fact_id, when):
        return OptOut(id=fact_id, channels=frozenset({"sms"}), purposes=frozenset({"all"}), brand="*",
                      source="agent", occurred_at=when, note=f"note {fact_id}")

    facts = ContactFacts(address="", kind="phone",
                         opt_outs=(opt_out("a", ERASED_AT - timedelta(days=1)), opt_out("b", ERASED_AT),
                                   opt_out("c", ERASED_AT + timedelta(seconds=1))))
    kept = changes.strip_notes_until(facts, ERASED_AT)
    assert [o.note for o in kept.opt_outs] == [None, None, "note c"]


def test_redact_drops_the_address_from_lists_and_texts_and_leaves_the_rest():
    phone = "+14155550187"
    doc = {"preferences": {"linked_addresses": [phone, "+14155550100"], "timezone": "Europe/Paris"},
           "note": f"call {phone} after 5", "n": 3, "nested": [{"to": phone}], "other": None}
    assert redact(doc, phone) == {
        "preferences": {"linked_addresses": ["+14155550100"], "timezone": "Europe/Paris"},
        "note": f"call {ERASED} after 5", "n": 3, "nested": [{"to": ERASED}], "other": None}
    assert redact(doc, "x@example.com") == doc
    assert redact(None, phone) is None
