"""The HTTP-only request shapes: a batch lookup, list entries, the event envelope.

The bodies that record something are the services' commands (``services.commands``: one
declaration for a route's body and an event's data). These use the same field types
(``services.command_fields``). Unknown fields are refused.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from ..services.command_fields import (
    AddressText,
    Brand,
    Channel,
    ContactPurpose,
    Dialing,
    EventType,
    Id,
    Instant,
    Strict,
    SuppressionKind,
    shown,
)
from ..services.suppression import MAX_ENTRIES as MAX_LIST_ENTRIES

_PHONE = "+14155550123"


class BatchIn(Strict):
    model_config = shown({"channel": "call", "purpose": "marketing", "brand": "acme",
                          "addresses": [_PHONE, "+12125550199"]})
    channel: Channel
    purpose: ContactPurpose
    brand: Brand | None = None
    dialing: Dialing | None = None  # rev. 2: as on a single lookup
    at: Instant | None = None
    known_at: Instant | None = None  # rev. 2: replay: only the facts recorded by then (default: now)
    # Any: a bad entry is that entry's error in the results, not the whole batch's.
    addresses: Annotated[list[Any], Field(max_length=1000)]


class SuppressionListIn(Strict):
    model_config = shown({"kind": "internal"})
    kind: SuppressionKind
    state: str | None = Field(None, description="a state list's two-letter state (e.g. FL)")


class EntriesIn(Strict):
    model_config = shown({"add": [_PHONE], "remove": []})
    add: Annotated[list[AddressText], Field(max_length=MAX_LIST_ENTRIES)] = []
    remove: Annotated[list[AddressText], Field(max_length=MAX_LIST_ENTRIES)] = []


# Events: the envelope. Its data is a command (``handlers.event_inputs.DATA_MODELS``); the types:
# vocabulary.EventType.


class EventIn(Strict):
    id: Id  # the idempotency id of the write the event causes
    type: EventType
    occurred_at: Instant
    source: Annotated[str, Field(min_length=1, max_length=128)]  # free text: who sent it, not a fact source
    data: dict[str, Any]


class EventsIn(Strict):
    # No example here: the fuzzer would send it as a full list of 100 valid events, each a write.
    # Any: a bad event is that event's result, not the whole request's error.
    events: Annotated[list[Any], Field(max_length=100)]


class ImportIn(Strict):
    """rev. 2: a bulk file in the import bucket, imported into a national or state list."""
    model_config = shown({"bucket": "registry-imports", "key": "imports/national-dnc/full/dnc-2026-11-30.txt",
                          "mode": "full", "version": "2026-11-30"})
    bucket: Annotated[str, Field(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]$")]
    key: Annotated[str, Field(min_length=1, max_length=1024)]
    mode: Literal["full", "changes"]
    # The copy's date; without it, a YYYY-MM-DD date in the key, else the object's LastModified date.
    version: date | None = None
