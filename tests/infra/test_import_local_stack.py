"""Bulk imports end to end on a real local stack (`python -m infra.local_stack`, as `make run` starts
it; issue 11, "Done when"): a full file and then a change file put in the emulator's bucket with
any S3 client are imported by themselves (bucket notification, import queue, importer) and change
lookups as the contract says; the list answers its entries and version."""
from __future__ import annotations

import json
import time
import urllib.parse
import uuid
from datetime import UTC, datetime, timedelta

import boto3

from tests.infra.test_queue_local_stack import call, stack  # noqa: F401 - the module's stack fixture

DONE_WITHIN = 60.0  # seconds, for files of a few thousand lines on two busy cores


def _on_list(url: str, number: str, name: str) -> bool:
    query = urllib.parse.urlencode({"address": number, "channel": "call", "purpose": "marketing"})
    status, body = call(url, "GET", f"/v1/permissions?{query}", key="local-dialer")
    assert status == 200, body
    answer = json.loads(body)
    return any(r["code"] == "on_suppression_list" and r.get("list") == name for r in answer["reasons"])


def _list(url: str, name: str) -> dict:
    status, body = call(url, "GET", f"/v1/suppression-lists/{name}")
    assert status == 200, body
    return json.loads(body)


def _until(what: str, check) -> None:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > DONE_WITHIN:
            raise AssertionError(f"{what}: not within {DONE_WITHIN} s")
        time.sleep(0.2)


def test_a_full_file_and_a_change_file_put_in_the_bucket_change_lookups(stack):  # noqa: F811
    url, sqs, _ = stack
    moto = sqs.meta.endpoint_url
    s3 = boto3.client("s3", endpoint_url=moto, region_name="us-east-1", aws_access_key_id="local",
                      aws_secret_access_key="local")
    name = f"national-{uuid.uuid4().hex[:6]}"
    status, body = call(url, "PUT", f"/v1/suppression-lists/{name}", {"kind": "national"})
    assert status in (200, 201), body
    today = datetime.now(UTC).date()
    version = (today - timedelta(days=1)).isoformat()  # a copy in force (not stale), relative to now
    # 3,000 numbers in three exchanges, one spelling each
    numbers = [f"+1415555{n:04d}" for n in range(1000)] + [f"+1415556{n:04d}" for n in range(1000)] + \
        [f"+1212555{n:04d}" for n in range(1000)]
    spelled = [n[2:] for n in numbers[:1000]] + [f"{n[2:5]},{n[5:]}" for n in numbers[1000:2000]] + numbers[2000:]
    absent = "+14155579999"
    s3.put_object(Bucket="registry-imports", Key=f"imports/{name}/full/dnc-{version}.txt",
                  Body=("\n".join(spelled) + "\nnot a number\n").encode())
    _until("the full file imported", lambda: _list(url, name)["entries"] == 3000)
    listed = _list(url, name)
    assert listed["version"] == version and listed["kind"] == "national"
    assert _on_list(url, numbers[0], name) and _on_list(url, numbers[1500], name) and _on_list(url, numbers[-1], name)
    assert not _on_list(url, absent, name)

    changes = [f"{numbers[0][2:]},{today.isoformat()},D", f"{absent[2:]},{today.isoformat()},A"]
    s3.put_object(Bucket="registry-imports", Key=f"imports/{name}/changes/dnc-changes-{today.isoformat()}.txt",
                  Body=("\n".join(changes) + "\n").encode())
    _until("the change file applied", lambda: _on_list(url, absent, name))
    assert not _on_list(url, numbers[0], name)
    assert _on_list(url, numbers[1], name)
    assert _list(url, name)["entries"] == 3000  # one out, one in
