"""The local stack's HTTP server under concurrency: every request answered, none held up by another.

Powertools' local resolver alone deadlocked at 20 concurrent lookups (its validation threads wait
on a pool they fill) and ran handlers on the event loop (one slow write held up every lookup).
The server is started as `make run` serves it: `RequestThreads(local_app())` under uvicorn."""
from __future__ import annotations

import concurrent.futures
import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from infra.net import http_status
from tests.api.conftest import new_phone
from tests.local_server import local_server

pytestmark = pytest.mark.dynamodb

LOOKUPS = 200


@pytest.fixture(scope="module")
def server(api):
    with local_server() as url:
        yield url, api


def _get(url: str, key: str, timeout: float = 60.0) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"x-api-key": key})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def _lookup_url(base: str, address: str) -> str:
    query = urllib.parse.urlencode({"address": address, "channel": "call", "purpose": "informational"})
    return f"{base}/v1/permissions?{query}"


def test_200_concurrent_lookups_are_all_answered(server):
    base, api = server
    addresses = [new_phone() for _ in range(LOOKUPS)]
    with concurrent.futures.ThreadPoolExecutor(LOOKUPS) as pool:
        replies = list(pool.map(lambda a: _get(_lookup_url(base, a), api.dialer), addresses))
    assert [status for status, _ in replies] == [200] * LOOKUPS
    assert [body["address"] for _, body in replies] == addresses  # each answer is for its own question
    assert http_status(base + "/v1/health") == 200  # and the server still answers afterwards


def test_a_slow_write_does_not_hold_up_a_lookup(server, monkeypatch):
    """The write blocks until the lookup has been answered: were the lookup queued behind it, it could
    never be, and the lookup's own timeout would fail the test (no timing decides it)."""
    from registry.services import recording

    base, api = server
    write_started, lookup_answered = threading.Event(), threading.Event()
    real = recording.record_consent

    def slow_record_consent(*args, **kwargs):
        write_started.set()
        lookup_answered.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(recording, "record_consent", slow_record_consent)
    phone = new_phone()
    body = json.dumps({"address": phone, "channels": ["call"], "purposes": ["marketing"], "source": "web_form",
                       "occurred_at": "2026-11-28T12:00:00Z"}).encode()
    write = urllib.request.Request(f"{base}/v1/consents", data=body, method="POST",
                                   headers={"x-api-key": api.admin, "content-type": "application/json"})
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pending = pool.submit(lambda: urllib.request.urlopen(write, timeout=60).status)
        assert write_started.wait(30), "the write never reached its handler"
        try:
            status, decision = _get(_lookup_url(base, phone), api.dialer, timeout=15)
        finally:
            lookup_answered.set()
        assert status == 200 and decision["address"] == phone
        assert not pending.done() or pending.result() == 201
        assert pending.result(timeout=60) == 201


def test_requests_keep_their_own_principal_and_event_under_interleaving(server):
    """Interleaved requests with different keys: each is authorised and answered as its own."""
    base, api = server
    phone = new_phone()
    url = _lookup_url(base, phone)
    profile = f"{base}/v1/contacts/{urllib.parse.quote(phone, safe='')}"
    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        lookups = [pool.submit(_get, url, api.dialer) for _ in range(40)]
        refused = [pool.submit(_get, profile, api.dialer) for _ in range(40)]  # dialer lacks `write`
    assert all(f.result()[0] == 200 for f in lookups)
    assert all(f.result()[0] == 403 for f in refused)
