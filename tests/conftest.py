"""Shared fixtures. The registry reads its settings when first asked, never at import: the test
environment is set by the ``test_environment`` fixture, before the first test, and a test that
needs another setting uses ``configure`` (it sets the variables and resets the settings)."""
from __future__ import annotations

import os

import boto3
import pytest

# Fake credentials always: a test must never reach a real AWS account.
_ALWAYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
_UNSET = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN")
_DEFAULTS = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "REGISTRY_TABLE": "registry-test",
    "REGISTRY_ADDRESS_HASH_KEY": "test-hash-key",
    "REGISTRY_LINK_SIGNING_KEY": "test-link-signing-key",
    # Preference links are built from configuration only (never from a request's Host).
    "REGISTRY_PUBLIC_BASE_URL": "http://prefs.test:3000",
    "POWERTOOLS_TRACE_DISABLED": "true",
    # moto applies writes one at a time and copies the whole table per transaction: under two
    # xdist workers and racing threads a write can queue for seconds, and a read for more than
    # the real 0.5 s (a 503 that says nothing about the code). The tests that measure failing
    # closed put the real read timeouts back (``real_read_timeouts``).
    "REGISTRY_WRITE_TIMEOUT": "15",
    "REGISTRY_READ_TIMEOUT": "5",
    "POWERTOOLS_METRICS_NAMESPACE": "ContactRegistry",
    "POWERTOOLS_SERVICE_NAME": "contact-registry",
}

# Set before the session (e.g. by `make test-dynamodb-local`): use that DynamoDB, start no moto.
_EXTERNAL_DYNAMODB = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")


@pytest.fixture(scope="session", autouse=True)
def test_environment():
    """The test environment, set before the first test (the caller's own values win, but for the
    credentials), and the settings read from it afresh."""
    from registry.settings import reset_settings

    for name in _UNSET:
        os.environ.pop(name, None)
    os.environ.update(_ALWAYS)
    defaults = dict(_DEFAULTS)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if _EXTERNAL_DYNAMODB and worker:
        # One DynamoDB Local serves every xdist worker (each has a moto of its own): a table each.
        defaults["REGISTRY_TABLE"] = f"registry-test-{worker}"
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    reset_settings()
    yield
    reset_settings()


@pytest.fixture
def configure(monkeypatch):
    """Other settings for one test: ``configure(REGISTRY_PUBLIC_BASE_URL="https://...")`` sets (or,
    given None, unsets) the variables and resets the settings; both are restored afterwards."""
    from registry.settings import reset_settings

    def apply(**variables: str | None) -> None:
        for name, value in variables.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        reset_settings()

    yield apply
    monkeypatch.undo()
    reset_settings()


def pytest_configure(config) -> None:
    """Under the time-travel stage (``REGISTRY_TEST_CLOCK_AHEAD=<days>``), move this process's clock
    that far ahead for the whole session, and refuse to pass if it did not move: a stage that
    silently ran on today's date would prove nothing.

    time-machine moves the wall clock only (``time.time``, ``datetime.now`` ..., in every thread of
    the process, moto's server included), never ``time.monotonic``: timeouts, sleeps and lock waits
    keep real time. (libfaketime moved CLOCK_MONOTONIC too, and a timed lock wait then never ended.)
    """
    ahead = os.environ.get("REGISTRY_TEST_CLOCK_AHEAD")
    if not ahead:
        return
    import time
    from datetime import UTC, datetime, timedelta

    import time_machine

    real = time.time()
    days = float(ahead.strip().lstrip("+").removesuffix("d"))
    travel = time_machine.travel(datetime.now(UTC) + timedelta(days=days), tick=True)
    travel.start()
    config.add_cleanup(travel.stop)
    ahead_days = (time.time() - real) / 86400
    if abs(ahead_days - days) > 1:
        raise pytest.UsageError(f"the clock is {ahead_days:.1f} days ahead, not {days:g}: "
                                f"REGISTRY_TEST_CLOCK_AHEAD={ahead} did not take effect")


@pytest.fixture(scope="session")
def aws_endpoint():
    """A moto server for every AWS service (per xdist worker); AWS_ENDPOINT_URL points at it."""
    from infra.moto_server import MotoServer

    server = MotoServer()
    url = server.start()
    previous = os.environ.get("AWS_ENDPOINT_URL")
    os.environ["AWS_ENDPOINT_URL"] = url
    try:
        yield url
    finally:
        server.stop()
        if previous is None:
            os.environ.pop("AWS_ENDPOINT_URL", None)
        else:
            os.environ["AWS_ENDPOINT_URL"] = previous


@pytest.fixture(scope="session")
def dynamodb_endpoint(request):
    """DynamoDB Local if AWS_ENDPOINT_URL_DYNAMODB was set before the session, else moto. The other
    services (SSM for brand secrets, ...) are moto's either way: AWS_ENDPOINT_URL points at it."""
    url = request.getfixturevalue("aws_endpoint")
    if _EXTERNAL_DYNAMODB:
        yield _EXTERNAL_DYNAMODB
        return
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = url
    try:
        yield url
    finally:
        os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)


@pytest.fixture(scope="session")
def dynamodb_client(dynamodb_endpoint):
    return boto3.client("dynamodb", endpoint_url=dynamodb_endpoint,
                        region_name=os.environ["AWS_DEFAULT_REGION"])


@pytest.fixture(scope="session")
def dynamodb_table(dynamodb_client):
    """The registry table, created from template.yaml; PynamoDB reconnects to the emulator."""
    from infra.template_table import ensure_table

    name = os.environ["REGISTRY_TABLE"]
    ensure_table(dynamodb_client, name)

    from registry.storage.table import reset_connections

    reset_connections()
    yield name
    reset_connections()


# --- the schema fuzzer's count (tests/fuzz): each test records ``fuzz_examples``; xdist carries
# user properties back to the controller, which sums them for the closing line.
_fuzz = {"examples": 0, "tests": 0}


def pytest_runtest_logreport(report):
    if report.when == "teardown":
        for name, value in report.user_properties:
            if name == "fuzz_examples":
                _fuzz["examples"] += int(value)
                _fuzz["tests"] += 1


def pytest_terminal_summary(terminalreporter):
    if _fuzz["tests"]:
        failed = any(getattr(r, "nodeid", "").startswith("tests/fuzz/") for r in terminalreporter.stats.get("failed", []))
        verdict = "5xx or bad errors found, see the failures" if failed else "zero 5xx"
        terminalreporter.write_line(f"schema fuzz: {_fuzz['examples']} examples over {_fuzz['tests']} operations, "
                                    f"{verdict}")


@pytest.fixture
def faults():
    """Fault injection on the registry's DynamoDB calls (tests/storage/faults.py), cleared after the test."""
    from tests.storage.faults import Faults

    injector = Faults()
    try:
        yield injector
    finally:
        injector.clear()


# What a lookup runs with in production: the fail-closed tests measure these.
READ_TIMEOUT_VARIABLES = ("REGISTRY_READ_TIMEOUT", "REGISTRY_READ_CONNECT_TIMEOUT", "REGISTRY_READ_MAX_ATTEMPTS")


@pytest.fixture
def real_read_timeouts(configure):
    """The settings' own read timeouts (0.25 s connect, 0.5 s read, 2 attempts), not the suite's."""
    configure(**{name: None for name in READ_TIMEOUT_VARIABLES})
