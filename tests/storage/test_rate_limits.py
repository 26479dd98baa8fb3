"""Rate-limit counters (storage/rate_limits.py): one conditional UpdateItem per request counted,
nothing written over the limit, windows apart, a TTL on every counter, and racing requests that
never count past the limit."""
from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import pytest

from registry.domain.errors import RegistryUnavailable, TooManyRequests
from registry.services import link_recovery
from registry.storage import rate_limits
from registry.storage.errors import StorageUnavailable
from registry.storage.rate_limits import RateCounter

pytestmark = [pytest.mark.dynamodb, pytest.mark.usefixtures("dynamodb_table")]

WINDOW = 1_800_000_000


def digest() -> str:
    return uuid.uuid4().hex


def test_counts_up_to_the_limit_then_writes_nothing(dynamodb_client, dynamodb_table):
    d = digest()
    assert [rate_limits.take("address", d, WINDOW, 3, WINDOW + 7200) for _ in range(5)] == [True] * 3 + [False] * 2
    assert rate_limits.counted("address", d, WINDOW) == 3
    pk, sk = rate_limits.counter_key("address", d, WINDOW)
    item = dynamodb_client.get_item(TableName=dynamodb_table, Key={"pk": {"S": pk}, "sk": {"S": sk}},
                                    ConsistentRead=True)["Item"]
    assert item["n"] == {"N": "3"} and item["expires_at_epoch"] == {"N": str(WINDOW + 7200)}
    assert pk == f"RL#address#{d}" and sk == f"W#{WINDOW}"


def test_each_window_and_each_scope_counts_on_its_own():
    d = digest()
    assert rate_limits.take("address", d, WINDOW, 1, WINDOW + 7200)
    assert not rate_limits.take("address", d, WINDOW, 1, WINDOW + 7200)
    assert rate_limits.take("address", d, WINDOW + 3600, 1, WINDOW + 10800)  # the next hour
    assert rate_limits.take("client", d, WINDOW, 1, WINDOW + 7200)  # another scope
    assert rate_limits.counted("address", digest(), WINDOW) == 0


def test_a_limit_below_one_takes_nothing():
    d = digest()
    assert not rate_limits.take("client", d, WINDOW, 0, WINDOW + 7200)
    assert rate_limits.counted("client", d, WINDOW) == 0


def test_racing_requests_never_count_past_the_limit():
    d = digest()
    results: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def one() -> None:
        start.wait()
        taken = rate_limits.take("client", d, WINDOW, 3, WINDOW + 7200)
        with lock:
            results.append(taken)

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 5 + [True] * 3
    assert rate_limits.counted("client", d, WINDOW) == 3


def test_an_outage_is_a_storage_error_and_the_service_fails_closed(faults, configure):
    configure(REGISTRY_WRITE_MAX_ATTEMPTS="1")
    faults.server_error(RateCounter, "UpdateItem")
    with pytest.raises(StorageUnavailable):
        rate_limits.take("client", digest(), WINDOW, 3, WINDOW + 7200)
    # the service: no request goes through when it cannot be counted (503, nothing sent)
    with pytest.raises(RegistryUnavailable):
        link_recovery.request_link("pat@example.com", None, "192.0.2.1", "http://prefs.test:3000")


def test_the_service_counts_the_address_under_its_keyed_hash(configure):
    from registry.services.address_keys import address_hash

    configure(REGISTRY_LINK_RECOVERY_MIN_SECONDS="0")
    email = f"rate-{uuid.uuid4().hex[:8]}@example.com"
    now = datetime.now(UTC)  # one moment for every request: one window
    for n in range(3):
        link_recovery.request_link(email.upper(), None, f"192.0.2.{n}", "http://prefs.test:3000", now=now)
    window = int(now.timestamp()) // 3600 * 3600
    assert rate_limits.counted("address", address_hash(email), window) == 3
    with pytest.raises(TooManyRequests):
        link_recovery.request_link(email, None, "192.0.2.99", "http://prefs.test:3000", now=now)
