"""Fixtures for the storage-guarantee tests: fault injectors, raw reads, fresh addresses.

The ``api`` fixture (the real Lambda handler) lives in tests/api/conftest.py; it is re-exported
here so the fail-closed tests can call the handler too.
"""
from __future__ import annotations

import os
import threading

import pytest

from tests.api.conftest import api  # noqa: F401  (re-exported fixture)
from tests.storage.faults import Faults


@pytest.fixture
def faults():
    injector = Faults()
    try:
        yield injector
    finally:
        injector.clear()


@pytest.fixture
def contact_items(dynamodb_client, dynamodb_table):
    """Every raw item stored under a contact's key, by sort key (a strongly consistent Query)."""

    def read(pk: str) -> dict[str, dict]:
        items, kwargs = {}, {"TableName": dynamodb_table, "ConsistentRead": True,
                             "KeyConditionExpression": "pk = :pk",
                             "ExpressionAttributeValues": {":pk": {"S": pk}}}
        while True:
            page = dynamodb_client.query(**kwargs)
            items.update({item["sk"]["S"]: item for item in page["Items"]})
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    return read



@pytest.fixture
def serialisable_backend(dynamodb_endpoint, monkeypatch):
    """Make the in-process moto server apply writes one at a time, as DynamoDB itself does.

    moto handles each request on its own thread without any lock, and its TransactWriteItems
    rolls back a cancelled transaction by putting back a copy of the whole table taken when it
    began: under concurrent writers that loses transactions committed in between, and the copy
    itself fails with "dictionary changed size during iteration" (answered as a 500). DynamoDB
    and DynamoDB Local isolate transactions; concurrency tests need a backend that does, so on
    moto (and only there) its write operations are serialised. Against DynamoDB Local nothing
    is patched.
    """
    on_moto = dynamodb_endpoint == os.environ.get("AWS_ENDPOINT_URL")
    if not on_moto:
        yield False
        return
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in ("transact_write_items", "put_item", "update_item", "delete_item"):
        original = getattr(DynamoDBBackend, name)

        def serialised(self, *args, __original=original, **kwargs):
            with lock:
                return __original(self, *args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, serialised)
    yield True
