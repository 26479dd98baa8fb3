"""The one table: its key schema, its base PynamoDB model and the connections that talk to it.

Every item lives under ``pk`` (partition) and ``sk`` (sort). DynamoDB is reached through
botocore's own endpoint resolution, so ``AWS_ENDPOINT_URL_DYNAMODB`` points the whole registry
at DynamoDB Local or a moto server without code changes.
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.models import Model

from ..settings import get_settings

_settings = get_settings()


class RegistryModel(Model):
    """Base of every item type. Reads use short timeouts and one retry: a lookup fails closed fast."""

    class Meta:
        abstract = True
        table_name = _settings.table_name
        region = _settings.aws_region
        connect_timeout_seconds = _settings.read_connect_timeout
        read_timeout_seconds = _settings.read_timeout
        max_retry_attempts = max(_settings.read_max_attempts - 1, 0)
        max_pool_connections = 32

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    # Epoch seconds; the table's TTL attribute (only items meant to expire carry it).
    expires_at_epoch = NumberAttribute(null=True)

    @classmethod
    def _get_connection(cls) -> TableConnection:
        connection = super()._get_connection()
        _bound_read_retries(connection.connection.client)
        return connection


def _ignore_retry_after(response_dict, **_) -> None:
    response_dict["headers"].pop("x-amz-retry-after", None)


def _bound_read_retries(client) -> None:
    """Reads keep botocore's own backoff (at most 1 s when throttled, 25 ms otherwise).

    botocore's standard retry mode would otherwise honour an ``x-amz-retry-after`` header and
    wait up to 5 s longer before the retry: a throttled lookup must fail closed within ~1 s.
    """
    if not getattr(client, "_registry_read_bound", False):
        client.meta.events.register("before-parse.dynamodb.*", _ignore_retry_after,
                                    unique_id="registry-ignore-retry-after")
        client._registry_read_bound = True


_write_connection: Connection | None = None


def write_connection() -> Connection:
    """The connection transactions go through: longer timeouts, a few more retries than reads."""
    global _write_connection
    if _write_connection is None:
        _write_connection = Connection(
            region=_settings.aws_region,
            connect_timeout_seconds=_settings.write_connect_timeout,
            read_timeout_seconds=_settings.write_timeout,
            max_retry_attempts=max(_settings.write_max_attempts - 1, 0),
            max_pool_connections=32,
        )
    return _write_connection


def reset_connections() -> None:
    """Forget cached clients (tests switch endpoints; clients must be made after the emulator starts)."""
    global _write_connection
    _write_connection = None
    for model in _all_models(RegistryModel):
        model._connection = None


def _all_models(base: type) -> list[type]:
    found = []
    for sub in base.__subclasses__():
        found.append(sub)
        found.extend(_all_models(sub))
    return found
