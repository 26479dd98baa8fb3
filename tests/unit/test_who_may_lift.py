"""Who may lift what (contract rev. 2, issue 9 item 6).

- Only a consent from a first-party source (the person's own act), later than the opt-out, lifts it.
- A ``do_not_contact`` disposition on a call opts the number out of calls and texts, every purpose,
  for that brand.
- A ``timezone`` set by anyone but the person adds to the number's zones; one the person set on
  the preference page replaces them (tests/unit/test_location.py has the zones themselves).
"""
from __future__ import annotations

import pytest
from builders import LA_PHONE, NOON_LA, ask, attempt, codes, consent, facts, opt_out, prefs, ts

from registry.domain import changes
from registry.domain.policy import DEFAULT_POLICY
from registry.domain.profile import scope_statuses
from registry.domain.vocabulary import FIRST_PARTY_SOURCES, Source

NOT_FIRST_PARTY = sorted(set(Source) - FIRST_PARTY_SOURCES)


def test_the_first_party_sources_are_the_contracts():
    assert FIRST_PARTY_SOURCES == {"web_form", "inbound_call", "agent", "preference_center", "sms_keyword"}
    assert set(NOT_FIRST_PARTY) >= {"crm", "import", "referral", "api", "dialer", "event", "purchase",
                                    "purchased_list"}


@pytest.mark.parametrize("source", sorted(FIRST_PARTY_SOURCES))
def test_a_later_consent_of_the_persons_own_lifts_an_opt_out(source):
    f = facts(opt_outs=[opt_out(at="2026-11-21T12:00:00Z", source="inbound_call")],
              consents=[consent(purposes="informational", source=source, at="2026-11-22T12:00:00Z")])
    assert ask(f, purpose="informational").decision == "allow"


@pytest.mark.parametrize("source", NOT_FIRST_PARTY)
def test_a_consent_from_anyone_else_never_lifts_an_opt_out_however_new(source):
    f = facts(opt_outs=[opt_out(at="2026-11-21T12:00:00Z", source="inbound_call")],
              consents=[consent(purposes="informational", source=source, at="2026-11-30T12:00:00Z")])
    decision = ask(f, purpose="informational")
    assert decision.decision == "deny" and codes(decision) == ["opted_out"]
    (entry,) = [e for e in scope_statuses(f, ts(NOON_LA), lambda brand: DEFAULT_POLICY)
                if (e["channel"], e["purpose"]) == ("call", "informational")]
    assert entry["status"] == "opted_out"


@pytest.mark.parametrize("source", ["crm", "import", "api"])
def test_a_third_party_consent_still_counts_where_nothing_was_opted_out(source):
    assert ask(facts(consents=[consent(source=source)])).decision == "allow"


def test_the_reason_says_why_a_crm_consent_did_not_lift_it():
    f = facts(opt_outs=[opt_out(at="2026-11-21T12:00:00Z")], consents=[consent(source="crm", at="2026-11-22T12:00:00Z")])
    (no_consent,) = [r for r in ask(f).reasons if r.code == "no_consent"]
    assert "consent from crm cannot lift an opt-out: only the person's own act can" in no_consent.message


@pytest.mark.parametrize("channel", ["call", "sms"])
def test_a_do_not_contact_disposition_opts_a_phone_out_of_calls_and_texts_for_that_brand(channel):
    dnc = attempt(channel=channel, brand="acme", outcome="answered", at="2026-11-28T18:00:00Z")
    dnc = type(dnc)(**{**dnc.__dict__, "disposition": "do_not_contact"})
    f = changes.add_attempt(facts(LA_PHONE), dnc, ts(NOON_LA), 90)
    (opted,) = f.opt_outs
    assert opted.channels == {"call", "sms"} and opted.purposes == {"all"} and opted.brand == "acme"
    for ch in ("call", "sms"):
        for purpose in ("marketing", "informational"):
            assert "opted_out" in codes(ask(f, ch, purpose, brand="acme"))
        assert "opted_out" not in codes(ask(f, ch, brand="default"))


def test_a_do_not_contact_disposition_on_an_email_covers_email():
    dnc = attempt(channel="email", outcome="delivered")
    dnc = type(dnc)(**{**dnc.__dict__, "disposition": "do_not_contact"})
    assert changes.opt_out_from_disposition(dnc).channels == {"email"}


@pytest.mark.parametrize("source, patch, kept", [
    ("api", {"timezone": "Europe/Paris"}, "api"),
    ("preference_center", {"timezone": "Europe/Paris"}, "preference_center"),
    ("api", {"timezone": None}, None),  # cleared: nobody set it
    ("api", {"preferred_channel": "sms"}, "unchanged"),  # no zone sent: who set the zone stays
    ("api", {"timezone": "Europe/Paris", "timezone_source": "preference_center"}, "api"),  # not an input
])
def test_a_timezone_keeps_who_set_it(source, patch, kept):
    before = facts(preferences=prefs(timezone="Asia/Tokyo", timezone_source="unchanged"))
    after = changes.update_preferences(before, changes.preference_patch(patch, source), ts(NOON_LA))
    assert after.preferences.timezone_source == kept
