"""Readiness polling fails fast and clearly."""
from __future__ import annotations

import socket

import pytest

from infra.net import free_port, http_status, port_in_use, wait_until


def test_wait_until_fails_fast_when_the_process_dies():
    with pytest.raises(RuntimeError, match="exited before it was ready"):
        wait_until(lambda: False, 5, "thing", alive=lambda: False)


def test_wait_until_times_out():
    with pytest.raises(TimeoutError, match="thing not ready"):
        wait_until(lambda: False, 0.05, "thing", interval=0.01)


def test_ports():
    port = free_port()
    assert not port_in_use(port)
    assert http_status(f"http://127.0.0.1:{port}/", timeout=0.5) is None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        assert port_in_use(port)


def test_moto_server_refuses_a_busy_port():
    from infra.moto_server import MotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        with pytest.raises(OSError, match="already in use"):
            MotoServer(port=sock.getsockname()[1])
