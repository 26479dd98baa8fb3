"""Each deny reason says in words what stands in the way: the scope, the fact, its moment
(contract: "Every reason that applies is listed", with a message; the existing table in
test_decide.py covers the other cases)."""
from __future__ import annotations

import pytest
from builders import EMAIL, ask, attempt, consent, facts, member, opt_out, reassignment, undeliverable

from registry.domain.policy import DEFAULT_POLICY, with_overrides

EMAIL_OPT_IN = with_overrides(DEFAULT_POLICY, {"basis": {"email:marketing": "consent"}})


def _messages(decision, code):
    return [r.message for r in decision.reasons if r.code == code]


def test_an_opt_out_for_one_brand_names_that_brand():
    d = ask(facts(opt_outs=[opt_out(brand="acme", purposes="marketing")]), brand="acme")
    assert _messages(d, "opted_out") == ["opted out of marketing calls for brand acme at 2026-11-29T12:00:00Z"]


def test_a_number_reported_disconnected_says_so_with_the_moment():
    d = ask(facts(consents=[consent()], attempts=[attempt(at="2026-11-25T12:00:00Z", outcome="disconnected")]))
    assert _messages(d, "undeliverable") == ["number reported disconnected at 2026-11-25T12:00:00Z"]
    d = ask(facts(consents=[consent()], undeliverable=[undeliverable(channels=("call",), reason="disconnected")]))
    assert _messages(d, "undeliverable") == ["number reported disconnected at 2026-11-20T12:00:00Z"]


def test_an_email_bounced_by_an_attempt_hard_bounced():
    d = ask(facts(EMAIL, attempts=[attempt(channel="email", at="2026-11-25T12:00:00Z", outcome="bounced")]),
            channel="email")
    assert _messages(d, "undeliverable") == ["email hard-bounced at 2026-11-25T12:00:00Z"]


def test_another_report_is_named_as_it_was_made():
    d = ask(facts(EMAIL, undeliverable=[undeliverable(reason="mailbox_full")]), channel="email")
    assert _messages(d, "undeliverable") == ["reported undeliverable (mailbox_full) at 2026-11-20T12:00:00Z"]


@pytest.mark.parametrize("source, problem", [
    ("web_form", "consent is not newer than the opt-out"),
    ("purchased_list", "consent from purchased_list cannot lift an opt-out: only the person's own act can"),
])
def test_a_consent_that_cannot_lift_an_opt_out_says_why(source, problem):
    f = facts(EMAIL, opt_outs=[opt_out(channels="email", at="2026-11-29T12:00:00Z")],
              consents=[consent(channels="email", source=source,
                                at="2026-11-29T12:00:00Z" if source == "web_form" else "2026-11-30T12:00:00Z")])
    d = ask(f, channel="email", policy=EMAIL_OPT_IN)
    assert _messages(d, "no_consent") == [f"no consent for marketing emails for brand default; {problem}"]


def test_a_void_consent_names_the_reassignment_and_what_it_voids():
    d = ask(facts(consents=[consent(at="2026-11-01T12:00:00Z")], reassignments=[reassignment()]))
    assert _messages(d, "consent_void") == ["the number was reassigned at 2026-11-25T12:00:00Z: every consent and "
                                            "established business relationship from before then is void"]


@pytest.mark.parametrize("channel, dialing, consents, expected", [
    ("sms", None, [consent(channels="sms")],
     "a text for marketing needs prior express written consent; only an express consent for marketing texts for "
     "brand default"),
    ("sms", None, [], "a text for marketing needs prior express written consent; no consent for marketing texts "
                      "for brand default"),
    ("call", "artificial_voice", [consent()], "an artificial_voice call for marketing needs prior express written "
                                              "consent; only an express consent for marketing calls for brand default"),
    ("call", "prerecorded", [], "a prerecorded call for marketing needs prior express written consent; no consent "
                                "for marketing calls for brand default"),
])
def test_a_written_consent_reason_names_the_contact_and_the_consent_on_file(channel, dialing, consents, expected):
    d = ask(facts(consents=consents), channel, brand="default", dialing=dialing)
    assert _messages(d, "written_consent_required") == [expected]


@pytest.mark.parametrize("channel, dialing, what", [
    ("sms", None, "a text"), ("call", "autodialed", "an autodialed call"),
    ("call", "prerecorded", "a prerecorded call"), ("call", "artificial_voice", "an artificial_voice call"),
])
def test_the_wireless_rule_names_how_the_contact_is_placed(channel, dialing, what):
    d = ask(facts(), channel, "informational", dialing=dialing)
    noun = "texts" if channel == "sms" else "calls"
    assert _messages(d, "no_consent") == [
        f"no consent for informational {noun} for brand default ({what} to a number that may be wireless)"]


def test_the_do_not_call_lists_only_a_written_consent_lifts_are_named():
    one = ask(facts(suppressions=[member(), member("house", "internal")], consents=[consent()]))
    assert _messages(one, "written_consent_required") == [
        "only a written consent or an established business relationship lifts do-not-call list national-x for "
        "marketing; only an express consent for marketing calls for brand default"]
    two = ask(facts(suppressions=[member(), member("dnc-ca", "state")], consents=[consent()]))
    assert _messages(two, "written_consent_required") == [
        "only a written consent or an established business relationship lifts do-not-call lists dnc-ca, national-x "
        "for marketing; only an express consent for marketing calls for brand default"]
