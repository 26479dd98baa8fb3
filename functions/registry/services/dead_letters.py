"""Messages of the events queue that can never be read, set aside on its dead-letter queue
(``storage.dead_letters`` keeps them; this says what a failure to do so means)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..storage import dead_letters as store
from .failures import storage_failures


def set_aside(body: str, reason: Mapping[str, str], attributes: Mapping[str, Mapping[str, Any]]) -> None:
    """Put the message on the dead-letter queue, or raise ``RegistryUnavailable`` (none is
    configured, or it cannot be written: the caller leaves the message on its queue)."""
    with storage_failures("the dead-letter queue could not be written"):
        store.send(body, reason, attributes)
