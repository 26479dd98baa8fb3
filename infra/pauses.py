"""Waiting in the local stack's threads with ``time.sleep`` only, never a timed lock wait.

Under libfaketime (which moves CLOCK_MONOTONIC ahead too) a timed lock wait (``Event.wait(t)``,
``Thread.join(t)``, moto's SQS long poll, which waits on a Condition) computes its deadline on the
faked clock while the kernel waits on the real one, so it never times out: a poller would stall
and never stop. The test suite now moves only the wall clock (time-machine), but a developer may
still run the stack under faketime; these waits sleep in short steps and look at the stop flag.
"""
from __future__ import annotations

import threading
import time

STEP = 0.02  # seconds between two looks at the stop flag


def pause(stop: threading.Event, seconds: float) -> bool:
    """Sleep up to ``seconds``, less if ``stop`` is set meanwhile; whether it is set."""
    end = time.monotonic() + seconds
    while not stop.is_set():
        left = end - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(STEP, left))
    return True


def join(thread: threading.Thread, timeout: float) -> bool:
    """Wait up to ``timeout`` for ``thread`` to end; whether it has."""
    end = time.monotonic() + timeout
    while thread.is_alive() and time.monotonic() < end:
        time.sleep(STEP)
    return not thread.is_alive()
