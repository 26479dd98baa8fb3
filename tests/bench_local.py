"""`make bench`, local_fill: the local stack stays fast as it fills (issue 11, item 4).

A real local stack (``python -m infra.local_stack``, as `make run` runs it: its table on DynamoDB
Local with data on disk when Java and the jar are there, else on moto) is started empty; a write
(``POST /v1/consents``, a new contact each time) and a lookup (``GET /v1/permissions``) are timed;
the table is then filled to BENCH_LOCAL_CONTACTS contacts (100,000) and both are timed again.

- ``local_fill_write`` / ``local_fill_lookup``: the median at 100,000 contacts (value) against the
  median on the empty table (floor); target: twice the floor (ratio <= 2.0).
- ``local_fill_entries_1000``: one ``POST /v1/suppression-lists/{name}/entries`` of 1,000 new
  numbers on an internal list, on the filled stack (the contract: it answers within a second or
  two); floor: the write's median at 100,000 contacts times 1,000 (one at a time), for scale.
- ``local_fill_entries_1000_bare``: the same request's time against bare ``TransactWriteItems`` of
  the same shape on the stack's own DynamoDB, right after it: 20 transactions of 50 conditional
  membership updates and 50 conditional history puts, up to 32 at a time, as the registry sends them
  (``change_memberships``): what DynamoDB itself takes to write 1,000 entries atomically.
- ``local_fill_seconds``: how long the fill took (contacts a second), for the record.

The fill does not go through HTTP (100,000 requests would take most of the budget): one contact
is written through the API, its STATE item read back as the storage code wrote it, and cloned
under 100,000 other contacts' keys (``contact_key`` of each address, the stack's hash key) with
concurrent ``BatchWriteItem`` calls. The clones are real contacts to every reader.

Backends: ``dynamodb-local`` and ``moto`` (the stack's own switch, REGISTRY_LOCAL_DYNAMODB);
BENCH_LOCAL_BACKENDS chooses (comma-separated). On moto every TransactWriteItems copies the whole
table, so a write at 100,000 contacts takes seconds and the 1,000-entry request minutes: it is
timed there only with BENCH_LOCAL_MOTO_ENTRIES=1.

Bulk lists (national, state) are exchange bitmaps (docs/scale.md): before the full table is timed,
``fill_bulk_list`` imports a national list of BENCH_LOCAL_LIST_ENTRIES numbers (a million) through
the stack's own bucket, import queue and importer, so the lookups read its catalog and exchange
items too; the import's time is a figure of its own (``local_fill_list_import``).

One JSON line per figure, as tests/bench.py: ``{"bench", "backend", "value", "unit", "floor",
"ratio", "target"}``. Runs in about 3-6 minutes on 2 cores (both backends).
"""
from __future__ import annotations

import concurrent.futures
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "functions"))

CONTACTS = int(os.environ.get("BENCH_LOCAL_CONTACTS", "100000"))
WRITES = int(os.environ.get("BENCH_LOCAL_WRITES", "20"))
LOOKUPS = int(os.environ.get("BENCH_LOCAL_LOOKUPS", "100"))
WARM = int(os.environ.get("BENCH_LOCAL_WARM", "20"))
BUDGET = float(os.environ.get("BENCH_LOCAL_BUDGET", "60"))  # seconds per timed phase at most (moto)
ENTRIES = 1000
LIST_ENTRIES = int(os.environ.get("BENCH_LOCAL_LIST_ENTRIES", "1000000"))
FILL_THREADS = 4
RATIO_TARGET = 2.0
ENTRIES_TARGET_MS = 2000.0
AT = "2026-12-01T20:00:00Z"
ADMIN = {"x-api-key": "local-admin", "content-type": "application/json"}


def _median(samples: list[float]) -> float | None:
    return statistics.median(samples) if samples else None


def _emit(bench: str, backend: str, value: float | None, unit: str, floor: float | None = None,
          target: float | None = None) -> None:
    ratio = round(value / floor, 3) if floor and value is not None else None
    print(json.dumps({"bench": bench, "backend": backend, "value": round(value, 3) if value is not None else None,
                      "unit": unit,
                      "floor": round(floor, 3) if floor is not None else None, "ratio": ratio,
                      "target": round(target, 3) if target is not None else None}), flush=True)


def _note(text: str) -> None:
    print(f"# {text}", file=sys.stderr, flush=True)


class Http:
    def __init__(self, url: str) -> None:
        self.url = url
        self.failed = 0

    def call(self, method: str, path: str, body: Any = None, key: str = "local-admin",
             timeout: float = 600) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={**ADMIN, "x-api-key": key})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                return reply.status, json.load(reply)
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode(errors="replace")

    def consent(self, number: str) -> bool:
        """Whether the write was recorded (on moto at 100,000 contacts it may answer 503: the
        stack's write timeout, REGISTRY_WRITE_TIMEOUT, ran out while moto copied the table)."""
        status, body = self.call("POST", "/v1/consents", {
            "address": number, "channels": ["call"], "purposes": ["marketing"], "source": "web_form",
            "occurred_at": "2026-11-28T12:00:00Z", "brand": "default"})
        if status == 503:
            self.failed += 1
            return False
        if status not in (200, 201):
            raise RuntimeError(f"POST /v1/consents answered {status}: {body}")
        return True

    def lookup(self, number: str) -> str | None:
        query = urllib.parse.urlencode({"address": number, "channel": "call", "purpose": "marketing", "at": AT})
        status, body = self.call("GET", f"/v1/permissions?{query}", key="local-dialer")
        if status == 503:
            self.failed += 1
            return None
        if status != 200:
            raise RuntimeError(f"GET /v1/permissions answered {status}: {body}")
        return str(body["decision"])


_serial = iter(range(10**9))


def _phone(block: int) -> str:
    """A new +1 number; ``block`` keeps the bench's sets apart (fill, writes, entries)."""
    n = next(_serial)
    return f"+1{202 + block:03d}{200 + n // 10_000 % 800:03d}{n % 10_000:04d}"


def _timed(fn: Any, rounds: int, warm: int = 3, budget: float = BUDGET) -> list[float]:
    """``rounds`` timings (ms) of the calls that were answered (``fn`` returns None or False for a
    503), after ``warm`` untimed calls; fewer (at least 3) if they take more than ``budget`` seconds
    in all (moto at 100,000 contacts: seconds a call), with a line saying so."""
    deadline = time.monotonic() + budget
    for _ in range(warm):
        fn()
        if time.monotonic() > deadline:
            break
    samples: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        answered = fn()
        took = (time.perf_counter() - started) * 1000
        if answered is not None and answered is not False:  # a 503 is counted (Http.failed), not timed
            samples.append(took)
        elif not samples and time.monotonic() > deadline:
            break
        if len(samples) >= 3 and time.monotonic() > deadline:
            _note(f"{len(samples)} of {rounds} rounds timed: out of the {budget:.0f} s budget")
            break
    return samples


@contextmanager
def local_stack(backend: str, work: Path, fresh: bool = True) -> Iterator[tuple[Http, str]]:
    """A local stack as `make run` starts it, with its data in ``work/data`` (emptied first if
    ``fresh``): the API's client and the stack's DynamoDB endpoint (from the file it publishes)."""
    from infra.net import LOCALHOST, free_port, http_status, wait_until

    port, moto_port = free_port(), free_port()
    # The stack's own settings, but for its timeouts (REGISTRY_WRITE_TIMEOUT=120 lets a write on a full
    # moto table finish, to time it rather than count its 503).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REGISTRY_", "AWS_ENDPOINT_URL"))
           or k.endswith("_TIMEOUT")}
    env.update({"PORT": str(port), "MOTO_PORT": str(moto_port), "LOG_LEVEL": "WARNING",
                "REGISTRY_LOCAL_STACK_FILE": str(work / "stack.json"), "REGISTRY_LOCAL_DATA_DIR": str(work / "data"),
                "REGISTRY_LOCAL_FRESH": "1" if fresh else "", "REGISTRY_LOCAL_DYNAMODB": backend,
                "PYTHONPATH": os.pathsep.join([str(ROOT / "functions"), str(ROOT)])})
    log_path = ROOT / ".local" / f"bench-local-{backend}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab" if not fresh else "wb") as log:
        stack = subprocess.Popen([sys.executable, "-m", "infra.local_stack"], cwd=ROOT, env=env, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://{LOCALHOST}:{port}"
    try:
        wait_until(lambda: http_status(f"{url}/v1/health") == 200, 180, f"the local stack ({log_path})",
                   alive=lambda: stack.poll() is None, interval=0.3)
        published = json.loads((work / "stack.json").read_text())
        yield Http(url), published["dynamodb"]
    finally:
        stack.terminate()
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            stack.kill()
            stack.wait()


@contextmanager
def kept_table(work: Path) -> Iterator[str]:
    """The stack's kept table with the stack stopped, through the stack's own DynamoDB Local (its
    working copy in memory, saved back at the end)."""
    from infra.local_stack import LocalTable

    table = LocalTable(work / "data", fresh=False)
    try:
        yield table.start()
    finally:
        table.stop()


def fill_contacts(endpoint: str, model: str, count: int) -> float:
    """``count`` contacts cloned from the STATE item the API wrote for ``model``: seconds taken."""
    import boto3
    from botocore.config import Config

    from infra.local_stack import LOCAL_HASH_KEY

    os.environ["REGISTRY_ADDRESS_HASH_KEY"] = LOCAL_HASH_KEY  # the stack's, so the keys are its contacts'
    from registry.domain.addresses import normalise
    from registry.services.address_keys import contact_key
    from registry.storage.contacts import contact_pk  # noqa: F401 - the key the storage code reads

    table = "registry"
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="local", aws_secret_access_key="local",
                          config=Config(max_pool_connections=FILL_THREADS * 2, retries={"max_attempts": 10}))
    model_address = normalise(model).value
    state = client.get_item(TableName=table, Key={"pk": {"S": contact_key(model_address)}, "sk": {"S": "STATE"}},
                            ConsistentRead=True)["Item"]

    def clone(number: str) -> dict[str, Any]:
        address = normalise(number).value
        item = dict(state)
        item["pk"] = {"S": contact_key(address)}
        if "address" in item:
            item["address"] = {"S": address}
        return {"PutRequest": {"Item": item}}

    def write(numbers: list[str]) -> None:
        pending = [clone(n) for n in numbers]
        while pending:
            answer = client.batch_write_item(RequestItems={table: pending})
            pending = answer.get("UnprocessedItems", {}).get(table, [])

    started = time.perf_counter()
    batches = ([_phone(1) for _ in range(min(25, count - i))] for i in range(0, count, 25))
    with concurrent.futures.ThreadPoolExecutor(FILL_THREADS) as pool:
        for _ in pool.map(write, batches):
            pass
    return time.perf_counter() - started


def fill_bulk_list(http: Http, moto: str, entries: int) -> bool:
    """A national list of ``entries`` numbers, loaded as a user would: a full file put in the stack's
    bucket under ``imports/<list>/full/`` and imported by the stack's own importer (the bucket's
    notification, the import queue, ``handlers.list_importer``), followed through ``GET .../imports``.
    The copy is dated the day of the lookups' ``AT``, so it is in force and not stale there."""
    import boto3

    name = f"bench-national-{uuid.uuid4().hex[:6]}"
    status, body = http.call("PUT", f"/v1/suppression-lists/{name}", {"kind": "national"})
    assert status in (200, 201), body
    version = AT[:10]
    lines = "".join(f"{302 + n // 1_000_000 % 600:03d}{200 + n // 10_000 % 100:03d}{n % 10_000:04d}\n"
                    for n in range(entries))
    s3 = boto3.client("s3", endpoint_url=moto, region_name="us-east-1", aws_access_key_id="local",
                      aws_secret_access_key="local")
    key = f"imports/{name}/full/bench-{version}.txt"
    started = time.perf_counter()
    s3.put_object(Bucket="registry-imports", Key=key, Body=lines.encode())
    status, body = http.call("POST", f"/v1/suppression-lists/{name}/imports",
                             {"bucket": "registry-imports", "key": key, "mode": "full", "version": version})
    assert status in (200, 202), body
    import_id = body["id"]
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        status, body = http.call("GET", f"/v1/suppression-lists/{name}/imports/{import_id}")
        if status == 200 and body["status"] != "running":
            break
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    if status != 200 or body["status"] != "done" or body["added"] != entries:
        _note(f"the {entries:,}-number import did not finish as expected: {body}")
        return False
    _emit("local_fill_list_import", "local-stack", seconds, f"s for {entries} numbers")
    status, listed = http.call("GET", f"/v1/suppression-lists/{name}")
    assert status == 200 and listed["entries"] == entries, listed
    return True


def _empty(http: Http, backend: str) -> tuple[str, float, float]:
    model = _phone(0)
    assert http.consent(model)
    assert http.lookup(model) == "allow"
    # Warmed as long as the full table's rounds are: DynamoDB Local's JIT makes its first writes slow.
    write = statistics.median(_timed(lambda: http.consent(_phone(2)), WRITES, warm=WARM))
    lookup = statistics.median(_timed(lambda: http.lookup(model), LOOKUPS, warm=WARM))
    _note(f"{backend}: empty table: write {write:.1f} ms, lookup {lookup:.1f} ms")
    return model, write, lookup


def bare_entries(endpoint: str, count: int) -> float:
    """Milliseconds for ``count`` new entries written as bare transactions of the registry's shape
    (a conditional ADD to a new contact's memberships and a conditional history put each, fifty
    entries a transaction, up to 32 transactions at a time): the floor of the 1,000-entry request."""
    import boto3
    from botocore.config import Config

    table = "registry"
    client = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1",
                          aws_access_key_id="local", aws_secret_access_key="local",
                          config=Config(max_pool_connections=32))
    stamp = {"S": "2026-12-01T20:00:00.000000Z"}

    def entry(n: int) -> list[dict[str, Any]]:
        pk = {"S": f"C#bare-{uuid.uuid4().hex}"}
        member = {"S": "internal:bare"}
        return [
            {"Update": {"TableName": table, "Key": {"pk": pk, "sk": {"S": "STATE"}},
                        "UpdateExpression": "ADD suppressions :m SET updated_at = :t, memberships_changed_at = :t",
                        "ConditionExpression": "NOT contains(suppressions, :e)",
                        "ExpressionAttributeValues": {":m": {"SS": [member["S"]]}, ":t": stamp, ":e": member},
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
            {"Put": {"TableName": table, "ConditionExpression": "attribute_not_exists(sk)",
                     "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                     "Item": {"pk": pk, "sk": {"S": f"H#{stamp['S']}#{n:06d}"}, "type": {"S": "suppression.added"},
                              "data": {"S": '{"list": "bare", "kind": "internal"}'}}}}]

    groups = [[action for n in range(start, min(count, start + 50)) for action in entry(n)]
              for start in range(0, count, 50)]
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(min(32, len(groups))) as pool:
        list(pool.map(lambda actions: client.transact_write_items(TransactItems=actions), groups))
    return (time.perf_counter() - started) * 1000


def _full(http: Http, backend: str, model: str, empty_write: float, empty_lookup: float,
          endpoint: str | None = None) -> None:
    def lookups() -> float | None:
        http.failed = 0
        median = _median(_timed(lambda: http.lookup(model), LOOKUPS, warm=WARM))
        if http.failed:
            _emit("local_fill_lookup_unavailable", backend, http.failed, "lookups answered 503", None, 0)
        return median

    def writes() -> float | None:
        http.failed = 0
        warm = 1 if backend == "moto" else WARM  # on moto each write at this size takes seconds
        median = _median(_timed(lambda: http.consent(_phone(2)), WRITES, warm=warm))
        if http.failed:
            _emit("local_fill_write_unavailable", backend, http.failed, "writes answered 503", None, 0)
        return median

    if backend == "moto":  # lookups first: a write that timed out still holds moto for seconds after
        full_lookup = lookups()
        full_write = writes()
    else:  # in the order of the empty table's, so the (restarted) JVM is as warm for each
        full_write = writes()
        full_lookup = lookups()
    # None: not one was answered (every one a 503), so there is no time to give
    _emit("local_fill_write", backend, full_write, "ms", empty_write, RATIO_TARGET * empty_write)
    _emit("local_fill_lookup", backend, full_lookup, "ms", empty_lookup, RATIO_TARGET * empty_lookup)
    if full_write is None:
        return

    if backend == "moto" and not os.environ.get("BENCH_LOCAL_MOTO_ENTRIES"):
        _note("moto: the 1,000-entry request is not timed (BENCH_LOCAL_MOTO_ENTRIES=1 times it)")
        return
    name = f"bench-{uuid.uuid4().hex[:8]}"
    status, body = http.call("PUT", f"/v1/suppression-lists/{name}", {"kind": "internal"})
    assert status == 201, body
    numbers = [_phone(3) for _ in range(ENTRIES)]
    # a first, smaller request and bare round: the JVM's first transactions of this shape are slow
    status, body = http.call("POST", f"/v1/suppression-lists/{name}/entries",
                             {"add": [_phone(3) for _ in range(100)], "remove": []})
    assert status == 200, body
    if endpoint:
        bare_entries(endpoint, 100)
    started = time.perf_counter()
    status, body = http.call("POST", f"/v1/suppression-lists/{name}/entries", {"add": numbers, "remove": []})
    took = (time.perf_counter() - started) * 1000
    assert status == 200, body
    _emit("local_fill_entries_1000", backend, took, "ms", full_write * ENTRIES, ENTRIES_TARGET_MS)
    if endpoint:
        _emit("local_fill_entries_1000_bare", backend, took, "ms", bare_entries(endpoint, ENTRIES), None)


def _moto_of(work: Path) -> str:
    return str(json.loads((work / "stack.json").read_text())["moto"])


def measure(backend: str) -> None:
    """dynamodb-local: measured empty, stopped, filled with the stack down (its data is kept), started
    again and measured full: a restart at 100,000 contacts, and no 100,000 change events for the
    stream publisher to churn through while it is timed (a stack starts its stream at LATEST).
    moto: the table is the stack's memory, so it is filled while the stack runs; the publisher then
    works through the fill's stream records while the full table is timed."""
    work = Path(tempfile.mkdtemp(prefix="bench-local-"))
    try:
        if backend == "moto":
            with local_stack(backend, work) as (http, endpoint):
                model, empty_write, empty_lookup = _empty(http, backend)
                seconds = fill_contacts(endpoint, model, CONTACTS)
                _emit("local_fill_seconds", backend, seconds, f"s for {CONTACTS} contacts")
                _full(http, backend, model, empty_write, empty_lookup, endpoint)
            return
        with local_stack(backend, work) as (http, _):
            model, empty_write, empty_lookup = _empty(http, backend)
        with kept_table(work) as endpoint:
            seconds = fill_contacts(endpoint, model, CONTACTS)
        _emit("local_fill_seconds", backend, seconds, f"s for {CONTACTS} contacts")
        with local_stack(backend, work, fresh=False) as (http, endpoint):
            fill_bulk_list(http, _moto_of(work), LIST_ENTRIES)
            _full(http, backend, model, empty_write, empty_lookup, endpoint)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    backends = [b.strip() for b in os.environ.get("BENCH_LOCAL_BACKENDS", "dynamodb-local,moto").split(",")
                if b.strip()]
    for backend in backends:
        measure(backend)


if __name__ == "__main__":
    main()
