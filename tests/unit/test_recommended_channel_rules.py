"""recommended_channel (contract): the channel the contact prefers if it is allowed now for this
purpose and brand, else any other allowed channel of the contact's known addresses (their own,
then the linked ones, each as the registry knows it, or as an empty contact), else null; none
while the contact has asked for a pause."""
from __future__ import annotations

from builders import EMAIL, LA_PHONE, NOON_LA, ask, consent, facts, opt_out, prefs

OTHER_PHONE = "+14155550199"


def test_a_linked_address_listed_after_the_contacts_own_is_still_considered():
    own = facts(opt_outs=[opt_out(channels="all")], preferences=prefs(linked_addresses=[LA_PHONE, EMAIL]))
    assert ask(own, linked={}).recommended_channel == "email"


def test_a_linked_phone_the_registry_never_saw_is_reached_where_it_is_daytime():
    own = facts(EMAIL, opt_outs=[opt_out(channels="email")], preferences=prefs(linked_addresses=[LA_PHONE]))
    assert ask(own, channel="email", purpose="informational", at=NOON_LA).recommended_channel == "call"


def test_another_number_of_the_contact_may_take_the_call_this_one_may_not():
    own = facts(opt_outs=[opt_out(channels="call")], preferences=prefs(linked_addresses=[OTHER_PHONE]))
    other = facts(OTHER_PHONE, consents=[consent()])
    result = ask(own, linked={OTHER_PHONE: other})
    assert result.decision == "deny" and result.recommended_channel == "call"


def test_a_pause_holds_back_the_recommendation_until_its_end_not_at_it():
    own = facts(consents=[consent()], preferences=prefs(snooze_until=NOON_LA))
    assert ask(own, at="2026-12-01T19:59:59Z").recommended_channel is None
    assert ask(own, at=NOON_LA).recommended_channel == "call"


def test_another_number_is_recommended_only_for_the_same_kind_of_call():
    """The question asked of the other addresses is this one: a prerecorded marketing call needs a
    written consent there too, so an express consent on the other number recommends nothing; for a
    manual call it would."""
    own = facts(consents=[consent()], preferences=prefs(linked_addresses=[OTHER_PHONE]))
    other = facts(OTHER_PHONE, consents=[consent()])
    robocall = ask(own, linked={OTHER_PHONE: other}, dialing="prerecorded")
    assert robocall.decision == "deny" and robocall.recommended_channel is None
    assert ask(own, linked={OTHER_PHONE: other}).recommended_channel == "call"
