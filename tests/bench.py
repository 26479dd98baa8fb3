"""`make bench`: one lookup through the Lambda handler next to a bare GetItem, same backend; and
200 concurrent lookups through the local stack's HTTP server next to 200 concurrent bare GetItems.

Not a test (a timing never decides one): it prints one JSON line per figure,
``{"bench", "backend", "value", "unit", "floor", "ratio", "target"}``: ``floor`` is the bare
baseline measured in the same run on the same backend, ``ratio`` is value / floor, ``target`` the
value we mean to stay under (same unit). Backend: a moto server by default, or the DynamoDB at
AWS_ENDPOINT_URL_DYNAMODB (e.g. DynamoDB Local).
"""
from __future__ import annotations

import concurrent.futures
import json
import os
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request

os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_REGION", "us-east-1")
os.environ.setdefault("REGISTRY_TABLE", "registry-bench")
os.environ.setdefault("REGISTRY_ADDRESS_HASH_KEY", "bench-hash-key")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "functions"))

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
CONCURRENT = int(os.environ.get("BENCH_CONCURRENT", "200"))
# What we mean to stay under: a lookup costs at most 1.5x its bare GetItem at the median, and under
# 200 concurrent lookups the local stack answers every one, p99 within 5 s on 2 cores.
LOOKUP_RATIO_TARGET = 1.5
CONCURRENT_P99_TARGET_MS = 5000.0


def _timed(fn, rounds: int) -> list[float]:
    for _ in range(20):  # warm connections and caches
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[max(int(round(len(ordered) * q)) - 1, 0)]


def _emit(bench: str, backend: str, value: float, unit: str, floor: float | None = None,
          target: float | None = None) -> None:
    ratio = round(value / floor, 3) if floor else None
    print(json.dumps({"bench": bench, "backend": backend, "value": round(value, 3), "unit": unit,
                      "floor": round(floor, 3) if floor is not None else None, "ratio": ratio, "target": target}),
          flush=True)


def _concurrently(fn, n: int) -> list[float | None]:
    """n calls of fn at once; each one's latency in ms, None for a call that failed."""
    barrier = threading.Barrier(n)

    def one(i: int) -> float | None:
        barrier.wait()
        start = time.perf_counter()
        try:
            fn(i)
        except Exception:  # counted as unanswered
            return None
        return (time.perf_counter() - start) * 1000

    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def _local_server():
    """The local stack's server, as `make run` serves it, on a free loopback port."""
    import uvicorn

    from infra.net import LOCALHOST, free_port, http_status, wait_until
    from infra.request_threads import RequestThreads
    from registry.handlers.api import local_app

    port = free_port()
    app = RequestThreads(local_app())
    server = uvicorn.Server(uvicorn.Config(app, host=LOCALHOST, port=port, access_log=False, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://{LOCALHOST}:{port}"
    wait_until(lambda: http_status(url + "/v1/health") == 200, 30, "local server")

    def stop() -> None:
        server.should_exit = True
        thread.join(10)
        app.close()

    return url, stop


def main() -> None:
    import boto3

    from infra.moto_server import MotoServer
    from infra.template_table import ensure_table

    server = None
    endpoint = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    if not endpoint:
        server = MotoServer()
        endpoint = server.start()
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    try:
        client = boto3.client("dynamodb", endpoint_url=endpoint)
        ensure_table(client, os.environ["REGISTRY_TABLE"])

        from registry.domain.addresses import normalise
        from registry.domain.facts import Consent
        from registry.domain.timeutil import parse_instant
        from registry.handlers.api import lambda_handler
        from registry.services import api_keys, recording
        from registry.services.address_keys import contact_key
        from tests.api.conftest import Api

        api_keys.ensure_key("bench-dialer", "bench-dialer", {"lookup"})
        address = normalise("+14155550123")
        recording.record_consent(address, Consent(
            id="bench-consent", channels=frozenset({"call"}), purposes=frozenset({"marketing"}), brand="default",
            source="web_form", occurred_at=parse_instant("2026-11-28T12:00:00Z", "t")))
        api = Api(lambda_handler, "unused", "bench-dialer", "unused")
        key = {"pk": {"S": contact_key(address.value)}, "sk": {"S": "STATE"}}

        def lookup():
            reply = api.permission(address.value, "call", at="2026-12-01T20:00:00Z")
            assert reply.status == 200 and reply.json()["decision"] == "allow", reply.text

        def bare():
            client.get_item(TableName=os.environ["REGISTRY_TABLE"], Key=key, ConsistentRead=True)

        backend = "moto" if server else ("dynamodb-local" if "127.0.0.1" in endpoint or "localhost" in endpoint
                                         else endpoint)
        floor = statistics.median(_timed(bare, ROUNDS))
        samples = _timed(lookup, ROUNDS)
        _emit("lookup_p50", backend, statistics.median(samples), "ms", floor, round(floor * LOOKUP_RATIO_TARGET, 3))
        _emit("lookup_p95", backend, _percentile(samples, 0.95), "ms")

        # 200 concurrent lookups over HTTP through the local stack's server, against 200 concurrent
        # bare GetItems on one client with a pool as large (the floor).
        from botocore.config import Config

        wide = boto3.client("dynamodb", endpoint_url=endpoint, config=Config(max_pool_connections=CONCURRENT))
        wide.get_item(TableName=os.environ["REGISTRY_TABLE"], Key=key, ConsistentRead=True)
        bare_lat = [x for x in _concurrently(
            lambda _: wide.get_item(TableName=os.environ["REGISTRY_TABLE"], Key=key, ConsistentRead=True),
            CONCURRENT) if x is not None]
        url, stop = _local_server()
        try:
            query = urllib.parse.urlencode({"address": address.value, "channel": "call", "purpose": "marketing",
                                            "at": "2026-12-01T20:00:00Z"})

            def http_lookup(_: int) -> None:
                request = urllib.request.Request(f"{url}/v1/permissions?{query}", headers={"x-api-key": "bench-dialer"})
                with urllib.request.urlopen(request, timeout=60) as reply:
                    if reply.status != 200:
                        raise RuntimeError(reply.status)

            http_lookup(0)
            answered = [x for x in _concurrently(http_lookup, CONCURRENT) if x is not None]
        finally:
            stop()
        _emit("concurrency_answered", backend, len(answered), f"of {CONCURRENT}", None, CONCURRENT)
        if answered:
            _emit("concurrency_p50", backend, statistics.median(answered), "ms", statistics.median(bare_lat))
            _emit("concurrency_p99", backend, _percentile(answered, 0.99), "ms", _percentile(bare_lat, 0.99),
                  CONCURRENT_P99_TARGET_MS)
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
