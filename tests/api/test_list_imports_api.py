"""rev. 2: bulk imports of national and state lists (POST/GET .../imports, the importer Lambda).

Files go into a bucket of the emulator; the importer's handler gets the import queue's messages as
the Lambda service hands them over (SQS records), with a context whose remaining time the test
sets (a low one makes the importer stop at a checkpoint and go on in the next invocation).

The lists are ``state`` lists: they take imports exactly as ``national`` ones do, but a copy in
force does not age (``list_stale`` is for national lists), so no test here changes the decisions
of the session's other tests, whatever moment they ask about.
"""
from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
import pytest

from tests.api.conftest import new_phone
from tests.api.helpers import assert_error, create_list, decide, unique
from tests.api.queue_events import record

pytestmark = pytest.mark.dynamodb

BUCKET = "registry-imports-test"


class Context:
    """A Lambda context; ``remaining`` ms, lowered by ``burn`` ms at every look (0: stays)."""
    function_name = "ImporterFunction"
    memory_limit_in_mb = 2048
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:ImporterFunction"
    aws_request_id = "test-import"

    def __init__(self, remaining: int = 800_000, burn: int = 0):
        self.remaining, self.burn = remaining, burn

    def get_remaining_time_in_millis(self) -> int:
        self.remaining -= self.burn
        return self.remaining


def _client(service: str) -> Any:
    # the table may be on DynamoDB Local (AWS_ENDPOINT_URL_DYNAMODB) while moto keeps the bucket and queues
    endpoint = os.environ.get(f"AWS_ENDPOINT_URL_{service.upper()}") or os.environ["AWS_ENDPOINT_URL"]
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1")


@pytest.fixture
def imports(api, configure):
    """The import bucket and queue on the emulator, configured for the registry."""
    s3, sqs = _client("s3"), _client("sqs")
    try:
        s3.create_bucket(Bucket=BUCKET)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    queue = sqs.create_queue(QueueName=f"imports-{uuid.uuid4().hex[:10]}")["QueueUrl"]
    configure(REGISTRY_IMPORT_QUEUE_URL=queue, REGISTRY_IMPORT_BUCKET=BUCKET)
    return Imports(s3, sqs, queue)


class Imports:
    def __init__(self, s3: Any, sqs: Any, queue: str):
        self.s3, self.sqs, self.queue = s3, sqs, queue

    def put(self, key: str, lines: list[str] | str) -> str:
        body = lines if isinstance(lines, str) else "\n".join(lines) + "\n"
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body.encode())
        return key

    def messages(self) -> list[dict[str, Any]]:
        """The queue's messages now (taken off it), as SQS records."""
        out = []
        while True:
            got = self.sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10, VisibilityTimeout=0,
                                           WaitTimeSeconds=0)
            batch = got.get("Messages", [])
            if not batch:
                return out
            for message in batch:
                self.sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=message["ReceiptHandle"])
                out.append(record(message["Body"], message_id=message["MessageId"]))

    def deliver(self, records: list[dict[str, Any]], context: Context | None = None) -> dict[str, Any]:
        from registry.handlers.list_importer import lambda_handler

        return lambda_handler({"Records": records}, context or Context())

    def drain(self, context_for=lambda n: Context(), limit: int = 50) -> int:
        """Deliver the queue's messages (and what they enqueue) until it is empty; answers the invocations."""
        invocations = 0
        while invocations < limit:
            pending = self.messages()
            if not pending:
                return invocations
            for message in pending:
                answer = self.deliver([message], context_for(invocations))
                assert answer == {"batchItemFailures": []}, answer
                invocations += 1
        raise AssertionError("the import queue never emptied")


def notification(key: str, bucket: str = BUCKET, event: str = "ObjectCreated:Put") -> dict[str, Any]:
    """An S3 event notification as S3 puts it on a queue (the key URL-encoded)."""
    from urllib.parse import quote_plus

    head = _client("s3").head_object(Bucket=bucket, Key=key)
    return {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
                         "eventTime": "2026-11-30T00:00:00.000Z", "eventName": event,
                         "s3": {"s3SchemaVersion": "1.0", "configurationId": "imports",
                                "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                                "object": {"key": quote_plus(key), "size": head["ContentLength"],
                                           "eTag": head["ETag"].strip('"'), "sequencer": "0A1B2C"}}}]}


def listed(list_name: str, number: str) -> bool:
    """Is the number set in its exchange's bitmap (the item a lookup reads)?"""
    from registry.domain.exchange_bitmaps import has_line, split_number
    from registry.storage import list_exchanges

    exchange, line = split_number(number)
    pk, sk = list_exchanges.exchange_key(list_name, exchange)
    raw = _client("dynamodb").get_item(TableName=os.environ["REGISTRY_TABLE"],
                                      Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True).get("Item")
    return raw is not None and has_line(list_exchanges.bitmap_of(raw), line)


def start(api, name: str, key: str, mode: str = "full", version: str | None = None, status: int = 202) -> dict:
    body: dict[str, Any] = {"bucket": BUCKET, "key": key, "mode": mode}
    if version:
        body["version"] = version
    reply = api.call("POST", f"/v1/suppression-lists/{name}/imports", body)
    assert reply.status == status, reply.text
    return reply.json()


def progress(api, name: str, import_id: str) -> dict:
    reply = api.call("GET", f"/v1/suppression-lists/{name}/imports/{import_id}")
    assert reply.status == 200, reply.text
    return reply.json()


def numbers(area: str, count: int) -> list[str]:
    """Fresh numbers of the area code, each in another exchange (the unit the importer writes)."""
    return [new_phone(area, f"{200 + i * 37 % 800:03d}") for i in range(count)]


def day(days_ago: int) -> str:
    """A UTC date relative to today: every national list a test leaves in force must stay fresh (a
    copy over 31 days old denies every marketing call with list_stale), on any date the suite runs."""
    return (datetime.now(UTC).date() - timedelta(days=days_ago)).isoformat()


def digits(e164: str) -> str:
    return e164[2:]


def on_list(api, name: str, number: str) -> bool:
    """Does a marketing call's lookup deny the number for this list?"""
    decision = decide(api, number, "call")
    return any(r["code"] == "on_suppression_list" and r.get("list") == name for r in decision["reasons"])


# --- a full file, then a change file --------------------------------------------------------------

def test_a_full_file_then_a_change_file(both, imports):
    api = both
    name = create_list(api, "state")
    kept = numbers("415", 30)
    spelled = [digits(kept[0]), f"{digits(kept[1])[:3]},{digits(kept[1])[3:]}", kept[2]] + \
        [digits(n) for n in kept[3:]]
    lines = spelled[:10] + ["", "not a number", "  " + spelled[10] + "  \r"] + spelled[11:20] + \
        ["415555012", "4155550123,extra"] + spelled[20:]
    key = imports.put(f"imports/{name}/full/dnc-{day(10)}.txt", lines)
    begun = start(api, name, key)
    assert begun["status"] == "running" and begun["list"] == name and begun["mode"] == "full"
    assert begun["version"] == day(10) and len(begun["id"]) == 64
    assert imports.drain() == 1
    done = progress(api, name, begun["id"])
    assert done["status"] == "done", done
    assert done["lines"] == len(lines) and done["added"] == 30 and done["removed"] == 0
    assert done["rejected"] == 3 and done["rejected_lines"] == [12, 23, 24]
    assert all(listed(name, n) for n in kept)
    absent = new_phone("415")
    assert not listed(name, absent)

    added = new_phone("415")
    changes = [f"{digits(added)},{day(5)},A", f"{kept[0]},{day(5)},D",
               f"{digits(kept[1])},{day(11)},D",   # before the copy: already in it, skipped
               f"{digits(kept[2])},{day(10)},D",   # on the copy's own day: skipped (listed a day longer)
               f"garbage,{day(5)},A"]
    key = imports.put(f"imports/{name}/changes/dnc-changes-{day(5)}.txt", changes)
    begun = start(api, name, key, mode="changes")
    assert begun["version"] == day(5)
    imports.drain()
    done = progress(api, name, begun["id"])
    assert done["status"] == "done" and done["lines"] == 5 and done["added"] == 1 and done["removed"] == 1
    assert done["rejected"] == 1 and done["rejected_lines"] == [5]
    assert listed(name, added) and not listed(name, kept[0]) and listed(name, kept[1]) and listed(name, kept[2])
    # lookups as the contract says: a listed number is denied for marketing, an unlisted one is not
    assert on_list(api, name, added)
    assert on_list(api, name, kept[5]) and on_list(api, name, kept[1])
    assert not on_list(api, name, kept[0]) and not on_list(api, name, absent)
    assert "on_suppression_list" not in [r["code"] for r in decide(api, kept[5], "call", "informational")["reasons"]]
    listing = api.call("GET", f"/v1/suppression-lists/{name}").json()
    assert listing["entries"] == 30 and listing["version"] == day(10), listing


def test_a_second_full_copy_replaces_the_first_for_its_area_codes(api, imports):
    name = create_list(api, "state")
    first = numbers("212", 10) + numbers("646", 5)
    imports.put(f"imports/{name}/full/{day(20)}.txt", [digits(n) for n in first])
    begun = start(api, name, f"imports/{name}/full/{day(20)}.txt")
    imports.drain()
    assert progress(api, name, begun["id"])["added"] == 15
    second = first[:5] + numbers("212", 3)
    key = imports.put(f"imports/{name}/full/{day(2)}.txt", [digits(n) for n in second])
    begun = start(api, name, key)
    imports.drain()
    done = progress(api, name, begun["id"])
    assert done["status"] == "done" and done["added"] == 3, done
    assert all(listed(name, n) for n in second)
    assert not any(listed(name, n) for n in first[5:10])  # left the 212 copy
    assert all(listed(name, n) for n in first[10:])  # 646: the new file does not cover it


# --- idempotent: re-delivered notifications, repeated requests -------------------------------------

def test_a_redelivered_notification_changes_nothing_twice(api, imports):
    name = create_list(api, "state")
    listed_numbers = numbers("303", 20)
    key = imports.put(f"imports/{name}/full/dnc {day(3)}.txt", [digits(n) for n in listed_numbers])
    message = notification(key)
    assert imports.deliver([record(message)]) == {"batchItemFailures": []}
    from registry.domain.list_files import import_id

    etag = _client("s3").head_object(Bucket=BUCKET, Key=key)["ETag"]
    the_id = import_id(name, "full", BUCKET, key, etag)
    first = progress(api, name, the_id)
    assert first["status"] == "done" and first["added"] == 20 and first["version"] == day(3)
    entries = api.call("GET", f"/v1/suppression-lists/{name}").json()["entries"]
    assert entries == 20
    for _ in range(2):
        assert imports.deliver([record(message)]) == {"batchItemFailures": []}
    again = start(api, name, key)  # the same object posted: the same import, done
    assert again["id"] == the_id and again["status"] == "done"
    assert imports.drain() == 0  # done: no start message
    assert progress(api, name, the_id) == first
    assert api.call("GET", f"/v1/suppression-lists/{name}").json()["entries"] == entries


def test_a_change_file_delivered_twice_counts_once(api, imports):
    name = create_list(api, "state")
    added = numbers("512", 4)
    key = imports.put(f"imports/{name}/changes/c.txt", [f"{digits(n)},{day(3)},A" for n in added])
    message = notification(key)
    imports.deliver([record(message), record(message)])
    assert api.call("GET", f"/v1/suppression-lists/{name}").json()["entries"] == 4
    assert all(listed(name, n) for n in added)


def test_s3_test_events_and_other_keys_are_ignored(api, imports):
    name = create_list(api, "state")
    key = imports.put(f"elsewhere/{name}/full/x.txt", [digits(new_phone())])
    answer = imports.deliver([record({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": BUCKET}),
                              record(notification(key)), record("not json"), record({"what": 1})])
    assert answer == {"batchItemFailures": []}
    assert imports.messages() == []


def test_a_notification_for_an_unknown_list_is_dropped(api, imports):
    key = imports.put(f"imports/{unique('nolist')}/full/x.txt", [digits(new_phone())])
    assert imports.deliver([record(notification(key))]) == {"batchItemFailures": []}


# --- resumable ----------------------------------------------------------------------------------

def test_a_full_import_stopped_at_checkpoints_ends_with_the_same_list(api, imports, monkeypatch):
    from registry.services import list_imports

    monkeypatch.setattr(list_imports, "CLOCK_EVERY", 7)
    monkeypatch.setattr(list_imports, "WRITE_BATCH", 3)
    everyone = numbers("415", 40) + numbers("718", 25) + numbers("907", 10)
    lines = [digits(n) for n in everyone]
    lines[17] = "bad"
    reference, resumed = create_list(api, "state"), create_list(api, "state")
    for name in (reference, resumed):
        imports.put(f"imports/{name}/full/{day(3)}.txt", lines)
    plain = start(api, reference, f"imports/{reference}/full/{day(3)}.txt")
    imports.drain()
    # every invocation may look at its clock a few times only: then its remaining time is low
    stopped = start(api, resumed, f"imports/{resumed}/full/{day(3)}.txt")
    invocations = imports.drain(lambda n: Context(remaining=200_000, burn=30_000), limit=200)
    assert invocations > 3
    one, other = progress(api, reference, plain["id"]), progress(api, resumed, stopped["id"])
    assert one["status"] == other["status"] == "done"
    for field in ("lines", "added", "removed", "rejected", "rejected_lines"):
        assert one[field] == other[field], field
    assert other["rejected_lines"] == [18]
    good = [n for i, n in enumerate(everyone) if i != 17]
    assert all(listed(resumed, n) for n in good) and not listed(resumed, everyone[17])


def test_a_change_import_stopped_at_checkpoints_applies_each_record_once(api, imports, monkeypatch):
    from registry.services import list_imports

    monkeypatch.setattr(list_imports, "CLOCK_EVERY", 5)
    name = create_list(api, "state")
    first = numbers("617", 30)
    key = imports.put(f"imports/{name}/changes/a.txt", [f"{digits(n)},{day(3)},A" for n in first])
    begun = start(api, name, key, mode="changes")
    invocations = imports.drain(lambda n: Context(remaining=200_000, burn=40_000), limit=100)
    assert invocations > 2
    done = progress(api, name, begun["id"])
    assert done["status"] == "done" and done["added"] == 30 and done["lines"] == 30
    assert api.call("GET", f"/v1/suppression-lists/{name}").json()["entries"] == 30
    assert all(listed(name, n) for n in first)


def test_a_run_that_dies_is_delivered_again_and_resumes(api, imports, monkeypatch):
    """DynamoDB fails mid-import: the message is a batch item failure; delivered again, the import
    resumes and ends with every number, counted once."""
    from registry.services import list_imports
    from registry.storage import list_exchanges
    from registry.storage.errors import StorageUnavailable

    name = create_list(api, "state")
    everyone = numbers("305", 30)
    key = imports.put(f"imports/{name}/full/{day(3)}.txt", [digits(n) for n in everyone])
    begun = start(api, name, key)
    real, calls = list_exchanges.put_full, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise StorageUnavailable("could not write a list's exchange: ProvisionedThroughputExceededException")
        return real(*args, **kwargs)

    monkeypatch.setattr(list_exchanges, "put_full", flaky)
    monkeypatch.setattr(list_imports, "WORKERS", 1)
    [message] = imports.messages()
    answer = imports.deliver([message])
    assert answer == {"batchItemFailures": [{"itemIdentifier": message["messageId"]}]}
    assert progress(api, name, begun["id"])["status"] == "running"
    assert imports.deliver([message]) == {"batchItemFailures": []}
    done = progress(api, name, begun["id"])
    assert done["status"] == "done" and done["added"] == 30, done
    assert all(listed(name, n) for n in everyone)


# --- no absent moment ---------------------------------------------------------------------------

def test_during_a_full_refresh_no_number_in_both_copies_is_ever_absent(api, imports, monkeypatch):
    from registry.services import list_imports
    from registry.storage import list_exchanges

    name = create_list(api, "state")
    old = numbers("415", 20) + numbers("510", 20)
    imports.put(f"imports/{name}/full/{day(20)}.txt", [digits(n) for n in old])
    start(api, name, f"imports/{name}/full/{day(20)}.txt")
    imports.drain()
    new = old[::2] + numbers("415", 5)
    both_copies = old[::2]
    checks: list[int] = []
    real_put, real_sweep = list_exchanges.put_full, list_exchanges.sweep_area

    def check() -> None:
        assert all(listed(name, n) for n in both_copies)
        checks.append(1)

    def put_full(*args, **kwargs):
        check()
        answer = real_put(*args, **kwargs)
        check()
        return answer

    def sweep_area(*args, **kwargs):
        check()
        answer = real_sweep(*args, **kwargs)
        check()
        return answer

    monkeypatch.setattr(list_exchanges, "put_full", put_full)
    monkeypatch.setattr(list_exchanges, "sweep_area", sweep_area)
    monkeypatch.setattr(list_imports, "WORKERS", 1)
    monkeypatch.setattr(list_imports, "CLOCK_EVERY", 4)
    imports.put(f"imports/{name}/full/{day(2)}.txt", [digits(n) for n in new])
    begun = start(api, name, f"imports/{name}/full/{day(2)}.txt")
    imports.drain(lambda n: Context(remaining=200_000, burn=30_000), limit=100)
    assert progress(api, name, begun["id"])["status"] == "done"
    assert len(checks) > 20
    assert all(listed(name, n) for n in new)
    assert not any(listed(name, n) for n in old[1::2])


# --- refusals -----------------------------------------------------------------------------------

def test_a_full_file_older_than_the_copy_in_force_is_refused(api, imports):
    name = create_list(api, "state")
    number = new_phone("415")
    imports.put(f"imports/{name}/full/{day(3)}.txt", [digits(number)])
    start(api, name, f"imports/{name}/full/{day(3)}.txt")
    imports.drain()
    other = new_phone("415")
    imports.put(f"imports/{name}/full/{day(40)}.txt", [digits(other)])
    refused = start(api, name, f"imports/{name}/full/{day(40)}.txt")
    assert refused["status"] == "failed" and "older than the copy in force" in refused["reason"]
    assert day(40) in refused["reason"] and day(3) in refused["reason"]
    imports.drain()
    assert listed(name, number) and not listed(name, other)


def test_the_version_from_the_request_wins_and_else_the_objects_date(api, imports):
    name = create_list(api, "state")
    imports.put(f"imports/{name}/full/undated.txt", [digits(new_phone())])
    given = start(api, name, f"imports/{name}/full/undated.txt", version=day(30))
    assert given["version"] == day(30)
    other = create_list(api, "state")
    imports.put(f"imports/{other}/full/undated.txt", [digits(new_phone())])
    modified = start(api, other, f"imports/{other}/full/undated.txt")["version"]
    assert abs(date.fromisoformat(modified) - date.today()) <= timedelta(days=1)


def test_refusals(both, imports):
    api = both
    name = create_list(api, "state")
    key = imports.put(f"imports/{name}/full/x.txt", [digits(new_phone())])
    path = f"/v1/suppression-lists/{name}/imports"
    assert_error(api.call("POST", path, {"bucket": BUCKET, "key": key, "mode": "both"}), 400, "invalid_request",
                 "mode")
    assert_error(api.call("POST", path, {"bucket": BUCKET, "key": key}), 400, "invalid_request", "mode")
    assert_error(api.call("POST", path, {"bucket": BUCKET, "key": key, "mode": "full", "x": 1}), 400,
                 "invalid_request")
    assert_error(api.call("POST", path, {"bucket": BUCKET, "key": key, "mode": "full", "version": "30/11/2026"}),
                 400, "invalid_request", "version")
    assert_error(api.call("POST", path, {"bucket": "another-bucket", "key": key, "mode": "full"}), 400,
                 "invalid_request", "bucket")
    assert_error(api.call("POST", path, {"bucket": BUCKET, "key": key + ".missing", "mode": "full"}), 404,
                 "not_found")
    assert_error(api.call("POST", f"/v1/suppression-lists/{unique('none')}/imports",
                          {"bucket": BUCKET, "key": key, "mode": "full"}), 404, "not_found")
    internal = create_list(api, "internal")
    assert_error(api.call("POST", f"/v1/suppression-lists/{internal}/imports",
                          {"bucket": BUCKET, "key": key, "mode": "full"}), 409, "conflict")
    assert api.call("POST", path, {"bucket": BUCKET, "key": key, "mode": "full"}, key="dialer").status == 403
    assert api.call("GET", f"{path}/{'0' * 64}").status == 404
    assert api.call("GET", f"{path}/not-an-id").status == 404
    begun = start(api, name, key)
    assert api.call("GET", f"/v1/suppression-lists/{internal}/imports/{begun['id']}").status == 404
    assert api.call("GET", f"{path}/{begun['id']}", key="dialer").status == 403
    assert imports.messages()  # only the accepted request put a message on the queue


def test_a_file_anywhere_in_the_import_bucket_is_imported_when_asked(both, imports):
    """The API may name any key of the import bucket: a file put outside ``imports/{list}/...`` (which
    the bucket's notification would import by itself) is imported only through ``POST .../imports``."""
    api = both
    name = create_list(api, "state")
    number = new_phone("415")
    key = imports.put(f"uploads/{unique('file')}/dnc {day(3)}.txt", [digits(number)])
    begun = start(api, name, key, version=day(3))
    assert begun["key"] == key and begun["version"] == day(3)
    assert imports.drain() == 1
    done = progress(api, name, begun["id"])
    assert done["status"] == "done" and done["added"] == 1, done
    assert listed(name, number) and on_list(api, name, number)


def test_the_import_answer_holds_no_number_and_logs_neither(api, imports, logs):
    name = create_list(api, "state")
    number = new_phone("415")
    imports.put(f"imports/{name}/full/x.txt", [digits(number), "bad " + digits(number)])
    begun = start(api, name, f"imports/{name}/full/x.txt")
    imports.drain()
    answer = json.dumps(progress(api, name, begun["id"]))
    assert digits(number) not in answer
    text = "\n".join(logs.take_text())
    assert text and digits(number) not in text and digits(number)[3:] not in text


def test_change_records_are_applied_in_chunks(api, imports, monkeypatch):
    from registry.services import list_imports

    monkeypatch.setattr(list_imports, "CHUNK_RECORDS", 4)
    held: list[int] = []
    real_apply = list_imports._Run.apply

    def apply(self, chunk):
        held.append(sum(len(records) for records in chunk.values()))
        return real_apply(self, chunk)

    monkeypatch.setattr(list_imports._Run, "apply", apply)
    name = create_list(api, "state")
    first = numbers("415", 10)
    lines = [f"{digits(n)},{day(3)},A" for n in first] + [f"{digits(first[0])},{day(2)},D"]
    begun = start(api, name, imports.put(f"imports/{name}/changes/c.txt", lines), mode="changes")
    imports.drain()
    assert max(held) <= 4 and sum(held) == 11
    done = progress(api, name, begun["id"])
    assert done["added"] == 10 and done["removed"] == 1
    assert not listed(name, first[0]) and all(listed(name, n) for n in first[1:])


def test_one_import_per_list_at_a_time(api, imports):
    import time as clock

    from registry.services import list_imports
    from registry.storage import list_imports as store

    name = create_list(api, "state")
    one = start(api, name, imports.put(f"imports/{name}/full/{day(3)}.txt", [digits(new_phone())]))
    other = start(api, name, imports.put(f"imports/{name}/changes/c.txt", [f"{digits(new_phone())},{day(2)},A"]),
                  mode="changes")
    imports.messages()
    now = int(clock.time())
    assert store.claim(name, one["id"], "another-invocation", now + 600, now).held
    assert list_imports.run(one["id"]) == "elsewhere"   # a duplicate of a running import: dropped
    assert list_imports.run(other["id"]) == "waiting"    # another import of the list: asks again later
    assert progress(api, name, other["id"])["status"] == "running"
    assert not store.claim(name, other["id"], "third", now + 600, now).held
    store.release(name, "another-invocation")
    assert list_imports.run(one["id"]) == "done"
    assert list_imports.run(other["id"]) == "done"
    assert list_imports.run(other["id"]) == "finished"
    # a lease whose invocation died runs out
    assert store.claim(name, one["id"], "dead", now - 1, now - 5).held
    assert store.claim(name, other["id"], "next", now + 600, now).held
    store.release(name, "next")
