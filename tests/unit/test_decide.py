"""The decision engine against the contract's rules, one table row per rule."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from builders import (
    EMAIL,
    LA_PHONE,
    LATE_LA,
    NOON_LA,
    NY_PHONE,
    TOLL_FREE,
    ask,
    attempt,
    codes,
    consent,
    facts,
    hours,
    member,
    opt_out,
    prefs,
    question,
    relationship,
    ts,
    undeliverable,
    written,
)

from registry.domain.decide import Decision, Question, Reason, decide
from registry.domain.ebr import add_months, ebr_until
from registry.domain.errors import ChannelAddressMismatch
from registry.domain.policy import DEFAULT_POLICY, with_overrides

EMAIL_OPT_IN = with_overrides(DEFAULT_POLICY, {"basis": {"email:marketing": "consent"}})
ALL_DAY = with_overrides(DEFAULT_POLICY, {"quiet_hours_start": "00:00", "quiet_hours_end": "00:00"})
THREE_CALLS = [attempt(at=f"2026-11-{d}T18:00:00Z") for d in (28, 29, 30)]

# id, facts, ask() keyword arguments, decision, reason codes in order, next_allowed_at
CASES = [
    # basis
    ("marketing call without basis", facts(), {}, "deny", ["no_consent"], None),
    ("consent allows daytime call", facts(consents=[consent()]), {}, "allow", [], None),
    ("informational call needs nothing", facts(), {"purpose": "informational"}, "allow", [], None),
    ("sms marketing needs consent", facts(consents=[consent(channels="call")]), {"channel": "sms"},
     "deny", ["no_consent", "written_consent_required"], None),
    ("sms informational needs consent", facts(), {"channel": "sms", "purpose": "informational"},
     "deny", ["no_consent"], None),
    ("marketing consent does not imply informational",
     facts(consents=[consent(channels="sms", purposes="marketing")]),
     {"channel": "sms", "purpose": "informational"}, "deny", ["no_consent"], None),
    ("consent for another brand does not count", facts(consents=[consent(brand="acme")]), {},
     "deny", ["no_consent"], None),
    ("consent from the future does not count", facts(consents=[consent(at="2026-12-01T20:00:01Z")]), {},
     "deny", ["no_consent"], None),
    ("consent at the very moment counts", facts(consents=[consent(at=NOON_LA)]), {}, "allow", [], None),
    ("purchased_list consent is no basis for call", facts(consents=[consent(source="purchased_list")]), {},
     "deny", ["no_consent"], None),
    ("purchased_list consent is no basis for sms",
     facts(consents=[consent(channels="sms", source="purchased_list", grade="written")]), {"channel": "sms"},
     "deny", ["no_consent", "written_consent_required"], None),
    ("expired consent is no basis", facts(consents=[consent(expires="2026-11-30T00:00:00Z")]), {},
     "deny", ["no_consent"], None),
    ("consent expiring at the moment is expired", facts(consents=[consent(expires=NOON_LA)]), {},
     "deny", ["no_consent"], None),
    ("consent before its expiry is a basis", facts(consents=[consent(expires="2026-12-31T00:00:00Z")]), {},
     "allow", [], None),
    # EBR
    ("inquiry within 3 months is an EBR", facts(relationships=[relationship(at="2026-11-01T12:00:00Z")]), {},
     "allow", [], None),
    ("inquiry older than 3 months is not", facts(relationships=[relationship(at="2026-08-01T12:00:00Z")]), {},
     "deny", ["no_consent"], None),
    ("inquiry EBR last instant", facts(relationships=[relationship(at="2026-09-01T20:00:00Z")]),
     {"at": "2026-12-01T19:59:59Z"}, "allow", [], None),
    ("inquiry EBR ends exactly 3 calendar months later",
     facts(relationships=[relationship(at="2026-09-01T20:00:00Z")]), {"at": "2026-12-01T20:00:00Z"},
     "deny", ["no_consent"], None),
    ("transaction within 18 months is an EBR",
     facts(relationships=[relationship(kind="transaction", at="2025-06-15T12:00:00Z")]), {}, "allow", [], None),
    ("transaction older than 18 months is not",
     facts(relationships=[relationship(kind="transaction", at="2025-05-30T12:00:00Z")]), {},
     "deny", ["no_consent"], None),
    ("EBR is per brand", facts(relationships=[relationship(brand="acme")]), {}, "deny", ["no_consent"], None),
    ("EBR is no basis for sms", facts(relationships=[relationship()]), {"channel": "sms"},
     "deny", ["no_consent", "written_consent_required"], None),
    ("relationship from the future is no EBR", facts(relationships=[relationship(at="2026-12-02T00:00:00Z")]), {},
     "deny", ["no_consent"], None),
    # opt-outs against consents
    ("opt-out after consent", facts(consents=[consent(at="2026-11-20T12:00:00Z")],
                                    opt_outs=[opt_out(at="2026-11-21T12:00:00Z")]), {},
     "deny", ["opted_out", "no_consent"], None),
    ("newer consent restores", facts(consents=[consent(at="2026-11-20T12:00:00Z"), consent(at="2026-11-22T12:00:00Z")],
                                     opt_outs=[opt_out(at="2026-11-21T12:00:00Z")]), {}, "allow", [], None),
    ("late-arriving older consent never undoes the opt-out",
     facts(opt_outs=[opt_out(at="2026-11-25T12:00:00Z")], consents=[consent(at="2026-11-24T12:00:00Z")]), {},
     "deny", ["opted_out", "no_consent"], None),
    ("tie: opt-out wins", facts(consents=[consent(at="2026-11-25T12:00:00Z")],
                                opt_outs=[opt_out(at="2026-11-25T12:00:00Z")]), {},
     "deny", ["opted_out", "no_consent"], None),
    ("opt-out without basis need: informational call", facts(opt_outs=[opt_out()]), {"purpose": "informational"},
     "deny", ["opted_out"], None),
    ("marketing-only opt-out leaves informational", facts(opt_outs=[opt_out(purposes="marketing")]),
     {"purpose": "informational"}, "allow", [], None),
    ("opt-out of sms leaves calls", facts(consents=[consent()], opt_outs=[opt_out(channels="sms")]), {},
     "allow", [], None),
    ("opt-out of all channels", facts(consents=[consent()], opt_outs=[opt_out(channels="all")]), {},
     "deny", ["opted_out", "no_consent"], None),
    ("opt-out from the future is ignored", facts(consents=[consent()], opt_outs=[opt_out(at="2026-12-05T00:00:00Z")]),
     {}, "allow", [], None),
    ("purchased_list consent never lifts an opt-out",
     facts(opt_outs=[opt_out(at="2026-11-20T12:00:00Z")],
           consents=[consent(source="purchased_list", purposes=("marketing", "informational"))]),
     {"purpose": "informational"}, "deny", ["opted_out"], None),
    ("purchased_list never lifts an email opt-out either",
     facts(EMAIL, opt_outs=[opt_out(channels="email", at="2026-11-20T12:00:00Z")],
           consents=[consent(channels="email", source="purchased_list")]),
     {"channel": "email"}, "deny", ["opted_out"], None),
    ("expired consent never lifts an opt-out",
     facts(opt_outs=[opt_out(at="2026-11-20T12:00:00Z")],
           consents=[consent(purposes="informational", at="2026-11-25T12:00:00Z", expires="2026-11-30T00:00:00Z")]),
     {"purpose": "informational"}, "deny", ["opted_out"], None),
    ("relationship never lifts an opt-out",
     facts(opt_outs=[opt_out(at="2026-11-20T12:00:00Z")], relationships=[relationship(at="2026-11-25T12:00:00Z")]),
     {}, "deny", ["opted_out"], None),
    ("brand * opt-out covers every brand",
     facts(consents=[consent(brand="acme", at="2026-11-20T12:00:00Z")], opt_outs=[opt_out(brand="*")]),
     {"brand": "acme"}, "deny", ["opted_out", "no_consent"], None),
    ("another brand's opt-out does not apply", facts(consents=[consent()], opt_outs=[opt_out(brand="acme")]), {},
     "allow", [], None),
    # suppression lists
    ("national list denies marketing without basis", facts(suppressions=[member()]), {},
     "deny", ["on_suppression_list", "no_consent", "written_consent_required"], None),
    ("national list yields to a written consent", facts(suppressions=[member()], consents=[written()]), {},
     "allow", [], None),
    ("national list does not yield to an express consent (rev. 2)", facts(suppressions=[member()],
                                                                          consents=[consent()]), {},
     "deny", ["on_suppression_list", "written_consent_required"], None),
    ("national list yields to a recent inquiry", facts(suppressions=[member()], relationships=[relationship()]), {},
     "allow", [], None),
    ("national list does not yield to a stale inquiry",
     facts(suppressions=[member()], relationships=[relationship(at="2026-08-01T12:00:00Z")]), {},
     "deny", ["on_suppression_list", "no_consent", "written_consent_required"], None),
    ("national list does not yield to purchased_list consent",
     facts(suppressions=[member()], consents=[consent(source="purchased_list")]), {},
     "deny", ["on_suppression_list", "no_consent", "written_consent_required"], None),
    ("national list leaves informational alone", facts(suppressions=[member()]), {"purpose": "informational"},
     "allow", [], None),
    ("state list acts like national", facts(suppressions=[member("state-ca", "state")]), {"purpose": "informational"},
     "allow", [], None),
    ("national list applies to email marketing (opt-out model) without basis",
     facts(EMAIL, suppressions=[member()]), {"channel": "email"}, "deny",
     ["on_suppression_list", "written_consent_required"], None),
    ("internal list denies despite consent", facts(suppressions=[member("house", "internal")], consents=[consent()]),
     {}, "deny", ["on_suppression_list"], None),
    ("litigator list denies informational", facts(suppressions=[member("tcpa", "litigator")]),
     {"purpose": "informational"}, "deny", ["on_suppression_list"], None),
    ("one reason per list", facts(suppressions=[member("zeta", "internal"), member("alpha", "litigator")],
                                  consents=[consent()]), {}, "deny", ["on_suppression_list", "on_suppression_list"],
     None),
    # email
    ("email marketing: opt-out model", facts(EMAIL), {"channel": "email"}, "allow", [], None),
    ("email marketing opt-out", facts(EMAIL, opt_outs=[opt_out(channels="email", purposes="marketing")]),
     {"channel": "email"}, "deny", ["opted_out"], None),
    ("email informational after marketing opt-out",
     facts(EMAIL, opt_outs=[opt_out(channels="email", purposes="marketing")]),
     {"channel": "email", "purpose": "informational"}, "allow", [], None),
    ("email ignores quiet hours", facts(EMAIL), {"channel": "email", "at": LATE_LA}, "allow", [], None),
    # undeliverable
    ("hard bounce", facts(EMAIL, undeliverable=[undeliverable()]), {"channel": "email", "purpose": "informational"},
     "deny", ["undeliverable"], None),
    ("bounce after the moment is ignored", facts(EMAIL, undeliverable=[undeliverable(at="2026-12-02T00:00:00Z")]),
     {"channel": "email"}, "allow", [], None),
    ("delivered after the bounce clears it",
     facts(EMAIL, undeliverable=[undeliverable()],
           attempts=[attempt(channel="email", purpose="informational", at="2026-11-25T00:00:00Z", outcome="delivered")]),
     {"channel": "email"}, "allow", [], None),
    ("delivered at the same moment as the bounce does not clear it",
     facts(EMAIL, undeliverable=[undeliverable()],
           attempts=[attempt(channel="email", at="2026-11-20T12:00:00Z", outcome="delivered")]),
     {"channel": "email"}, "deny", ["undeliverable"], None),
    ("disconnected phone", facts(undeliverable=[undeliverable(("call", "sms"), reason="disconnected")]),
     {"purpose": "informational"}, "deny", ["undeliverable"], None),
    ("dialer reporting disconnected", facts(attempts=[attempt(purpose="informational", outcome="disconnected")]),
     {"purpose": "informational"}, "deny", ["undeliverable"], None),
    ("answered after disconnected clears it",
     facts(undeliverable=[undeliverable(("call",), reason="disconnected")],
           attempts=[attempt(purpose="informational", at="2026-11-25T00:00:00Z", outcome="answered")]),
     {"purpose": "informational"}, "allow", [], None),
    ("undeliverable on one channel only", facts(undeliverable=[undeliverable(("sms",), reason="disconnected")]),
     {"purpose": "informational"}, "allow", [], None),
    # quiet hours
    ("contract example: 22:00 in LA", facts(consents=[consent()]), {"at": LATE_LA}, "defer", ["quiet_hours"],
     "2026-12-02T16:00:00Z"),
    ("last minute before 21:00 LA", facts(), {"purpose": "informational", "at": "2026-12-02T04:59:59Z"},
     "allow", [], None),
    ("21:00 LA is quiet", facts(), {"purpose": "informational", "at": "2026-12-02T05:00:00Z"},
     "defer", ["quiet_hours"], "2026-12-02T16:00:00Z"),
    ("08:00 LA is open", facts(), {"purpose": "informational", "at": "2026-12-02T16:00:00Z"}, "allow", [], None),
    ("sms has quiet hours too", facts(consents=[written(channels="sms")]), {"channel": "sms", "at": LATE_LA},
     "defer", ["quiet_hours"], "2026-12-02T16:00:00Z"),
    ("own timezone preference replaces the number's",
     facts(consents=[consent()], preferences=prefs(timezone="America/New_York", timezone_source="preference_center")),
     {"at": "2026-12-01T13:30:00Z"}, "allow", [], None),
    ("a timezone set by anyone else adds to the number's (rev. 2)",
     facts(consents=[consent()], preferences=prefs(timezone="America/New_York", timezone_source="crm")),
     {"at": "2026-12-01T13:30:00Z"}, "defer", ["quiet_hours"], "2026-12-01T16:00:00Z"),
    # frequency caps
    ("fourth marketing call in a week", facts(consents=[consent()], attempts=THREE_CALLS), {},
     "defer", ["frequency_cap"], "2026-12-05T18:00:00Z"),
    ("two attempts are under the cap", facts(consents=[consent()], attempts=THREE_CALLS[1:]), {}, "allow", [], None),
    ("informational calls are not capped", facts(attempts=[attempt(purpose="informational")] * 5),
     {"purpose": "informational"}, "allow", [], None),
    ("informational attempts do not count toward marketing",
     facts(consents=[consent()], attempts=[attempt(purpose="informational", at=f"2026-11-{d}T18:00:00Z")
                                          for d in (28, 29, 30)]), {}, "allow", [], None),
    ("other brands' attempts do not count",
     facts(consents=[consent()], attempts=[attempt(brand="acme", at=f"2026-11-{d}T18:00:00Z") for d in (28, 29, 30)]),
     {}, "allow", [], None),
    ("sms attempts do not count toward calls",
     facts(consents=[consent()], attempts=[attempt(channel="sms", at=f"2026-11-{d}T18:00:00Z") for d in (28, 29, 30)]),
     {}, "allow", [], None),
    ("attempt exactly 7 days old no longer counts",
     facts(consents=[consent()], attempts=THREE_CALLS), {"at": "2026-12-05T18:00:00Z"}, "allow", [], None),
    ("future attempts do not count now", facts(consents=[consent()], attempts=[
        attempt(at="2026-11-30T18:00:00Z"), attempt(at="2026-12-01T18:00:00Z"), attempt(at="2026-12-02T18:00:00Z")]),
     {}, "allow", [], None),
    ("marketing sms cap", facts(consents=[written(channels="sms")],
                                attempts=[attempt(channel="sms", at=f"2026-11-{d}T18:00:00Z") for d in (28, 29, 30)]),
     {"channel": "sms"}, "defer", ["frequency_cap"], "2026-12-05T18:00:00Z"),
    ("email is not capped", facts(EMAIL, attempts=[attempt(channel="email", at=f"2026-11-{d}T18:00:00Z")
                                                    for d in range(24, 31)]),
     {"channel": "email"}, "allow", [], None),
    # snooze
    ("snooze defers", facts(consents=[consent()], preferences=prefs(snooze_until="2026-12-05T00:00:00Z")), {},
     "defer", ["snoozed"], "2026-12-05T00:00:00Z"),
    ("snooze defers email too", facts(EMAIL, preferences=prefs(snooze_until="2026-12-05T00:00:00Z")),
     {"channel": "email"}, "defer", ["snoozed"], "2026-12-05T00:00:00Z"),
    ("snooze ending at night waits for the morning",
     facts(consents=[consent()], preferences=prefs(snooze_until="2026-12-05T07:00:00Z")), {},
     "defer", ["snoozed"], "2026-12-05T16:00:00Z"),
    ("snooze over", facts(consents=[consent()], preferences=prefs(snooze_until="2026-12-01T20:00:00Z")), {},
     "allow", [], None),
    ("snooze beyond the horizon", facts(EMAIL, preferences=prefs(snooze_until="2027-02-01T00:00:00Z")),
     {"channel": "email"}, "defer", ["snoozed"], None),
    ("snooze exactly at the horizon", facts(EMAIL, preferences=prefs(snooze_until="2026-12-31T20:00:00Z")),
     {"channel": "email"}, "defer", ["snoozed"], "2026-12-31T20:00:00Z"),
    # every reason is listed, deny first
    ("opted out at night lists both", facts(opt_outs=[opt_out()]), {"purpose": "informational", "at": LATE_LA},
     "deny", ["opted_out", "quiet_hours"], None),
    ("everything at once",
     facts(opt_outs=[opt_out()], suppressions=[member("house", "internal")], attempts=THREE_CALLS,
           undeliverable=[undeliverable(("call",), reason="disconnected")],
           preferences=prefs(snooze_until="2026-12-10T00:00:00Z")),
     {"at": LATE_LA}, "deny",
     ["opted_out", "on_suppression_list", "no_consent", "undeliverable", "quiet_hours", "frequency_cap", "snoozed"],
     None),
    ("cap and quiet hours together; next is when both lift",
     facts(consents=[consent()], attempts=THREE_CALLS), {"at": LATE_LA}, "defer", ["quiet_hours", "frequency_cap"],
     "2026-12-05T18:00:00Z"),
    ("cap lifting at night waits for morning",
     facts(consents=[consent()], attempts=[attempt(at=f"2026-11-{d}T06:00:00Z") for d in (28, 29, 30)]),
     {"at": "2026-12-01T20:00:00Z"}, "defer", ["frequency_cap"], "2026-12-05T16:00:00Z"),
    # brand policy
    ("brand opt-in email: no consent", facts(EMAIL), {"channel": "email", "policy": EMAIL_OPT_IN},
     "deny", ["no_consent"], None),
    ("brand opt-in email: consent", facts(EMAIL, consents=[consent(channels="email")]),
     {"channel": "email", "policy": EMAIL_OPT_IN}, "allow", [], None),
]


@pytest.mark.parametrize("f, kwargs, decision, reason_codes, next_at", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_decision_table(f, kwargs, decision, reason_codes, next_at):
    result = ask(f, **kwargs)
    assert result.decision == decision, result.reasons
    assert codes(result) == reason_codes
    assert result.allowed is (decision == "allow")
    assert result.next_allowed_at == (ts(next_at) if next_at else None)
    assert all(r.message for r in result.reasons)


def test_contract_example_response_shape():
    f = facts(consents=[consent(at="2026-11-20T12:00:00Z")],
              preferences=prefs(preferred_channel="email", linked_addresses=[EMAIL]))
    result = ask(f, at="2026-11-24T05:40:00Z", linked={EMAIL: facts(EMAIL)})
    assert result.to_dict() == {
        "address": LA_PHONE, "channel": "call", "purpose": "marketing", "brand": "default",
        "evaluated_at": "2026-11-24T05:40:00Z",
        "decision": "defer", "allowed": False,
        "reasons": [{"code": "quiet_hours", "message": "21:40 in America/Los_Angeles; calls allowed 08:00-21:00",
                     "rule": "47 CFR 64.1200(c)(1)"}],
        "next_allowed_at": "2026-11-24T16:00:00Z",
        "preferred_channel": "email", "recommended_channel": "email",
        "lead_temperature": "hot", "timezones": ["America/Los_Angeles"], "dialing": "manual",
        "known_at": None, "basis": None, "lists": [],  # rev. 2: replay and receipts
    }


def test_to_dict_formats_and_overrides_evaluated_at():
    result = ask(facts(suppressions=[member()]))
    doc = result.to_dict(evaluated_at=datetime(2026, 12, 1, 12, 0, 0, 500000, tzinfo=UTC))
    assert doc["evaluated_at"] == "2026-12-01T12:00:00.500000Z"
    assert doc["reasons"][0] == {"code": "on_suppression_list", "message": "on national list national-x",
                                 "list": "national-x", "rule": "47 CFR 64.1200(c)(2)"}
    assert "list" not in doc["reasons"][1] and "rule" not in doc["reasons"][1]  # the policy's own basis
    assert doc["next_allowed_at"] is None and doc["allowed"] is False


@pytest.mark.parametrize("f, kwargs, expected", [
    (facts(consents=[consent()]), {"at": LATE_LA}, "22:00 in America/Los_Angeles; calls allowed 08:00-21:00"),
    (facts(consents=[consent(channels="sms")]), {"channel": "sms", "at": LATE_LA},
     "22:00 in America/Los_Angeles; texts allowed 08:00-21:00"),
    (facts(consents=[consent()], attempts=THREE_CALLS), {},
     "3 marketing calls for brand default in the last 7 days; cap is 3"),
    (facts(suppressions=[member("dnc-ca", "state")]), {}, "on state list dnc-ca"),
    (facts(consents=[consent()], preferences=prefs(snooze_until="2026-12-05T00:00:00Z")), {},
     "snoozed until 2026-12-05T00:00:00Z"),
    (facts(), {}, "no consent or established business relationship for marketing calls for brand default"),
    (facts(consents=[consent(channels="call")]), {"channel": "sms"},
     "no consent for marketing texts for brand default (a text to a number that may be wireless)"),
    (facts(consents=[consent(source="purchased_list")]), {},
     "no consent or established business relationship for marketing calls for brand default; "
     "consent from purchased_list is not accepted for calls"),
    (facts(consents=[consent(expires="2026-11-30T00:00:00Z")]), {},
     "no consent or established business relationship for marketing calls for brand default; "
     "consent expired at 2026-11-30T00:00:00Z"),
    (facts(opt_outs=[opt_out(brand="*")]), {"purpose": "informational"},
     "opted out of informational calls for every brand at 2026-11-29T12:00:00Z"),
    (facts(EMAIL, undeliverable=[undeliverable()]), {"channel": "email"}, "email hard-bounced at 2026-11-20T12:00:00Z"),
    (facts(NY_PHONE, preferences=prefs(contact_hours=hours())), {"purpose": "informational",
                                                                  "at": "2026-12-05T17:00:00Z"},
     "12:00 sat in America/New_York; contact accepts calls 09:00-17:00 mon,tue,wed,thu,fri"),
])
def test_reason_messages(f, kwargs, expected):
    assert expected in [r.message for r in ask(f, **kwargs).reasons]


def test_messages_name_no_other_contact():
    f = facts(preferences=prefs(preferred_channel="email", linked_addresses=[EMAIL]))
    result = ask(f, at=LATE_LA, linked={EMAIL: facts(EMAIL, opt_outs=[opt_out(channels="email")])})
    assert EMAIL not in str(result.to_dict()["reasons"])


# --- time zones ------------------------------------------------------------------------------------

def test_timezones_reported():
    assert ask(facts()).timezones == ("America/Los_Angeles",)
    assert ask(facts(EMAIL), channel="email").timezones == ()
    assert ask(facts(EMAIL, preferences=prefs(timezone="Europe/Paris")), channel="email").timezones == ("Europe/Paris",)
    toll_free = ask(facts(TOLL_FREE), purpose="informational").timezones
    assert len(toll_free) > 5 and list(toll_free) == sorted(toll_free)
    assert "Pacific/Guam" in toll_free and "America/St_Johns" in toll_free


def test_invalid_timezone_preference_falls_back_to_the_number():
    assert ask(facts(preferences=prefs(timezone="Mars/Olympus"))).timezones == ("America/Los_Angeles",)


@pytest.mark.parametrize("at, decision, next_at", [
    # 12:00 LA but 06:00 in Guam: wait until 08:00 in Guam, when St John's is still before 21:00.
    ("2026-12-01T20:00:00Z", "defer", "2026-12-01T22:00:00Z"),
    ("2026-12-01T22:00:00Z", "allow", None),
    ("2026-12-02T00:29:59Z", "allow", None),
    # 21:00 in St John's (UTC-3:30) closes the shared window until Guam's next morning.
    ("2026-12-02T00:30:00Z", "defer", "2026-12-02T22:00:00Z"),
])
def test_multi_zone_window_is_the_intersection(at, decision, next_at):
    result = ask(facts(TOLL_FREE), purpose="informational", at=at)
    assert result.decision == decision
    assert result.next_allowed_at == (ts(next_at) if next_at else None)


def test_multi_zone_empty_intersection_has_no_next_moment():
    f = facts(TOLL_FREE, preferences=prefs(contact_hours=hours("09:00", "10:00", days=())))
    result = ask(f, purpose="informational")
    assert result.decision == "defer" and codes(result) == ["quiet_hours"]
    assert result.next_allowed_at is None


def test_multi_zone_narrow_policy_window_can_be_empty():
    narrow = with_overrides(DEFAULT_POLICY, {"quiet_hours_start": "09:00", "quiet_hours_end": "11:00"})
    result = ask(facts(TOLL_FREE), purpose="informational", policy=narrow)
    assert result.decision == "defer" and result.next_allowed_at is None


def test_timezone_preference_replaces_multi_zone():
    f = facts(TOLL_FREE, preferences=prefs(timezone="America/Chicago", timezone_source="preference_center"))
    result = ask(f, purpose="informational")
    assert result.decision == "allow" and result.timezones == ("America/Chicago",)


def test_a_timezone_set_by_others_adds_to_the_numbers_zones():
    f = facts(preferences=prefs(timezone="Europe/Paris", timezone_source="api"))
    result = ask(f, purpose="informational")  # 12:00 in Los Angeles is 21:00 in Paris
    assert result.timezones == ("America/Los_Angeles", "Europe/Paris")
    assert result.decision == "defer" and codes(result) == ["quiet_hours"]


@pytest.mark.parametrize("at, decision, next_at", [
    ("2026-11-01T00:59:59Z", "allow", None),  # 20:59:59 EDT, Oct 31
    ("2026-11-01T01:00:00Z", "defer", "2026-11-01T13:00:00Z"),  # 21:00 EDT -> 08:00 EST after fall back
    ("2026-11-01T12:59:59Z", "defer", "2026-11-01T13:00:00Z"),  # 07:59:59 EST
    ("2027-03-14T03:00:00Z", "defer", "2027-03-14T12:00:00Z"),  # 22:00 EST -> 08:00 EDT after spring forward
    ("2027-03-14T12:00:00Z", "allow", None),
    ("2027-03-15T00:59:59Z", "allow", None),  # 20:59:59 EDT
    ("2027-03-15T01:00:00Z", "defer", "2027-03-15T12:00:00Z"),
])
def test_dst_in_new_york(at, decision, next_at):
    result = ask(facts(NY_PHONE), purpose="informational", at=at)
    assert result.decision == decision
    assert result.next_allowed_at == (ts(next_at) if next_at else None)


def test_dst_gap_opens_when_the_clock_jumps():
    # 02:30 does not exist on 2027-03-14 in New York; the window opens as the clock jumps to 03:00 EDT.
    f = facts(NY_PHONE, preferences=prefs(contact_hours=hours("02:30", "04:00", days=("sun",))))
    result = ask(f, purpose="informational", at="2027-03-14T05:00:00Z", policy=ALL_DAY)
    assert result.next_allowed_at == ts("2027-03-14T07:00:00Z")


def test_dst_repeated_hour_opens_twice():
    # 01:15-01:45 happens twice on 2026-11-01 in New York: EDT (05:15Z) and again in EST (06:15Z).
    f = facts(NY_PHONE, preferences=prefs(contact_hours=hours("01:15", "01:45", days=("sun",))))
    assert ask(f, purpose="informational", at="2026-11-01T05:20:00Z", policy=ALL_DAY).decision == "allow"
    result = ask(f, purpose="informational", at="2026-11-01T05:50:00Z", policy=ALL_DAY)
    assert result.next_allowed_at == ts("2026-11-01T06:15:00Z")


# --- contact hours ---------------------------------------------------------------------------------

WEEKDAYS_9_5 = prefs(contact_hours=hours("09:00", "17:00"))


@pytest.mark.parametrize("preferences, at, decision, next_at", [
    (WEEKDAYS_9_5, "2026-12-01T20:00:00Z", "allow", None),  # Tue 15:00 EST
    (WEEKDAYS_9_5, "2026-12-01T13:30:00Z", "defer", "2026-12-01T14:00:00Z"),  # Tue 08:30: policy open, contact not
    (WEEKDAYS_9_5, "2026-12-01T23:00:00Z", "defer", "2026-12-02T14:00:00Z"),  # Tue 18:00
    (WEEKDAYS_9_5, "2026-12-04T23:00:00Z", "defer", "2026-12-07T14:00:00Z"),  # Fri 18:00 -> Mon 09:00
    (WEEKDAYS_9_5, "2026-12-05T17:00:00Z", "defer", "2026-12-07T14:00:00Z"),  # Sat noon
    # contact hours wider than the policy: the policy still bounds them
    (prefs(contact_hours=hours("06:00", "23:00", days=())), "2026-12-01T12:30:00Z", "defer", "2026-12-01T13:00:00Z"),
    (prefs(contact_hours=hours("06:00", "23:00", days=())), "2026-12-02T02:30:00Z", "defer", "2026-12-02T13:00:00Z"),
    # past midnight: 20:00-02:00 leaves 20:00-21:00 within the policy
    (prefs(contact_hours=hours("20:00", "02:00", days=("sat",))), "2026-12-05T17:00:00Z", "defer",
     "2026-12-06T01:00:00Z"),
    (prefs(contact_hours=hours("20:00", "02:00", days=("sat",))), "2026-12-06T01:30:00Z", "allow", None),
    # the contact's timezone preference is where contact hours are read
    (prefs(timezone="Europe/Paris", timezone_source="preference_center", contact_hours=hours("09:00", "17:00")),
     "2026-12-01T08:00:00Z", "allow", None),
])
def test_contact_hours_narrow_the_window(preferences, at, decision, next_at):
    result = ask(facts(NY_PHONE, preferences=preferences), purpose="informational", at=at)
    assert result.decision == decision, result.reasons
    assert result.next_allowed_at == (ts(next_at) if next_at else None)


def test_contact_hours_do_not_apply_to_email():
    f = facts(EMAIL, preferences=prefs(timezone="America/New_York", contact_hours=hours()))
    assert ask(f, channel="email", at="2026-12-05T17:00:00Z").decision == "allow"


# --- EBR arithmetic ----------------------------------------------------------------------------------

@pytest.mark.parametrize("start, months, expected", [
    ("2026-11-01T12:00:00Z", 3, "2027-02-01T12:00:00Z"),
    ("2026-11-30T09:15:00Z", 3, "2027-02-28T09:15:00Z"),
    ("2027-11-30T09:15:00Z", 3, "2028-02-29T09:15:00Z"),
    ("2026-01-31T00:00:00Z", 1, "2026-02-28T00:00:00Z"),
    ("2026-08-31T23:59:59Z", 18, "2028-02-29T23:59:59Z"),
    ("2026-12-15T00:00:00Z", 12, "2027-12-15T00:00:00Z"),
])
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(ts(start), months) == ts(expected)


def test_ebr_until_per_kind():
    assert ebr_until(relationship("inquiry", at="2026-11-30T10:00:00Z"), DEFAULT_POLICY) == ts("2027-02-28T10:00:00Z")
    assert ebr_until(relationship("transaction", at="2025-06-15T12:00:00Z"), DEFAULT_POLICY) == ts("2026-12-15T12:00:00Z")
    longer = with_overrides(DEFAULT_POLICY, {"ebr_months": {"inquiry": 6}})
    assert ebr_until(relationship("inquiry", at="2026-11-30T10:00:00Z"), longer) == ts("2027-05-30T10:00:00Z")


# --- recommended channel -----------------------------------------------------------------------------

LINKED = prefs(preferred_channel="email", linked_addresses=[EMAIL])


@pytest.mark.parametrize("own, linked, kwargs, recommended", [
    # calls deferred at night; the linked email is allowed, and preferred
    (facts(consents=[consent()], preferences=LINKED), {EMAIL: facts(EMAIL)}, {"at": LATE_LA}, "email"),
    # not preferred, still the only allowed channel
    (facts(consents=[consent()], preferences=prefs(linked_addresses=[EMAIL])), {EMAIL: facts(EMAIL)},
     {"at": LATE_LA}, "email"),
    # preferred email opted out: the requested call is allowed in daytime
    (facts(consents=[consent()], preferences=LINKED),
     {EMAIL: facts(EMAIL, opt_outs=[opt_out(channels="email", purposes="marketing")])}, {}, "call"),
    # nothing allowed anywhere
    (facts(consents=[consent()], preferences=LINKED),
     {EMAIL: facts(EMAIL, opt_outs=[opt_out(channels="email", purposes="marketing")])}, {"at": LATE_LA}, None),
    # a linked address the registry never saw is an empty contact: email marketing needs no basis
    (facts(consents=[consent()], preferences=LINKED), {}, {"at": LATE_LA}, "email"),
    # preferred and allowed wins over the requested channel
    (facts(consents=[consent()], preferences=LINKED), {EMAIL: facts(EMAIL)}, {}, "email"),
    # preferred sms on the same phone, with sms consent
    (facts(consents=[written(channels=("call", "sms"))], preferences=prefs(preferred_channel="sms")), None, {}, "sms"),
    # preferred sms with only an express consent: marketing texts need written consent (rev. 2)
    (facts(consents=[consent(channels=("call", "sms"))], preferences=prefs(preferred_channel="sms")), None, {}, "call"),
    # preferred sms without sms consent: fall back to the requested call
    (facts(consents=[consent()], preferences=prefs(preferred_channel="sms")), None, {}, "call"),
    # requested call denied; another channel of the same phone is allowed (informational sms needs consent)
    (facts(consents=[consent(channels="sms", purposes="informational")], opt_outs=[opt_out(purposes="all")]), None,
     {"purpose": "informational"}, "sms"),
    # a snoozed contact gets no recommendation
    (facts(consents=[consent()], preferences=prefs(preferred_channel="email", linked_addresses=[EMAIL],
                                                   snooze_until="2026-12-10T00:00:00Z")),
     {EMAIL: facts(EMAIL)}, {}, None),
    # email asked about, linked phone preferred and allowed at noon
    (facts(EMAIL, preferences=prefs(preferred_channel="call", linked_addresses=[LA_PHONE])),
     {LA_PHONE: facts(consents=[consent()])}, {"channel": "email"}, "call"),
    # linked phone preferred but quiet at night: the email itself
    (facts(EMAIL, preferences=prefs(preferred_channel="call", linked_addresses=[LA_PHONE])),
     {LA_PHONE: facts(consents=[consent()])}, {"channel": "email", "at": LATE_LA}, "email"),
])
def test_recommended_channel(own, linked, kwargs, recommended):
    result = ask(own, linked=linked, **kwargs)
    assert result.recommended_channel == recommended
    assert result.preferred_channel == own.preferences.preferred_channel


def test_recommendation_does_not_change_the_decision():
    f = facts(consents=[consent()], preferences=LINKED)
    result = ask(f, at=LATE_LA, linked={EMAIL: facts(EMAIL)})
    assert result.decision == "defer" and result.next_allowed_at == ts("2026-12-02T16:00:00Z")


# --- lead temperature in the decision ----------------------------------------------------------------

@pytest.mark.parametrize("f, brand, expected", [
    (facts(consents=[consent()]), "default", "hot"),
    (facts(consents=[consent(brand="acme")]), "default", "cold"),
    (facts(consents=[consent(brand="acme")]), "acme", "hot"),
    (facts(relationships=[relationship(at="2026-10-01T12:00:00Z")]), "default", "warm"),
    (facts(), "default", "cold"),
])
def test_lead_temperature_is_for_the_question_brand(f, brand, expected):
    assert ask(f, brand=brand, purpose="informational").lead_temperature == expected


# --- the question ----------------------------------------------------------------------------------

def test_question_keeps_utc():
    q = question(at=datetime.fromisoformat("2026-12-01T12:00:00-08:00"))
    assert q.at == ts(NOON_LA) and q.at.tzinfo == UTC


def test_question_refuses_naive_time():
    with pytest.raises(ValueError):
        question(at=datetime(2026, 12, 1, 12, 0))


def test_channel_address_mismatch():
    with pytest.raises(ChannelAddressMismatch):
        decide(Question(EMAIL, "email", "call", "marketing", "default", ts(NOON_LA)), facts(EMAIL), DEFAULT_POLICY)


def test_decision_and_reason_are_values():
    r = Reason("on_suppression_list", "on national list x", list="x")
    assert r.to_dict() == {"code": "on_suppression_list", "message": "on national list x", "list": "x"}
    assert Reason("snoozed", "m").to_dict() == {"code": "snoozed", "message": "m"}
    result = ask(facts(consents=[consent()]))
    assert isinstance(result, Decision) and result.allowed and result.reasons == ()
    with pytest.raises(AttributeError):
        result.decision = "deny"


def test_next_allowed_at_is_utc():
    nxt = ask(facts(consents=[consent()]), at=LATE_LA).next_allowed_at
    assert nxt.tzinfo == UTC and nxt.utcoffset() == timedelta(0)


def test_a_bounced_email_attempt_is_a_hard_bounce_until_a_later_delivery():
    from datetime import datetime

    from registry.domain.decide import Question, decide
    from registry.domain.facts import Attempt, ContactFacts
    from registry.domain.policy import DEFAULT_POLICY

    def at(day):
        return datetime(2026, 11, day, 12, tzinfo=UTC)

    bounced = Attempt(id="a1", channel="email", purpose="marketing", brand="default", occurred_at=at(20),
                      outcome="bounced")
    facts = ContactFacts(address="a@example.com", kind="email", attempts=(bounced,))
    question = Question("a@example.com", "email", "email", "informational", "default", at(25))
    decision = decide(question, facts, DEFAULT_POLICY)
    assert decision.decision == "deny" and [r.code for r in decision.reasons] == ["undeliverable"]
    delivered = Attempt(id="a2", channel="email", purpose="marketing", brand="default", occurred_at=at(22),
                        outcome="delivered")
    assert decide(question, facts.with_changes(attempts=(bounced, delivered)), DEFAULT_POLICY).decision == "allow"
