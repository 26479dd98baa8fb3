"""API keys in the one table, stored under the SHA-256 of the raw key (never the key itself).

Two items per key, written together in one transaction:

* ``pk=KEY#<hash>, sk=KEY`` -- the key itself; authentication is one GetItem on it.
* ``pk=KEYINDEX, sk=KEY#<key_id>`` -- a pointer from the short public id to the hash. Revoking
  by id is then one GetItem, and listing is one Query of a small partition, instead of scanning
  a table that holds every contact. The conditional put also keeps ``key_id`` unique.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Iterable, Iterator

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, PynamoDBException, TransactWriteError
from pynamodb.transactions import TransactWrite

from ..domain.errors import Conflict, NotFound, RegistryError, RegistryUnavailable
from ..domain.timeutil import utc_now
from .table import RegistryModel, write_connection

KEY_PREFIX = "KEY#"
KEY_SK = "KEY"
INDEX_PK = "KEYINDEX"
INDEX_SK_PREFIX = "KEY#"
STORAGE_ERRORS = (PynamoDBException, BotoCoreError, ClientError)


class KeyIdTaken(Conflict):
    """Another key already has this short id (a 48-bit hash prefix): the caller mints a new key."""


class ApiKeyItem(RegistryModel):
    name = UnicodeAttribute()
    scopes = UnicodeSetAttribute()
    created_at = UTCDateTimeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)
    key_id = UnicodeAttribute()

    @property
    def key_hash(self) -> str:
        return self.pk[len(KEY_PREFIX):]

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class ApiKeyIndexItem(RegistryModel):
    """Pointer from a key's public id to its hash."""

    key_hash = UnicodeAttribute()


def key_pk(key_hash: str) -> str:
    return KEY_PREFIX + key_hash


def index_sk(key_id: str) -> str:
    return INDEX_SK_PREFIX + key_id


@contextmanager
def storage_errors(action: str) -> Iterator[None]:
    """Any DynamoDB failure becomes RegistryUnavailable; the domain's own errors pass through."""
    try:
        yield
    except RegistryError:
        raise
    except STORAGE_ERRORS as err:
        raise RegistryUnavailable(f"could not {action}: the registry is unavailable") from err


def put(key_hash: str, key_id: str, name: str, scopes: Iterable[str],
        created_at: datetime | None = None) -> ApiKeyItem:
    """Store a new key; Conflict if the hash exists, KeyIdTaken if only the id does."""
    item = ApiKeyItem(key_pk(key_hash), KEY_SK, name=name, scopes=set(scopes),
                      created_at=created_at or utc_now(), key_id=key_id)
    pointer = ApiKeyIndexItem(INDEX_PK, index_sk(key_id), key_hash=key_hash)
    try:
        with storage_errors("store the API key"):
            with TransactWrite(connection=write_connection()) as tx:
                tx.save(item, condition=ApiKeyItem.pk.does_not_exist())
                tx.save(pointer, condition=ApiKeyIndexItem.pk.does_not_exist())
    except RegistryUnavailable as err:
        reasons = _cancellation_reasons(err.__cause__)
        if reasons and reasons[0] == "ConditionalCheckFailed":
            raise Conflict("this API key already exists") from None
        if len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
            raise KeyIdTaken(f"key id {key_id} is taken") from None
        raise
    return item


def get(key_hash: str, consistent_read: bool = False) -> ApiKeyItem | None:
    """The key stored under this hash, revoked or not; None when there is none."""
    with storage_errors("read the API key"):
        try:
            return ApiKeyItem.get(key_pk(key_hash), KEY_SK, consistent_read=consistent_read)
        except DoesNotExist:
            return None


def hash_for_id(key_id: str) -> str | None:
    with storage_errors("read the API key index"):
        try:
            return ApiKeyIndexItem.get(INDEX_PK, index_sk(key_id), consistent_read=True).key_hash
        except DoesNotExist:
            return None


def set_scopes(key_hash: str, name: str, scopes: Iterable[str]) -> ApiKeyItem:
    """Replace a live key's name and scopes; NotFound if missing, Conflict if revoked."""
    item = ApiKeyItem(key_pk(key_hash), KEY_SK)
    condition = ApiKeyItem.pk.exists() & ApiKeyItem.revoked_at.does_not_exist()
    _conditional_update(item, [ApiKeyItem.name.set(name), ApiKeyItem.scopes.set(set(scopes))],
                        condition, "update the API key")
    return _must_get(key_hash)


def revoke(*, key_id: str | None = None, key_hash: str | None = None) -> ApiKeyItem:
    """Mark a key revoked (idempotent: a second revoke keeps the first time). NotFound if missing."""
    if (key_id is None) == (key_hash is None):
        raise ValueError("give exactly one of key_id and key_hash")
    if key_hash is None:
        key_hash = hash_for_id(key_id)
        if key_hash is None:
            raise NotFound(f"no API key with id {key_id}")
    item = ApiKeyItem(key_pk(key_hash), KEY_SK)
    condition = ApiKeyItem.pk.exists() & ApiKeyItem.revoked_at.does_not_exist()
    try:
        _conditional_update(item, [ApiKeyItem.revoked_at.set(utc_now())], condition, "revoke the API key")
    except Conflict:
        pass  # already revoked: _must_get below returns it as it is
    return _must_get(key_hash)


def list_all(page_size: int = 100) -> list[ApiKeyItem]:
    """Every key, oldest first: page through the index, then batch-get the keys it names."""
    with storage_errors("list API keys"):
        hashes = [p.key_hash for p in ApiKeyIndexItem.query(
            INDEX_PK, ApiKeyIndexItem.sk.startswith(INDEX_SK_PREFIX), page_size=page_size)]
        # batch_get chunks by 100 and retries unprocessed keys itself.
        items = list(ApiKeyItem.batch_get([(key_pk(h), KEY_SK) for h in hashes]))
    return sorted(items, key=lambda i: (i.created_at, i.key_id))


def _conditional_update(item: ApiKeyItem, actions: list, condition, action: str) -> None:
    """One conditional update through the write connection; NotFound or Conflict when it fails."""
    try:
        with storage_errors(action):
            with TransactWrite(connection=write_connection()) as tx:
                tx.update(item, actions=actions, condition=condition)
    except RegistryUnavailable as err:
        if _cancellation_reasons(err.__cause__)[:1] != ["ConditionalCheckFailed"]:
            raise
        current = get(item.key_hash, consistent_read=True)
        if current is None:
            raise NotFound("no such API key") from None
        raise Conflict("the API key is revoked") from None


def _must_get(key_hash: str) -> ApiKeyItem:
    item = get(key_hash, consistent_read=True)
    if item is None:
        raise NotFound("no such API key")
    return item


def _cancellation_reasons(err: BaseException | None) -> list[str | None]:
    if not isinstance(err, TransactWriteError):
        return []
    return [r.code if r else None for r in err.cancellation_reasons]
