"""Rules the mutation sample found unguarded after revision 2 landed (docs/testing.md)."""
from __future__ import annotations

from builders import ask, codes, consent, facts, opt_out, ts

from registry.domain import changes
from registry.domain.profile import named_scopes
from registry.domain.scope_status import Scope


def test_the_profile_names_the_scope_of_every_opt_out_not_only_the_last():
    """Every scope a recorded consent or opt-out names is in the profile: two opt-outs of different
    scopes give both, beside the consent's."""
    f = facts(consents=[consent(channels="sms", purposes="marketing")],
              opt_outs=[opt_out(channels="call", purposes="informational", at="2026-11-20T12:00:00Z"),
                        opt_out(channels="call", purposes="marketing", brand="acme", at="2026-11-21T12:00:00Z")])
    assert set(named_scopes(f)) == {Scope("sms", "marketing", "default"), Scope("call", "informational", "default"),
                                    Scope("call", "marketing", "acme")}


def test_start_undoes_only_a_keyword_opt_out_of_that_very_brand():
    """"START, unstop: undo that sender's last keyword opt-out for the brand": an opt-out the person
    made on the phone to that brand, or a keyword opt-out for another brand, is not undone."""
    by_phone = opt_out(channels="sms", brand="acme", source="agent", at="2026-11-20T12:00:00Z")
    other_brand = opt_out(channels="sms", brand="globex", source="sms_keyword", at="2026-11-21T12:00:00Z")
    f = facts(opt_outs=[by_phone, other_brand])
    assert changes.last_keyword_opt_out(f, "acme", ts("2026-11-25T12:00:00Z")) is None
    keyword = opt_out(channels="sms", brand="acme", source="sms_keyword", at="2026-11-22T12:00:00Z")
    f = facts(opt_outs=[by_phone, other_brand, keyword])
    assert changes.last_keyword_opt_out(f, "acme", ts("2026-11-25T12:00:00Z")) == keyword


STOP_AT, START_AT = "2026-11-29T12:00:00Z", "2026-12-01T20:00:00Z"  # START at noon in Los Angeles


def _stopped_then_started(*stops):
    """A consent to informational texts, then the person's keyword STOPs, then START (reply-9)."""
    f = facts(consents=[consent(channels="sms", purposes="informational", at="2026-11-20T12:00:00Z")],
              opt_outs=list(stops))
    return changes.undo_keyword_opt_out(f, "default", ts(START_AT), "reply-9")


def test_start_lets_the_consent_count_again_from_its_own_moment_on():
    """"START: undo that sender's last keyword opt-out for the brand, so the consents it had before
    count again": at the START's moment the text is allowed; a second before, the opt-out still holds."""
    f = _stopped_then_started(opt_out(channels="sms", source="sms_keyword", at=STOP_AT))
    assert ask(f, "sms", "informational", at=START_AT).decision == "allow"
    assert "opted_out" in codes(ask(f, "sms", "informational", at="2026-12-01T19:59:59Z"))


def test_the_undone_opt_out_says_when_and_by_which_reply():
    """The profile shows the opt-out kept, with ``undone_at`` and ``undone_by`` (the reply's id)."""
    (o,) = _stopped_then_started(opt_out(channels="sms", source="sms_keyword", at=STOP_AT)).opt_outs
    assert (o.undone_at, o.undone_by) == (ts(START_AT), "reply-9")


def test_start_undoes_the_last_keyword_opt_out_not_an_earlier_one():
    first = opt_out(channels="sms", source="sms_keyword", at="2026-11-25T12:00:00Z")
    last = opt_out(channels="sms", source="sms_keyword", at=STOP_AT)
    f = _stopped_then_started(first, last)
    assert [o.undone_by for o in f.opt_outs] == [None, "reply-9"]
    assert "opted_out" in codes(ask(f, "sms", "informational", at=START_AT))  # the earlier STOP still holds


def test_a_start_in_the_same_instant_as_the_stop_undoes_it():
    """An opt-out that occurred by the START's moment, that moment included (replies carry seconds)."""
    stop = opt_out(channels="sms", source="sms_keyword", at=START_AT)
    (o,) = _stopped_then_started(stop).opt_outs
    assert o.undone_by == "reply-9"
    assert ask(facts(opt_outs=[o], consents=[consent(channels="sms", purposes="informational")]), "sms",
               "informational", at=START_AT).decision == "allow"
