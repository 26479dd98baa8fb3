"""``list_stale`` (rev. 2, 47 CFR 64.1200(c)(2)(i)(D)): a national list's newest full copy is good
through day D + 31 (UTC dates); from D + 32 days 00:00Z marketing calls and texts are denied.

Every date is built relative to the moment asked about (or to a fixed copy date with a fixed
``at``): nothing here reads the clock, so it passes on any date."""
from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

import pytest
from builders import LA_PHONE, ask, codes, consent, facts, member, relationship, written
from hypothesis import given
from hypothesis import strategies as st

from registry.domain import list_age
from registry.domain.list_age import ListCopy
from registry.domain.policy import DEFAULT_POLICY
from registry.domain.profile import PageStatus, page_status
from registry.domain.scope_status import Scope, scope_status

COPY = date(2026, 10, 1)
EARLY = "2026-09-01T12:00:00Z"  # every consent here is older than every moment asked about
RULE = "47 CFR 64.1200(c)(2)(i)(D)"


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def test_a_copy_is_good_through_day_31_and_stale_from_day_32():
    assert list_age.last_good_day(COPY) == date(2026, 11, 1)
    last_moment = midnight(COPY + timedelta(days=32)) - timedelta(microseconds=1)
    assert not list_age.is_stale(COPY, last_moment)
    assert list_age.is_stale(COPY, midnight(COPY + timedelta(days=32)))
    assert not list_age.is_stale(COPY, midnight(COPY + timedelta(days=31)))
    assert not list_age.is_stale(COPY, midnight(COPY))
    assert not list_age.is_stale(COPY, midnight(COPY) - timedelta(days=3))  # a copy dated after ``at``


def test_the_day_is_the_utc_date_of_at():
    """18:00 on day 31 in Los Angeles is 01:00Z on day 32: stale (early, never late)."""
    la = timezone(timedelta(hours=-7))
    evening = datetime.combine(COPY + timedelta(days=31), datetime.min.time(), la).replace(hour=18)
    assert list_age.is_stale(COPY, evening)
    morning = evening.replace(hour=8)  # 15:00Z on day 31
    assert not list_age.is_stale(COPY, morning)


class NoOffset(tzinfo):
    def utcoffset(self, dt):
        return None


@pytest.mark.parametrize("at", [datetime(2026, 12, 1), datetime(2026, 12, 1, tzinfo=NoOffset())])
def test_a_naive_moment_is_refused(at):
    with pytest.raises(ValueError, match="^at must be timezone-aware$"):
        list_age.is_stale(COPY, at)


def test_the_machines_own_zone_plays_no_part(monkeypatch):
    """Read in UTC, not in the zone the registry runs in: 20:00 on day 31 in Honolulu is day 32 in UTC."""
    monkeypatch.setenv("TZ", "Pacific/Honolulu")
    time.tzset()
    try:
        at = datetime.combine(COPY + timedelta(days=32), datetime.min.time(), UTC) + timedelta(hours=6)
        assert list_age.is_stale(COPY, at)
    finally:
        monkeypatch.undo()
        time.tzset()


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(-400, 400),
       st.integers(0, 86_399))
def test_stale_exactly_when_the_utc_date_is_more_than_31_days_after_the_copy(copy, days, seconds):
    at = midnight(copy) + timedelta(days=days, seconds=seconds)
    assert list_age.is_stale(copy, at) is (days > 31)


@pytest.mark.parametrize(("channel", "purpose", "aged"), [
    ("call", "marketing", True), ("sms", "marketing", True), ("email", "marketing", False),
    ("call", "informational", False), ("sms", "informational", False), ("sms", "opt_out_confirmation", False),
])
def test_only_marketing_calls_and_texts_are_aged(channel, purpose, aged):
    assert list_age.is_aged(channel, purpose) is aged
    stale = ListCopy("dnc", COPY)
    at = midnight(COPY + timedelta(days=90))
    assert list_age.stale_copies([stale], channel, purpose, at) == ((stale,) if aged else ())


def test_only_the_stale_copies_are_named_by_list():
    at = midnight(COPY + timedelta(days=32))
    fresh, old, older = ListCopy("b-fresh", COPY + timedelta(days=1)), ListCopy("c-old", COPY), \
        ListCopy("a-older", COPY - timedelta(days=5))
    assert list_age.stale_copies([fresh, old, older], "call", "marketing", at) == (older, old)
    assert list_age.stale_copies([], "call", "marketing", at) == ()


# --- in the decision ---------------------------------------------------------------------------------

def aged(f, copy: date = COPY):
    return replace(f, list_copies=(ListCopy("dnc-national", copy),))


def noon_la(day: date) -> str:
    """Noon in Los Angeles (19:00Z) on ``day``: inside calling hours, so only deny reasons show."""
    return f"{day.isoformat()}T19:00:00Z"


def test_a_marketing_call_on_day_32_is_denied_with_list_stale_carrying_list_version_and_rule():
    f = aged(facts(consents=[written(channels=("call", "sms"), at=EARLY)]))
    decision = ask(f, at=noon_la(COPY + timedelta(days=32)))
    assert codes(decision) == ["list_stale"]
    reason = decision.reasons[0].to_dict()
    assert reason == {"code": "list_stale", "list": "dnc-national", "version": "2026-10-01", "rule": RULE,
                      "message": reason["message"]}
    assert "dnc-national" in reason["message"] and "2026-10-01" in reason["message"]
    assert decision.to_dict()["decision"] == "deny"


def test_on_day_31_the_same_call_is_allowed():
    f = aged(facts(consents=[written(channels=("call", "sms"), at=EARLY)]))
    assert codes(ask(f, at=noon_la(COPY + timedelta(days=31)))) == []


def test_texts_too_but_not_email_nor_informational_calls():
    day = COPY + timedelta(days=40)
    f = aged(facts(consents=[written(channels=("call", "sms"), purposes=("marketing", "informational"), at=EARLY)]))
    assert codes(ask(f, channel="sms", at=noon_la(day))) == ["list_stale"]
    assert codes(ask(f, purpose="informational", at=noon_la(day))) == []
    mail = aged(facts("someone@example.com", consents=[consent(channels=("email",), at=EARLY)]))
    assert codes(ask(mail, channel="email", at=noon_la(day))) == []


def test_a_list_never_fully_imported_is_not_aged():
    f = facts(consents=[written(at=EARLY)])  # no copies: the catalog has no version for the list
    assert codes(ask(f, at=noon_la(COPY + timedelta(days=400)))) == []


def test_list_stale_comes_with_the_other_reasons_in_the_contracts_order():
    f = aged(facts(suppressions=[member("dnc-national")]))
    decision = ask(f, at=noon_la(COPY + timedelta(days=60)))
    assert codes(decision) == ["on_suppression_list", "no_consent", "written_consent_required", "list_stale"]


def test_an_ebr_does_not_lift_it():
    f = aged(facts(relationships=[relationship(kind="purchase", at="2026-10-20T12:00:00Z")]))
    assert "list_stale" in codes(ask(f, at=noon_la(COPY + timedelta(days=32))))


def test_the_scope_status_and_the_page_say_it_too():
    f = aged(facts(LA_PHONE, consents=[written(at=EARLY)]))
    at = midnight(COPY + timedelta(days=32))
    status = scope_status(f, Scope("call", "marketing", "default"), at, DEFAULT_POLICY)
    assert status.stale_lists == (ListCopy("dnc-national", COPY),)
    assert page_status(status) == PageStatus.BLOCKED
    before = scope_status(f, Scope("call", "marketing", "default"), at - timedelta(seconds=1), DEFAULT_POLICY)
    assert before.stale_lists == () and page_status(before) == PageStatus.SUBSCRIBED


def test_the_opt_out_confirmation_is_never_held_back_by_it():
    f = aged(facts())
    decision = ask(f, channel="sms", purpose="opt_out_confirmation", at=noon_la(COPY + timedelta(days=60)))
    assert "list_stale" not in codes(decision)
