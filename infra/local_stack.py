"""`make run`: the registry's API on http://127.0.0.1:$PORT over an in-process moto server that
holds the table, queue, bucket and event bus of template.yaml, and the change-event publisher
reading the table's stream (infra/stream_poller.py).

The queue consumer runs as Lambda would run it: a thread (infra.queue_poller) long-polls the
queue and hands each batch to ``registry.handlers.queue_consumer.lambda_handler``.

Env: PORT (3000), MOTO_PORT (5050), AWS_ENDPOINT_URL_DYNAMODB (if set, that DynamoDB is used
instead of moto's and the table is created there if missing), REGISTRY_PUBLIC_BASE_URL (the base
of preference links; http://127.0.0.1:$PORT by default), LOCAL_QUEUE_VISIBILITY_TIMEOUT (seconds
before a message the consumer failed is delivered again; the template's 180 by default: shorten
it to watch the redrive policy move a message to the DLQ after maxReceiveCount receives),
LOG_LEVEL.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

LOCAL_HASH_KEY = "local-stack-address-hash-key-not-a-secret"
LOCAL_LINK_SIGNING_KEY = "local-stack-link-signing-key-not-a-secret"
# (raw key, name, scopes): the contract's two fixed keys.
LOCAL_KEYS = (
    ("local-admin", "local-admin", {"lookup", "write", "admin"}),
    ("local-dialer", "local-dialer", {"lookup"}),
)
# Local names for the template's resources (CloudFormation would generate them).
QUEUE_NAME = "registry-events"
DEAD_LETTER_QUEUE_NAME = "registry-events-dlq"
BUCKET_NAME = "registry-imports"
BUS_NAME = "registry"
VISIBILITY_TIMEOUT_ENV = "LOCAL_QUEUE_VISIBILITY_TIMEOUT"
# How long the consumer pauses when the queue is empty: a message takes effect within about this.
POLL_IDLE_PAUSE = 0.2

log = logging.getLogger("infra.local_stack")


class Stopped(Exception):
    """Raised by SIGINT/SIGTERM so the stack unwinds through its finally blocks."""


def _stop(signum: int, frame: Any) -> None:
    raise Stopped(signal.Signals(signum).name)


DEFAULT_PORT = 3000
DEFAULT_MOTO_PORT = 5050
ROOT = Path(__file__).resolve().parent.parent
# Where a running `make run` says where its DynamoDB is, for `registry --local`; "" turns it off
# (infra.with_stack's throwaway stacks must not take the place of a developer's own).
STACK_FILE_ENV = "REGISTRY_LOCAL_STACK_FILE"


def moto_url() -> str:
    return f"http://127.0.0.1:{os.environ.get('MOTO_PORT') or DEFAULT_MOTO_PORT}"


def stack_file() -> Path | None:
    value = os.environ.get(STACK_FILE_ENV)
    if value == "":
        return None
    return Path(value) if value else ROOT / ".local" / "stack.json"


def running_stack() -> dict[str, Any] | None:
    """What the running local stack published about itself, if one runs."""
    path = stack_file()
    if path is None:
        return None
    try:
        published: dict[str, Any] = json.loads(path.read_text())
        os.kill(int(published["pid"]), 0)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return published


def _publish(url: str, dynamodb: str) -> None:
    path = stack_file()
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"pid": os.getpid(), "url": url, "dynamodb": dynamodb,
                                    "table": os.environ["REGISTRY_TABLE"]}))


def _unpublish() -> None:
    path = stack_file()
    try:
        if path and json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def set_env(cli: bool = False) -> None:
    """Everything ``registry`` reads from the environment; the caller's own values win. ``cli``: for a client of
    a running stack (``registry --local``), which must also be told where the stack's DynamoDB is:
    AWS_ENDPOINT_URL_DYNAMODB if set, else moto at MOTO_PORT if set, else where the running stack
    said it is, else moto's default port."""
    if cli and "AWS_ENDPOINT_URL_DYNAMODB" not in os.environ:
        running = None if os.environ.get("MOTO_PORT") else running_stack()
        if running:
            os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = running["dynamodb"]
            os.environ.setdefault("REGISTRY_TABLE", running["table"])
        else:
            os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = moto_url()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        "REGISTRY_TABLE": "registry",
        "REGISTRY_ADDRESS_HASH_KEY": LOCAL_HASH_KEY,
        "REGISTRY_LINK_SIGNING_KEY": LOCAL_LINK_SIGNING_KEY,
        "POWERTOOLS_SERVICE_NAME": "contact-registry",
        "POWERTOOLS_METRICS_NAMESPACE": "ContactRegistry",
        "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here
        "POWERTOOLS_METRICS_DISABLED": "true",  # no EMF lines on stdout per request
        "LOG_LEVEL": "INFO",
    }.items():
        os.environ.setdefault(name, value)


def provision(endpoint: str, dynamodb_endpoint: str | None = None) -> None:
    """Create the template's table, queues, bucket and bus (each only if missing) and set the env
    vars that name them."""
    import boto3

    from .template import load_template, resource
    from .template_table import ensure_table

    template = load_template()
    region = os.environ["AWS_DEFAULT_REGION"]
    dynamodb = boto3.client("dynamodb", region_name=region,
                            endpoint_url=dynamodb_endpoint or endpoint)
    ensure_table(dynamodb, os.environ["REGISTRY_TABLE"], template)

    sqs = boto3.client("sqs", region_name=region, endpoint_url=endpoint)
    queue = resource("EventsQueue", template)["Properties"]
    dlq_url = sqs.create_queue(QueueName=DEAD_LETTER_QUEUE_NAME)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": queue["RedrivePolicy"]["maxReceiveCount"]}
    queue_url = sqs.create_queue(QueueName=QUEUE_NAME, Attributes={
        "VisibilityTimeout": str(int(os.environ.get(VISIBILITY_TIMEOUT_ENV) or queue["VisibilityTimeout"])),
        "RedrivePolicy": json.dumps(redrive),
    })["QueueUrl"]

    s3 = boto3.client("s3", region_name=region, endpoint_url=endpoint)
    try:
        s3.create_bucket(Bucket=BUCKET_NAME)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass

    events = boto3.client("events", region_name=region, endpoint_url=endpoint)
    if BUS_NAME not in [bus["Name"] for bus in events.list_event_buses(NamePrefix=BUS_NAME).get("EventBuses", [])]:
        events.create_event_bus(Name=BUS_NAME)

    os.environ.setdefault("REGISTRY_EVENTS_QUEUE_URL", queue_url)
    os.environ.setdefault("REGISTRY_EVENTS_DEAD_LETTER_QUEUE_URL", dlq_url)
    os.environ.setdefault("REGISTRY_IMPORT_BUCKET", BUCKET_NAME)
    os.environ.setdefault("REGISTRY_EVENT_BUS", BUS_NAME)


def seed_keys() -> None:
    from registry.services.api_keys import ensure_key

    for raw_key, name, scopes in LOCAL_KEYS:
        ensure_key(raw_key, name, scopes)


def start_queue_consumer(endpoint: str) -> Any:
    """The queue consumer, polling the events queue in a thread (stop it with ``.stop()``)."""
    import boto3

    from registry.handlers.queue_consumer import lambda_handler

    from .queue_poller import QueuePoller

    sqs = boto3.client("sqs", region_name=os.environ["AWS_DEFAULT_REGION"], endpoint_url=endpoint)
    poller = QueuePoller(sqs, os.environ["REGISTRY_EVENTS_QUEUE_URL"], lambda_handler, idle_pause=POLL_IDLE_PAUSE)
    poller.start()
    return poller


def serve(host: str, port: int) -> None:
    import uvicorn

    from registry.handlers.api import local_app

    from .request_threads import RequestThreads

    # No access log: its lines carry the request path and query, i.e. full phone numbers and emails.
    config = uvicorn.Config(RequestThreads(local_app()), host=host, port=port, access_log=False,
                            log_level=os.environ["LOG_LEVEL"].lower(), timeout_graceful_shutdown=5)
    uvicorn.Server(config).run()


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s:     %(message)s")
    log.setLevel(logging.INFO)
    # uvicorn takes these over while it serves and re-raises them when it stops.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    try:
        return _run()
    except Stopped as stop:
        log.info("stopping (%s)", stop)
        return 0


def _run() -> int:
    set_env()
    from .moto_server import MotoServer
    from .net import http_status

    host = "127.0.0.1"
    port = int(os.environ.get("PORT") or DEFAULT_PORT)
    # Preference links name this server (never a request's Host); the caller's own value wins.
    os.environ.setdefault("REGISTRY_PUBLIC_BASE_URL", f"http://{host}:{port}")
    try:
        moto = MotoServer(port=int(os.environ.get("MOTO_PORT") or DEFAULT_MOTO_PORT), host=host)
    except OSError as err:
        log.error("cannot start the AWS emulator: %s", err)
        return 1
    endpoint = moto.start()
    poller = None
    try:
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        dynamodb = os.environ.setdefault("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
        log.info("moto at %s; DynamoDB at %s", endpoint, dynamodb)
        if dynamodb != endpoint and http_status(dynamodb) is None:
            log.error("nothing answers at %s (AWS_ENDPOINT_URL_DYNAMODB): start DynamoDB Local first, e.g. "
                      "`.venv/bin/python -m infra.dynamodb_local serve --port 8000`, or unset it to use moto's",
                      dynamodb)
            return 1
        provision(endpoint, dynamodb)
        seed_keys()
        log.info("keys: local-admin (lookup, write, admin), local-dialer (lookup)")
        log.info("AWS emulator at %s: queue %s (dead-letter queue %s), bucket %s, event bus %s",
                 endpoint, QUEUE_NAME, DEAD_LETTER_QUEUE_NAME, BUCKET_NAME, BUS_NAME)
        poller = start_queue_consumer(endpoint)
        log.info("queue consumer polling %s", QUEUE_NAME)
        _publish(f"http://{host}:{port}", dynamodb)
        # Change events out: the table's stream read as Lambda would, into the publisher's handler.
        from .stream_poller import StreamPoller

        stream = StreamPoller(dynamodb, os.environ["REGISTRY_TABLE"], os.environ["AWS_DEFAULT_REGION"]).start()
        log.info("change events: the table's stream -> bus %s (contact.permissions.changed)",
                 os.environ["REGISTRY_EVENT_BUS"])
        try:
            serve(host, port)
        finally:
            stream.stop()
        return 0
    finally:
        _unpublish()
        # A second Ctrl-C must not interrupt the clean-up.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if poller is not None:
            poller.stop()
        moto.stop()


if __name__ == "__main__":
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip the interpreter's teardown of a large heap (2-3 s of freeing objects): all is stopped.
    os._exit(code)
