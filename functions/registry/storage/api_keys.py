"""API keys in the one table, stored under the SHA-256 of the raw key (never the key itself).

Two items per key, written together in one transaction:

* ``pk=KEY#<hash>, sk=KEY`` -- the key itself; authentication is one GetItem on it.
* ``pk=KEYINDEX, sk=KEY#<key_id>`` -- a pointer from the short public id to the hash. Revoking
  by id is then one GetItem, and listing is one Query of a small partition, instead of scanning
  a table that holds every contact. The conditional put also keeps ``key_id`` unique.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist

from ..domain.timeutil import utc_now
from .errors import ConditionFailed, dynamodb
from .operations import Transaction, TransactionCancelled, batch_get
from .table import RegistryModel

KEY_PREFIX = "KEY#"
KEY_SK = "KEY"
INDEX_PK = "KEYINDEX"
INDEX_SK_PREFIX = "KEY#"


class KeyExists(ConditionFailed):
    """A key with this hash is stored already."""


class KeyIdTaken(ConditionFailed):
    """Another key already has this short id (a 48-bit hash prefix): the caller mints a new key."""


class NoSuchKey(ConditionFailed):
    """No key is stored under this hash or id."""


class KeyRevoked(ConditionFailed):
    """The key is revoked: it cannot be changed."""


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


def put(key_hash: str, key_id: str, name: str, scopes: Iterable[str],
        created_at: datetime | None = None) -> ApiKeyItem:
    """Store a new key; KeyExists if the hash is stored, KeyIdTaken if only the id is."""
    item = ApiKeyItem(key_pk(key_hash), KEY_SK, name=name, scopes=set(scopes),
                      created_at=created_at or utc_now(), key_id=key_id)
    pointer = ApiKeyIndexItem(INDEX_PK, index_sk(key_id), key_hash=key_hash)
    tx = Transaction("store an API key")
    tx.put("key", item, condition=ApiKeyItem.pk.does_not_exist())
    tx.put("index", pointer, condition=ApiKeyIndexItem.pk.does_not_exist())
    try:
        tx.commit()
    except TransactionCancelled as err:
        if err.cancellation.condition_failed("key"):
            raise KeyExists(key_id) from err
        if err.cancellation.condition_failed("index"):
            raise KeyIdTaken(key_id) from err
        raise
    return item


def get(key_hash: str, consistent_read: bool = False) -> ApiKeyItem | None:
    """The key stored under this hash, revoked or not; None when there is none."""
    with dynamodb("read an API key", reading=key_pk(key_hash)):
        try:
            return ApiKeyItem.get(key_pk(key_hash), KEY_SK, consistent_read=consistent_read)
        except DoesNotExist:
            return None


def hash_for_id(key_id: str) -> str | None:
    with dynamodb("read the API key index", reading=index_sk(key_id)):
        try:
            return ApiKeyIndexItem.get(INDEX_PK, index_sk(key_id), consistent_read=True).key_hash
        except DoesNotExist:
            return None


def set_scopes(key_hash: str, name: str, scopes: Iterable[str]) -> ApiKeyItem:
    """Replace a live key's name and scopes; NoSuchKey if missing, KeyRevoked if revoked."""
    _update_live_key(key_hash, [ApiKeyItem.name.set(name), ApiKeyItem.scopes.set(set(scopes))],
                     "update an API key")
    return _must_get(key_hash)


def revoke(*, key_id: str | None = None, key_hash: str | None = None) -> ApiKeyItem:
    """Mark a key revoked (idempotent: a second revoke keeps the first time). NoSuchKey if missing."""
    if (key_id is None) == (key_hash is None):
        raise ValueError("give exactly one of key_id and key_hash")
    if key_id is not None:
        key_hash = hash_for_id(key_id)
        if key_hash is None:
            raise NoSuchKey(key_id)
    assert key_hash is not None
    try:
        _update_live_key(key_hash, [ApiKeyItem.revoked_at.set(utc_now())], "revoke an API key")
    except KeyRevoked:
        pass  # already revoked: _must_get below returns it as it is
    return _must_get(key_hash)


def list_all(page_size: int = 100) -> list[ApiKeyItem]:
    """Every key, oldest first: page through the index, then batch-get the keys it names."""
    with dynamodb("list API keys", reading=INDEX_PK):
        hashes = [p.key_hash for p in ApiKeyIndexItem.query(
            INDEX_PK, ApiKeyIndexItem.sk.startswith(INDEX_SK_PREFIX), page_size=page_size)]
    keys = [(key_pk(h), KEY_SK) for h in dict.fromkeys(hashes)]
    items = []
    for start in range(0, len(keys), 100):
        for raw in batch_get(ApiKeyItem, keys[start:start + 100]):
            with dynamodb("read an API key", reading=raw["pk"]["S"]):
                items.append(ApiKeyItem.from_raw_data(raw))
    return sorted(items, key=lambda i: (i.created_at, i.key_id))


def _update_live_key(key_hash: str, actions: list, action: str) -> None:
    """One update of a key that exists and is not revoked, through the write connection."""
    tx = Transaction(action)
    tx.update("key", ApiKeyItem(key_pk(key_hash), KEY_SK), actions,
              ApiKeyItem.pk.exists() & ApiKeyItem.revoked_at.does_not_exist())
    try:
        tx.commit()
    except TransactionCancelled as err:
        if not err.cancellation.condition_failed("key"):
            raise
        # The key as it was when the condition failed (ALL_OLD): there, so revoked; else missing.
        raise (KeyRevoked if err.cancellation.old_item("key") else NoSuchKey)(key_hash[:12]) from err


def _must_get(key_hash: str) -> ApiKeyItem:
    item = get(key_hash, consistent_read=True)
    if item is None:
        raise NoSuchKey(key_hash[:12])
    return item
