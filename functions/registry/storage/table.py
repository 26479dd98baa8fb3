"""The one table: its key schema, its base PynamoDB model and the connections that talk to it.

Every item lives under ``pk`` (partition) and ``sk`` (sort). DynamoDB is reached through
botocore's own endpoint resolution, so ``AWS_ENDPOINT_URL_DYNAMODB`` points the whole registry
at DynamoDB Local or a moto server without code changes.

The settings (table name, region, timeouts, retries) are applied when a model first connects,
not when this module is imported: each model class applies the settings in force to its ``Meta``
and makes its connection then, and makes both again once the settings were reset
(``registry.settings.reset_settings``).
"""
from __future__ import annotations

import threading
from typing import Any, ClassVar

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.models import Model

from ..settings import Settings, get_settings

MAX_POOL_CONNECTIONS = 32
_lock = threading.RLock()


class RegistryModel(Model):
    """Base of every item type. Reads use short timeouts and one retry: a lookup fails closed fast.

    A model whose ``Meta`` says ``write_path = True`` (the reads a write starts from) takes the
    write path's timeouts instead; it must declare a ``Meta`` of its own."""

    # The settings last applied to this very class (read in its own __dict__, never inherited).
    _applied_settings: ClassVar[Settings | None]

    class Meta:
        abstract = True
        table_name: str | None = None  # from the settings, at first connection
        write_path = False
        max_pool_connections = MAX_POOL_CONNECTIONS

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    # Epoch seconds; the table's TTL attribute (only items meant to expire carry it).
    expires_at_epoch = NumberAttribute(null=True)

    @classmethod
    def _get_connection(cls) -> TableConnection:
        settings = get_settings()
        # Looked up in the class's own namespace: a subclass never uses its parent's connection
        # (PynamoDB would hand a write-path model the read model's connection, timeouts and all).
        if cls.__dict__.get("_applied_settings") is not settings or cls.__dict__.get("_connection") is None:
            with _lock:
                if cls.__dict__.get("_applied_settings") is not settings or cls.__dict__.get("_connection") is None:
                    apply_settings(cls, settings)
                    cls._connection = None
                    connection = super()._get_connection()
                    _bound_read_retries(connection.connection.client)
                    cls._applied_settings = settings
        return cls.__dict__["_connection"]


def apply_settings(model: type[RegistryModel], settings: Settings) -> None:
    """The settings, on the model's ``Meta``: where PynamoDB reads them when it connects."""
    meta: Any = model.Meta  # PynamoDB's Meta is untyped: these are the names it reads
    meta.table_name = settings.table_name
    meta.region = settings.aws_region
    if getattr(meta, "write_path", False):
        meta.connect_timeout_seconds = settings.write_connect_timeout
        meta.read_timeout_seconds = settings.write_timeout
        meta.max_retry_attempts = settings.write_max_attempts - 1
    else:
        meta.connect_timeout_seconds = settings.read_connect_timeout
        meta.read_timeout_seconds = settings.read_timeout
        meta.max_retry_attempts = settings.read_max_attempts - 1


def table_name() -> str:
    return get_settings().table_name


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


_write_connection: tuple[Settings, Connection] | None = None


def write_connection() -> Connection:
    """The connection transactions go through: longer timeouts, a few more retries than reads.

    Its botocore client is made here, once, under the lock: PynamoDB makes it at first use without
    one, so the first request that sends 20 transactions at once (a 1,000-entry list change) would
    make 20 clients side by side (~0.1 s of CPU each) and keep the last."""
    global _write_connection
    settings = get_settings()
    made = _write_connection
    if made is None or made[0] is not settings:
        with _lock:
            made = _write_connection
            if made is None or made[0] is not settings:
                made = (settings, Connection(
                    region=settings.aws_region,
                    connect_timeout_seconds=settings.write_connect_timeout,
                    read_timeout_seconds=settings.write_timeout,
                    max_retry_attempts=settings.write_max_attempts - 1,
                    max_pool_connections=MAX_POOL_CONNECTIONS,
                ))
                made[1].client  # noqa: B018 - made now, under the lock
                _write_connection = made
    return made[1]


def reset_connections() -> None:
    """Forget every client (tests switch endpoints; clients must be made after the emulator starts)."""
    global _write_connection
    with _lock:
        _write_connection = None
        for model in _all_models(RegistryModel):
            model._connection = None
            model._applied_settings = None


def _all_models(base: type) -> list[Any]:
    found: list[Any] = []
    model: type
    for model in base.__subclasses__():
        found.append(model)
        found.extend(_all_models(model))
    return found
