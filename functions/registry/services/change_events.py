"""Change events out: each record of the table's stream that changed what a contact may receive
becomes ``contact.permissions.changed`` events on the bus, at least once, in order per contact.

A record is a write of a contact's ``STATE`` item, before and after (NEW_AND_OLD_IMAGES). Both are
read into facts by the domain's own reader, and the domain says which scopes' statuses moved
(``domain.permission_changes``); nothing else is read but the brands' policies.

Order: Lambda reads a shard's records in order and, with ReportBatchItemFailures, checkpoints at
the lowest sequence number reported failed and sends everything after it again. So the first
record that cannot be published stops the batch: it and every record after it are reported
failed, and nothing after it is published in this run (a later record of the same contact
published now would reach a subscriber before the earlier one). Powertools' BatchProcessor goes
on after a failure, which is right for a queue and wrong here, so this loop is its own.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..domain.documents import facts_from_document
from ..domain.errors import RegistryError
from ..domain.facts import ContactFacts
from ..domain.permission_changes import DETAIL_TYPE, Cause, by_brand, detail, judged_at, scope_changes
from ..domain.timeutil import parse_instant, utc_now
from ..settings import get_settings
from ..storage import contacts as store
from ..storage import event_bus
from ..storage.errors import StorageError
from .failures import log_unreadable
from .policies import policy_for

log = logging.getLogger(__name__)

CONTACT_PREFIX = "C#"


def publish_records(records: Sequence[dict[str, Any]], now: datetime | None = None) -> list[str]:
    """Publishes the records' change events in order; the sequence numbers of the records that were
    not (the first failure and every record after it), for Lambda to send again."""
    now = now or utc_now()
    entries: list[event_bus.Entry] = []
    owners: list[int] = []  # the record each entry comes from
    stop = len(records)
    for index, record in enumerate(records):
        try:
            made = entries_of(record, now)
        except (StorageError, RegistryError) as err:  # unreadable, or a brand's policy could not be read
            log.warning("a stream record could not be turned into change events",
                        extra={"sequence": _sequence(record), "error": type(err).__name__})
            stop = index
            break
        entries += made
        owners += [index] * len(made)
    published = event_bus.publish(entries)
    if published < len(entries):
        stop = min(stop, owners[published])
    return [_sequence(record) for record in records[stop:]]


def _sequence(record: dict[str, Any]) -> str:
    return str((record.get("dynamodb") or {}).get("SequenceNumber") or "")


def is_contact_state(record: dict[str, Any]) -> bool:
    """What the event source's filter lets through: a contact's STATE item (the local poller sees all)."""
    keys = (record.get("dynamodb") or {}).get("Keys") or {}
    return (str((keys.get("pk") or {}).get("S", "")).startswith(CONTACT_PREFIX)
            and (keys.get("sk") or {}).get("S") == store.STATE)


def entries_of(record: dict[str, Any], now: datetime) -> list[event_bus.Entry]:
    """The events one stream record makes: none when no status moved."""
    if not is_contact_state(record) or record.get("eventName") == "REMOVE":
        return []
    images = record.get("dynamodb") or {}
    after = store.from_image(images["NewImage"])
    before = store.from_image(images["OldImage"]) if images.get("OldImage") else None
    # An erasure takes the address out of the item: its event names the address it had, once, so
    # each cache drops it (docs/decisions.md, "Change events").
    address = after.address or (before.address if before else None)
    if not address:
        return []  # an erased contact's record names no address: no cache holds it any more
    kind = after.kind or (before.kind if before else None) or ("email" if "@" in address else "phone")
    cause = _cause(after.last_change, before.last_change if before else None)
    at = judged_at(cause, now)
    changes = scope_changes(_facts(before, address, kind), _facts(after, address, kind), at, policy_for)
    source = get_settings().change_event_source
    return [event_bus.Entry(group=after.pk, source=source, detail_type=DETAIL_TYPE,
                            detail=detail(address, event, cause))
            for event in by_brand(changes, cause)]


def _facts(snapshot: store.Snapshot | None, address: str, kind: str) -> ContactFacts:
    if snapshot is None:
        return ContactFacts(address=address, kind=kind)
    try:
        return facts_from_document(address, kind, snapshot.state, snapshot.suppressions)
    except RegistryError as err:
        log_unreadable(snapshot.pk, err)
        raise


def _cause(new: dict[str, Any] | None, old: dict[str, Any] | None) -> Cause | None:
    """The fact the item says changed it; None when it does not say (a write that names none: the
    item's ``last_change`` is the one before)."""
    if not isinstance(new, dict) or new == old:
        return None
    try:
        return Cause(type=str(new["type"]), id=new.get("id"),
                     occurred_at=parse_instant(new["occurred_at"], "occurred_at"),
                     recorded_at=parse_instant(new["recorded_at"], "recorded_at"))
    except (KeyError, RegistryError):
        return None
