"""The one text confirming an opt-out (contract rev. 2; 47 CFR 64.1200(a)(12)): allowed once, until
send_by (received + 5 minutes), whatever the hour, the caps or the opt-out itself say."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from registry.domain.decide import check_question
from registry.domain.errors import InvalidRequest
from registry.domain.opt_out_confirmation import WINDOW, confirmable, refusal, send_by
from tests.unit.builders import LA_PHONE, ask, attempt, codes, consent, facts, member, opt_out, prefs, ts, undeliverable

RECEIVED = "2026-12-02T06:00:00Z"  # 22:00 in Los Angeles: quiet hours
C = "opt_out_confirmation"


def stop(brand="default", source="sms_keyword", channels=("sms",), received=RECEIVED, at=None, undone=None):
    o = opt_out(channels=channels, brand=brand, source=source, at=at or received)
    return replace(o, recorded_at=ts(received), undone_at=ts(undone) if undone else None)


def after(minutes: float, base: str = RECEIVED) -> str:
    return (ts(base) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_send_by_is_five_minutes_after_receipt():
    assert WINDOW == timedelta(minutes=5)
    assert send_by(ts(RECEIVED)) == ts("2026-12-02T06:05:00Z")


@pytest.mark.parametrize("minutes", [0, 0.5, 4.99, 5])
def test_allowed_until_send_by_even_in_quiet_hours_and_after_the_opt_out(minutes):
    f = facts(consents=[consent("sms", at="2026-11-01T12:00:00Z")], opt_outs=[stop()])
    d = ask(f, "sms", C, at=after(minutes))
    assert d.decision == "allow" and d.reasons == () and d.recommended_channel == "sms"
    # the same moment, any other purpose: the opt-out and the hour hold
    assert "opted_out" in codes(ask(f, "sms", "informational", at=after(minutes)))


@pytest.mark.parametrize("minutes", [5.001, 6, 60 * 24])
def test_never_after_send_by(minutes):
    d = ask(facts(opt_outs=[stop()]), "sms", C, at=after(minutes))
    assert d.decision == "deny" and codes(d) == ["opted_out"]
    assert "until 2026-12-02T06:05:00Z" in d.reasons[0].message and "64.1200(a)(12)" in d.reasons[0].message


def test_once_only():
    sent = replace(attempt("sms", C, at=after(1)), recorded_at=ts(after(1)))
    d = ask(facts(opt_outs=[stop()], attempts=[sent]), "sms", C, at=after(2))
    assert d.decision == "deny" and codes(d) == ["opted_out"] and "already sent" in d.reasons[0].message
    # an attempt recorded after the opt-out counts even when dated before it (a back-dated report)
    early = replace(attempt("sms", C, at=after(-60)), recorded_at=ts(after(1)))
    assert ask(facts(opt_outs=[stop()], attempts=[early]), "sms", C, at=after(2)).decision == "deny"
    # a confirmation of an earlier opt-out does not spend this one's
    old = replace(attempt("sms", C, at=after(-60)), recorded_at=ts(after(-60)))
    assert ask(facts(opt_outs=[stop()], attempts=[old]), "sms", C, at=after(2)).decision == "allow"


def test_caps_quiet_hours_and_a_pause_do_not_hold_it_back():
    capped = [attempt("sms", "marketing", at=after(-i)) for i in range(1, 6)]
    f = facts(opt_outs=[stop()], attempts=capped, preferences=prefs(snooze_until="2027-01-01T00:00:00Z",
                                                                    timezone="America/New_York"))
    assert ask(f, "sms", C, at=after(1)).decision == "allow"


def test_nothing_to_confirm():
    d = ask(facts(consents=[consent("sms")]), "sms", C, at=after(1))
    assert d.decision == "deny" and codes(d) == ["no_consent"] and "no opt-out" in d.reasons[0].message
    # an opt-out of calls only is not one a text confirms
    assert codes(ask(facts(opt_outs=[stop(channels=("call",))]), "sms", C, at=after(1))) == ["no_consent"]
    # another brand's opt-out is not this brand's
    assert codes(ask(facts(opt_outs=[stop(brand="acme")]), "sms", C, at=after(1))) == ["no_consent"]
    # an opt-out the person undid with START needs no confirmation
    undone = stop(undone=after(1))
    assert codes(ask(facts(opt_outs=[undone]), "sms", C, at=after(2))) == ["no_consent"]


def test_an_opt_out_of_every_brand_or_channel_is_confirmed_for_the_brand_asked():
    assert ask(facts(opt_outs=[stop(brand="*")]), "sms", C, brand="acme", at=after(1)).decision == "allow"
    assert ask(facts(opt_outs=[stop(channels=("all",))]), "sms", C, at=after(1)).decision == "allow"


def test_only_an_opt_out_the_person_made():
    for source in ("crm", "import", "dialer", "api", "email_feedback"):
        d = ask(facts(opt_outs=[stop(source=source)]), "sms", C, at=after(1))
        assert d.decision == "deny" and codes(d) == ["opted_out"], source
    for source in ("sms_keyword", "web_form", "inbound_call", "agent", "preference_center"):
        assert ask(facts(opt_outs=[stop(source=source)]), "sms", C, at=after(1)).decision == "allow", source


def test_the_newest_opt_out_is_the_one_confirmed():
    older = stop(received=after(-30))
    newer = stop(received=RECEIVED)
    f = facts(opt_outs=[older, newer])
    assert ask(f, "sms", C, at=after(3)).decision == "allow"
    assert ask(f, "sms", C, at=after(6)).decision == "deny"


def test_receipt_not_occurrence_opens_the_window():
    """A reply dated days earlier, received now: five minutes from receipt (the contract's words)."""
    late = stop(at="2026-11-25T12:00:00Z", received=RECEIVED)
    assert ask(facts(opt_outs=[late]), "sms", C, at=after(1)).decision == "allow"
    assert ask(facts(opt_outs=[late]), "sms", C, at="2026-11-25T12:01:00Z").decision == "deny"  # not received yet


def test_lists_and_a_dead_number_still_hold_it_back():
    d = ask(facts(opt_outs=[stop()], suppressions=[member("lit", "litigator")]), "sms", C, at=after(1))
    assert d.decision == "deny" and codes(d) == ["on_suppression_list"]
    assert ask(facts(opt_outs=[stop()], suppressions=[member("dnc", "national")]), "sms", C,
               at=after(1)).decision == "allow"  # national lists bar telemarketing only
    dead = undeliverable(("call", "sms"), at=after(-1), reason="disconnected")
    assert codes(ask(facts(opt_outs=[stop()], undeliverable=[dead]), "sms", C, at=after(1))) == ["undeliverable"]


def test_every_reason_holding_it_back_is_listed():
    """Sent once already, on a litigator list and the number dead: the answer names all three."""
    sent = replace(attempt("sms", C, at=after(1)), recorded_at=ts(after(1)))
    dead = undeliverable(("call", "sms"), at=after(-1), reason="disconnected")
    f = facts(opt_outs=[stop()], attempts=[sent], suppressions=[member("lit", "litigator")], undeliverable=[dead])
    assert set(codes(ask(f, "sms", C, at=after(2)))) == {"opted_out", "on_suppression_list", "undeliverable"}


def test_the_answer_says_where_the_number_is_how_the_text_goes_and_recommends_only_itself():
    d = ask(facts(LA_PHONE, opt_outs=[stop()]), "sms", C, at=after(1))
    answer = d.to_dict()
    assert (answer["timezones"], answer["dialing"]) == (["America/Los_Angeles"], "autodialed")
    assert answer["recommended_channel"] == "sms"
    # once it may not be sent, nothing is recommended in its place
    assert ask(facts(LA_PHONE, opt_outs=[stop()]), "sms", C, at=after(6)).recommended_channel is None


def test_it_is_a_text():
    with pytest.raises(InvalidRequest) as err:
        check_question("call", C)
    assert err.value.field == "channel"
    # the caller reads the fix in the error's message
    assert err.value.message == ("purpose opt_out_confirmation is the one text confirming an opt-out: "
                                 "ask with channel sms")
    check_question("sms", C)
    check_question("call", "marketing")
    with pytest.raises(InvalidRequest):
        ask(facts(LA_PHONE, opt_outs=[stop()]), "call", C, at=after(1))


def test_confirmable():
    assert confirmable(stop()) and confirmable(stop(channels=("all",)))
    assert not confirmable(stop(channels=("call",))) and not confirmable(stop(source="crm"))


def test_the_rule_itself_answers_none_when_the_text_may_go():
    assert refusal(facts(opt_outs=[stop()]), "default", ts(after(1))) is None
    assert refusal(facts(opt_outs=[stop()]), "default", ts(after(6))) is not None


def test_a_confirmation_sent_at_the_very_moment_of_the_opt_out_spends_it():
    """Once only: an attempt made at the opt-out's own moment, or recorded at the very moment the
    opt-out was received, is the one confirmation (whichever of the two the record shows)."""
    o = stop(at=after(-0.5), received=RECEIVED)  # made 30 s before the registry received it
    same_moment = attempt("sms", C, at=after(-0.5))  # no recorded_at: a record from before it was kept
    assert ask(facts(opt_outs=[o], attempts=[same_moment]), "sms", C, at=after(2)).decision == "deny"
    recorded_then = replace(attempt("sms", C, at=after(-1)), recorded_at=ts(RECEIVED))
    assert ask(facts(opt_outs=[o], attempts=[recorded_then]), "sms", C, at=after(2)).decision == "deny"
    # a moment earlier on both counts is an earlier opt-out's confirmation
    before = replace(attempt("sms", C, at=after(-1)), recorded_at=ts(after(-0.75)))
    assert ask(facts(opt_outs=[o], attempts=[before]), "sms", C, at=after(2)).decision == "allow"


# --- the words of a refusal: a sender reads them to learn why the text may not go, and until when


def test_the_words_when_there_is_nothing_to_confirm():
    (reason,) = ask(facts(), "sms", C, at=after(1)).reasons
    assert reason.message == ("no opt-out from texts for brand default to confirm: a confirmation text follows an "
                              "opt-out within 5 minutes (47 CFR 64.1200(a)(12))")


def test_the_words_for_an_opt_out_the_person_did_not_make():
    (reason,) = ask(facts(opt_outs=[stop(source="crm", at=after(-1))]), "sms", C, at=after(1)).reasons
    assert reason.message == ("opted out of texts at 2026-12-02T05:59:00Z (source crm): no confirmation text follows "
                              "an opt-out the person did not make themselves")


def test_the_words_name_the_receipt_and_the_first_confirmation_sent():
    first = replace(attempt("sms", C, at=after(1)), recorded_at=ts(after(1)))
    second = replace(attempt("sms", C, at=after(2)), recorded_at=ts(after(2)))
    (reason,) = ask(facts(opt_outs=[stop()], attempts=[second, first]), "sms", C, at=after(3)).reasons
    assert reason.message == ("opted out of texts (received 2026-12-02T06:00:00Z); its one confirmation text was "
                              "already sent at 2026-12-02T06:01:00Z")


def test_the_words_name_the_receipt_and_send_by_once_it_has_passed():
    (reason,) = ask(facts(opt_outs=[stop(at=after(-2))]), "sms", C, at=after(6)).reasons
    assert reason.message == ("opted out of texts (received 2026-12-02T06:00:00Z); its confirmation text could be "
                              "sent until 2026-12-02T06:05:00Z (47 CFR 64.1200(a)(12))")


def test_the_consent_rules_of_rev_2_do_not_hold_it_back():
    """Not a solicitation (contract rev. 2): the written-consent rule, the wireless rule and a
    reassignment's void deny other texts to this number, never its one confirmation."""
    from tests.unit.builders import reassignment, written

    express = consent("sms", purposes=("marketing", "informational"), at="2026-11-01T12:00:00Z")
    cases = {
        # marketing texts need a written consent: only an express one here
        "written_consent_required": facts(consents=[express], opt_outs=[stop()]),
        # a text to a number that may be wireless needs a consent: none at all
        "no_consent": facts(opt_outs=[stop()]),
        # a national list lifted only by a written consent or an EBR
        "on_suppression_list": facts(consents=[express], opt_outs=[stop()], suppressions=[member("dnc", "national")]),
        # the number was reassigned ("wrong number"): every earlier consent void
        "consent_void": facts(consents=[written("sms", at="2026-11-01T12:00:00Z")], opt_outs=[stop()],
                              reassignments=[reassignment(at=RECEIVED, cause="wrong_number_reply")]),
    }
    for code, f in cases.items():
        for dialing in (None, "autodialed", "prerecorded"):
            d = ask(f, "sms", C, at=after(1), dialing=dialing)
            assert d.decision == "allow" and d.reasons == (), (code, dialing, d.reasons)
    # the same numbers, the same moment: a marketing text is denied, by the rule named (and the opt-out)
    marketing = {code: codes(ask(f, "sms", "marketing", at=after(1))) for code, f in cases.items()}
    assert "written_consent_required" in marketing["written_consent_required"]
    assert "no_consent" in marketing["no_consent"]
    assert "written_consent_required" in marketing["on_suppression_list"]
    assert "consent_void" in marketing["consent_void"]
    assert all("opted_out" in c for c in marketing.values())


def test_its_deny_reasons_cite_the_rule():
    d = ask(facts(opt_outs=[stop()]), "sms", C, at=after(6))
    assert [r.rule for r in d.reasons] == ["47 CFR 64.1200(a)(12)"]
