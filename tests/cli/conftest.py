"""The client commands' fixtures: the local server as `make run` serves it (uvicorn on a free port,
over the suite's DynamoDB), and stub HTTP servers that answer as a script says."""
from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from infra.net import LOCALHOST, free_port
from tests.api.conftest import api  # noqa: F401  (the registry's keys, over the suite's table)
from tests.local_server import local_server


@pytest.fixture(scope="module")
def server(api):  # noqa: F811
    """The local stack's HTTP server (``RequestThreads(local_app())`` under uvicorn) on a free port."""
    with local_server() as url:
        yield url


class Seen:
    """What a stub server was asked: (method, path, headers, parsed JSON body or None)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        self.lock = threading.Lock()

    def add(self, entry: tuple[str, str, dict[str, str], Any]) -> int:
        with self.lock:
            self.requests.append(entry)
            return len(self.requests)


# A script: (method, path, headers, body, how many requests so far) -> (status, headers, JSON body or None)
Script = Callable[[str, str, dict[str, str], Any, int], tuple[int, dict[str, str], Any]]


@pytest.fixture
def stub() -> Iterator[Callable[[Script], tuple[str, Seen]]]:
    """``url, seen = stub(script)``: a threaded stdlib HTTP server on a free port answering by ``script``."""
    servers: list[ThreadingHTTPServer] = []

    def start(script: Script) -> tuple[str, Seen]:
        seen = Seen()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                headers = {k.lower(): v for k, v in self.headers.items()}
                n = seen.add((self.command, self.path, headers, body))
                status, extra, answer = script(self.command, self.path, headers, body, n)
                data = json.dumps(answer).encode() if answer is not None else b""
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        httpd = ThreadingHTTPServer((LOCALHOST, free_port()), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://{LOCALHOST}:{httpd.server_address[1]}", seen

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def pauses(monkeypatch) -> list[float]:
    """Every retry pause the client takes, recorded instead of slept."""
    from registry import retry

    taken: list[float] = []
    monkeypatch.setattr(retry, "sleep", taken.append)
    return taken
