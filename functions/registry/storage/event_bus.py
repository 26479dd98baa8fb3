"""The EventBridge bus change events are put on (``REGISTRY_EVENT_BUS``; the template's RegistryBus).

``publish`` puts entries in order, in as few ``PutEvents`` calls as the limits allow (10 entries and
256 KB a call), and never two entries of one ``group`` (a contact) in one call: a call can fail in
part (``FailedEntryCount``), and a later entry of the same contact published while an earlier one
failed would reach a subscriber out of order. It stops at the first entry that was not published
and says how many came before it; the caller sends the rest again later (at least once).
"""
from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..settings import derived
from .aws_clients import aws_client

log = logging.getLogger(__name__)

MAX_ENTRIES = 10  # PutEvents' limits: entries a call, and bytes a call
MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class Entry:
    group: str  # entries of one group are published in order: at most one a call
    source: str
    detail_type: str
    detail: dict[str, Any]

    def request(self, bus: str) -> dict[str, Any]:
        return {"EventBusName": bus, "Source": self.source, "DetailType": self.detail_type,
                "Detail": json.dumps(self.detail, separators=(",", ":"), sort_keys=True)}


def size(request: dict[str, Any]) -> int:
    """An entry's size as EventBridge counts it (source, detail type, detail; the bus name is not)."""
    return sum(len(str(request[k]).encode()) for k in ("Source", "DetailType", "Detail"))


_client = derived(lambda settings: aws_client(settings, "events"))
_bus = derived(lambda settings: settings.event_bus)


def calls(entries: Sequence[Entry], bus: str) -> list[list[tuple[int, dict[str, Any]]]]:
    """The entries (their index and request) cut into PutEvents calls, in order."""
    out: list[list[tuple[int, dict[str, Any]]]] = []
    current: list[tuple[int, dict[str, Any]]] = []
    groups: set[str] = set()
    used = 0
    for index, entry in enumerate(entries):
        request = entry.request(bus)
        if current and (len(current) == MAX_ENTRIES or used + size(request) > MAX_BYTES or entry.group in groups):
            out.append(current)
            current, groups, used = [], set(), 0
        current.append((index, request))
        groups.add(entry.group)
        used += size(request)
    if current:
        out.append(current)
    return out


def publish(entries: Sequence[Entry]) -> int:
    """Puts the entries in order; the number of leading entries that were published (all of them
    when it is ``len(entries)``). An entry after the first failure may have been published too: it
    is counted as not, and sent again (a subscriber may see it twice, never out of order)."""
    client, bus = _client(), _bus()
    for call in calls(entries, bus):
        try:
            answer = client.put_events(Entries=[request for _, request in call])
        except Exception as err:  # noqa: BLE001 - any failure of the call: nothing of it counts as published
            _log_failure(type(err).__name__)
            return call[0][0]
        results = answer.get("Entries") or []
        for position, (index, _) in enumerate(call):
            result = results[position] if position < len(results) else {}
            if not result.get("EventId"):
                _log_failure(str(result.get("ErrorCode") or "no event id"))
                return index
    return len(entries)


def _log_failure(reason: str) -> None:
    log.warning("change events not published: %s", reason)
