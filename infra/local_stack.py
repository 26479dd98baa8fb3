"""`make run`: the registry's API on http://127.0.0.1:$PORT over the AWS resources of template.yaml:
the table on DynamoDB Local (data on disk, kept across restarts) when Java and its jar are there,
else on moto; the queues, the import bucket and the event bus on an in-process moto server at
$MOTO_PORT. Beside the API, as Lambda would run them: the queue consumer (a thread long-polling
the events queue into ``registry.handlers.queue_consumer.lambda_handler``, infra/queue_poller.py),
the importer (the same for the import queue, fed by the bucket's notification for objects under
``imports/``, into ``registry.handlers.list_importer.lambda_handler``) and the change-event
publisher reading the table's stream (infra/stream_poller.py).

Why DynamoDB Local: moto copies the whole table for every TransactWriteItems (to roll a cancelled
one back), so on moto each write is slower than the last as the table fills (at 100,000 contacts
a write takes seconds and runs out of the write timeout: a 503); DynamoDB Local's writes cost the
same at any size (tests/bench_local.py measures both).

What survives a restart: the table (contacts, history, keys, lists, import records), in
``.local/data/dynamodb`` (REGISTRY_LOCAL_DATA_DIR), unless the stack is asked to start empty
(REGISTRY_LOCAL_FRESH=1; ``make run FRESH=1``). DynamoDB Local works on a copy of it in memory
(/dev/shm: SQLite's sync to disk on every write made writes 3-15 times slower), copied back at
stop; after a kill without clean-up (SIGKILL) the next start takes the newer working copy, and
only a reboot in between loses what was written since the last clean stop (LocalTable).
What does not survive: moto's queue messages and bucket objects, and the whole table when it is
on moto. Acceptable: a message on the events queue takes
effect within a second of being sent, so few are ever in flight at a stop; an import file has
done its work once imported (its record, ``IMP#``, is in the table and says what it did), and
a file whose import a stop interrupted is put in the bucket again to finish it (imports are
idempotent, resumed from their checkpoint). The local API keys and the table are provisioned only
where missing, so a restart finds its data as it left it.

Env: PORT (3000), MOTO_PORT (5050), REGISTRY_LOCAL_DYNAMODB (``auto``: DynamoDB Local if it can
run, else moto with a warning; ``dynamodb-local``: DynamoDB Local or fail; ``moto``: the table on
moto, in memory), DYNAMODB_LOCAL_PORT (a free port by default), REGISTRY_LOCAL_DATA_DIR (where the
table's data is kept; default .local/data, or a temporary directory removed at stop for a
throwaway stack, REGISTRY_LOCAL_STACK_FILE=""), REGISTRY_LOCAL_FRESH (1: start empty),
REGISTRY_LOCAL_WORKING_DIR (where DynamoDB Local's working copy is; /dev/shm; "": on the kept copy),
AWS_ENDPOINT_URL_DYNAMODB (if set, that DynamoDB is used for the table, created there if missing),
REGISTRY_PUBLIC_BASE_URL (the base of preference links; http://127.0.0.1:$PORT by default),
LOCAL_QUEUE_VISIBILITY_TIMEOUT (seconds before a message the consumer failed is delivered again;
the template's 180 by default: shorten it to watch the redrive policy move a message to the DLQ
after maxReceiveCount receives), LOCAL_IMPORT_QUEUE_VISIBILITY_TIMEOUT (the same for the import
queue; the template's by default), LOG_LEVEL.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

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
IMPORT_QUEUE_NAME = "registry-imports-queue"
IMPORT_DEAD_LETTER_QUEUE_NAME = "registry-imports-dlq"
VISIBILITY_TIMEOUT_ENV = "LOCAL_QUEUE_VISIBILITY_TIMEOUT"
IMPORT_VISIBILITY_TIMEOUT_ENV = "LOCAL_IMPORT_QUEUE_VISIBILITY_TIMEOUT"
# The importer (list-importer): polled only once its module is in the checkout.
IMPORTER_MODULE = "registry.handlers.list_importer"
IMPORTER_FUNCTION = "ListImporterFunction"
# Where the table lives and whether it starts empty (the module's docstring).
BACKEND_ENV = "REGISTRY_LOCAL_DYNAMODB"
BACKENDS = ("auto", "dynamodb-local", "moto")
FRESH_ENV = "REGISTRY_LOCAL_FRESH"
DATA_DIR_ENV = "REGISTRY_LOCAL_DATA_DIR"
DYNAMODB_PORT_ENV = "DYNAMODB_LOCAL_PORT"
# In the data directory: DynamoDB Local's files, its process id, the lock of the stack using them.
DYNAMODB_DATA = "dynamodb"
DYNAMODB_FILE = "shared-local-instance.db"  # DynamoDB Local's one SQLite file (-sharedDb)
WORKING_DIR_ENV = "REGISTRY_LOCAL_WORKING_DIR"
DYNAMODB_PID_FILE = "dynamodb.pid"
LOCK_FILE = "stack.lock"
# How long the consumer pauses when the queue is empty: a message takes effect within about this.
POLL_IDLE_PAUSE = 0.2

log = logging.getLogger("infra.local_stack")


class Stopped(Exception):
    """Raised by SIGINT/SIGTERM so the stack unwinds through its finally blocks."""


class CannotStart(Exception):
    """Why the stack cannot start, said in one log line (no traceback)."""


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


def _publish(url: str, dynamodb: str, moto: str) -> None:
    path = stack_file()
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"pid": os.getpid(), "url": url, "dynamodb": dynamodb, "moto": moto,
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
    AWS_ENDPOINT_URL_DYNAMODB if set, else where the running stack said it is (unless MOTO_PORT
    names another stack's moto), else moto at MOTO_PORT or its default port."""
    if cli and "AWS_ENDPOINT_URL_DYNAMODB" not in os.environ:
        running = running_stack()
        if running and os.environ.get("MOTO_PORT") and running.get("moto") != moto_url():
            running = None
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
    """Create the template's table, queues, bucket (with its notification to the import queue) and
    bus, each only if missing, and set the env vars that name them. Safe on a table kept from an
    earlier run: nothing in it is changed."""
    import boto3

    from .template import load_template, resource
    from .template_table import ensure_table

    template = load_template()
    region = os.environ["AWS_DEFAULT_REGION"]
    dynamodb = boto3.client("dynamodb", region_name=region,
                            endpoint_url=dynamodb_endpoint or endpoint)
    ensure_table(dynamodb, os.environ["REGISTRY_TABLE"], template)

    sqs = boto3.client("sqs", region_name=region, endpoint_url=endpoint)
    queue_url, dlq_url, _ = _queue_with_dead_letters(
        sqs, QUEUE_NAME, DEAD_LETTER_QUEUE_NAME, resource("EventsQueue", template)["Properties"],
        VISIBILITY_TIMEOUT_ENV)
    import_url, import_dlq_url, import_arn = _queue_with_dead_letters(
        sqs, IMPORT_QUEUE_NAME, IMPORT_DEAD_LETTER_QUEUE_NAME, resource("ImportQueue", template)["Properties"],
        IMPORT_VISIBILITY_TIMEOUT_ENV)

    s3 = boto3.client("s3", region_name=region, endpoint_url=endpoint)
    try:
        s3.create_bucket(Bucket=BUCKET_NAME)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    s3.put_bucket_notification_configuration(
        Bucket=BUCKET_NAME, NotificationConfiguration=bucket_notifications(template, {"ImportQueue": import_arn}))

    events = boto3.client("events", region_name=region, endpoint_url=endpoint)
    if BUS_NAME not in [bus["Name"] for bus in events.list_event_buses(NamePrefix=BUS_NAME).get("EventBuses", [])]:
        events.create_event_bus(Name=BUS_NAME)

    os.environ.setdefault("REGISTRY_EVENTS_QUEUE_URL", queue_url)
    os.environ.setdefault("REGISTRY_EVENTS_DEAD_LETTER_QUEUE_URL", dlq_url)
    os.environ.setdefault("REGISTRY_IMPORT_BUCKET", BUCKET_NAME)
    os.environ.setdefault("REGISTRY_IMPORT_QUEUE_URL", import_url)
    os.environ.setdefault("REGISTRY_IMPORT_DEAD_LETTER_QUEUE_URL", import_dlq_url)
    os.environ.setdefault("REGISTRY_EVENT_BUS", BUS_NAME)


def _queue_with_dead_letters(sqs: Any, name: str, dlq_name: str, template_queue: dict[str, Any],
                             visibility_env: str) -> tuple[str, str, str]:
    """A queue as the template defines it (visibility timeout, redrive to its own dead-letter queue
    after maxReceiveCount receives): its URL, its DLQ's URL and its ARN."""
    dlq_url = sqs.create_queue(QueueName=dlq_name)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": template_queue["RedrivePolicy"]["maxReceiveCount"]}
    url = sqs.create_queue(QueueName=name, Attributes={
        "VisibilityTimeout": str(int(os.environ.get(visibility_env) or template_queue["VisibilityTimeout"])),
        "RedrivePolicy": json.dumps(redrive),
    })["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, dlq_url, arn


def bucket_notifications(template: dict[str, Any], queue_arns: dict[str, str]) -> dict[str, Any]:
    """The import bucket's NotificationConfiguration in template.yaml, as PutBucketNotificationConfiguration
    takes it, with each queue's ``!GetAtt <queue>.Arn`` replaced by the local queue's ARN."""
    from .template import resource

    configured = resource("ImportBucket", template)["Properties"].get("NotificationConfiguration") or {}
    queues = []
    for entry in configured.get("QueueConfigurations", []):
        notification: dict[str, Any] = {"QueueArn": queue_arns[entry["Queue"]["Fn::GetAtt"][0]],
                                        "Events": [entry["Event"]]}
        rules = ((entry.get("Filter") or {}).get("S3Key") or {}).get("Rules")
        if rules:
            notification["Filter"] = {"Key": {"FilterRules": [{"Name": r["Name"], "Value": r["Value"]}
                                                              for r in rules]}}
        queues.append(notification)
    return {"QueueConfigurations": queues}


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


def start_importer(endpoint: str) -> Any | None:
    """The importer, polling the import queue in a thread as ListImporterFunction's SQS event
    source would (its batch size, timeout and memory from the template); None, with a line saying
    so, while its module is not in this checkout."""
    # The list-importer branch writes the module; until it is merged the import queue is only filled.
    if importlib.util.find_spec(IMPORTER_MODULE) is None:
        log.info("importer: %s is not in this checkout; files put under imports/ wait on %s",
                 IMPORTER_MODULE, IMPORT_QUEUE_NAME)
        return None
    import boto3

    from .queue_poller import QueuePoller
    from .template import resource

    function = resource(IMPORTER_FUNCTION)["Properties"]
    (event,) = function["Events"].values()
    handler = importlib.import_module(IMPORTER_MODULE).lambda_handler
    sqs = boto3.client("sqs", region_name=os.environ["AWS_DEFAULT_REGION"], endpoint_url=endpoint)
    poller = QueuePoller(sqs, os.environ["REGISTRY_IMPORT_QUEUE_URL"], handler, function_name=IMPORTER_FUNCTION,
                         batch_size=int(event["Properties"].get("BatchSize", 1)), idle_pause=POLL_IDLE_PAUSE,
                         timeout=float(function["Timeout"]), memory=int(function["MemorySize"]))
    poller.start()
    log.info("importer polling %s (files put in bucket %s under imports/)", IMPORT_QUEUE_NAME, BUCKET_NAME)
    return poller


# --- where the table lives ------------------------------------------------------------------------

def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def data_dir() -> Path | None:
    """Where the table's data is kept: REGISTRY_LOCAL_DATA_DIR, else .local/data; None for a
    throwaway stack (no stack file: infra.with_stack, the tests), whose data goes at stop."""
    value = os.environ.get(DATA_DIR_ENV)
    if value:
        return Path(value)
    return None if stack_file() is None else ROOT / ".local" / "data"


def table_backend() -> tuple[str, str | None]:
    """``("dynamodb-local", None)``, or ``("moto", why DynamoDB Local is not used)`` (None when moto
    was asked for)."""
    wanted = (os.environ.get(BACKEND_ENV) or "auto").strip().lower()
    if wanted not in BACKENDS:
        raise CannotStart(f"{BACKEND_ENV}={wanted!r}: say one of {', '.join(BACKENDS)}")
    if wanted == "moto":
        return "moto", None
    from .dynamodb_local import available

    missing = available()
    if missing is None:
        return "dynamodb-local", None
    if wanted == "dynamodb-local":
        raise CannotStart(f"{BACKEND_ENV}=dynamodb-local, but {missing}")
    return "moto", missing


class LocalTable:
    """DynamoDB Local holding the table kept in ``<data dir>/dynamodb`` (a temporary directory for a
    throwaway stack), emptied first when asked (REGISTRY_LOCAL_FRESH).

    DynamoDB Local keeps its data in SQLite, which syncs every write to disk: here 5 ms a sync,
    about 40 ms a write and 45 items a second for BatchWriteItem on the disk, against 16 ms and
    700 a second on a tmpfs. So it runs on a working copy in memory (/dev/shm, or
    REGISTRY_LOCAL_WORKING_DIR; "" runs it on the kept copy itself), copied from the kept one at
    start and back at stop. A stack killed without its clean-up (SIGKILL) leaves the working copy
    behind: the next start takes it, being newer (a reboot loses it: what was written since the last
    clean stop). The data directory is locked while the stack runs: two stacks on one SQLite file
    would corrupt it."""

    def __init__(self, directory: Path | None = None, fresh: bool | None = None) -> None:
        self._given = directory
        self._fresh = _truthy(os.environ.get(FRESH_ENV)) if fresh is None else fresh
        self._server: Any = None
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        self._lock: IO[str] | None = None
        self.directory: Path | None = None
        self.kept: Path | None = None
        self.working: Path | None = None

    def start(self) -> str:
        from .dynamodb_local import DynamoDBLocal
        from .net import port_in_use

        root = _working_root()
        directory = self._given or data_dir()
        if directory is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="registry-local-", dir=root)
            directory = Path(self._temporary.name)
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self._lock = _lock(directory)
        self.kept = kept = directory / DYNAMODB_DATA
        working = None
        if root is not None and self._temporary is None:
            working = root / f"registry-local-{hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:16]}"
        _stop_orphan(directory)
        if self._fresh:
            for path in (kept, working):
                if path is not None and path.exists():
                    shutil.rmtree(path)
            log.info("starting empty (%s): removed %s", FRESH_ENV, kept)
        kept.mkdir(parents=True, exist_ok=True)
        if working is not None and root is not None and not _room_for(kept, root):
            log.warning("not enough room in %s for a working copy of the table: it runs on %s (slower writes)",
                        root, kept)
            working = None
        if working is not None:
            _restore(kept, working)
        self.working = working
        port = int(os.environ.get(DYNAMODB_PORT_ENV) or 0) or None
        if port and port_in_use(port):
            raise CannotStart(f"port {port} ({DYNAMODB_PORT_ENV}) is already in use")
        self._server = DynamoDBLocal(port=port, db_path=working or kept)
        url: str = self._server.start()
        (directory / DYNAMODB_PID_FILE).write_text(f"{self._server.pid} {(working or kept).resolve()}")
        return url

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
            if self.working is not None and self.kept is not None:
                _save(self.working, self.kept)
            if self.directory is not None:
                with contextlib.suppress(OSError):
                    (self.directory / DYNAMODB_PID_FILE).unlink()
        if self._lock is not None:
            self._lock.close()  # releases the lock
            self._lock = None
        if self._temporary is not None:
            self._temporary.cleanup()
            self._temporary = None


def _working_root() -> Path | None:
    value = os.environ.get(WORKING_DIR_ENV)
    if value == "":
        return None
    root = Path(value or "/dev/shm")
    return root if root.is_dir() and os.access(root, os.W_OK) else None


def _room_for(kept: Path, root: Path) -> bool:
    saved = kept / DYNAMODB_FILE
    size = saved.stat().st_size if saved.exists() else 0
    return shutil.disk_usage(root).free > 3 * size + (256 << 20)


def _restore(kept: Path, working: Path) -> None:
    """The kept table into the working directory, unless the working copy there is newer (the last
    stack was killed before it could save it)."""
    saved, live = kept / DYNAMODB_FILE, working / DYNAMODB_FILE
    if live.exists() and (not saved.exists() or live.stat().st_mtime > saved.stat().st_mtime):
        log.warning("the last stack on %s stopped without saving its table: taking the newer copy in %s",
                    kept, working)
        return
    if working.exists():
        shutil.rmtree(working)
    working.mkdir(parents=True)
    if saved.exists():
        shutil.copy2(saved, live)


def _save(working: Path, kept: Path) -> None:
    """The working copy (DynamoDB Local stopped: no journal left) back into the kept directory, by
    a whole new file renamed over the old one, then the working copy removed."""
    live = working / DYNAMODB_FILE
    if not live.exists():
        return
    started = time.monotonic()
    partial = kept / (DYNAMODB_FILE + ".saving")
    shutil.copy2(live, partial)
    with open(partial, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, kept / DYNAMODB_FILE)
    shutil.rmtree(working, ignore_errors=True)
    log.info("table saved in %s (%.0f MB, %.1f s)", kept, (kept / DYNAMODB_FILE).stat().st_size / 2**20,
             time.monotonic() - started)


def _lock(directory: Path) -> IO[str]:
    import fcntl

    handle = open(directory / LOCK_FILE, "a+")  # noqa: SIM115 - held open while the stack runs
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise CannotStart(f"another local stack keeps its data in {directory}: stop it first, or give this "
                          f"one another place ({DATA_DIR_ENV}=...)") from None
    return handle


def _stop_orphan(directory: Path) -> None:
    """A DynamoDB Local left running on this data by a stack that was killed (SIGKILL: no clean-up)
    would hold the same SQLite file: stop it. Only a java process running DynamoDBLocal.jar on the
    very directory the pid file names is touched."""
    try:
        pid_text, _, db_path = (directory / DYNAMODB_PID_FILE).read_text().partition(" ")
        pid = int(pid_text)
        command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except (OSError, ValueError):
        return
    if "DynamoDBLocal" not in command or not db_path or db_path not in command:
        return
    log.warning("stopping DynamoDB Local (pid %d) left running on %s by a stack that did not stop cleanly",
                pid, directory)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)


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
    pollers: list[Any] = []
    table = LocalTable()
    try:
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        try:
            dynamodb = _table_endpoint(endpoint, table)
        except CannotStart as err:
            log.error("%s", err)
            return 1
        if dynamodb != endpoint and http_status(dynamodb) is None:
            log.error("nothing answers at %s (AWS_ENDPOINT_URL_DYNAMODB): start DynamoDB Local first, e.g. "
                      "`.venv/bin/python -m infra.dynamodb_local serve --port 8000`, or unset it to use moto's",
                      dynamodb)
            return 1
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = dynamodb
        provision(endpoint, dynamodb)
        seed_keys()
        log.info("keys: local-admin (lookup, write, admin), local-dialer (lookup)")
        log.info("AWS emulator at %s: queue %s (dead-letter queue %s), bucket %s, import queue %s (dead-letter "
                 "queue %s), event bus %s", endpoint, QUEUE_NAME, DEAD_LETTER_QUEUE_NAME, BUCKET_NAME,
                 IMPORT_QUEUE_NAME, IMPORT_DEAD_LETTER_QUEUE_NAME, BUS_NAME)
        pollers.append(start_queue_consumer(endpoint))
        log.info("queue consumer polling %s", QUEUE_NAME)
        importer = start_importer(endpoint)
        if importer is not None:
            pollers.append(importer)
        _publish(f"http://{host}:{port}", dynamodb, endpoint)
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
        for poller in pollers:
            poller.stop()
        table.stop()
        moto.stop()


def _table_endpoint(moto: str, table: LocalTable) -> str:
    """Where the table is: AWS_ENDPOINT_URL_DYNAMODB if given, else DynamoDB Local started here
    (data kept), else moto's (with a warning saying why and what that costs)."""
    given = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    if given:
        log.info("moto at %s; the table on the DynamoDB at %s (AWS_ENDPOINT_URL_DYNAMODB)", moto, given)
        return given
    backend, missing = table_backend()
    if backend == "moto":
        if missing:
            log.warning("DynamoDB Local cannot run (%s): the table is on moto, in memory. It starts empty, is "
                        "lost at stop, and writes slow down as it fills. `make dynamodb-local` installs it.", missing)
        else:
            log.info("the table on moto at %s, in memory (%s=moto): it is lost at stop", moto, BACKEND_ENV)
        return moto
    url = table.start()
    kept = ("kept across restarts; REGISTRY_LOCAL_FRESH=1 starts empty" if data_dir() is not None
            else "a throwaway stack: removed at stop")
    log.info("the table on DynamoDB Local at %s, data in %s (%s); moto at %s", url,
             table.directory / DYNAMODB_DATA if table.directory else "?", kept, moto)
    return url


if __name__ == "__main__":
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip the interpreter's teardown of a large heap (2-3 s of freeing objects): all is stopped.
    os._exit(code)
