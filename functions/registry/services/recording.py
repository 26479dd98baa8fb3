"""Recording facts: read the contact, apply the change, commit state + history + mark at once.

Concurrent writers to one contact are serialised by the state item's version: a writer that
loses the race re-reads and re-applies, so no update is lost. The idempotency mark sits in the
same transaction, so a retried request is applied exactly once.
"""
from __future__ import annotations

import hashlib
import json
import random
import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Callable

from ..domain import changes
from ..domain.addresses import Address
from ..domain.documents import document_from_facts
from ..domain.errors import Conflict, RegistryUnavailable, UnreadableRecord
from ..domain.facts import Attempt, Consent, ContactFacts, OptOut, Relationship, Undeliverable
from ..domain.timeutil import format_instant, sortable_instant, utc_now
from ..settings import get_settings
from ..storage import contacts as store
from .address_keys import contact_key
from .contact_facts import facts_of

# Tries per write under optimistic locking. Eight writers racing on one contact need up to ~12
# (tests/storage/test_concurrency.py); with the capped backoff below 25 tries stay within ~13 s.
MAX_TRIES = 25


@dataclass(frozen=True)
class WriteResult:
    record: dict[str, Any]
    created: bool  # False: the same id was applied before; record is the first answer


@dataclass(frozen=True)
class Change:
    """One fact to record: how it changes the facts, what history says, what the caller gets back."""

    type: str
    fact_id: str
    occurred_at: Any  # datetime
    source: str | None
    apply: Callable[[ContactFacts, datetime], ContactFacts]  # (facts, recorded_at) -> facts
    record: dict[str, Any]  # the request as recorded: what a repeated id must match
    history_data: dict[str, Any]
    # The answer, from the facts after the change; the record itself when None.
    respond: Callable[[ContactFacts], dict[str, Any]] | None = None
    # Facts the change implies (an opt-out from a do_not_contact disposition): their own history entries.
    implied: tuple[tuple[str, Any], ...] = ()  # (history type, fact with to_document())


def new_id() -> str:
    return str(uuid.uuid4())


def fingerprint(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "recorded_at"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def apply_change(address: Address, change: Change, actor: str | None = None) -> WriteResult:
    settings = get_settings()
    pk = contact_key(address.value)
    for attempt in range(MAX_TRIES):
        now = utc_now()
        try:
            snapshot = store.load_for_write(pk)
            facts = facts_of(snapshot, address)
            updated = change.apply(facts, now)
            recorded = format_instant(now)
            answer = change.respond(updated) if change.respond else change.record
            record = {**answer, "recorded_at": recorded}
            history = [store.HistoryRecord(
                sk=store.history_sk(sortable_instant(change.occurred_at), sortable_instant(now), change.fact_id),
                type=change.type, fact_id=change.fact_id, occurred_at=format_instant(change.occurred_at),
                recorded_at=recorded, source=change.source, data=change.history_data, actor=actor)]
            history += [store.HistoryRecord(
                sk=store.history_sk(sortable_instant(fact.occurred_at), sortable_instant(now), fact.id),
                type=kind, fact_id=fact.id, occurred_at=format_instant(fact.occurred_at), recorded_at=recorded,
                source=fact.source, data=_history(fact.to_document()), actor=actor) for kind, fact in change.implied]
            mark = store.MarkRecord(
                id=change.fact_id, request_hash=fingerprint(change.record), record=record, created_at=recorded,
                expires_at_epoch=int((now + timedelta(days=settings.idempotency_retention_days)).timestamp()))
            store.commit(pk, snapshot.version if snapshot else 0, address.value, address.kind,
                         document_from_facts(updated), recorded, history, mark)
            return WriteResult(record, True)
        except store.DuplicateWrite as dup:
            if dup.mark.request_hash != fingerprint(change.record):
                raise Conflict(f"id {change.fact_id} was already used for a different request", "id") from None
            return WriteResult(dup.mark.record, False)
        except store.VersionConflict:
            time.sleep(random.uniform(0, 0.01 * (2 ** min(attempt, 6))))
        except store.CorruptItem as err:
            raise UnreadableRecord("the contact's stored record could not be read; nothing was recorded") from err
        except store.StorageUnavailable as err:
            raise RegistryUnavailable("the registry could not be written; nothing was recorded") from err
    raise RegistryUnavailable("too many concurrent writes to this contact; nothing was recorded")


def _with_address(address: Address, doc: dict[str, Any]) -> dict[str, Any]:
    return {"address": address.value, **{k: v for k, v in doc.items() if k != "recorded_at"}}


def _history(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ("recorded_at", "id")}


def _record_fact(address: Address, type_: str, fact: Any, source: str | None,
                 add: Callable[[ContactFacts, Any, datetime], ContactFacts], actor: str | None,
                 implied: tuple[tuple[str, Any], ...] = ()) -> WriteResult:
    """A consent, opt-out, relationship or attempt: kept with the time it was recorded."""
    doc = fact.to_document()
    return apply_change(address, Change(type_, fact.id, fact.occurred_at, source,
                                        lambda facts, now: add(facts, replace(fact, recorded_at=now), now),
                                        _with_address(address, doc), _history(doc), implied=implied), actor)


def record_consent(address: Address, consent: Consent, actor: str | None = None) -> WriteResult:
    return _record_fact(address, "consent.granted", consent, consent.source,
                        lambda f, c, _: changes.add_consent(f, c), actor)


def record_opt_out(address: Address, opt_out: OptOut, actor: str | None = None) -> WriteResult:
    return _record_fact(address, "opt_out.recorded", opt_out, opt_out.source,
                        lambda f, o, _: changes.add_opt_out(f, o), actor)


def record_relationship(address: Address, relationship: Relationship, actor: str | None = None) -> WriteResult:
    return _record_fact(address, "relationship.recorded", relationship, relationship.source,
                        lambda f, r, _: changes.add_relationship(f, r), actor)


def record_attempt(address: Address, attempt: Attempt, actor: str | None = None) -> WriteResult:
    retention = get_settings().attempts_retention_days
    implied = (("opt_out.recorded", changes.opt_out_from_disposition(attempt)),) \
        if attempt.disposition == "do_not_contact" else ()
    return _record_fact(address, "contact.attempted", attempt, "dialer",
                        lambda f, a, now: changes.add_attempt(f, a, now, retention), actor, implied)


def update_preferences(address: Address, patch: dict[str, Any], request_id: str, source: str | None = None,
                       actor: str | None = None) -> WriteResult:
    """Preferences have no occurred_at of their own: they take effect when recorded."""
    from ..domain.facts import Preferences

    now = utc_now()
    shown = {k: v for k, v in Preferences(**patch).to_document().items() if k in patch}
    request = {"address": address.value, "id": request_id, "preferences": shown}
    return apply_change(address, Change(
        "preferences.updated", request_id, now, source or "api", lambda f, _: changes.update_preferences(f, patch),
        request, {"preferences": shown},
        respond=lambda f: {"address": address.value, "id": request_id, "preferences": f.preferences.to_document()}),
        actor)


def record_undeliverable(address: Address, marker: Undeliverable, fact_id: str, actor: str | None = None) -> WriteResult:
    doc = {"id": fact_id, **marker.to_document()}
    return apply_change(address, Change("contact.undeliverable", fact_id, marker.occurred_at, marker.source,
                                       lambda f, _: changes.add_undeliverable(f, marker),
                                       _with_address(address, doc),
                                       _history(doc)), actor)
