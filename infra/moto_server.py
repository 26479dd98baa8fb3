"""An in-process moto server: the AWS emulator behind the local stack and the tests."""
from __future__ import annotations

import logging

from moto.server import ThreadedMotoServer

from .net import LOCALHOST, port_in_use


class MotoServer:
    """ThreadedMotoServer that refuses a busy port (moto itself would hang waiting for it)."""

    def __init__(self, port: int = 0, host: str = LOCALHOST):
        if port and port_in_use(port, host):
            raise OSError(f"port {port} on {host} is already in use (set MOTO_PORT to another)")
        self._server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
        self.url = ""

    def start(self) -> str:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self.url

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
