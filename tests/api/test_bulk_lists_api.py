"""National and state lists kept as exchange bitmaps (issue 11, docs/scale.md (e)), through the Lambda
handler and the local server: entries as change records dated today, lookups that read the lists in
the same BatchGetItem, the profile's bulk memberships, GET of a list, and ``list_stale``."""
from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from registry.domain.exchange_bitmaps import split_number
from registry.services.address_keys import contact_key
from registry.storage import list_exchanges as lx
from registry.storage.contacts import ContactItem
from tests.api.conftest import new_email, new_phone
from tests.api.helpers import (
    add_entries,
    assert_error,
    codes,
    create_list,
    decide,
    history,
    noon_la_after_now,
    profile,
    written_consent,
)

pytestmark = pytest.mark.dynamodb


def listed_on(decision: dict) -> list[str]:
    return sorted(r["list"] for r in decision["reasons"] if r["code"] == "on_suppression_list")


@pytest.mark.parametrize("kind", ["national", "state"])
def test_an_entry_denies_marketing_without_writing_the_contact(both, kind, dynamodb_client, dynamodb_table):
    name = create_list(both, kind)
    number, other = new_phone(), new_phone()
    assert add_entries(both, name, add=[number, other]) == {"list": name, "kind": kind, "added": 2, "removed": 0,
                                                           "unchanged": 0}
    decision = decide(both, number, "call", at=noon_la_after_now(1))
    assert listed_on(decision) == [name] and decision["decision"] == "deny"
    assert decide(both, number, "call", "informational", at=noon_la_after_now(1))["decision"] == "allow"
    # no contact, no history: the list holds the number, not the contact
    assert dynamodb_client.get_item(TableName=dynamodb_table, Key={"pk": {"S": contact_key(number)},
                                                                    "sk": {"S": "STATE"}}).get("Item") is None
    assert history(both, number) == []
    assert add_entries(both, name, add=[number], remove=[other]) == {"list": name, "kind": kind, "added": 0,
                                                                     "removed": 1, "unchanged": 1}
    assert listed_on(decide(both, other, "call", at=noon_la_after_now(1))) == []


def test_a_written_consent_lifts_a_bulk_entry_as_before(both):
    name = create_list(both, "national")
    number = new_phone()
    add_entries(both, name, add=[number])
    written_consent(both, number, ["call"])
    assert decide(both, number, "call", at=noon_la_after_now(1))["decision"] == "allow"


def test_the_profile_shows_bulk_memberships_with_their_version(both):
    name, house = create_list(both, "national"), create_list(both, "internal")
    number, alone = new_phone(), new_phone()
    add_entries(both, name, add=[number, alone])
    add_entries(both, house, add=[number])
    lists = profile(both, number)["suppression_lists"]
    assert {"list": name, "kind": "national", "version": None} in lists
    assert {"list": house, "kind": "internal"} in lists
    # a number known only by a list has a profile too (no contact was ever written for it)
    assert profile(both, alone)["suppression_lists"] == [{"list": name, "kind": "national", "version": None}]


def test_a_full_copy_gives_the_membership_its_version(api):
    name = create_list(api, "state")  # (a national list's copy would age: list_stale for every test)
    number = new_phone()
    exchange, line = split_number(number)
    bitmap = bytearray(1250)
    bitmap[line // 8] |= 1 << (line % 8)
    version = datetime.now(UTC).date()
    lx.put_full(name, exchange, bytes(bitmap), version)
    lx.commit_copy(name, version, datetime.now(UTC), 1, 0)
    assert {"list": name, "kind": "state", "version": version.isoformat()} in \
        profile(api, number)["suppression_lists"]
    assert listed_on(decide(api, number, "call", at=noon_la_after_now(1))) == [name]


def test_an_email_or_a_foreign_number_on_a_bulk_list_is_refused_and_nothing_changes(both):
    name = create_list(both, "national")
    number = new_phone()
    for bad in (new_email(), "+442079460000"):
        reply = both.call("POST", f"/v1/suppression-lists/{name}/entries", {"add": [number, bad]})
        assert_error(reply, 400, "invalid_request", "add[1]")
    assert listed_on(decide(both, number, "call", at=noon_la_after_now(1))) == []
    reply = both.call("GET", f"/v1/suppression-lists/{name}")
    assert reply.status == 200 and reply.json()["entries"] == 0


def test_a_thousand_distinct_numbers_go_in_one_request(api):
    """1,000 distinct numbers (the contract's limit): change records, no transactions. (The contract
    asks for an answer within a second or two; a timing never decides a test: `make bench` measures.)"""
    name = create_list(api, "national")
    numbers = [new_phone() for _ in range(1000)]
    result = add_entries(api, name, add=numbers)
    assert (result["added"], result["removed"], result["unchanged"]) == (1000, 0, 0)
    again = add_entries(api, name, add=numbers[:10], remove=numbers[10:20])
    assert (again["added"], again["removed"], again["unchanged"]) == (0, 10, 10)
    assert api.call("GET", f"/v1/suppression-lists/{name}").json()["entries"] == 990
    batch = api.call("POST", "/v1/permissions/batch", {"addresses": numbers[5:25], "channel": "call",
                                                      "purpose": "marketing", "at": noon_la_after_now(1)},
                     key="dialer")
    assert batch.status == 200, batch.text
    results = batch.json()["results"]
    assert [listed_on(r) for r in results] == [[name]] * 5 + [[]] * 10 + [[name]] * 5


def test_get_a_list_answers_kind_entries_version_and_refreshed_at(both):
    name = create_list(both, "state")
    add_entries(both, name, add=[new_phone(), new_phone()])
    reply = both.call("GET", f"/v1/suppression-lists/{name}")
    assert reply.status == 200, reply.text
    body = reply.json()
    assert (body["name"], body["kind"], body["entries"], body["version"], body["refreshed_at"]) == \
        (name, "state", 2, None, None)
    house = create_list(both, "internal")
    add_entries(both, house, add=[new_phone()])
    assert both.call("GET", f"/v1/suppression-lists/{house}").json()["entries"] == 1
    assert_error(both.call("GET", f"/v1/suppression-lists/{name}x"), 404, "not_found")
    assert_error(both.call("GET", f"/v1/suppression-lists/{name}", key="dialer"), 403)


def test_get_answers_the_newest_full_copy(api):
    name = create_list(api, "state")
    version, at = datetime.now(UTC).date(), datetime.now(UTC).replace(microsecond=0)
    lx.commit_copy(name, version, at, 5, 0)
    body = api.call("GET", f"/v1/suppression-lists/{name}").json()
    assert body["version"] == version.isoformat() and body["entries"] == 5
    assert datetime.fromisoformat(body["refreshed_at"]) == at


def test_a_state_list_keeps_its_state(both):
    name = f"fl-{os.urandom(4).hex()}"
    reply = both.call("PUT", f"/v1/suppression-lists/{name}", {"kind": "state", "state": "FL"})
    assert reply.status == 201 and reply.json()["state"] == "FL"
    assert both.call("GET", f"/v1/suppression-lists/{name}").json()["state"] == "FL"
    bad = both.call("PUT", f"/v1/suppression-lists/{name}-x", {"kind": "internal", "state": "FL"})
    assert_error(bad, 400, "invalid_request", "state")


def test_a_lookup_is_one_batch_get_with_the_lists(api, faults, monkeypatch):
    """The contact, the catalog and the number's exchange in every bulk list: one BatchGetItem (once
    the container knows the catalog), whatever the lists; an email reads no exchange."""
    name = create_list(api, "national")
    number = new_phone()
    add_entries(api, name, add=[number])
    decide(api, number, "call")  # the container reads the catalog (and plans its keys)
    calls = faults.count_calls(ContactItem, "BatchGetItem")
    asked: list[str] = []
    original = lx.exchange_key

    def counting(list_name, exchange):
        asked.append(list_name)
        return original(list_name, exchange)

    monkeypatch.setattr(lx, "exchange_key", counting)
    assert listed_on(decide(api, number, "call", at=noon_la_after_now(1))) == [name]
    assert calls.count == 1 and name in asked and sorted(asked) == sorted(lx.planned().names)
    asked.clear()
    decide(api, new_email(), "email")
    assert calls.count == 2 and asked == []


def test_a_list_created_in_another_container_is_read_at_once(api, monkeypatch):
    """The plan this container keeps is older than the catalog: the lookup reads the new list's
    exchange in a second round trip, and denies."""
    number = new_phone()
    decide(api, number, "call")  # planned without the list
    name = create_list(api, "national")
    add_entries(api, name, add=[number])
    stale_plan = lx.planned()
    monkeypatch.setattr(lx, "_plan", lx.Catalog(stale_plan.plan_rev - 1,
                                                tuple(b for b in stale_plan.lists if b.name != name)))
    assert listed_on(decide(api, number, "call", at=noon_la_after_now(1))) == [name]


# --- list_stale: the catalog's copy dates, through the API (moto only: the catalog is the table's,
# and an old copy of a national list denies every marketing call on that table while it is there) ---

@pytest.fixture
def stale_national(api, dynamodb_client, dynamodb_table):
    """A national list whose newest full copy is 40 days old; taken out of the catalog afterwards."""
    if os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") != os.environ.get("AWS_ENDPOINT_URL"):
        pytest.skip("DynamoDB Local: one table for every test process, an old copy would deny their calls")
    name = create_list(api, "national")
    version = datetime.now(UTC).date() - timedelta(days=40)
    lx.commit_copy(name, version, datetime.now(UTC), 0, 0)
    try:
        yield name, version
    finally:
        dynamodb_client.update_item(TableName=dynamodb_table, Key={"pk": {"S": "LISTS"}, "sk": {"S": "LISTS"}},
                                    UpdateExpression="REMOVE lists.#l ADD plan_rev :one",
                                    ExpressionAttributeNames={"#l": name},
                                    ExpressionAttributeValues={":one": {"N": "1"}})


def test_a_stale_national_copy_denies_marketing_calls_and_texts_only(both, stale_national):
    name, version = stale_national
    number = new_phone()
    written_consent(both, number, ["call", "sms"])
    now = datetime.now(UTC).replace(microsecond=0)
    decision = decide(both, number, "call", at=now.isoformat())
    stale = [r for r in decision["reasons"] if r["code"] == "list_stale"]
    assert stale == [{"code": "list_stale", "message": stale[0]["message"], "list": name,
                      "version": version.isoformat(), "rule": "47 CFR 64.1200(c)(2)(i)(D)"}]
    assert decision["decision"] == "deny"
    assert "list_stale" in codes(decide(both, number, "sms", at=now.isoformat()))
    assert "list_stale" not in codes(decide(both, number, "call", "informational", at=now.isoformat()))
    assert "list_stale" not in codes(decide(both, new_email(), "email", at=now.isoformat()))
    # on the copy's 31st day it was still good
    day_31 = datetime.combine(version + timedelta(days=31), datetime.min.time(), UTC).replace(hour=19)
    assert "list_stale" not in codes(decide(both, number, "call", at=day_31.isoformat()))
    day_32 = day_31 + timedelta(hours=5)  # 00:00Z on day 32
    assert "list_stale" in codes(decide(both, number, "call", at=day_32.isoformat()))
    batch = both.call("POST", "/v1/permissions/batch", {"addresses": [number], "channel": "call",
                                                       "purpose": "marketing", "at": now.isoformat()}, key="dialer")
    assert "list_stale" in codes(batch.json()["results"][0])


def legacy_membership(name: str, number: str) -> None:
    """A membership of a national list stored on the contact, as before issue 11."""
    from registry.storage import contacts as store

    now = datetime.now(UTC).replace(microsecond=0)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    store.change_membership(contact_key(number), number, "phone", f"national:{name}", True, stamp,
                            store.HistoryRecord(sk=store.history_sk(stamp, stamp, f"legacy-{os.urandom(4).hex()}"),
                                                type="suppression.added", fact_id="legacy", occurred_at=stamp,
                                                recorded_at=stamp, source="api",
                                                data={"list": name, "kind": "national"}))


def test_a_membership_stored_on_the_contact_before_still_counts_and_is_removed_by_an_entry(both):
    name = create_list(both, "national")
    number, both_ways = new_phone(), new_phone()
    legacy_membership(name, number)
    legacy_membership(name, both_ways)
    add_entries(both, name, add=[both_ways])  # now in the bitmap too: counted once
    assert listed_on(decide(both, number, "call", at=noon_la_after_now(1))) == [name]
    assert listed_on(decide(both, both_ways, "call", at=noon_la_after_now(1))) == [name]
    assert [m for m in profile(both, both_ways)["suppression_lists"] if m["list"] == name] == \
        [{"list": name, "kind": "national", "version": None}]
    result = add_entries(both, name, remove=[number, both_ways])
    assert (result["removed"], result["unchanged"]) == (2, 0)
    for gone in (number, both_ways):
        assert listed_on(decide(both, gone, "call", at=noon_la_after_now(1))) == []
    assert sorted(e["type"] for e in history(both, number)) == ["suppression.added", "suppression.removed"]
