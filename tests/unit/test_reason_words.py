"""Each deny reason says in words what stands in the way: the scope, the fact, its moment
(contract: "Every reason that applies is listed", with a message; the existing table in
test_decide.py covers the other cases)."""
from __future__ import annotations

import pytest
from builders import EMAIL, ask, attempt, consent, facts, opt_out, undeliverable

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
