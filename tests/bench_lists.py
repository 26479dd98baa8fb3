"""`make bench`, lists: a full-file import of a million numbers next to the naive floor.

- ``import``: a full file of BENCH_IMPORT_NUMBERS numbers (default 1,000,000; clustered as the
  national registry is: BENCH_IMPORT_AREAS area codes, about 1,000 listed numbers per exchange,
  10-digit lines) put in the import bucket, then imported by the importer's engine
  (``services.list_imports.start`` + ``run``: stream, parse, one ``put_full`` per exchange, sweep,
  commit); floor: a bare boto3 ``batch_writer`` writing one item per number of the same numbers
  on the same backend (design (a) of docs/scale.md). Target: ratio <= 1.0 (the store must beat
  the naive floor). The floor writes the first BENCH_IMPORT_FLOOR_NUMBERS of the numbers
  (default 250,000; 0: all of them) and is scaled linearly to the whole count, to keep `make
  bench` short (a million single items take ~9 minutes on moto): a bare write's cost per item
  does not fall as the table grows, so the scaled floor is if anything low, and the ratio errs
  against the store.

One JSON line per figure, as tests/bench.py: ``{"bench", "backend", "value", "unit", "floor",
"ratio", "target"}``. The bucket is a moto server's; the table is on that moto server, or on the
DynamoDB at AWS_ENDPOINT_URL_DYNAMODB (DynamoDB Local under ``infra.dynamodb_local exec``).
"""
from __future__ import annotations

import os
import random
import time
import uuid

from tests.bench import _emit

NUMBERS = int(os.environ.get("BENCH_IMPORT_NUMBERS", "1000000"))
AREAS = int(os.environ.get("BENCH_IMPORT_AREAS", "300"))
FLOOR_NUMBERS = int(os.environ.get("BENCH_IMPORT_FLOOR_NUMBERS", "250000"))
PER_EXCHANGE = 1000  # listed numbers per exchange, about the national registry's density (260 M / 200 k exchanges ~ 1,300)
RATIO_TARGET = 1.0
BUCKET = "registry-imports-bench"


def clustered_numbers(count: int, areas: int, seed: int = 11) -> list[str]:
    """``count`` distinct 10-digit numbers over ``areas`` area codes, ~PER_EXCHANGE per exchange."""
    rng = random.Random(seed)
    exchanges_needed = -(-count // PER_EXCHANGE)
    npas = rng.sample(range(200, 1000), areas)
    exchanges = set()
    while len(exchanges) < exchanges_needed:
        exchanges.add(f"{rng.choice(npas)}{rng.randrange(200, 1000)}")
    out: list[str] = []
    for exchange in sorted(exchanges):
        take = min(PER_EXCHANGE, count - len(out))
        out.extend(f"{exchange}{line:04d}" for line in sorted(rng.sample(range(10_000), take)))
    return out


def import_figure(backend: str, dynamodb_endpoint: str, s3_endpoint: str) -> None:
    import boto3

    from registry.services import list_imports
    from registry.storage import list_exchanges
    from registry.storage import suppression_lists as lists

    numbers = clustered_numbers(NUMBERS, AREAS)
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    name = f"bench-{uuid.uuid4().hex[:8]}"
    key = f"imports/{name}/full/dnc-2026-11-30.txt"
    s3.put_object(Bucket=BUCKET, Key=key, Body=("\n".join(numbers) + "\n").encode())
    lists.create(name, "national", "2026-11-30T00:00:00Z")
    list_exchanges.register(name)

    started = time.perf_counter()
    record, _ = list_imports.start(name, "full", BUCKET, key)
    outcome = list_imports.run(record["id"])
    engine = time.perf_counter() - started
    done = list_imports.get(name, record["id"])
    if outcome != "done" or done["added"] != len(numbers) or done["rejected"]:
        raise RuntimeError(f"the import did not end as expected: {outcome}, {done}")

    table = boto3.resource("dynamodb", endpoint_url=dynamodb_endpoint,
                           region_name="us-east-1").Table(os.environ["REGISTRY_TABLE"])
    sample = numbers[:FLOOR_NUMBERS] if 0 < FLOOR_NUMBERS < len(numbers) else numbers
    started = time.perf_counter()
    with table.batch_writer() as batch:
        for number in sample:
            batch.put_item(Item={"pk": f"BENCHN#{name}#{number}", "sk": "N"})
    floor = (time.perf_counter() - started) * len(numbers) / len(sample)
    _emit("import", backend, engine, "s", floor, RATIO_TARGET)


def main() -> None:
    from infra.moto_server import MotoServer
    from infra.template_table import ensure_table

    server = MotoServer()
    moto = server.start()
    os.environ["AWS_ENDPOINT_URL_S3"] = moto
    os.environ["AWS_ENDPOINT_URL_SQS"] = moto
    external = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    endpoint = external or moto
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    import boto3

    backend = "moto" if not external else ("dynamodb-local" if "127.0.0.1" in endpoint or "localhost" in endpoint
                                           else endpoint)
    try:
        ensure_table(boto3.client("dynamodb", endpoint_url=endpoint), os.environ["REGISTRY_TABLE"])
        import_figure(backend, endpoint, moto)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
