"""The authentication cache, with a fake clock and an in-memory key store: no sleeping, no DynamoDB."""
from __future__ import annotations

import threading

import pytest

from registry.domain.errors import Forbidden, RegistryUnavailable, Unauthorized
from registry.services.api_keys import Authenticator, Principal, hash_key, require_scope

ADMIN = Principal(key_id="abc", name="admin", scopes=frozenset({"lookup", "write", "admin"}))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeStore:
    """Keys by hash; counts reads; can be made to fail like an unreachable DynamoDB."""

    def __init__(self) -> None:
        self.keys: dict[str, Principal] = {}
        self.reads: list[str] = []
        self.down = False

    def add(self, raw: str, principal: Principal = ADMIN) -> None:
        self.keys[hash_key(raw)] = principal

    def revoke(self, raw: str) -> None:
        del self.keys[hash_key(raw)]

    def load(self, key_hash: str) -> Principal | None:
        self.reads.append(key_hash)
        if self.down:
            raise RegistryUnavailable("down")
        return self.keys.get(key_hash)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def auth(store: FakeStore, clock: FakeClock) -> Authenticator:
    return Authenticator(store.load, ttl=30, negative_ttl=5, max_entries=100, clock=clock)


def test_known_key_is_read_once_within_the_ttl(auth, store, clock):
    store.add("k1")
    assert auth.authenticate("k1") == ADMIN
    clock.advance(29.9)
    assert auth.authenticate("k1") == ADMIN
    assert len(store.reads) == 1


def test_known_key_is_read_again_after_the_ttl(auth, store, clock):
    store.add("k1")
    auth.authenticate("k1")
    clock.advance(30)
    auth.authenticate("k1")
    assert len(store.reads) == 2


def test_revoked_key_stops_working_once_the_ttl_passes(auth, store, clock):
    store.add("k1")
    auth.authenticate("k1")
    store.revoke("k1")
    clock.advance(29)
    assert auth.authenticate("k1") == ADMIN  # still cached: the documented window
    clock.advance(1)
    with pytest.raises(Unauthorized):
        auth.authenticate("k1")


def test_forget_drops_a_key_at_once(auth, store):
    store.add("k1")
    auth.authenticate("k1")
    store.revoke("k1")
    auth.forget(hash_key("k1"))
    with pytest.raises(Unauthorized):
        auth.authenticate("k1")


def test_unknown_key_is_cached_for_the_shorter_ttl(auth, store, clock):
    for _ in range(3):
        with pytest.raises(Unauthorized):
            auth.authenticate("nope")
    assert len(store.reads) == 1
    store.add("nope")  # e.g. seeded a moment later
    clock.advance(4.9)
    with pytest.raises(Unauthorized):
        auth.authenticate("nope")
    clock.advance(0.1)
    assert auth.authenticate("nope") == ADMIN
    assert len(store.reads) == 2


@pytest.mark.parametrize("raw", [None, "", "   ", 42, "x" * 513])
def test_missing_or_absurd_keys_are_refused_without_a_read(auth, store, raw):
    with pytest.raises(Unauthorized):
        auth.authenticate(raw)
    assert store.reads == []


def test_cache_is_keyed_by_hash_not_raw_key(auth, store):
    store.add("secret-raw-key")
    auth.authenticate("secret-raw-key")
    assert store.reads == [hash_key("secret-raw-key")]
    assert "secret-raw-key" not in repr(vars(auth._known)) + repr(vars(auth._unknown))


def test_storage_failure_fails_closed_and_is_not_cached(auth, store):
    store.add("k1")
    store.down = True
    with pytest.raises(RegistryUnavailable):
        auth.authenticate("k1")
    store.down = False
    assert auth.authenticate("k1") == ADMIN


def test_fresh_positive_verdict_survives_a_storage_outage(auth, store, clock):
    store.add("k1")
    auth.authenticate("k1")
    store.down = True
    clock.advance(10)
    assert auth.authenticate("k1") == ADMIN


def test_expired_positive_verdict_is_not_used_during_an_outage(auth, store, clock):
    store.add("k1")
    auth.authenticate("k1")
    store.down = True
    clock.advance(30)
    with pytest.raises(RegistryUnavailable):
        auth.authenticate("k1")


def test_fresh_negative_verdict_still_refuses_during_an_outage(auth, store):
    with pytest.raises(Unauthorized):
        auth.authenticate("nope")
    store.down = True
    with pytest.raises(Unauthorized):
        auth.authenticate("nope")


def test_cache_is_bounded_and_evicts_the_oldest(store, clock):
    auth = Authenticator(store.load, ttl=30, negative_ttl=5, max_entries=3, clock=clock)
    for i in range(5):
        store.add(f"k{i}")
        auth.authenticate(f"k{i}")
        clock.advance(0.1)
    assert len(auth) == 3
    store.reads.clear()
    auth.authenticate("k4")
    auth.authenticate("k2")
    assert store.reads == []
    auth.authenticate("k0")  # evicted: read again
    assert store.reads == [hash_key("k0")]


def test_unknown_keys_cannot_evict_known_ones(store, clock):
    auth = Authenticator(store.load, ttl=30, negative_ttl=5, max_entries=3, clock=clock)
    store.add("good")
    auth.authenticate("good")
    for i in range(10):
        with pytest.raises(Unauthorized):
            auth.authenticate(f"bogus-{i}")
    store.reads.clear()
    auth.authenticate("good")
    assert store.reads == []
    assert len(auth) == 4


def test_expired_entries_are_dropped_as_new_ones_arrive(auth, store, clock):
    for i in range(5):
        store.add(f"k{i}")
        auth.authenticate(f"k{i}")
    clock.advance(31)
    store.add("fresh")
    auth.authenticate("fresh")
    assert len(auth) == 1


def test_zero_ttl_disables_caching(store, clock):
    auth = Authenticator(store.load, ttl=0, clock=clock)
    store.add("k1")
    auth.authenticate("k1")
    auth.authenticate("k1")
    assert len(store.reads) == 2
    assert len(auth) == 0


def test_clear_empties_both_caches(auth, store):
    store.add("k1")
    auth.authenticate("k1")
    with pytest.raises(Unauthorized):
        auth.authenticate("nope")
    auth.clear()
    assert len(auth) == 0


def test_concurrent_use_is_safe(store, clock):
    auth = Authenticator(store.load, ttl=30, negative_ttl=5, max_entries=50, clock=clock)
    for i in range(200):
        store.add(f"k{i}", Principal(key_id=str(i), name="n", scopes=frozenset({"lookup"})))
    errors: list[BaseException] = []

    def worker(offset: int) -> None:
        try:
            for i in range(2000):
                n = (i * 7 + offset) % 200
                assert auth.authenticate(f"k{n}").key_id == str(n)
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(auth) <= 50


def test_require_scope():
    dialer = Principal(key_id="d", name="dialer", scopes=frozenset({"lookup"}))
    require_scope(dialer, "lookup")
    with pytest.raises(Forbidden):
        require_scope(dialer, "write")
