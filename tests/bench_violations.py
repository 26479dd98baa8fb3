"""`python -m tests.bench_violations`: how fast the violations report re-decides a month of attempts.

A busy dialer's month is put in the table as the registry stores it (each contact's ``STATE`` with
its consent, some with an opt-out, and each attempt's history entry with its ``AttemptsByDay`` keys),
written in bulk (BatchWriteItem: recording them one transaction at a time would time the writes, not
the report). Then the whole report for the month is walked through ``lambda_handler``
(``GET /v1/reports/violations``, pages of 1,000 until ``next`` is null).

- ``violations_attempts_per_second_<N>``: attempts re-decided a second over the whole walk; floor:
  the bare reads of the same walk a second (the index's Queries and the contacts' BatchGetItems,
  boto3, nothing decided), so ratio is the share of the time the reads alone would take.
- ``violations_month_1m_estimate``: the seconds a month of 1,000,000 attempts would take at that
  rate, one page after another (pages are independent: a caller may walk days in parallel).

One JSON line per figure, as tests/bench.py. ``BENCH_VIOLATIONS_N`` (default ``10000``, comma-separated
for several sizes); ``BENCH_VIOLATIONS_PREFS_SHARE`` (default ``0.1``): the share of contacts whose
preferences changed in the month (their history is read; 1.0 is also the cost of records stored
before ``preferences_changed_at`` existed). Backend: a moto server, or the DynamoDB at AWS_ENDPOINT_URL_DYNAMODB.
"""
from __future__ import annotations

import json
import os
import random
import time
import urllib.parse
import uuid
from datetime import UTC, datetime, timedelta

from tests.bench import _emit

SIZES = [int(n) for n in os.environ.get("BENCH_VIOLATIONS_N", "10000").split(",")]
ATTEMPTS_PER_CONTACT = 3
OPTED_OUT_SHARE = 0.1  # a tenth of the contacts opted out before the month: their attempts are violations
# contacts whose preferences changed in the month, after their first attempt: the report reads their
# history to judge that attempt with the preferences of its time (BENCH_VIOLATIONS_PREFS_SHARE)
PREFS_SHARE = float(os.environ.get("BENCH_VIOLATIONS_PREFS_SHARE", "0.1"))
PAGE = 1000
TARGET = 500.0  # attempts a second, at least: a month of 1M in about half an hour of pages


def _fill(n: int, start: datetime) -> int:
    """``n`` attempts over the 30 days from ``start``; returns how many are violations."""
    from registry.domain.documents import document_from_facts
    from registry.domain.facts import Attempt, Consent, ContactFacts, OptOut
    from registry.domain.timeutil import format_instant, sortable_instant
    from registry.services.address_keys import contact_key
    from registry.storage.contacts import STATE, ContactItem, HistoryEntry, attempt_index_keys, history_sk

    rng = random.Random(n)
    contacts = n // ATTEMPTS_PER_CONTACT
    violations = 0
    early = start - timedelta(days=60)
    with ContactItem.batch_write() as states, HistoryEntry.batch_write() as entries:
        for i in range(contacts):
            number = f"+1415{200 + (i // 10_000) % 800:03d}{i % 10_000:04d}"
            pk = contact_key(number)
            consent = Consent(id=f"c{i}", channels=frozenset({"call"}), purposes=frozenset({"marketing"}),
                              brand="default", source="web_form", occurred_at=early, recorded_at=early)
            opted = rng.random() < OPTED_OUT_SHARE
            opt_outs = (OptOut(id=f"o{i}", channels=frozenset({"call"}), purposes=frozenset({"all"}), brand="default",
                               source="agent", occurred_at=early + timedelta(days=1),
                               recorded_at=early + timedelta(days=1)),) if opted else ()
            attempts = []
            for j in range(ATTEMPTS_PER_CONTACT):
                # 16:00-23:59Z: calling hours in Los Angeles, a week or more apart (no cap)
                at = start + timedelta(days=j * 9 + rng.randrange(8), hours=16 + rng.randrange(8),
                                       minutes=rng.randrange(60), seconds=rng.randrange(60))
                attempts.append(Attempt(id=f"a{i}-{j}", channel="call", purpose="marketing", brand="default",
                                        occurred_at=at, outcome="answered", recorded_at=at + timedelta(seconds=2)))
            violations += ATTEMPTS_PER_CONTACT if opted else 0
            # a zone set after the first attempt, the number's own (it changes no decision, only the reads)
            changed = attempts[0].occurred_at + timedelta(days=1) if rng.random() < PREFS_SHARE else None
            facts = ContactFacts(address=number, kind="phone", consents=(consent,), opt_outs=opt_outs,
                                 attempts=tuple(attempts), preferences_changed_at=changed)
            now = format_instant(datetime.now(UTC))
            states.save(ContactItem(pk, STATE, address=number, kind="phone", version=1,
                                    state=document_from_facts(facts), created_at=now, updated_at=now))
            if changed is not None:
                entries.save(HistoryEntry(pk, history_sk(sortable_instant(changed), sortable_instant(changed), f"p{i}"),
                                          type="preferences.updated", fact_id=f"p{i}",
                                          occurred_at=format_instant(changed), recorded_at=format_instant(changed),
                                          source="api", data={"preferences": {"timezone": "America/Los_Angeles"}}))
            for a in attempts:
                doc = {k: v for k, v in a.to_document().items() if k not in ("id", "recorded_at")}
                sk = history_sk(sortable_instant(a.occurred_at), sortable_instant(a.recorded_at), a.id)
                day, position = attempt_index_keys(sk)
                entries.save(HistoryEntry(pk, sk, type="contact.attempted", fact_id=a.id,
                                          occurred_at=format_instant(a.occurred_at),
                                          recorded_at=format_instant(a.recorded_at), source="dialer", data=doc,
                                          attempt_day=day, attempt_at=position))
    return violations


def _walk(start: datetime, end: datetime, key: str) -> tuple[int, int, float]:
    from registry.handlers.api import lambda_handler
    from tests.api.conftest import Api

    api = Api(lambda_handler, key, key, key)
    examined = found = 0
    cursor = None
    began = time.perf_counter()
    while True:
        query = {"from": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "to": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
                 "limit": PAGE, **({"cursor": cursor} if cursor else {})}
        reply = api.call("GET", f"/v1/reports/violations?{urllib.parse.urlencode(query)}")
        assert reply.status == 200, reply.text[:300]
        page = json.loads(reply.text)
        examined += page["examined"]
        found += len(page["violations"])
        cursor = page["next"]
        if cursor is None:
            return examined, found, time.perf_counter() - began


def _bare(client, table: str, start: datetime, end: datetime) -> float:
    """The same reads, bare: each day's Query of the index (pages of 1,000), each page's contacts in
    BatchGetItems of 100 (strongly consistent, as the report reads them)."""
    began = time.perf_counter()
    day = start.date()
    while day < end.date():
        kwargs = {"TableName": table, "IndexName": "AttemptsByDay", "Limit": PAGE,
                  "KeyConditionExpression": "attempt_day = :d",
                  "ExpressionAttributeValues": {":d": {"S": day.isoformat()}}}
        while True:
            page = client.query(**kwargs)
            pks = list(dict.fromkeys(item["pk"]["S"] for item in page["Items"]))
            for i in range(0, len(pks), 100):
                keys = [{"pk": {"S": pk}, "sk": {"S": "STATE"}} for pk in pks[i:i + 100]]
                pending = {table: {"Keys": keys, "ConsistentRead": True}}
                while pending:
                    pending = client.batch_get_item(RequestItems=pending).get("UnprocessedKeys") or {}
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        day += timedelta(days=1)
    return time.perf_counter() - began


def main() -> None:
    import boto3

    from infra.moto_server import MotoServer
    from infra.template_table import ensure_table

    server = None
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    if not endpoint:
        server = MotoServer()
        endpoint = server.start()
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    backend = "moto" if server else ("dynamodb-local" if "127.0.0.1" in endpoint or "localhost" in endpoint
                                     else endpoint)
    try:
        client = boto3.client("dynamodb", endpoint_url=endpoint)
        for n in SIZES:
            table = f"registry-bench-violations-{uuid.uuid4().hex[:6]}"
            os.environ["REGISTRY_TABLE"] = table
            from registry.settings import reset_settings
            from registry.storage.table import reset_connections

            reset_settings()
            reset_connections()
            ensure_table(client, table)
            from registry.services import api_keys

            key = f"bench-admin-{uuid.uuid4().hex}"
            api_keys.ensure_key(key, "bench-admin", {"lookup", "write", "admin"})
            # the first day of a month 30 days long, whatever today is (the report reads only its range)
            start = datetime(2026, 11, 1, tzinfo=UTC)
            end = start + timedelta(days=30)
            filled = time.perf_counter()
            expected = _fill(n, start)
            fill_s = time.perf_counter() - filled
            examined, found, took = _walk(start, end, key)
            assert examined == n // ATTEMPTS_PER_CONTACT * ATTEMPTS_PER_CONTACT, examined
            assert found == expected, (found, expected)
            bare = _bare(client, table, start, end)
            rate = examined / took
            _emit(f"violations_attempts_per_second_{n}", backend, rate, "attempts/s", examined / bare, TARGET)
            _emit(f"violations_walk_{n}", backend, took, "s")
            _emit(f"violations_fill_{n}", backend, fill_s, "s")
            _emit("violations_month_1m_estimate", backend, 1_000_000 / rate, "s")
            client.delete_table(TableName=table)
    finally:
        if server:
            server.stop()
            os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)


if __name__ == "__main__":
    main()
