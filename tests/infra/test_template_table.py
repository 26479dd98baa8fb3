"""The table that tests and the local stack create is the one template.yaml declares."""
from __future__ import annotations

import uuid

import pytest

from infra.template import load_template
from infra.template_table import create_table_kwargs, ensure_table, ttl_attribute


def test_create_table_kwargs_come_from_the_template():
    props = load_template()["Resources"]["RegistryTable"]["Properties"]
    kwargs = create_table_kwargs("t")
    assert kwargs["TableName"] == "t"
    assert kwargs["KeySchema"] == props["KeySchema"]
    assert kwargs["AttributeDefinitions"] == props["AttributeDefinitions"]
    assert kwargs["BillingMode"] == props["BillingMode"] == "PAY_PER_REQUEST"
    assert ttl_attribute() == "expires_at_epoch"


def test_indexes_and_streams_are_carried_over():
    template = load_template()
    props = template["Resources"]["RegistryTable"]["Properties"]
    props["AttributeDefinitions"].append({"AttributeName": "gsi1pk", "AttributeType": "S"})
    props["GlobalSecondaryIndexes"] = [{
        "IndexName": "gsi1",
        "KeySchema": [{"AttributeName": "gsi1pk", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
        "ContributorInsightsSpecification": {"Enabled": True},  # CloudFormation only
    }]
    props["StreamSpecification"] = {"StreamViewType": "NEW_IMAGE"}
    kwargs = create_table_kwargs("t", template)
    assert kwargs["GlobalSecondaryIndexes"] == [{
        "IndexName": "gsi1",
        "KeySchema": [{"AttributeName": "gsi1pk", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
    }]
    assert kwargs["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    # load_template hands out copies: the change above did not leak into the shared one.
    assert [ix["IndexName"] for ix in create_table_kwargs("t")["GlobalSecondaryIndexes"]] == ["AttemptsByDay"]


@pytest.mark.dynamodb
def test_ensure_table_is_idempotent(dynamodb_client, dynamodb_table):
    first = ensure_table(dynamodb_client, dynamodb_table)
    second = ensure_table(dynamodb_client, dynamodb_table)
    assert first["TableStatus"] == second["TableStatus"] == "ACTIVE"
    assert first["KeySchema"] == create_table_kwargs(dynamodb_table)["KeySchema"]
    ttl = dynamodb_client.describe_time_to_live(TableName=dynamodb_table)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] in ("ENABLED", "ENABLING")
    assert ttl["AttributeName"] == "expires_at_epoch"


@pytest.mark.dynamodb
def test_ensure_table_creates_a_missing_table(dynamodb_client):
    name = f"registry-ensure-{uuid.uuid4().hex[:8]}"
    try:
        ensure_table(dynamodb_client, name)
        assert name in dynamodb_client.list_tables()["TableNames"]
    finally:
        dynamodb_client.delete_table(TableName=name)


@pytest.mark.dynamodb
def test_the_table_streams_both_images_as_the_template_says(dynamodb_client, dynamodb_table):
    """The change-event publisher reads the stream (the local stack's poller too)."""
    table = dynamodb_client.describe_table(TableName=dynamodb_table)["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["LatestStreamArn"]


@pytest.mark.dynamodb
def test_a_table_made_before_its_stream_gets_it(dynamodb_client):
    """The local stack keeps its data across restarts: a table made by an older template is given
    the stream, not left without change events."""
    name = f"registry-nostream-{uuid.uuid4().hex[:8]}"
    kwargs = create_table_kwargs(name)
    kwargs.pop("StreamSpecification")
    dynamodb_client.create_table(**kwargs)
    try:
        table = ensure_table(dynamodb_client, name)
        assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        assert ensure_table(dynamodb_client, name)["LatestStreamArn"] == table["LatestStreamArn"]  # once only
    finally:
        dynamodb_client.delete_table(TableName=name)


@pytest.mark.dynamodb
def test_a_table_made_before_the_attempts_index_gets_it(dynamodb_client):
    """The violations report reads AttemptsByDay: a table the local stack kept from an older template
    is given the index (DynamoDB fills it from the items already there)."""
    name = f"registry-noindex-{uuid.uuid4().hex[:8]}"
    kwargs = create_table_kwargs(name)
    kwargs.pop("GlobalSecondaryIndexes")
    kwargs["AttributeDefinitions"] = [a for a in kwargs["AttributeDefinitions"] if a["AttributeName"] in ("pk", "sk")]
    dynamodb_client.create_table(**kwargs)
    try:
        table = ensure_table(dynamodb_client, name)
        (index,) = table["GlobalSecondaryIndexes"]
        assert index["IndexName"] == "AttemptsByDay"
        assert [k["AttributeName"] for k in index["KeySchema"]] == ["attempt_day", "attempt_at"]
        again = ensure_table(dynamodb_client, name)  # once only
        assert [ix["IndexName"] for ix in again["GlobalSecondaryIndexes"]] == ["AttemptsByDay"]
    finally:
        dynamodb_client.delete_table(TableName=name)
