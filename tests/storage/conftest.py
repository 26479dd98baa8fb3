"""Fixtures for the storage-guarantee tests: fault injectors, raw reads, fresh addresses.

The ``api`` fixture (the real Lambda handler) and ``logs`` (the registry's log lines) live in
tests/api/conftest.py; they are re-exported here so storage tests use the very same ones.
"""
from __future__ import annotations

import pytest

from tests.api.conftest import api, logs  # noqa: F401  (re-exported fixtures)


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
def mark_item(dynamodb_client, dynamodb_table):
    """The raw idempotency mark of a request id (None if there is none): marks live under a keyed
    hash of the id, one per id in the whole registry."""
    from registry.services.recording import mark_key
    from registry.storage import contacts as store

    def read(request_id: str) -> dict | None:
        key = {"pk": {"S": store.mark_pk(mark_key(request_id))}, "sk": {"S": store.MARK_SK}}
        return dynamodb_client.get_item(TableName=dynamodb_table, Key=key, ConsistentRead=True).get("Item")

    return read
