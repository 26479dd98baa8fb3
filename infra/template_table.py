"""Create the registry table from its definition in template.yaml, so tests and the local stack
never drift from what AWS deploys."""
from __future__ import annotations

import logging
import time
from typing import Any

from botocore.exceptions import ClientError

from .template import load_template, resource

LOGICAL_ID = "RegistryTable"
log = logging.getLogger(__name__)

# create_table keys that the CloudFormation properties share verbatim.
_INDEX_KEYS = ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput")


def table_properties(template: dict[str, Any] | None = None) -> dict[str, Any]:
    return resource(LOGICAL_ID, template)["Properties"]


def create_table_kwargs(table_name: str, template: dict[str, Any] | None = None) -> dict[str, Any]:
    """boto3 ``create_table`` arguments for the template's table (what an emulator can honour)."""
    props = table_properties(template)
    kwargs: dict[str, Any] = {
        "TableName": table_name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
    }
    if kwargs["BillingMode"] == "PROVISIONED":
        kwargs["ProvisionedThroughput"] = props["ProvisionedThroughput"]
    for cfn_key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if props.get(cfn_key):
            kwargs[cfn_key] = [{k: ix[k] for k in _INDEX_KEYS if k in ix} for ix in props[cfn_key]]
    if props.get("StreamSpecification"):
        kwargs["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    return kwargs


def ttl_attribute(template: dict[str, Any] | None = None) -> str | None:
    """The TTL attribute if the template enables TTL, else None."""
    spec = table_properties(template).get("TimeToLiveSpecification") or {}
    return spec.get("AttributeName") if spec.get("Enabled") else None


def ensure_table(client: Any, table_name: str, template: dict[str, Any] | None = None,
                 timeout: float = 60.0) -> dict[str, Any]:
    """Create the table if it is missing, wait until ACTIVE, enable TTL; safe to call repeatedly
    and from several processes at once. Returns the table description."""
    template = template or load_template()
    if not _exists(client, table_name):
        try:
            client.create_table(**create_table_kwargs(table_name, template))
            log.info("created table %s", table_name)
        except ClientError as err:  # another process created it meanwhile
            if err.response["Error"]["Code"] != "ResourceInUseException":
                raise
    description = _wait_active(client, table_name, timeout)
    description = _ensure_stream(client, table_name, template, description, timeout)
    description = _ensure_indexes(client, table_name, template, description, timeout)
    attribute = ttl_attribute(template)
    if attribute:
        _enable_ttl(client, table_name, attribute)
    return description


def _ensure_stream(client: Any, table_name: str, template: dict[str, Any], description: dict[str, Any],
                   timeout: float) -> dict[str, Any]:
    """A table made before the template had its stream (the local stack's data survives a restart)
    gets it now, with the template's view type."""
    wanted = table_properties(template).get("StreamSpecification")
    have = description.get("StreamSpecification") or {}
    if not wanted or (have.get("StreamEnabled") and have.get("StreamViewType") == wanted["StreamViewType"]):
        return description
    if have.get("StreamEnabled"):  # another view type: a stream's view cannot change in place
        client.update_table(TableName=table_name, StreamSpecification={"StreamEnabled": False})
        description = _wait_active(client, table_name, timeout)
    try:
        client.update_table(TableName=table_name, StreamSpecification={"StreamEnabled": True, **wanted})
        log.info("enabled the stream of %s", table_name)
    except ClientError as err:  # another process enabled it meanwhile
        if err.response["Error"]["Code"] not in ("ValidationException", "ResourceInUseException"):
            raise
    return _wait_active(client, table_name, timeout)


def _ensure_indexes(client: Any, table_name: str, template: dict[str, Any], description: dict[str, Any],
                    timeout: float) -> dict[str, Any]:
    """A table made before the template had one of its global secondary indexes (the local stack's
    data survives a restart) gets it now; DynamoDB fills it from the items already there."""
    kwargs = create_table_kwargs(table_name, template)
    have = {ix["IndexName"] for ix in description.get("GlobalSecondaryIndexes") or ()}
    for index in kwargs.get("GlobalSecondaryIndexes") or ():
        if index["IndexName"] in have:
            continue
        names = {part["AttributeName"] for part in index["KeySchema"]}
        try:
            client.update_table(
                TableName=table_name,
                AttributeDefinitions=[a for a in kwargs["AttributeDefinitions"] if a["AttributeName"] in names],
                GlobalSecondaryIndexUpdates=[{"Create": index}])
            log.info("created index %s of %s", index["IndexName"], table_name)
        except ClientError as err:  # another process created it meanwhile
            if err.response["Error"]["Code"] not in ("ValidationException", "ResourceInUseException"):
                raise
        description = _wait_active(client, table_name, timeout)
    return description


def _exists(client: Any, table_name: str) -> bool:
    try:
        client.describe_table(TableName=table_name)
        return True
    except ClientError as err:
        if err.response["Error"]["Code"] == "ResourceNotFoundException":
            return False
        raise


def _wait_active(client: Any, table_name: str, timeout: float) -> dict[str, Any]:
    # Polled by hand: botocore's waiter sleeps 20 s between tries, emulators are ready in ms.
    deadline = time.monotonic() + timeout
    while True:
        try:
            table = client.describe_table(TableName=table_name)["Table"]
            indexes = table.get("GlobalSecondaryIndexes") or ()
            if table["TableStatus"] == "ACTIVE" and all(ix.get("IndexStatus", "ACTIVE") == "ACTIVE" for ix in indexes):
                return table
        except ClientError as err:
            if err.response["Error"]["Code"] != "ResourceNotFoundException":
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"table {table_name} not ACTIVE after {timeout:.0f} s")
        time.sleep(0.1)


def _enable_ttl(client: Any, table_name: str, attribute: str) -> None:
    try:
        current = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
        if current.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
            return
        client.update_time_to_live(
            TableName=table_name,
            TimeToLiveSpecification={"AttributeName": attribute, "Enabled": True},
        )
    except ClientError as err:
        # Another process enabled it first, or an emulator without TTL: items simply never expire.
        if err.response["Error"]["Code"] not in ("ValidationException", "UnknownOperationException"):
            raise
        log.warning("TTL not enabled on %s: %s", table_name, err)
