"""Ports and readiness checks shared by the local stack, DynamoDB Local and the test fixtures."""
from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable

LOCALHOST = "127.0.0.1"


def free_port(host: str = LOCALHOST) -> int:
    """A port the OS says is free now (the caller binds it soon after; races are unlikely)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def port_in_use(port: int, host: str = LOCALHOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
        return False


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The status a GET of url answers, or None if nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code
    except (OSError, ValueError):
        return None


def wait_until(ready: Callable[[], bool], timeout: float, what: str,
               alive: Callable[[], bool] = lambda: True, interval: float = 0.2) -> None:
    """Poll ready() until it is true; fail fast if alive() turns false, or after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not ready():
        if not alive():
            raise RuntimeError(f"{what} exited before it was ready")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not ready after {timeout:.0f} s")
        time.sleep(interval)
