"""Every reason that comes from a written rule cites it (contract rev. 2, issue 9 item 8), from one
table (domain/policy.RULES) that GET /v1/policy serves too."""
from __future__ import annotations

import json

import pytest
from builders import EMAIL, LATE_LA, ask, attempt, consent, facts, hours, member, opt_out, prefs, reassignment

from registry.domain.decide import Reason
from registry.domain.policy import DEFAULT_POLICY, RULES, RuleId, cite

THREE_CALLS = [attempt(at=f"2026-11-{d}T18:00:00Z") for d in (28, 29, 30)]


def test_every_rule_has_one_entry_and_the_written_ones_a_citation():
    assert set(RULES) == set(RuleId)
    law = {r for r, rule in RULES.items() if rule.citation}
    assert law == {RuleId.QUIET_HOURS, RuleId.NATIONAL_DO_NOT_CALL, RuleId.DO_NOT_CALL_EXEMPTION,
                   RuleId.WRITTEN_CONSENT, RuleId.WIRELESS_CONSENT, RuleId.REVOCATION,
                   RuleId.COMPANY_DO_NOT_CALL, RuleId.EMAIL_OPT_OUT, RuleId.REASSIGNED_NUMBER,
                   RuleId.OPT_OUT_CONFIRMATION, RuleId.LIST_AGE, RuleId.REVOKE_ALL}
    assert all(rule.text for rule in RULES.values())


def test_the_policy_document_lists_every_rule_with_its_citation():
    doc = DEFAULT_POLICY.to_document()
    json.dumps(doc)
    assert [r["id"] for r in doc["rules"]] == [r.value for r in RuleId]
    assert {r["id"]: r["citation"] for r in doc["rules"]}["quiet_hours"] == "47 CFR 64.1200(c)(1)"
    assert doc["written_consent"]["sms:marketing"] == ["artificial_voice", "autodialed", "prerecorded"]
    assert "written consent" in doc["suppression_lists"]["national"]


def test_each_rule_is_served_with_its_id_citation_and_text():
    served = DEFAULT_POLICY.to_document()["rules"]
    assert all(set(rule) == {"id", "citation", "text"} for rule in served)
    assert {r["id"]: r["text"] for r in served} == {rule.id.value: rule.text for rule in RULES.values()}


@pytest.mark.parametrize("f, kwargs, code, rule", [
    (facts(consents=[consent()]), {"at": LATE_LA}, "quiet_hours", "47 CFR 64.1200(c)(1)"),
    (facts(), {"purpose": "informational", "at": LATE_LA}, "quiet_hours", None),  # the policy's own window
    (facts(consents=[consent()], preferences=prefs(contact_hours=hours("09:00", "10:00"))), {}, "quiet_hours",
     None),  # only the person's own hours are shut
    (facts(consents=[consent()], preferences=prefs(contact_hours=hours("09:00", "10:00"))), {"at": LATE_LA},
     "quiet_hours", "47 CFR 64.1200(c)(1)"),
    (facts(consents=[consent()], attempts=THREE_CALLS), {}, "frequency_cap", None),
    (facts(consents=[consent()], preferences=prefs(snooze_until="2026-12-05T00:00:00Z")), {}, "snoozed", None),
    (facts(suppressions=[member()]), {}, "on_suppression_list", "47 CFR 64.1200(c)(2)"),
    (facts(suppressions=[member("dnc-ca", "state")]), {}, "on_suppression_list", None),
    (facts(suppressions=[member("house", "internal")]), {}, "on_suppression_list", None),
    (facts(opt_outs=[opt_out()]), {}, "opted_out", "47 CFR 64.1200(d)(3)"),
    (facts(opt_outs=[opt_out()]), {"purpose": "informational"}, "opted_out", "47 CFR 64.1200(a)(10)"),
    (facts(opt_outs=[opt_out(channels="sms")]), {"channel": "sms"}, "opted_out", "47 CFR 64.1200(d)(3)"),
    (facts(EMAIL, opt_outs=[opt_out(channels="email", purposes="marketing")]), {"channel": "email"}, "opted_out",
     "15 U.S.C. 7704(a)(4)"),
    (facts(EMAIL, opt_outs=[opt_out(channels="email")]), {"channel": "email", "purpose": "informational"},
     "opted_out", None),
    (facts(), {}, "no_consent", None),  # consent or EBR for a manual marketing call: the policy's
    (facts(), {"channel": "sms", "purpose": "informational"}, "no_consent", "47 U.S.C. 227(b)(1)(A)(iii)"),
    (facts(), {"purpose": "informational", "dialing": "prerecorded"}, "no_consent", "47 U.S.C. 227(b)(1)(A)(iii)"),
    (facts(consents=[consent(channels="sms")]), {"channel": "sms"}, "written_consent_required",
     "47 CFR 64.1200(a)(2)"),
    (facts(suppressions=[member()], consents=[consent()]), {}, "written_consent_required", "47 CFR 64.1200(c)(2)(ii)"),
    (facts(consents=[consent(at="2026-11-01T12:00:00Z")], reassignments=[reassignment()]), {}, "consent_void",
     "47 CFR 64.1200(m)"),
    (facts(EMAIL, attempts=[attempt(channel="email", outcome="bounced")]), {"channel": "email"}, "undeliverable",
     None),
])
def test_a_reason_carries_the_citation_of_the_rule_it_comes_from(f, kwargs, code, rule):
    reasons = [r for r in ask(f, **kwargs).reasons if r.code == code]
    assert reasons, ask(f, **kwargs).reasons
    assert {r.rule for r in reasons} == {rule}
    for r in reasons:
        assert ("rule" in r.to_dict()) is (rule is not None)
        assert rule is None or rule in {x.citation for x in RULES.values()}  # read from the one table


def test_cite_reads_the_table():
    assert cite(RuleId.WRITTEN_CONSENT) == "47 CFR 64.1200(a)(2)" and cite(RuleId.BASIS) is None and cite(None) is None
    assert Reason("x", "m", rule="r").to_dict() == {"code": "x", "message": "m", "rule": "r"}
