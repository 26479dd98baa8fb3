"""`make bench`: one lookup through the Lambda handler next to a bare GetItem, same backend.

Not a test (a timing never decides one): it prints numbers. Backend: a moto server by default,
or the DynamoDB at AWS_ENDPOINT_URL_DYNAMODB (e.g. DynamoDB Local).
"""
from __future__ import annotations

import os
import statistics
import sys
import time

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


def _timed(fn, rounds: int) -> list[float]:
    for _ in range(20):  # warm connections and caches
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{name:<34} median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms   (n={len(samples)})")


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

        print(f"backend: {endpoint} ({'moto' if server else 'AWS_ENDPOINT_URL_DYNAMODB'})")
        _report("bare get_item (boto3)", _timed(bare, ROUNDS))
        _report("lookup through lambda_handler", _timed(lookup, ROUNDS))
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
