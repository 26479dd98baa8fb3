"""Rules the mutation sample found unguarded after revision 2 landed (docs/testing.md)."""
from __future__ import annotations

from builders import consent, facts, opt_out, ts

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
