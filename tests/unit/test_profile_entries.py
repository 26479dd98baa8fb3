"""The profile lists every scope a consent or opt-out names, and no other (an opt-out names the
channels and purposes it names, "all" meaning every one); each entry shows the fact that decides
it, a consent with its id, evidence and expiry (docs/decisions.md: the profile shows the lookup's
status). The page's scope names its channel and purpose."""
from __future__ import annotations

from dataclasses import replace

import pytest
from builders import EMAIL, consent, facts, opt_out, ts

from registry.domain.policy import DEFAULT_POLICY
from registry.domain.profile import NoPageStatus, named_scopes, page_scope, page_status, scope_statuses
from registry.domain.scope_status import Scope, ScopeStatus, Standing

AT = ts("2026-12-01T20:00:00Z")


def _scopes(f):
    return [(s.channel, s.purpose, s.brand) for s in named_scopes(f)]


def test_an_opt_out_names_only_its_channels_and_purposes():
    assert _scopes(facts(opt_outs=[opt_out(channels="sms", purposes="marketing")])) == [("sms", "marketing", "default")]


def test_all_names_every_channel_of_the_address_and_every_purpose():
    assert _scopes(facts(opt_outs=[opt_out(channels="all", purposes="all", brand="*")])) == [
        ("call", "informational", "*"), ("call", "marketing", "*"), ("sms", "informational", "*"), ("sms", "marketing", "*")]
    assert _scopes(facts(EMAIL, opt_outs=[opt_out(channels="all", purposes="marketing")])) == [
        ("email", "marketing", "default")]


def test_a_consented_scope_shows_the_consent_whole():
    given = replace(consent(channels="sms", at="2026-11-28T12:00:00Z", expires="2027-01-01T00:00:00Z"),
                    evidence={"form": "signup-v2"})
    [entry] = scope_statuses(facts(consents=[given]), AT, lambda brand: DEFAULT_POLICY)
    assert entry == {"channel": "sms", "purpose": "marketing", "brand": "default", "status": "consented",
                     "source": "web_form", "occurred_at": "2026-11-28T12:00:00Z", "id": given.id,
                     "evidence": {"form": "signup-v2"}, "expires_at": "2027-01-01T00:00:00Z", "grade": "express"}


def test_an_opted_out_scope_shows_the_opt_out_and_no_consent_fields():
    out = opt_out(channels="call", purposes="marketing")
    [entry] = scope_statuses(facts(opt_outs=[out]), AT, lambda brand: DEFAULT_POLICY)
    assert entry == {"channel": "call", "purpose": "marketing", "brand": "default", "status": "opted_out",
                     "source": "agent", "occurred_at": "2026-11-29T12:00:00Z", "id": out.id}


def test_the_pages_scope_names_its_channel_and_purpose():
    page = page_scope(facts(), "sms", "informational", "default", AT, DEFAULT_POLICY)
    assert (page.channel, page.purpose) == ("sms", "informational")


def test_a_deny_reason_without_a_page_status_is_named_in_the_error():
    class WithANewRule(ScopeStatus):
        @property
        def deny_codes(self):
            return ("a_rule_of_the_future",)

    status = WithANewRule(scope=Scope("call", "marketing", "default"), at=AT, standing=Standing.NONE, basis_rule="none")
    with pytest.raises(NoPageStatus) as err:
        page_status(status)
    assert "'a_rule_of_the_future'" in str(err.value)


def test_every_consent_and_opt_out_names_its_scopes():
    f = facts(consents=[consent(channels="call"), consent(channels="sms", brand="acme")],
              opt_outs=[opt_out(channels="call", purposes="informational"), opt_out(channels="sms", purposes="marketing")])
    assert _scopes(f) == [("call", "informational", "default"), ("call", "marketing", "default"),
                          ("sms", "marketing", "acme"), ("sms", "marketing", "default")]
