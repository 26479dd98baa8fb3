"""API keys: minting, seeding, revoking, and authenticating requests with an in-process cache.

Every ``/v1`` call authenticates, so a fresh verdict is cached per Lambda container for
``api_key_cache_seconds`` (30 s): a revoked key stops working within that time, and a busy
container makes about one key read per key per 30 s. Unknown keys are cached briefly too, so a
client retrying with a bad key does not turn into a stream of reads. The cache is keyed by
the key's hash; raw keys are never stored, logged or sent to DynamoDB.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..domain.errors import Conflict, Forbidden, InvalidRequest, NotFound, RegistryUnavailable, Unauthorized
from ..domain.timeutil import format_instant
from ..domain.vocabulary import API_KEY_SCOPES
from ..settings import derived
from ..storage import api_keys as store
from .failures import storage_failures

UNAVAILABLE = "the registry is unavailable: API keys could not be read or written"

log = logging.getLogger(__name__)

SCOPES = frozenset(API_KEY_SCOPES)
KEY_PREFIX = "cr_"
KEY_ID_LENGTH = 12
MAX_KEY_LENGTH = 512
MAX_NAME_LENGTH = 200
NEGATIVE_CACHE_SECONDS = 5.0
CACHE_MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's public id, its name and what it may do."""

    key_id: str
    name: str
    scopes: frozenset[str]


@dataclass(frozen=True)
class KeyInfo:
    """A key as the admin sees it: everything but the secret."""

    key_id: str
    name: str
    scopes: frozenset[str]
    created_at: str | None
    revoked_at: str | None

    def as_dict(self) -> dict:
        return {"key_id": self.key_id, "name": self.name, "scopes": sorted(self.scopes),
                "created_at": self.created_at, "revoked_at": self.revoked_at}


def hash_key(raw: str) -> str:
    """SHA-256 hex of the raw key.

    A slow, salted password hash (bcrypt, argon2) exists to slow down guessing of low-entropy
    secrets. Minted keys carry 256 random bits, which no amount of fast hashing can enumerate,
    so SHA-256 is as safe here; and being unsalted and cheap it lets a request find its key
    with one GetItem on the hash instead of spending ~100 ms of CPU per call.
    """
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def key_id_for(key_hash: str) -> str:
    """The short public id: a prefix of the hash, safe to show, log and revoke by."""
    return key_hash[:KEY_ID_LENGTH]


def require_scope(principal: Principal, scope: str) -> None:
    if scope not in principal.scopes:
        raise Forbidden(f"this API key lacks the '{scope}' scope")


# --- the cache -----------------------------------------------------------------------------


class _TtlCache:
    """Bounded map with one fixed TTL: insertion order is expiry order, so the oldest go first."""

    def __init__(self, ttl: float, max_entries: int):
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, Principal | None]] = OrderedDict()

    def get(self, key: str, now: float) -> tuple[bool, Principal | None]:
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        if entry[0] <= now:
            del self._entries[key]
            return False, None
        return True, entry[1]

    def put(self, key: str, value: Principal | None, now: float) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (now + self.ttl, value)
        while self._entries:
            oldest_key, (expires, _) = next(iter(self._entries.items()))
            if expires > now and len(self._entries) <= self.max_entries:
                break
            del self._entries[oldest_key]

    def discard(self, key: str) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


Loader = Callable[[str], "Principal | None"]


class Authenticator:
    """Turns a raw key into a Principal, caching verdicts by hash.

    Known and unknown keys live in separate bounded caches, so a flood of made-up keys cannot
    evict the real ones. ``load(key_hash)`` returns the live key's Principal, None for a missing
    or revoked key, and raises RegistryUnavailable when storage cannot answer: then the request
    fails closed (only a still-fresh positive verdict is used; expired ones never are, so a
    revoked key cannot outlive the TTL because DynamoDB is down).
    """

    def __init__(self, load: Loader, *, ttl: float, negative_ttl: float = NEGATIVE_CACHE_SECONDS,
                 max_entries: int = CACHE_MAX_ENTRIES, clock: Callable[[], float] = time.monotonic):
        self._load = load
        self.clock = clock
        self._lock = threading.Lock()
        self._known = _TtlCache(ttl, max_entries)
        self._unknown = _TtlCache(min(negative_ttl, ttl), max_entries)

    def authenticate(self, raw_key: str | None) -> Principal:
        if not isinstance(raw_key, str) or not raw_key.strip():
            raise Unauthorized("an API key is required in the x-api-key header")
        if len(raw_key) > MAX_KEY_LENGTH:
            raise Unauthorized("unknown API key")
        key_hash = hash_key(raw_key)
        with self._lock:
            now = self.clock()
            hit, principal = self._known.get(key_hash, now)
            if not hit:
                hit, principal = self._unknown.get(key_hash, now)
        if hit:
            if principal is None:
                raise Unauthorized("unknown API key")
            return principal
        # Read outside the lock: a slow read must not stall requests with other, cached keys.
        principal = self._load(key_hash)
        with self._lock:
            now = self.clock()
            if principal is None:
                self._unknown.put(key_hash, None, now)
            else:
                self._unknown.discard(key_hash)
                self._known.put(key_hash, principal, now)
        if principal is None:
            log.info("api key refused", extra={"key_id": key_id_for(key_hash)})
            raise Unauthorized("unknown API key")
        return principal

    def forget(self, key_hash: str) -> None:
        with self._lock:
            self._known.discard(key_hash)
            self._unknown.discard(key_hash)

    def clear(self) -> None:
        with self._lock:
            self._known.clear()
            self._unknown.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._known) + len(self._unknown)


def load_principal(key_hash: str) -> Principal | None:
    """The live key under this hash from DynamoDB; None if missing or revoked."""
    try:
        with storage_failures(UNAVAILABLE):
            item = store.get(key_hash)
    except RegistryUnavailable:
        log.warning("api key lookup failed; refusing the request", extra={"key_id": key_id_for(key_hash)})
        raise
    if item is None or item.revoked:
        return None
    return _principal(item)


# The process-wide authenticator (tests may set its ``clock``); a new one after a settings reset.
authenticator = derived(lambda settings: Authenticator(load_principal, ttl=settings.api_key_cache_seconds))


def authenticate(raw_key: str | None) -> Principal:
    """The caller behind ``x-api-key``: Unauthorized if missing, unknown or revoked;
    RegistryUnavailable if DynamoDB cannot tell (fail closed)."""
    return authenticator().authenticate(raw_key)


def clear_cache() -> None:
    authenticator().clear()


# --- administration ------------------------------------------------------------------------


def create_key(name: str, scopes: Iterable[str]) -> tuple[str, Principal]:
    """Mint a key. The raw key is returned once, here, and stored only as its hash."""
    name, scopes = _valid_name(name), _valid_scopes(scopes)
    with storage_failures(UNAVAILABLE):
        for _ in range(5):
            raw = KEY_PREFIX + secrets.token_urlsafe(32)
            key_hash = hash_key(raw)
            try:
                item = store.put(key_hash, key_id_for(key_hash), name, scopes)
            except (store.KeyIdTaken, store.KeyExists):
                continue  # another key has this id (~2^-48 per try): mint another
            log.info("api key created", extra={"key_id": item.key_id, "scopes": sorted(scopes)})
            return raw, _principal(item)
    raise RegistryUnavailable("could not mint a unique API key id")  # ~2^-48 per try: unreachable


def ensure_key(raw_key: str, name: str, scopes: set[str]) -> Principal:
    """Make sure a fixed key (e.g. the local stack's ``local-admin``) exists with these scopes.

    Idempotent. A revoked key is left revoked (Conflict): reviving it silently could bring back
    a key that was revoked because it leaked.
    """
    if not isinstance(raw_key, str) or not raw_key or len(raw_key) > MAX_KEY_LENGTH:
        raise InvalidRequest("the API key must be a non-empty string", "key")
    name, wanted = _valid_name(name), _valid_scopes(scopes)
    key_hash = hash_key(raw_key)
    with storage_failures(UNAVAILABLE):
        item = store.get(key_hash, consistent_read=True)
        if item is None:
            try:
                item = store.put(key_hash, key_id_for(key_hash), name, wanted)
                log.info("api key seeded", extra={"key_id": item.key_id, "scopes": sorted(wanted)})
            except store.KeyIdTaken:
                raise Conflict("another key has this key's id; choose a different key") from None
            except store.KeyExists:
                item = store.get(key_hash, consistent_read=True)  # a concurrent seed won the race
                if item is None:
                    raise Conflict("this API key already exists") from None
        if item.revoked:
            raise Conflict(f"API key {item.key_id} is revoked; create a new one")
        if set(item.scopes or ()) != wanted or item.name != name:
            try:
                item = store.set_scopes(key_hash, name, wanted)
            except store.KeyRevoked:
                raise Conflict(f"API key {item.key_id} is revoked; create a new one") from None
            except store.NoSuchKey:
                raise NotFound("no such API key") from None
            log.info("api key updated", extra={"key_id": item.key_id, "scopes": sorted(wanted)})
    authenticator().forget(key_hash)
    return _principal(item)


def revoke_key(key_id: str) -> KeyInfo:
    """Revoke by public id. Takes effect here at once, elsewhere within the cache TTL."""
    if not isinstance(key_id, str) or not key_id.strip():
        raise InvalidRequest("key_id is required", "key_id")
    with storage_failures(UNAVAILABLE):
        try:
            item = store.revoke(key_id=key_id.strip())
        except store.NoSuchKey:
            raise NotFound(f"no API key with id {key_id.strip()}") from None
    authenticator().forget(item.key_hash)
    log.info("api key revoked", extra={"key_id": item.key_id})
    return _info(item)


def list_keys() -> list[KeyInfo]:
    with storage_failures(UNAVAILABLE):
        return [_info(item) for item in store.list_all()]


def _principal(item: store.ApiKeyItem) -> Principal:
    return Principal(key_id=item.key_id, name=item.name, scopes=frozenset(item.scopes or ()))


def _info(item: store.ApiKeyItem) -> KeyInfo:
    return KeyInfo(key_id=item.key_id, name=item.name, scopes=frozenset(item.scopes or ()),
                   created_at=format_instant(item.created_at), revoked_at=format_instant(item.revoked_at))


def _valid_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidRequest("a key needs a name", "name")
    if len(name.strip()) > MAX_NAME_LENGTH:
        raise InvalidRequest(f"a key name is at most {MAX_NAME_LENGTH} characters", "name")
    return name.strip()


def _valid_scopes(scopes: Iterable[str] | str) -> set[str]:
    if isinstance(scopes, str):
        scopes = scopes.split(",")
    wanted = {s.strip() for s in scopes if isinstance(s, str) and s.strip()}
    if not wanted:
        raise InvalidRequest(f"a key needs at least one scope of {sorted(SCOPES)}", "scopes")
    unknown = wanted - SCOPES
    if unknown:
        raise InvalidRequest(f"unknown scopes {sorted(unknown)}; use {sorted(SCOPES)}", "scopes")
    return wanted
