"""GET /v1/reports/violations (contract rev. 2, "Violations report"; issue 12 item 6), through both hosts.

Every fact a test records is stamped with the moment it arrives (now), so "known in time" is set
up with moments relative to now: an attempt dated after an opt-out was recorded (a future moment)
was made against a registry that already said no; one dated before the opt-out's arrival (a past
moment) was not. The table is shared by the whole session, so a test looks only at its own
addresses, or uses a range of its own (a random moment years away) where it counts rows.
"""
from __future__ import annotations

import csv
import io
import random
import urllib.parse
from datetime import UTC, datetime, timedelta

import pytest

from tests.api.conftest import new_email, new_phone
from tests.api.helpers import assert_error, attempt, clean, consent, opt_out, unique

pytestmark = pytest.mark.dynamodb

_random = random.SystemRandom()


def text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def far_moment(future: bool = True) -> datetime:
    """A moment of its own, years from now (or ago), at 19:00-19:59Z (noon or 11:00 in Los Angeles):
    no other test records attempts then."""
    days = _random.randrange(800, 20_000) if future else -_random.randrange(800, 15_000)
    day = (now() + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, 19, _random.randrange(60), tzinfo=UTC)


def report(api, start: datetime, end: datetime, key: str = "admin", **params) -> dict:
    query = urllib.parse.urlencode({"from": text(start), "to": text(end), **params})
    reply = api.call("GET", f"/v1/reports/violations?{query}", key=key)
    assert reply.status == 200, reply.text
    assert reply.headers.get("cache-control") == "no-store"
    return clean(reply)


def rows_for(api, start: datetime, end: datetime, addresses: set[str], **params) -> list[dict]:
    """Every violation of ``addresses`` in [start, end), all pages."""
    out, cursor = [], None
    for _ in range(1000):
        page = report(api, start, end, **params, **({"cursor": cursor} if cursor else {}))
        out += [row for row in page["violations"] if row["address"] in addresses]
        cursor = page["next"]
        if cursor is None:
            return out
    raise AssertionError("the report never ended")


def test_an_attempt_after_a_recorded_opt_out_was_known_in_time(both):
    email = new_email()
    opt_out(both, email, channels=["email"], purposes=["marketing"], occurred_at=text(now() - timedelta(hours=1)))
    when = now() + timedelta(days=_random.randrange(2, 300), seconds=_random.randrange(86_400))
    made = attempt(both, email, channel="email", occurred_at=text(when), outcome="delivered")
    (row,) = rows_for(both, when - timedelta(seconds=1), when + timedelta(seconds=1), {email})
    assert row["attempt_id"] == made["id"]
    assert row["occurred_at"] == text(when)
    assert (row["channel"], row["purpose"], row["brand"], row["outcome"]) == ("email", "marketing", "default",
                                                                            "delivered")
    assert row["decision"] == "deny" and [r["code"] for r in row["reasons"]] == ["opted_out"]
    assert row["known_in_time"] is True and row["decision_then"] == "deny"


def test_an_attempt_before_a_backdated_opt_out_was_not_known_in_time(both):
    email = new_email()
    when = far_moment(future=False)
    attempt(both, email, channel="email", occurred_at=text(when), outcome="delivered")
    # recorded now, long after the attempt, but dated before it
    opt_out(both, email, channels=["email"], purposes=["marketing"], occurred_at=text(when - timedelta(hours=1)))
    (row,) = rows_for(both, when, when + timedelta(minutes=1), {email})
    assert row["decision"] == "deny" and [r["code"] for r in row["reasons"]] == ["opted_out"]
    assert row["known_in_time"] is False and row["decision_then"] == "allow"


def test_an_allowed_attempt_and_one_before_the_opt_out_are_not_listed(both):
    email, other = new_email(), new_email()
    when = far_moment(future=False)
    attempt(both, email, channel="email", occurred_at=text(when), outcome="delivered")  # never opted out
    attempt(both, other, channel="email", occurred_at=text(when), outcome="delivered")
    opt_out(both, other, channels=["email"], purposes=["marketing"], occurred_at=text(when + timedelta(seconds=1)))
    assert rows_for(both, when, when + timedelta(minutes=1), {email, other}) == []


def test_a_call_in_quiet_hours_is_listed_with_its_reason(both):
    phone = new_phone("415")
    day = far_moment(future=False)
    late = day.replace(hour=10)  # 02:00 or 03:00 in Los Angeles
    attempt(both, phone, channel="call", purpose="informational", occurred_at=text(late), outcome="answered")
    (row,) = rows_for(both, late, late + timedelta(minutes=1), {phone})
    assert row["decision"] == "defer" and [r["code"] for r in row["reasons"]] == ["quiet_hours"]
    assert row["known_in_time"] is True  # the number's zone was known: it needs no fact


def test_the_one_confirmation_text_is_not_a_violation_but_a_second_is(both):
    phone = new_phone("415")
    consent(both, phone, channels=["sms"], purposes=["informational"], occurred_at=text(now() - timedelta(days=1)))
    opt_out(both, phone, channels=["sms"], purposes=["all"], source="sms_keyword",
            occurred_at=text(now() - timedelta(seconds=30)))
    first = now() + timedelta(minutes=1)
    one = attempt(both, phone, channel="sms", purpose="opt_out_confirmation", occurred_at=text(first),
                  outcome="delivered")
    two = attempt(both, phone, channel="sms", purpose="opt_out_confirmation",
                  occurred_at=text(first + timedelta(seconds=30)), outcome="delivered")
    rows = rows_for(both, first - timedelta(minutes=1), first + timedelta(minutes=2), {phone})
    assert [r["attempt_id"] for r in rows] == [two["id"]]
    assert rows[0]["decision"] == "deny" and rows[0]["known_in_time"] is True
    assert one["id"] != two["id"]


def test_a_do_not_contact_disposition_does_not_deny_its_own_attempt(both):
    email = new_email()
    when = far_moment(future=False)
    attempt(both, email, channel="email", occurred_at=text(when), outcome="delivered", disposition="do_not_contact")
    later = attempt(both, email, channel="email", occurred_at=text(when + timedelta(seconds=5)), outcome="delivered")
    rows = rows_for(both, when, when + timedelta(minutes=1), {email})
    assert [r["attempt_id"] for r in rows] == [later["id"]]  # only the one after the opt-out it implies
    assert rows[0]["known_in_time"] is False  # recorded now, after both moments


def test_pages_walk_every_violation_once_in_order(api):
    start = far_moment()
    email = new_email()
    opt_out(api, email, channels=["email"], purposes=["marketing"], occurred_at=text(now() - timedelta(hours=1)))
    fine = new_email()
    made = []
    for i in range(7):
        made.append(attempt(api, email, channel="email", occurred_at=text(start + timedelta(seconds=10 * i)),
                            outcome="delivered", id=unique(f"p{i}"))["id"])
        attempt(api, fine, channel="email", occurred_at=text(start + timedelta(seconds=10 * i + 5)), outcome="delivered")
    # two at the same moment: ordered by id
    made.append(attempt(api, email, channel="email", occurred_at=text(start + timedelta(seconds=70)),
                        outcome="delivered", id="zz-" + unique("same"))["id"])
    made.append(attempt(api, email, channel="email", occurred_at=text(start + timedelta(seconds=70)),
                        outcome="delivered", id="aa-" + unique("same"))["id"])
    made[-2:] = sorted(made[-2:])
    end = start + timedelta(minutes=5)
    pages, cursor, seen = 0, None, []
    while True:
        page = report(api, start, end, limit=3, **({"cursor": cursor} if cursor else {}))
        assert len(page["violations"]) <= 3
        seen += [row["attempt_id"] for row in page["violations"]]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == made and pages >= 3
    assert report(api, start, end, limit=1000)["violations"] == report(api, start, end)["violations"]
    whole = report(api, start, end, limit=1000)
    assert [r["attempt_id"] for r in whole["violations"]] == made and whole["next"] is None
    assert whole["examined"] == 16 and whole["from"] == text(start) and whole["to"] == text(end)


def test_a_cursor_is_for_its_own_range(api):
    start = far_moment()
    email = new_email()
    opt_out(api, email, channels=["email"], purposes=["marketing"], occurred_at=text(now() - timedelta(hours=1)))
    for i in range(2):
        attempt(api, email, channel="email", occurred_at=text(start + timedelta(seconds=i)), outcome="delivered")
    page = report(api, start, start + timedelta(minutes=1), limit=1)
    assert page["next"]
    query = urllib.parse.urlencode({"from": text(start), "to": text(start + timedelta(minutes=2)), "cursor": page["next"]})
    assert_error(api.call("GET", f"/v1/reports/violations?{query}"), 400, "invalid_request", "cursor")
    query = urllib.parse.urlencode({"from": text(start), "to": text(start + timedelta(minutes=1)), "cursor": "bm9wZQ"})
    assert_error(api.call("GET", f"/v1/reports/violations?{query}"), 400, "invalid_request", "cursor")


def test_csv_has_a_header_and_one_safe_row_per_violation(both):
    phone = new_phone("415")
    day = far_moment(future=False)
    late = day.replace(hour=10)
    made = attempt(both, phone, channel="call", purpose="informational", occurred_at=text(late), outcome="answered")
    query = urllib.parse.urlencode({"from": text(late), "to": text(late + timedelta(seconds=1))})
    reply = both.call("GET", f"/v1/reports/violations?{query}", headers={"accept": "text/csv"})
    assert reply.status == 200, reply.text
    assert reply.headers["content-type"].startswith("text/csv")
    assert reply.headers.get("cache-control") == "no-store"
    rows = list(csv.reader(io.StringIO(reply.text)))
    assert rows[0][:4] == ["occurred_at", "attempt_id", "address", "channel"]
    mine = [dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[1] == made["id"]]
    (row,) = mine
    assert row["address"] == "'" + phone  # a cell starting with + would be a formula
    assert row["decision"] == "defer" and row["reason_codes"] == "quiet_hours" and row["known_in_time"] == "true"
    # JSON stays the default, and wins when preferred
    reply = both.call("GET", f"/v1/reports/violations?{query}",
                      headers={"accept": "application/json, text/csv;q=0.5"})
    assert reply.headers["content-type"].startswith("application/json")


def test_csv_pages_carry_the_cursor_in_a_header(api):
    start = far_moment()
    email = new_email()
    opt_out(api, email, channels=["email"], purposes=["marketing"], occurred_at=text(now() - timedelta(hours=1)))
    for i in range(3):
        attempt(api, email, channel="email", occurred_at=text(start + timedelta(seconds=i)), outcome="delivered")
    query = urllib.parse.urlencode({"from": text(start), "to": text(start + timedelta(minutes=1)), "limit": 2})
    first = api.call("GET", f"/v1/reports/violations?{query}", headers={"accept": "text/csv"})
    assert len(list(csv.reader(io.StringIO(first.text)))) == 3
    cursor = first.headers["x-next-cursor"]
    second = api.call("GET", f"/v1/reports/violations?{query}&cursor={cursor}", headers={"accept": "text/csv"})
    assert len(list(csv.reader(io.StringIO(second.text)))) == 2 and "x-next-cursor" not in second.headers


@pytest.mark.parametrize("key", ["dialer", "writer"])
def test_only_an_admin_key_may_read_it(both, key):
    start = now() - timedelta(days=1)
    query = urllib.parse.urlencode({"from": text(start), "to": text(now())})
    assert_error(both.call("GET", f"/v1/reports/violations?{query}", key=key), 403)
    assert_error(both.call("GET", f"/v1/reports/violations?{query}", key=None), 401)


@pytest.mark.parametrize("params", [
    {"from": "2026-11-02T00:00:00Z", "to": "2026-11-01T00:00:00Z"},  # backwards
    {"from": "2026-11-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"},  # empty
    {"from": "2026-01-01T00:00:00Z", "to": "2026-04-04T00:00:01Z"},  # over 93 days
    {"from": "2026-11-01", "to": "2026-11-02T00:00:00Z"},  # no time, no offset
    {"from": "2026-11-01T00:00:00", "to": "2026-11-02T00:00:00Z"},  # no offset
    {"to": "2026-11-02T00:00:00Z"},  # no from
    {"from": "2026-11-01T00:00:00Z"},  # no to
    {"from": "2026-11-01T00:00:00Z", "to": "2026-11-02T00:00:00Z", "limit": "0"},
    {"from": "2026-11-01T00:00:00Z", "to": "2026-11-02T00:00:00Z", "limit": "1001"},
])
def test_a_bad_range_is_refused(both, params):
    reply = both.call("GET", f"/v1/reports/violations?{urllib.parse.urlencode(params)}")
    assert_error(reply, 400)


def test_ninety_three_days_is_allowed(api):
    page = report(api, datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 4, tzinfo=UTC), limit=1)
    assert isinstance(page["violations"], list)


def test_attempts_that_came_as_events_are_reviewed_too(both):
    """contact.attempted on POST /v1/events (the queue's consumer applies the same envelope)."""
    email = new_email()
    opt_out(both, email, channels=["email"], purposes=["marketing"], occurred_at=text(now() - timedelta(hours=1)))
    when = now() + timedelta(days=_random.randrange(2, 300), seconds=_random.randrange(86_400))
    event_id = unique("ev-attempt")
    reply = both.call("POST", "/v1/events", {"events": [{
        "id": event_id, "type": "contact.attempted", "occurred_at": text(when), "source": "dialer",
        "data": {"address": email, "channel": "email", "purpose": "marketing", "occurred_at": text(when),
                 "outcome": "delivered"}}]})
    assert reply.status == 200 and clean(reply)["results"][0]["status"] == "applied", reply.text
    (row,) = rows_for(both, when, when + timedelta(seconds=1), {email})
    assert row["attempt_id"] == event_id and row["known_in_time"] is True


def test_the_report_logs_no_address(both, logs):
    phone = new_phone("415")
    late = far_moment(future=False).replace(hour=10)
    attempt(both, phone, channel="call", purpose="informational", occurred_at=text(late), outcome="answered")
    logs.take_text()
    assert len(rows_for(both, late, late + timedelta(seconds=1), {phone})) == 1
    query = urllib.parse.urlencode({"from": text(late), "to": text(late + timedelta(seconds=1))})
    assert both.call("GET", f"/v1/reports/violations?{query}", headers={"accept": "text/csv"}).status == 200
    lines = logs.take_text()
    assert any('"violations report page"' in line for line in lines)
    assert not [line for line in lines if phone in line or phone[2:] in line]


@pytest.mark.parametrize("setting", [{"REGISTRY_VIOLATIONS_SCAN_LIMIT": "1"}, {"REGISTRY_VIOLATIONS_PAGE_SECONDS": "0"}])
def test_a_page_stops_at_its_budget_and_the_walk_still_finds_everything(api, configure, setting):
    """However few violations there are, a page examines a bounded number of attempts (or for a
    bounded time, one at least): the pages then hold fewer rows, even none, and still end."""
    start = far_moment()
    email, fine = new_email(), new_email()
    opt_out(api, email, channels=["email"], purposes=["marketing"], occurred_at=text(now() - timedelta(hours=1)))
    made = []
    for i in range(3):
        attempt(api, fine, channel="email", occurred_at=text(start + timedelta(seconds=2 * i)), outcome="delivered")
        made.append(attempt(api, email, channel="email", occurred_at=text(start + timedelta(seconds=2 * i + 1)),
                            outcome="delivered")["id"])
    configure(**setting)
    end = start + timedelta(minutes=1)
    pages, seen, cursor, empty = 0, [], None, 0
    while True:
        page = report(api, start, end, **({"cursor": cursor} if cursor else {}))
        assert page["examined"] == 1
        seen += [row["attempt_id"] for row in page["violations"]]
        empty += not page["violations"]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == made and pages >= 3 and empty >= 1
