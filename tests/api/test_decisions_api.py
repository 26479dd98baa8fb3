"""Every decision rule of the contract, through HTTP: GET /v1/permissions."""

from datetime import UTC

import pytest

from tests.api.conftest import new_email, new_phone, quoted
from tests.api.helpers import (
    LATE_LA,
    NOON_LA,
    add_entries,
    attempt,
    codes,
    consent,
    create_list,
    decide,
    opt_out,
    preferences,
    relationship,
    written_consent,
)

pytestmark = pytest.mark.dynamodb

DECISION_FIELDS = {
    "address",
    "channel",
    "purpose",
    "brand",
    "evaluated_at",
    "decision",
    "allowed",
    "reasons",
    "next_allowed_at",
    "preferred_channel",
    "recommended_channel",
    "lead_temperature",
    "timezones",
    "dialing",
    "known_at",  # rev. 2: replay (null for a plain lookup)
    "basis",  # rev. 2: receipts (allow only)
    "lists",  # rev. 2: receipts: the bulk lists checked, with their versions
    "policy_version",  # rev. 2: the version of the policy in force at `at`
}


def assert_allow(decision):
    assert decision["decision"] == "allow", decision
    assert decision["allowed"] is True
    assert decision["reasons"] == []
    assert decision["next_allowed_at"] is None


def assert_deny(decision, *expected):
    assert decision["decision"] == "deny", decision
    assert decision["allowed"] is False
    assert decision["next_allowed_at"] is None
    for code in expected:
        assert code in codes(decision), decision


def assert_defer(decision, reasons, next_allowed_at):
    assert decision["decision"] == "defer", decision
    assert decision["allowed"] is False
    assert sorted(codes(decision)) == sorted(reasons), decision
    assert decision["next_allowed_at"] == next_allowed_at, decision


# --- basis ---------------------------------------------------------------------------------------


def test_marketing_call_without_basis_is_denied_for_no_consent(api):
    decision = decide(api, new_phone(), "call")
    assert_deny(decision, "no_consent")
    assert codes(decision) == ["no_consent"]
    assert decision["reasons"][0]["message"]


def test_consent_allows_marketing_call_in_daytime(api):
    number = new_phone()
    consent(api, number, ["call"])
    decision = decide(api, number, "call")
    assert_allow(decision)
    assert decision["address"] == number


def test_consent_for_call_does_not_cover_sms(api):
    number = new_phone()
    consent(api, number, ["call"])
    assert_deny(decide(api, number, "sms"), "no_consent")


def test_consent_for_marketing_does_not_cover_informational_sms(api):
    number = new_phone()
    written_consent(api, number, ["sms"], ["marketing"])
    assert_allow(decide(api, number, "sms"))
    assert_deny(decide(api, number, "sms", "informational"), "no_consent")


def test_sms_informational_needs_consent(api):
    number = new_phone()
    assert_deny(decide(api, number, "sms", "informational"), "no_consent")
    consent(api, number, ["sms"], ["informational"])
    assert_allow(decide(api, number, "sms", "informational"))


def test_informational_call_and_email_need_no_basis(api):
    assert_allow(decide(api, new_phone(), "call", "informational"))
    assert_allow(decide(api, new_email(), "email", "informational"))


def test_consent_is_scoped_to_its_brand(api):
    number = new_phone()
    consent(api, number, ["call"], brand="acme")
    assert_allow(decide(api, number, "call", brand="acme"))
    assert_deny(decide(api, number, "call", brand="globex"), "no_consent")
    assert_deny(decide(api, number, "call"), "no_consent")  # brand "default"


def test_purchased_list_consent_is_no_basis_for_call_or_sms(api):
    number = new_phone()
    consent(api, number, ["call", "sms"], source="purchased_list")
    for channel in ("call", "sms"):
        decision = decide(api, number, channel)
        assert_deny(decision, "no_consent")
        assert "purchased_list" in decision["reasons"][0]["message"]


def test_purchased_list_consent_never_lifts_an_email_opt_out(api):
    address = new_email()
    opt_out(api, address, ["email"], ["marketing"], occurred_at="2026-11-20T12:00:00Z")
    consent(api, address, ["email"], source="purchased_list", occurred_at="2026-11-25T12:00:00Z")
    assert_deny(decide(api, address, "email"), "opted_out")


def test_consent_expires_at_its_expires_at(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-11-01T12:00:00Z", expires_at="2026-12-01T19:00:00Z")
    assert_allow(decide(api, number, "call", at="2026-12-01T18:59:59Z"))
    decision = decide(api, number, "call", at="2026-12-01T19:00:00Z")
    assert_deny(decision, "no_consent")
    assert "expired" in decision["reasons"][0]["message"]
    assert_deny(decide(api, number, "call", at=NOON_LA), "no_consent")


# --- established business relationships ---------------------------------------------------------


def test_inquiry_gives_ebr_for_three_calendar_months(api):
    number = new_phone()
    # Aug 31 + 3 calendar months = Nov 30 (clamped): 91 days, not 90 and not 92.
    relationship(api, number, "inquiry", occurred_at="2026-08-31T20:00:00Z")
    assert_allow(decide(api, number, "call", at="2026-11-30T19:59:59Z"))
    assert_deny(decide(api, number, "call", at="2026-11-30T20:00:00Z"), "no_consent")


def test_transaction_gives_ebr_for_eighteen_calendar_months(api):
    number = new_phone()
    relationship(api, number, "transaction", occurred_at="2025-06-01T20:00:00Z")
    assert_allow(decide(api, number, "call", at="2026-12-01T19:59:59Z"))
    assert_deny(decide(api, number, "call", at="2026-12-01T20:00:00Z"), "no_consent")


def test_ebr_is_per_brand_and_only_for_calls(api):
    number = new_phone()
    relationship(api, number, "inquiry", occurred_at="2026-11-20T12:00:00Z", brand="acme")
    assert_allow(decide(api, number, "call", brand="acme"))
    assert_deny(decide(api, number, "call"), "no_consent")
    assert_deny(decide(api, number, "sms", brand="acme"), "no_consent")


def test_ebr_never_lifts_an_opt_out(api):
    number = new_phone()
    opt_out(api, number, ["call"], occurred_at="2026-11-10T12:00:00Z")
    relationship(api, number, "transaction", occurred_at="2026-11-20T12:00:00Z")
    assert_deny(decide(api, number, "call"), "opted_out")


# --- suppression lists ----------------------------------------------------------------------------


def test_national_list_denies_marketing_unless_consent_or_ebr(api):
    name = create_list(api, "national")
    listed, consented, inquired, stale = (
        new_phone("212"),
        new_phone("212"),
        new_phone("212"),
        new_phone("212"),
    )
    add_entries(api, name, add=[listed, consented, inquired, stale])
    written_consent(api, consented, ["call"])
    relationship(api, inquired, "inquiry", occurred_at="2026-11-01T12:00:00Z")
    relationship(api, stale, "inquiry", occurred_at="2026-08-01T12:00:00Z")

    denied = decide(api, listed, "call")
    assert_deny(denied, "on_suppression_list", "no_consent")
    assert [r.get("list") for r in denied["reasons"] if r["code"] == "on_suppression_list"] == [name]
    assert_allow(decide(api, consented, "call"))
    assert_allow(decide(api, inquired, "call"))
    stale_decision = decide(api, stale, "call")
    assert_deny(stale_decision, "on_suppression_list")
    # informational contact is not affected by a national list
    assert_allow(decide(api, listed, "call", "informational"))
    # rev. 2: an express consent no longer lifts it (47 CFR 64.1200(c)(2)(ii))
    consent(api, listed, ["call"])
    express = decide(api, listed, "call")
    assert_deny(express, "on_suppression_list", "written_consent_required")
    assert "no_consent" not in codes(express)
    assert {r.get("rule") for r in express["reasons"]} == {"47 CFR 64.1200(c)(2)", "47 CFR 64.1200(c)(2)(ii)"}


def test_national_list_exception_is_per_brand(api):
    name = create_list(api, "national")
    number = new_phone("212")
    add_entries(api, name, add=[number])
    written_consent(api, number, ["call"], brand="acme")
    assert_allow(decide(api, number, "call", brand="acme"))
    assert "on_suppression_list" in codes(decide(api, number, "call", brand="globex"))


def test_state_list_behaves_like_the_national_list(api):
    name = create_list(api, "state")
    number = new_phone("212")
    add_entries(api, name, add=[number])
    assert "on_suppression_list" in codes(decide(api, number, "call"))
    relationship(api, number, "transaction", occurred_at="2026-10-01T12:00:00Z")
    assert_allow(decide(api, number, "call"))


@pytest.mark.parametrize("kind", ["internal", "litigator"])
def test_internal_and_litigator_lists_deny_every_purpose_even_with_consent(api, kind):
    name = create_list(api, kind)
    number = new_phone()
    written_consent(api, number, ["call", "sms"], ["marketing", "informational"])
    add_entries(api, name, add=[number])
    for channel in ("call", "sms"):
        for purpose in ("marketing", "informational"):
            decision = decide(api, number, channel, purpose)
            assert_deny(decision, "on_suppression_list")
            assert codes(decision) == ["on_suppression_list"]
            assert decision["reasons"][0]["list"] == name


def test_internal_list_denies_email(api):
    name = create_list(api, "internal")
    address = new_email()
    add_entries(api, name, add=[address])
    assert_deny(decide(api, address, "email", "informational"), "on_suppression_list")


# --- email -------------------------------------------------------------------------------------------


def test_email_marketing_follows_the_opt_out_model(api):
    address = new_email()
    decision = decide(api, address, "email")
    assert_allow(decision)
    assert decision["timezones"] == []
    opt_out(api, address, ["email"], ["marketing"])
    decision = decide(api, address, "email")
    assert_deny(decision, "opted_out")
    assert codes(decision) == ["opted_out"]
    assert_allow(decide(api, address, "email", "informational"))


def test_email_is_not_subject_to_quiet_hours(api):
    assert_allow(decide(api, new_email(), "email", at=LATE_LA))


# --- order of consents and opt-outs ------------------------------------------------------------------


def test_opt_out_beats_older_consent_and_newer_consent_restores(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-11-20T12:00:00Z")
    opt_out(api, number, ["call"], occurred_at="2026-11-21T12:00:00Z")
    assert_deny(decide(api, number, "call"), "opted_out")
    consent(api, number, ["call"], occurred_at="2026-11-22T12:00:00Z")
    assert_allow(decide(api, number, "call"))


@pytest.mark.parametrize("opt_out_first", [False, True])
def test_tie_between_consent_and_opt_out_goes_to_the_opt_out(api, opt_out_first):
    number = new_phone()
    when = "2026-11-25T12:00:00Z"
    if opt_out_first:
        opt_out(api, number, ["call"], occurred_at=when)
        consent(api, number, ["call"], occurred_at=when)
    else:
        consent(api, number, ["call"], occurred_at=when)
        opt_out(api, number, ["call"], occurred_at=when)
    assert_deny(decide(api, number, "call"), "opted_out")


def test_tie_is_judged_on_the_instant_not_the_offset_text(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-11-25T04:00:00-08:00")
    opt_out(api, number, ["call"], occurred_at="2026-11-25T12:00:00Z")
    assert_deny(decide(api, number, "call"), "opted_out")


def test_late_arriving_older_consent_never_undoes_a_newer_opt_out(api):
    number = new_phone()
    opt_out(api, number, ["call"], occurred_at="2026-11-25T12:00:00Z")
    consent(api, number, ["call"], occurred_at="2026-11-24T12:00:00Z")
    assert_deny(decide(api, number, "call"), "opted_out")


def test_late_arriving_older_opt_out_does_not_undo_a_newer_consent(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-11-25T12:00:00Z")
    opt_out(api, number, ["call"], occurred_at="2026-11-24T12:00:00Z")
    assert_allow(decide(api, number, "call"))


def test_opt_out_for_every_brand_covers_other_brands(api):
    number = new_phone()
    consent(api, number, ["call"], brand="acme", occurred_at="2026-11-20T12:00:00Z")
    opt_out(api, number, ["call"], brand="*", occurred_at="2026-11-21T12:00:00Z")
    for brand in ("acme", "globex", None):
        assert_deny(decide(api, number, "call", brand=brand), "opted_out")
    # a newer consent to one brand lifts it for that brand only
    consent(api, number, ["call"], brand="acme", occurred_at="2026-11-22T12:00:00Z")
    assert_allow(decide(api, number, "call", brand="acme"))
    assert_deny(decide(api, number, "call", brand="globex"), "opted_out")


def test_opt_out_for_one_brand_leaves_other_brands_alone(api):
    number = new_phone()
    consent(api, number, ["call"], brand="acme", occurred_at="2026-11-20T12:00:00Z")
    consent(api, number, ["call"], brand="globex", occurred_at="2026-11-20T12:00:00Z")
    opt_out(api, number, ["call"], brand="acme", occurred_at="2026-11-21T12:00:00Z")
    assert_deny(decide(api, number, "call", brand="acme"), "opted_out")
    assert_allow(decide(api, number, "call", brand="globex"))


def test_opt_out_of_all_channels_and_purposes(api):
    number = new_phone()
    consent(api, number, ["call", "sms"], ["marketing", "informational"], occurred_at="2026-11-20T12:00:00Z")
    opt_out(api, number, ["all"], ["all"], occurred_at="2026-11-21T12:00:00Z")
    for channel in ("call", "sms"):
        for purpose in ("marketing", "informational"):
            assert_deny(decide(api, number, channel, purpose), "opted_out")


def test_opt_out_of_marketing_leaves_informational_alone(api):
    number = new_phone()
    consent(api, number, ["call"], ["marketing", "informational"], occurred_at="2026-11-20T12:00:00Z")
    opt_out(api, number, ["all"], ["marketing"], occurred_at="2026-11-21T12:00:00Z")
    assert_deny(decide(api, number, "call"), "opted_out")
    assert_allow(decide(api, number, "call", "informational"))


def test_opt_out_of_all_channels_on_an_email(api):
    address = new_email()
    opt_out(api, address, ["all"], ["all"])
    assert_deny(decide(api, address, "email", "informational"), "opted_out")


# --- quiet hours ------------------------------------------------------------------------------------


def test_quiet_hours_defer_until_eight_local(api):
    number = new_phone()
    consent(api, number, ["call"])
    decision = decide(api, number, "call", at=LATE_LA)
    assert_defer(decision, ["quiet_hours"], "2026-12-02T16:00:00Z")
    assert decision["reasons"][0]["message"] == "22:00 in America/Los_Angeles; calls allowed 08:00-21:00"
    assert decision["timezones"] == ["America/Los_Angeles"]


def test_quiet_hours_window_edges(api):
    number = new_phone()
    consent(api, number, ["call"])
    assert_allow(decide(api, number, "call", at="2026-12-02T04:59:59Z"))  # 20:59:59
    assert_defer(
        decide(api, number, "call", at="2026-12-02T05:00:00Z"), ["quiet_hours"], "2026-12-02T16:00:00Z"
    )
    assert_defer(
        decide(api, number, "call", at="2026-12-01T15:59:59Z"), ["quiet_hours"], "2026-12-01T16:00:00Z"
    )
    assert_allow(decide(api, number, "call", at="2026-12-01T16:00:00Z"))  # 08:00


def test_quiet_hours_apply_to_sms_and_to_informational_calls(api):
    number = new_phone()
    written_consent(api, number, ["sms"])
    assert_defer(decide(api, number, "sms", at=LATE_LA), ["quiet_hours"], "2026-12-02T16:00:00Z")
    assert_defer(
        decide(api, number, "call", "informational", at=LATE_LA), ["quiet_hours"], "2026-12-02T16:00:00Z"
    )


def test_quiet_hours_must_hold_in_every_zone_of_the_number(api):
    number = new_phone("907", exchange="555")  # Alaska: America/Adak (UTC-10) and America/Anchorage (UTC-9)
    decision = decide(api, number, "call", "informational", at="2026-12-01T17:30:00Z")  # 08:30 / 07:30
    assert decision["timezones"] == ["America/Adak", "America/Anchorage"]
    assert_defer(decision, ["quiet_hours"], "2026-12-01T18:00:00Z")
    assert_allow(decide(api, number, "call", "informational", at="2026-12-02T05:30:00Z"))  # 20:30 / 19:30
    assert_defer(
        decide(api, number, "call", "informational", at="2026-12-02T06:00:00Z"),
        ["quiet_hours"],
        "2026-12-02T18:00:00Z",
    )


def test_a_timezone_preference_from_the_api_adds_to_the_numbers_zones(api):
    """rev. 2: a zone set by anyone but the person (here a caller of the API) adds to the number's,
    so the window must be open in both; only the person's own (the preference page) replaces them."""
    number = new_phone()  # Los Angeles number, maybe living in New York
    preferences(api, number, timezone="America/New_York")
    at = "2026-12-02T02:30:00Z"  # 21:30 in New York, 18:30 in Los Angeles
    decision = decide(api, number, "call", "informational", at=at)
    assert decision["timezones"] == ["America/Los_Angeles", "America/New_York"]
    assert_defer(decision, ["quiet_hours"], "2026-12-02T16:00:00Z")  # 08:00 in Los Angeles, 11:00 in New York
    assert "America/New_York" in decision["reasons"][0]["message"]
    early = decide(api, number, "call", "informational", at="2026-12-01T14:30:00Z")  # 09:30 NY, 06:30 LA
    assert_defer(early, ["quiet_hours"], "2026-12-01T16:00:00Z")


def test_contact_hours_narrow_the_window(api):
    number = new_phone()
    consent(api, number, ["call"])
    preferences(
        api,
        number,
        contact_hours={"start": "10:00", "end": "17:00", "days": ["mon", "tue", "wed", "thu", "fri"]},
    )
    assert_allow(decide(api, number, "call"))  # Tue 12:00
    early = decide(api, number, "call", at="2026-12-01T17:30:00Z")  # Tue 09:30
    assert_defer(early, ["quiet_hours"], "2026-12-01T18:00:00Z")
    assert "10:00-17:00" in early["reasons"][0]["message"]
    # Tue 17:00 is past the end: next is Wed 10:00
    assert_defer(
        decide(api, number, "call", at="2026-12-02T01:00:00Z"), ["quiet_hours"], "2026-12-02T18:00:00Z"
    )
    # Saturday noon: not a contact day; next is Monday 10:00
    assert_defer(
        decide(api, number, "call", at="2026-12-05T20:00:00Z"), ["quiet_hours"], "2026-12-07T18:00:00Z"
    )


def test_contact_hours_never_widen_the_policy_window(api):
    number = new_phone()
    consent(api, number, ["call"])
    preferences(
        api,
        number,
        contact_hours={
            "start": "06:00",
            "end": "23:30",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        },
    )
    assert_defer(decide(api, number, "call", at=LATE_LA), ["quiet_hours"], "2026-12-02T16:00:00Z")


# --- snooze -------------------------------------------------------------------------------------------


def test_snooze_defers_until_it_ends(api):
    number = new_phone()
    consent(api, number, ["call"])
    preferences(api, number, snooze_until="2026-12-03T19:30:00Z")  # Thu 11:30 LA
    decision = decide(api, number, "call")
    assert_defer(decision, ["snoozed"], "2026-12-03T19:30:00Z")
    assert decision["recommended_channel"] is None
    assert_allow(decide(api, number, "call", at="2026-12-03T19:30:00Z"))


def test_snooze_ending_at_night_waits_for_the_morning(api):
    number = new_phone()
    consent(api, number, ["call"])
    preferences(api, number, snooze_until="2026-12-03T08:00:00Z")  # midnight in LA
    assert_defer(decide(api, number, "call"), ["snoozed"], "2026-12-03T16:00:00Z")


def test_snooze_defers_email_too(api):
    address = new_email()
    preferences(api, address, snooze_until="2026-12-04T00:00:00+00:00")
    assert_defer(decide(api, address, "email"), ["snoozed"], "2026-12-04T00:00:00Z")


def test_snooze_beyond_thirty_days_has_no_next_allowed_at(api):
    address = new_email()
    preferences(api, address, snooze_until="2027-03-01T00:00:00Z")
    assert_defer(decide(api, address, "email"), ["snoozed"], None)


# --- frequency caps -----------------------------------------------------------------------------------


def test_fourth_marketing_call_in_a_week_is_deferred(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-11-20T12:00:00Z")
    attempt(api, number, occurred_at="2026-11-28T18:00:00Z")
    attempt(api, number, occurred_at="2026-11-29T18:00:00Z")
    assert_allow(decide(api, number, "call"))
    attempt(api, number, occurred_at="2026-11-30T18:00:00Z")
    decision = decide(api, number, "call")
    assert_defer(decision, ["frequency_cap"], "2026-12-05T18:00:00Z")
    assert_defer(
        decide(api, number, "call", at="2026-12-05T17:59:59Z"), ["frequency_cap"], "2026-12-05T18:00:00Z"
    )
    assert_allow(decide(api, number, "call", at="2026-12-05T18:00:00Z"))


def test_cap_lifts_when_enough_attempts_have_left_the_window(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-11-20T12:00:00Z")
    for day in ("26", "28", "29", "30"):
        attempt(api, number, occurred_at=f"2026-11-{day}T18:00:00Z")
    # four counted: two must leave the window before the count is under three
    assert_defer(decide(api, number, "call"), ["frequency_cap"], "2026-12-05T18:00:00Z")


def test_cap_lifting_at_night_waits_for_the_morning(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-11-20T12:00:00Z")
    for day in ("28", "29", "30"):
        attempt(api, number, occurred_at=f"2026-11-{day}T06:00:00Z")  # 22:00 LA the evening before
    # the cap lifts 2026-12-05T06:00Z, 22:00 in LA: the first moment with no defer reason is 08:00 LA
    assert_defer(decide(api, number, "call"), ["frequency_cap"], "2026-12-05T16:00:00Z")


def test_informational_calls_are_not_capped_and_do_not_count_against_marketing(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-11-20T12:00:00Z")
    for day in ("27", "28", "29", "30"):
        attempt(api, number, purpose="informational", occurred_at=f"2026-11-{day}T18:00:00Z")
    assert_allow(decide(api, number, "call", "informational"))
    assert_allow(decide(api, number, "call"))


def test_marketing_sms_cap(api):
    number = new_phone()
    written_consent(api, number, ["call", "sms"], occurred_at="2026-11-20T12:00:00Z")
    for day in ("28", "29", "30"):
        attempt(api, number, channel="sms", occurred_at=f"2026-11-{day}T18:00:00Z", outcome="delivered")
    assert_defer(decide(api, number, "sms"), ["frequency_cap"], "2026-12-05T18:00:00Z")
    assert_allow(decide(api, number, "call"))  # the sms cap does not touch calls


def test_cap_is_per_brand(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-11-20T12:00:00Z", brand="acme")
    consent(api, number, ["call"], occurred_at="2026-11-20T12:00:00Z")
    for day in ("28", "29", "30"):
        attempt(api, number, occurred_at=f"2026-11-{day}T18:00:00Z", brand="acme")
    assert_defer(decide(api, number, "call", brand="acme"), ["frequency_cap"], "2026-12-05T18:00:00Z")
    assert_allow(decide(api, number, "call"))


def test_email_marketing_is_never_capped(api):
    address = new_email()
    for day in ("27", "28", "29", "30"):
        attempt(api, address, channel="email", occurred_at=f"2026-11-{day}T18:00:00Z", outcome="delivered")
    assert_allow(decide(api, address, "email"))


def test_cap_counts_backfilled_attempts_when_at_is_in_the_past(api):
    """`at` pins the clock: attempts long before today still count for a decision about their week."""
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-08-01T12:00:00Z")
    for day in ("01", "02", "03"):
        attempt(api, number, occurred_at=f"2026-09-{day}T18:00:00Z")
    assert_defer(
        decide(api, number, "call", at="2026-09-04T20:00:00Z"), ["frequency_cap"], "2026-09-08T18:00:00Z"
    )


# --- attempts: dispositions and outcomes -----------------------------------------------------------------


def test_do_not_contact_disposition_opts_out_calls_and_texts_of_that_brand_only(api):
    """rev. 2: a text is a call under the TCPA, so a do_not_contact on a call covers both."""
    number = new_phone()
    written_consent(
        api,
        number,
        ["call", "sms"],
        ["marketing", "informational"],
        brand="acme",
        occurred_at="2026-11-20T12:00:00Z",
    )
    written_consent(api, number, ["call", "sms"], occurred_at="2026-11-20T12:00:00Z")
    attempt(
        api,
        number,
        brand="acme",
        occurred_at="2026-11-28T18:00:00Z",
        outcome="answered",
        disposition="do_not_contact",
    )
    for channel in ("call", "sms"):
        for purpose in ("marketing", "informational"):
            assert_deny(decide(api, number, channel, purpose, brand="acme"), "opted_out")
        assert_allow(decide(api, number, channel))  # another brand


def test_disconnected_number_is_undeliverable_for_call_and_sms(api):
    number = new_phone()
    written_consent(api, number, ["call", "sms"], ["marketing", "informational"], occurred_at="2026-11-20T12:00:00Z")
    attempt(api, number, purpose="informational", occurred_at="2026-11-28T18:00:00Z", outcome="disconnected")
    for channel in ("call", "sms"):
        for purpose in ("marketing", "informational"):
            decision = decide(api, number, channel, purpose)
            assert_deny(decision, "undeliverable")
            # rev. 2: a disconnect is also a reassignment: the consent from before it is void
            void = ["no_consent", "consent_void"] + (["written_consent_required"] if channel == "sms" and
                                                      purpose == "marketing" else [])
            expected = ["undeliverable"] if (channel, purpose) == ("call", "informational") else void
            assert sorted(codes(decision)) == sorted({"undeliverable", *expected}), decision


def test_other_outcomes_do_not_make_a_number_undeliverable(api):
    number = new_phone()
    for outcome in ("no_answer", "voicemail", "busy", "failed"):
        attempt(api, number, purpose="informational", occurred_at="2026-11-28T18:00:00Z", outcome=outcome)
    assert_allow(decide(api, number, "call", "informational"))


# --- deny and defer together ----------------------------------------------------------------------------


def test_opted_out_at_night_lists_both_reasons_and_denies(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-11-20T12:00:00Z")
    opt_out(api, number, ["call"], occurred_at="2026-11-21T12:00:00Z")
    decision = decide(api, number, "call", at=LATE_LA)
    assert_deny(decision, "opted_out", "quiet_hours")
    assert codes(decision)[0] == "opted_out"  # deny reasons first
    assert codes(decision)[-1] == "quiet_hours"


def test_no_consent_while_capped_and_snoozed_lists_everything(api):
    number = new_phone()
    for day in ("28", "29", "30"):
        attempt(api, number, occurred_at=f"2026-11-{day}T18:00:00Z")
    preferences(api, number, snooze_until="2026-12-10T00:00:00Z")
    decision = decide(api, number, "call", at=LATE_LA)
    assert_deny(decision)
    assert sorted(codes(decision)) == ["frequency_cap", "no_consent", "quiet_hours", "snoozed"]


# --- `at` pins the clock ----------------------------------------------------------------------------------


def test_facts_after_at_do_not_count(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-12-05T12:00:00Z")
    assert_deny(decide(api, number, "call", at=NOON_LA), "no_consent")
    assert_allow(decide(api, number, "call", at="2026-12-07T20:00:00Z"))
    opt_out(api, number, ["call"], occurred_at="2026-12-10T12:00:00Z")
    assert_allow(decide(api, number, "call", at="2026-12-07T20:00:00Z"))
    assert_deny(decide(api, number, "call", at="2026-12-10T20:00:00Z"), "opted_out")
    for day in ("08", "09", "10"):
        attempt(api, number, occurred_at=f"2026-12-{day}T18:00:00Z")
    assert_allow(decide(api, number, "call", at="2026-12-07T20:00:00Z"))


def test_relationship_after_at_does_not_count(api):
    number = new_phone()
    relationship(api, number, "inquiry", occurred_at="2026-12-05T12:00:00Z")
    assert_deny(decide(api, number, "call", at=NOON_LA), "no_consent")


def test_evaluated_at_is_the_pinned_moment_in_utc(api):
    decision = decide(api, new_phone(), "call", "informational", at="2026-12-01T14:00:00-06:00")
    assert decision["evaluated_at"] == "2026-12-01T20:00:00Z"


def test_without_at_the_decision_is_for_now(api):
    from datetime import datetime, timedelta

    decision = decide(api, new_email(), "email", at=None)
    evaluated = datetime.fromisoformat(decision["evaluated_at"].replace("Z", "+00:00"))
    assert decision["evaluated_at"].endswith("Z")
    assert abs(datetime.now(UTC) - evaluated) < timedelta(minutes=1)


# --- channels the contact prefers -------------------------------------------------------------------------


def test_recommended_channel_follows_linked_addresses(api):
    number, address = new_phone(), new_email()
    consent(api, number, ["call"])
    preferences(api, number, preferred_channel="email", linked_addresses=[address])
    decision = decide(api, number, "call", at=LATE_LA)
    assert_defer(decision, ["quiet_hours"], "2026-12-02T16:00:00Z")
    assert decision["preferred_channel"] == "email"
    assert decision["recommended_channel"] == "email"

    opt_out(api, address, ["email"], ["marketing"])
    decision = decide(api, number, "call", at=LATE_LA)
    assert decision["recommended_channel"] is None  # call deferred, sms has no consent, email opted out
    assert decide(api, number, "call")["recommended_channel"] == "call"


def test_recommended_channel_is_the_preferred_one_when_allowed(api):
    number = new_phone()
    written_consent(api, number, ["call", "sms"])
    preferences(api, number, preferred_channel="sms")
    decision = decide(api, number, "call")
    assert_allow(decision)
    assert (decision["preferred_channel"], decision["recommended_channel"]) == ("sms", "sms")


def test_recommended_channel_skips_a_preferred_channel_that_is_not_allowed(api):
    number = new_phone()
    consent(api, number, ["call"])
    preferences(api, number, preferred_channel="sms")
    decision = decide(api, number, "call")
    assert (decision["preferred_channel"], decision["recommended_channel"]) == ("sms", "call")


def test_linked_address_is_found_whatever_its_format(api):
    number, address = new_phone(), new_email()
    preferences(api, number, linked_addresses=[f"  {address.upper()} "])
    assert decide(api, number, "call", at=LATE_LA)["recommended_channel"] == "email"


def test_recommended_channel_from_an_email_to_a_linked_phone(api):
    address, number = new_email(), new_phone()
    opt_out(api, address, ["email"], ["marketing"])
    written_consent(api, number, ["sms"])
    preferences(api, address, linked_addresses=[number])
    decision = decide(api, address, "email")
    assert_deny(decision, "opted_out")
    assert decision["preferred_channel"] is None
    assert decision["recommended_channel"] == "sms"


# --- lead temperature ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "occurred_at, expected",
    [
        ("2026-11-24T20:00:00Z", "hot"),  # 7 days
        ("2026-11-24T19:59:59Z", "warm"),  # just over 7 days
        ("2026-09-02T20:00:00Z", "warm"),  # 90 days
        ("2026-01-01T12:00:00Z", "warm"),  # old, but the consent is still in force
    ],
)
def test_lead_temperature_from_a_consent(api, occurred_at, expected):
    number = new_phone()
    consent(api, number, ["call"], occurred_at=occurred_at)
    assert decide(api, number, "call")["lead_temperature"] == expected


def test_lead_is_cold_without_first_party_interest(api):
    assert decide(api, new_phone(), "call")["lead_temperature"] == "cold"
    bought, imported = new_phone(), new_phone()
    consent(api, bought, ["call"], source="purchased_list", occurred_at="2026-11-30T12:00:00Z")
    consent(api, imported, ["call"], source="import", occurred_at="2026-11-30T12:00:00Z")
    assert decide(api, bought, "call")["lead_temperature"] == "cold"
    assert decide(api, imported, "call")["lead_temperature"] == "cold"


def test_old_consent_withdrawn_is_cold(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2026-01-01T12:00:00Z")
    opt_out(api, number, ["call"], occurred_at="2026-02-01T12:00:00Z")
    assert decide(api, number, "call")["lead_temperature"] == "cold"


@pytest.mark.parametrize(
    "occurred_at, expected",
    [("2026-11-28T12:00:00Z", "hot"), ("2026-10-01T12:00:00Z", "warm"), ("2026-08-01T12:00:00Z", "cold")],
)
def test_lead_temperature_from_an_inquiry(api, occurred_at, expected):
    number = new_phone()
    relationship(api, number, "inquiry", occurred_at=occurred_at)
    assert decide(api, number, "call")["lead_temperature"] == expected


# --- the response itself ---------------------------------------------------------------------------------


def test_response_matches_the_contract_example(api):
    number, address = new_phone(), new_email()
    local = f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    consent(api, local, ["call"], occurred_at="2026-10-01T12:00:00Z")
    preferences(api, number, preferred_channel="email", linked_addresses=[address])
    reply = api.permission(local, "call", "marketing", at="2026-11-23T21:40:00-08:00")
    assert reply.status == 200, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    decision = reply.json()
    assert set(decision) == DECISION_FIELDS
    assert decision == {
        "address": number,
        "channel": "call",
        "purpose": "marketing",
        "brand": "default",
        "evaluated_at": "2026-11-24T05:40:00Z",
        "decision": "defer",
        "allowed": False,
        "reasons": [
            {"code": "quiet_hours", "message": "21:40 in America/Los_Angeles; calls allowed 08:00-21:00",
             "rule": "47 CFR 64.1200(c)(1)"}
        ],
        "next_allowed_at": "2026-11-24T16:00:00Z",
        "preferred_channel": "email",
        "recommended_channel": "email",
        "lead_temperature": "warm",
        "timezones": ["America/Los_Angeles"],
        "dialing": "manual",
        "known_at": None,
        "basis": None,
        "lists": decision["lists"],  # every bulk list the suite's table holds (tests/api/test_receipts_api.py)
        "policy_version": "federal-2025-04-11",  # in force on 2026-11-24
    }


def test_email_address_is_normalised_in_the_answer(api):
    address = new_email()
    decision = decide(api, f"  {address.upper()}  ", "email")
    assert decision["address"] == address


def test_reason_for_a_suppression_list_names_the_list(api):
    name = create_list(api, "litigator")
    number = new_phone()
    add_entries(api, name, add=[number])
    reason = decide(api, number, "call", "informational")["reasons"][0]
    assert reason["code"] == "on_suppression_list" and reason["list"] == name and reason["message"]


def test_path_quoting_helper_round_trips(api):
    # the helpers quote '+' in paths; the registry must find the same contact
    number = new_phone()
    consent(api, number, ["call"])
    reply = api.call("GET", f"/v1/contacts/{quoted(number)}")
    assert reply.status == 200, reply.text


def test_quiet_hours_follow_daylight_saving_time(api):
    number = new_phone()
    consent(api, number, ["call"], occurred_at="2027-03-01T12:00:00Z")
    # Sat 2027-03-13 22:00 PST; clocks spring forward that night, so 08:00 on Sunday is 15:00Z
    assert_defer(
        decide(api, number, "call", at="2027-03-14T06:00:00Z"), ["quiet_hours"], "2027-03-14T15:00:00Z"
    )
    # Sat 2026-10-31 22:00 PDT; clocks fall back that night, so 08:00 on Sunday is 16:00Z
    consent(api, number, ["call"], occurred_at="2026-10-01T12:00:00Z")
    assert_defer(
        decide(api, number, "call", at="2026-11-01T05:00:00Z"), ["quiet_hours"], "2026-11-01T16:00:00Z"
    )


def test_contact_hours_past_midnight_meet_the_policy_window_in_the_evening(api):
    number = new_phone()
    consent(api, number, ["call"])
    preferences(
        api,
        number,
        contact_hours={
            "start": "20:00",
            "end": "09:00",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        },
    )
    # Tue 12:00 LA: outside 20:00-09:00; next is 20:00 LA = 04:00Z
    assert_defer(decide(api, number, "call"), ["quiet_hours"], "2026-12-02T04:00:00Z")
    assert_allow(decide(api, number, "call", at="2026-12-02T04:30:00Z"))  # 20:30 LA
    assert_allow(decide(api, number, "call", at="2026-12-02T16:30:00Z"))  # 08:30 LA
    # 21:30 LA: inside the contact's hours but past the policy's 21:00
    assert_defer(
        decide(api, number, "call", at="2026-12-02T05:30:00Z"), ["quiet_hours"], "2026-12-02T16:00:00Z"
    )


def test_a_lookup_cannot_ask_for_every_brand(api):
    """'*' names every brand in an opt-out; a question for brand '*' would dodge brand opt-outs."""
    address = new_email()
    opt_out(api, address, ["email"], ["marketing"], brand="acme")
    reply = api.permission(address, "email", "marketing", at=NOON_LA, brand="*")
    assert reply.status == 400, reply.text
    assert reply.json()["error"]["field"] == "brand"
    reply = api.call(
        "POST",
        "/v1/permissions/batch",
        {"channel": "email", "purpose": "marketing", "brand": "*", "addresses": [address]},
        key="dialer",
    )
    assert reply.status == 400, reply.text
    assert reply.json()["error"]["field"] == "brand"


def test_undeliverable_clears_after_the_number_answers_again(api):
    number = new_phone()
    attempt(api, number, purpose="informational", occurred_at="2026-11-20T18:00:00Z", outcome="disconnected")
    assert_deny(decide(api, number, "call", "informational"), "undeliverable")
    attempt(api, number, purpose="informational", occurred_at="2026-11-25T18:00:00Z", outcome="answered")
    assert_allow(decide(api, number, "call", "informational"))
    # asked about a moment before the answer, it was still undeliverable
    assert_deny(decide(api, number, "call", "informational", at="2026-11-24T20:00:00Z"), "undeliverable")
