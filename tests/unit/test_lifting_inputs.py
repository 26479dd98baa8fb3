"""The rev. 2 inputs of issue 9 (items 4, 5, 6): a written consent's evidence, dialing, a state
and a line type in the preferences, a reassigned-numbers check. Bad input is a clear 400 naming
the field, and nothing is made of it."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from pydantic import ValidationError

from registry.domain.errors import InvalidRequest
from registry.services import commands as c
from registry.services import fact_inputs, permissions

CONSENT = {"address": "+14155550123", "channels": ["sms"], "purposes": ["marketing"], "source": "web_form",
           "occurred_at": "2026-11-28T12:00:00Z"}
SIGNED = {"disclosure_text": "I agree to marketing texts from Acme at this number.", "signature": "typed-name:Pat"}


def consent_fact(**body):
    return fact_inputs.consent(c.RecordConsent.model_validate({**CONSENT, **body}))[1]


def test_a_consent_is_express_unless_written():
    assert consent_fact().grade == "express"
    assert consent_fact(grade="express").grade == "express"
    fact = consent_fact(grade="written", evidence=SIGNED)
    assert fact.grade == "written" and fact.evidence == SIGNED


@pytest.mark.parametrize("evidence, field", [
    (None, "evidence.disclosure_text"),
    ({"signature": "typed-name:Pat"}, "evidence.disclosure_text"),
    ({"disclosure_text": "I agree"}, "evidence.signature"),
    ({"disclosure_text": "I agree", "signature": "   "}, "evidence.signature"),
    ({"disclosure_text": "", "signature": "x"}, "evidence.disclosure_text"),
])
def test_a_written_consent_without_its_disclosure_or_signature_is_refused(evidence, field):
    with pytest.raises(InvalidRequest) as err:
        consent_fact(grade="written", **({"evidence": evidence} if evidence is not None else {}))
    assert err.value.field == field and "written consent" in err.value.message


def test_an_unknown_grade_is_refused():
    with pytest.raises(ValidationError):
        c.RecordConsent.model_validate({**CONSENT, "grade": "notarised"})


ATTEMPT = {"address": "+14155550123", "channel": "call", "purpose": "marketing", "occurred_at": "2026-11-28T12:00:00Z",
           "outcome": "no_answer"}


@pytest.mark.parametrize("channel, given, kept", [
    ("call", None, "manual"), ("call", "prerecorded", "prerecorded"), ("sms", None, "autodialed"),
    ("sms", "manual", "autodialed"),  # every sms counts as autodialed
])
def test_an_attempt_keeps_how_it_was_placed(channel, given, kept):
    body = {**ATTEMPT, "channel": channel, **({"dialing": given} if given else {})}
    assert fact_inputs.attempt(c.RecordAttempt.model_validate(body))[1].dialing == kept


def test_an_email_has_no_dialing():
    body = {**ATTEMPT, "address": "a@example.com", "channel": "email", "dialing": "autodialed"}
    with pytest.raises(InvalidRequest) as err:
        fact_inputs.attempt(c.RecordAttempt.model_validate(body))
    assert err.value.field == "dialing"
    with pytest.raises(InvalidRequest) as err:
        permissions.Ask("email", "marketing", "default", datetime.now().astimezone(), "manual")
    assert err.value.field == "dialing"
    assert permissions.Ask("email", "marketing", "default", datetime.now().astimezone()).dialing is None


def test_wrong_party_is_an_outcome():
    assert fact_inputs.attempt(c.RecordAttempt.model_validate({**ATTEMPT, "outcome": "wrong_party"}))[1].outcome \
        == "wrong_party"


@pytest.mark.parametrize("given, kept", [("CA", "CA"), ("ny", "NY"), ("dc", "DC"), ("PR", "PR"), ("gu", "GU")])
def test_a_state_is_a_us_state_dc_or_a_territory(given, kept):
    assert c.SetPreferences.model_validate({"state": given}).state == kept


@pytest.mark.parametrize("given", ["XX", "C", "CAL", "", "ON", "12", " CA"])
def test_anything_else_is_no_state(given):
    with pytest.raises(ValidationError):
        c.SetPreferences.model_validate({"state": given})


def test_a_line_type_is_one_of_three():
    assert c.SetPreferences.model_validate({"line_type": "landline"}).line_type == "landline"
    with pytest.raises(ValidationError):
        c.SetPreferences.model_validate({"line_type": "fax"})
    assert {"state", "line_type"} <= c.PREFERENCE_FIELDS


CHECK = {"address": "(415) 555-0123", "result": "yes", "since": "2026-06-01", "occurred_at": "2026-11-28T12:00:00Z",
         "source": "rnd"}


def test_a_reassigned_check_is_read_into_its_fact():
    address, check = fact_inputs.reassigned_check(c.RecordReassignedCheck.model_validate({**CHECK, "id": "k-1"}))
    assert address.value == "+14155550123"
    assert (check.id, check.result, check.since, check.source) == ("k-1", "yes", date(2026, 6, 1), "rnd")


@pytest.mark.parametrize("change", [{"since": "2026-06-01T00:00:00Z"}, {"since": "06/01/2026"}, {"since": "2026-13-01"},
                                    {"result": "maybe"}, {"source": "crm"}, {"since": None}])
def test_a_bad_check_is_refused(change):
    with pytest.raises(ValidationError):
        c.RecordReassignedCheck.model_validate({**CHECK, **change})


@pytest.mark.parametrize("change, field", [({"since": "2026-11-29"}, "since"), ({"address": "a@example.com"}, "address")])
def test_a_check_about_the_future_or_an_email_is_refused(change, field):
    with pytest.raises(InvalidRequest) as err:
        fact_inputs.reassigned_check(c.RecordReassignedCheck.model_validate({**CHECK, **change}))
    assert err.value.field == field
