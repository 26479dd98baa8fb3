"""`make bench`: the registry's own costs next to the bare floor they stand on, same backend, one run.

Figures (docs/benchmarks.md says what each times and what its floor is):

- ``lookup``: one ``GET /v1/permissions`` through the lookup function's ``lambda_handler`` / one
  bare ``get_item`` of the contact's STATE item (median of each; target ratio 1.3);
- ``batch``: ``POST /v1/permissions/batch`` of 1,000 addresses through the lookup function's
  ``lambda_handler`` / bare ``batch_get_item`` of the same 1,000 STATE items in pages of 100,
  ``batch_get_concurrency`` pages at a time (the registry's own setting), after 1,000 contacts
  were given facts through the API (median of each; target ratio 1.3);
- ``cold_start``: ``import registry.handlers.lookup`` (the module of the function that serves
  ``GET /v1/permissions``: template.yaml's LookupFunction) in a fresh interpreter / ``import boto3``
  in a fresh interpreter
  (median of several runs each, interleaved; tracing off as outside Lambda; target ratio 2.0).
  It does not depend on the database: printed on the moto run only, backend ``none``;
  ``cold_start_traced`` is the same with tracing on as in Lambda (the X-Ray SDK loaded);
- ``concurrency_*``: 200 concurrent lookups through the local stack's HTTP server / 200
  concurrent bare GetItems.

Not a test (a timing never decides one): it prints one JSON line per figure,
``{"bench", "backend", "value", "unit", "floor", "ratio", "target"}``: ``floor`` is the bare
baseline measured in the same run on the same backend, ``ratio`` is value / floor, ``target`` the
value we mean to stay under (same unit as ``value``). Backend: a moto server by default, or the
DynamoDB at AWS_ENDPOINT_URL_DYNAMODB (e.g. DynamoDB Local). ``python -m tests.bench lookup batch``
prints only the figures named (``lookup``, ``batch``, ``cold_start``, ``concurrency``).
"""
from __future__ import annotations

import concurrent.futures
import contextlib
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
# The bare floors wait as long as boto3 lets them (60 s); the registry's own read timeout (0.5 s: a lookup
# fails closed fast) would turn a page an emulator on busy cores serves slowly into a 503 deny, which
# times the emulator, not the registry. As in the tests (tests/conftest.py).
os.environ.setdefault("REGISTRY_READ_TIMEOUT", "10")
os.environ.setdefault("REGISTRY_WRITE_TIMEOUT", "15")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "functions"))

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
BATCH_ROUNDS = int(os.environ.get("BENCH_BATCH_ROUNDS", "15"))
COLD_RUNS = int(os.environ.get("BENCH_COLD_RUNS", "9"))
CONCURRENT = int(os.environ.get("BENCH_CONCURRENT", "200"))
BATCH_SIZE = int(os.environ.get("BENCH_BATCH_SIZE", "1000"))
PAGE = 100  # keys per BatchGetItem: DynamoDB's limit, and the registry's page
# What we mean to stay under (issue 11): a lookup at most 1.3x its bare GetItem at the median, a batch
# of 1,000 at most 1.3x its bare concurrent BatchGetItems, importing the lookup's module at most 2x
# importing boto3; under 200 concurrent lookups the local stack answers every one, p99 within 5 s on 2 cores.
LOOKUP_RATIO_TARGET = 1.3
BATCH_RATIO_TARGET = 1.3
COLD_START_RATIO_TARGET = 2.0
CONCURRENT_P99_TARGET_MS = 5000.0
FIGURES = ("lookup", "batch", "cold_start", "concurrency")
LOOKUP_MODULE = "registry.handlers.lookup"  # template.yaml: LookupFunction's Handler, which serves GET /v1/permissions
AT = "2026-12-01T20:00:00Z"  # a Tuesday, 12:00 in California: within calling hours for every contact below


def _interleaved(floor_fn, fn, rounds: int, warm: int = 20) -> tuple[list[float], list[float]]:
    """Latencies in ms of the floor and of the measured call, taken in turns (floor, call, floor, ...)
    so that a busy moment of the machine weighs on both; ``warm`` rounds first, not counted."""
    for _ in range(warm):  # warm connections and caches
        floor_fn()
        fn()
    floors: list[float] = []
    samples: list[float] = []
    for _ in range(rounds):
        for call, into in ((floor_fn, floors), (fn, samples)):
            start = time.perf_counter()
            call()
            into.append((time.perf_counter() - start) * 1000)
    return floors, samples


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


def _cold_start() -> None:
    """Import times in fresh interpreters, interleaved (module, boto3, module, ...) so a busy moment
    weighs on both; each run times only the import statement (the interpreter's own start is the
    same for both and left out)."""
    import subprocess

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"
    base = {key: value for key, value in os.environ.items()
            if key not in ("POWERTOOLS_TRACE_DISABLED", "LAMBDA_TASK_ROOT", "AWS_ENDPOINT_URL_DYNAMODB")}
    base["PYTHONPATH"] = os.pathsep.join([os.path.join(root, "functions"), root])
    local = {**base, "POWERTOOLS_TRACE_DISABLED": "true"}
    in_lambda = {**base, "LAMBDA_TASK_ROOT": os.path.join(root, "functions")}  # as Lambda sets it: tracing on

    def once(module: str, env: dict[str, str]) -> float:
        out = subprocess.run([sys.executable, "-c", code.format(module)], env=env, cwd=root, check=True,
                             capture_output=True, text=True)
        return float(out.stdout.strip().splitlines()[-1]) * 1000

    samples: dict[str, list[float]] = {"boto3": [], "local": [], "traced": []}
    once("boto3", local)  # the first run of a module may compile and read it from disk; not counted
    once(LOOKUP_MODULE, local)
    for _ in range(COLD_RUNS):
        samples["boto3"].append(once("boto3", local))
        samples["local"].append(once(LOOKUP_MODULE, local))
        samples["traced"].append(once(LOOKUP_MODULE, in_lambda))
    floor = statistics.median(samples["boto3"])
    _emit("cold_start", "none", statistics.median(samples["local"]), "ms", floor,
          round(floor * COLD_START_RATIO_TARGET, 3))
    _emit("cold_start_traced", "none", statistics.median(samples["traced"]), "ms", floor)


AREAS = ("415", "212", "312", "617", "206", "305", "512", "303")
EVIDENCE = {"disclosure_text": "I agree that the sender may call and text me with marketing, by autodialer.",
            "signature": "typed-name:Pat Doe", "form_url": "https://example.com/signup"}


def _populate(api, count: int) -> list[str]:
    """``count`` contacts with the facts a dialer's list has: each a written consent, some an
    opt-out since, a relationship, preferences (state, time zone), a recent attempt. Through the API."""
    addresses = []
    for i in range(count):
        address = f"+1{AREAS[i % len(AREAS)]}{200 + i // 10_000 % 800:03d}{i % 10_000:04d}"
        addresses.append(address)
        writes = [("POST", "/v1/consents", {
            "address": address, "channels": ["call", "sms"], "purposes": ["marketing"], "source": "web_form",
            "occurred_at": f"2026-11-{1 + i % 27:02d}T15:00:00Z", "grade": "written", "evidence": EVIDENCE})]
        if i % 10 == 0:
            writes.append(("POST", "/v1/opt-outs", {
                "address": address, "channels": ["call"], "purposes": ["all"], "source": "agent",
                "occurred_at": "2026-11-29T12:00:00Z"}))
        if i % 5 == 1:
            writes.append(("POST", "/v1/relationships", {
                "address": address, "kind": "inquiry", "occurred_at": "2026-11-20T12:00:00Z"}))
        if i % 4 == 2:
            writes.append(("PUT", f"/v1/contacts/{urllib.parse.quote(address, safe='')}/preferences",
                           {"preferred_channel": "sms", "timezone": "America/Chicago", "state": "IL"}))
        if i % 7 == 3:
            writes.append(("POST", "/v1/attempts", {
                "address": address, "channel": "call", "purpose": "marketing", "occurred_at": "2026-11-30T18:00:00Z",
                "outcome": "no_answer"}))
        for method, path, body in writes:
            reply = api.call(method, path, body, key="writer")
            assert reply.status in (200, 201), (path, reply.status, reply.text)
    return addresses


@contextlib.contextmanager
def _moto_without_table_backups():
    """While the bench populates a moto server: no whole-table backup before each transaction.

    moto deep-copies the whole table before every TransactWriteItems (once per item of it), to roll
    a cancelled one back: writing 1,000 contacts is quadratic (minutes, gigabytes). Population writes
    new contacts that no one else touches, and every write must answer 2xx (asserted), so no
    transaction of it is cancelled and no backup is needed. Moto in this process only; undone after."""
    import types

    import moto.dynamodb.models as models

    real = models.copy

    def deepcopy(obj, memo=None):
        return obj if isinstance(obj, models.Table) else real.deepcopy(obj, memo)

    models.copy = types.SimpleNamespace(deepcopy=deepcopy, copy=real.copy)  # type: ignore[assignment]
    try:
        yield
    finally:
        models.copy = real


def _bare_batch(client, table: str, keys: list[dict], concurrency: int) -> int:
    """What a bare client does for the same items: pages of 100, ``concurrency`` at a time,
    strongly consistent, unprocessed keys asked for again. The number of items read."""
    def page(keys_page: list[dict]) -> int:
        found, pending = 0, keys_page
        while pending:
            data = client.batch_get_item(RequestItems={table: {"Keys": pending, "ConsistentRead": True}})
            found += len(data.get("Responses", {}).get(table, []))
            pending = data.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
        return found

    pages = [keys[i:i + PAGE] for i in range(0, len(keys), PAGE)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(len(pages), concurrency)) as pool:
        return sum(pool.map(page, pages))


def main(argv: list[str]) -> None:
    wanted = set(argv) or set(FIGURES)
    unknown = wanted - set(FIGURES)
    if unknown:
        raise SystemExit(f"unknown figures {sorted(unknown)}; known: {', '.join(FIGURES)}")
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
        if "cold_start" in wanted and server:  # once per `make bench`: it reads no database
            _cold_start()
        if not wanted & {"lookup", "batch", "concurrency"}:
            return
        table = os.environ["REGISTRY_TABLE"]
        client = boto3.client("dynamodb", endpoint_url=endpoint)
        ensure_table(client, table)

        from registry.domain.addresses import normalise
        from registry.services import api_keys
        from registry.services.address_keys import contact_key
        from registry.settings import get_settings
        from tests.api.conftest import Api, Gateway

        api_keys.ensure_key("bench-dialer", "bench-dialer", {"lookup"})
        api_keys.ensure_key("bench-writer", "bench-writer", {"write"})
        # each request to the function API Gateway picks: the lookups to LookupFunction's module
        api = Api(Gateway(), "unused", "bench-dialer", "bench-writer")
        backend = "moto" if server else ("dynamodb-local" if "127.0.0.1" in endpoint or "localhost" in endpoint
                                         else endpoint)
        address = normalise("+14155550123")
        reply = api.call("POST", "/v1/consents", {
            "address": address.value, "channels": ["call"], "purposes": ["marketing"], "source": "web_form",
            "occurred_at": "2026-11-28T12:00:00Z"}, key="writer")
        assert reply.status in (200, 201), reply.text
        key = {"pk": {"S": contact_key(address.value)}, "sk": {"S": "STATE"}}

        if "lookup" in wanted:
            def lookup():
                reply = api.permission(address.value, "call", at=AT)
                assert reply.status == 200 and reply.json()["decision"] == "allow", reply.text

            def bare():
                client.get_item(TableName=table, Key=key, ConsistentRead=True)

            bare_samples, samples = _interleaved(bare, lookup, ROUNDS)
            floor = statistics.median(bare_samples)
            _emit("lookup", backend, statistics.median(samples), "ms", floor, round(floor * LOOKUP_RATIO_TARGET, 3))
            _emit("lookup_p95", backend, _percentile(samples, 0.95), "ms")

        if "batch" in wanted:
            from botocore.config import Config

            started = time.perf_counter()
            with _moto_without_table_backups() if server else contextlib.nullcontext():
                addresses = _populate(api, BATCH_SIZE)
            print(f"# {BATCH_SIZE} contacts given facts through the API in {time.perf_counter() - started:.0f} s",
                  file=sys.stderr, flush=True)
            concurrency = get_settings().batch_get_concurrency
            wide = boto3.client("dynamodb", endpoint_url=endpoint,
                                config=Config(max_pool_connections=max(10, concurrency)))
            keys = [{"pk": {"S": contact_key(normalise(a).value)}, "sk": {"S": "STATE"}} for a in addresses]
            body = {"channel": "call", "purpose": "marketing", "at": AT, "addresses": addresses}

            def batch():
                reply = api.call("POST", "/v1/permissions/batch", body, key="dialer")
                assert reply.status == 200 and len(reply.json()["results"]) == BATCH_SIZE, reply.text[:300]

            def bare_batch():
                found = _bare_batch(wide, table, keys, concurrency)
                assert found == BATCH_SIZE, found

            bare_samples, batch_samples = _interleaved(bare_batch, batch, BATCH_ROUNDS, warm=2)
            floor = statistics.median(bare_samples)
            _emit("batch", backend, statistics.median(batch_samples), "ms", floor,
                  round(floor * BATCH_RATIO_TARGET, 3))

        if "concurrency" in wanted:
            _concurrency(backend, endpoint, table, key, address.value)
    finally:
        if server:
            server.stop()


def _concurrency(backend: str, endpoint: str, table: str, key: dict, address: str) -> None:
    """200 concurrent lookups over HTTP through the local stack's server, against 200 concurrent
    bare GetItems on one client with a pool as large (the floor)."""
    import boto3
    from botocore.config import Config

    wide = boto3.client("dynamodb", endpoint_url=endpoint, config=Config(max_pool_connections=CONCURRENT))
    wide.get_item(TableName=table, Key=key, ConsistentRead=True)
    bare_lat = [x for x in _concurrently(
        lambda _: wide.get_item(TableName=table, Key=key, ConsistentRead=True), CONCURRENT) if x is not None]
    from tests.local_server import local_server

    with local_server() as url:
        query = urllib.parse.urlencode({"address": address, "channel": "call", "purpose": "marketing", "at": AT})

        def http_lookup(_: int) -> None:
            request = urllib.request.Request(f"{url}/v1/permissions?{query}", headers={"x-api-key": "bench-dialer"})
            with urllib.request.urlopen(request, timeout=60) as reply:
                if reply.status != 200:
                    raise RuntimeError(reply.status)

        http_lookup(0)
        answered = [x for x in _concurrently(http_lookup, CONCURRENT) if x is not None]
    _emit("concurrency_answered", backend, len(answered), f"of {CONCURRENT}", None, CONCURRENT)
    if answered:
        _emit("concurrency_p50", backend, statistics.median(answered), "ms", statistics.median(bare_lat))
        _emit("concurrency_p99", backend, _percentile(answered, 0.99), "ms", _percentile(bare_lat, 0.99),
              CONCURRENT_P99_TARGET_MS)


if __name__ == "__main__":
    main(sys.argv[1:])
