"""The local stack's HTTP server as `make run` serves it, for tests and benches that talk to it over
a real socket: one place that starts and stops it (the suite's table and settings, as they are)."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from infra.net import LOCALHOST, free_port, http_status, wait_until


@contextmanager
def local_server(port: int | None = None) -> Iterator[str]:
    """``RequestThreads(local_app())`` under uvicorn on a loopback port (a free one unless given),
    answering ``/v1/health``: its base URL. Stopped (and its request threads closed) on exit."""
    import uvicorn

    from infra.request_threads import RequestThreads
    from registry.handlers.api import local_app

    port = port or free_port()
    app = RequestThreads(local_app())
    config = uvicorn.Config(app, host=LOCALHOST, port=port, access_log=False, log_level="warning",
                            timeout_graceful_shutdown=2)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    url = f"http://{LOCALHOST}:{port}"
    try:
        wait_until(lambda: http_status(url + "/v1/health") == 200, 30, "local server", alive=thread.is_alive)
        yield url
    finally:
        uv.should_exit = True
        thread.join(10)
        app.close()
