"""The local stand-in for Lambda's DynamoDB stream event source (infra/stream_poller.py)."""
from __future__ import annotations

import json
import os
import threading
import uuid

import pytest

from infra.net import wait_until
from infra.stream_poller import StreamPoller, admits, matches
from infra.template import load_template, resource
from infra.template_table import ensure_table

pytestmark = pytest.mark.dynamodb


def _filters():
    (event,) = resource("ChangeEventsFunction", load_template())["Properties"]["Events"].values()
    return event["Properties"]["FilterCriteria"]["Filters"]


def _record(pk: str, sk: str) -> dict:
    return {"dynamodb": {"Keys": {"pk": {"S": pk}, "sk": {"S": sk}}}}


def test_the_template_filter_admits_contact_state_items_only():
    filters = _filters()
    assert admits(filters, _record("C#abc", "STATE"))
    assert not admits(filters, _record("C#abc", "H#2026-12-01"))
    assert not admits(filters, _record("LIST#x", "STATE"))
    assert not admits(filters, _record("IDEM#x", "IDEM"))
    assert admits([], _record("anything", "at all"))  # no filter: every record


def test_patterns_read_as_lambda_reads_them():
    assert matches({"a": ["x", "y"]}, {"a": "y", "b": 1})
    assert not matches({"a": ["x"]}, {"b": "x"})  # the key must be there
    assert matches({"a": [{"prefix": "C#"}]}, {"a": "C#1"})
    assert not matches({"a": [{"prefix": "C#"}]}, {"a": 5})
    assert matches({"a": {"b": ["z"]}}, {"a": {"b": "z"}})
    assert not matches({"a": {"b": ["z"]}}, {"a": "z"})
    assert matches("same", "same") and not matches("same", "other")
    assert json.loads(_filters()[0]["Pattern"])  # the template's is JSON


class Handler:
    """Records each batch; fails the first delivery from the record whose pk is ``fail_pk`` on."""

    def __init__(self, fail_pk: str) -> None:
        self.fail_pk, self.failed = fail_pk, False
        self.batches: list[list[str]] = []
        self.lock = threading.Lock()

    def __call__(self, event, context):
        pks = [r["dynamodb"]["Keys"]["pk"]["S"] for r in event["Records"]]
        assert all(r["eventSource"] == "aws:dynamodb" and r["eventSourceARN"] for r in event["Records"])
        assert all(isinstance(r["dynamodb"]["ApproximateCreationDateTime"], float) for r in event["Records"])
        with self.lock:
            self.batches.append(pks)
        if not self.failed and self.fail_pk in pks:
            self.failed = True
            failing = event["Records"][pks.index(self.fail_pk)]["dynamodb"]["SequenceNumber"]
            return {"batchItemFailures": [{"itemIdentifier": failing}]}
        return {"batchItemFailures": []}


def _delivered(handler: Handler) -> list[str]:
    with handler.lock:
        return [pk for batch in handler.batches for pk in batch]


def test_records_are_sent_in_order_again_from_the_first_failure_and_only_state_items(dynamodb_client,
                                                                                    dynamodb_endpoint):
    table = f"registry-poller-{uuid.uuid4().hex[:8]}"
    ensure_table(dynamodb_client, table)
    try:
        dynamodb_client.put_item(TableName=table, Item={"pk": {"S": "C#before"}, "sk": {"S": "STATE"}})
        handler = Handler(fail_pk="C#2")
        poller = StreamPoller(dynamodb_endpoint, table, os.environ["AWS_DEFAULT_REGION"], handler=handler)
        with poller:
            for n in (1, 2, 3):
                dynamodb_client.put_item(TableName=table, Item={"pk": {"S": f"C#{n}"}, "sk": {"S": "STATE"},
                                                                "n": {"N": str(n)}})
                dynamodb_client.put_item(TableName=table, Item={"pk": {"S": f"C#{n}"}, "sk": {"S": f"H#{n}"}})
            wait_until(lambda: handler.failed and _delivered(handler)[-1:] == ["C#3"]
                       and _delivered(handler).count("C#2") == 2, 15, "the poller to deliver every record")
        delivered = _delivered(handler)
        assert "C#before" not in delivered  # LATEST: what was there before the start is not news
        assert delivered[0] == "C#1" and delivered.count("C#1") == 1  # history items never delivered
        # C#2 failed: it and everything after it came again, in order (however the batches fell)
        again = len(delivered) - 1 - delivered[::-1].index("C#2")
        assert delivered[again:] == ["C#2", "C#3"]
        assert not poller._thread  # stopped, joined
    finally:
        dynamodb_client.delete_table(TableName=table)
