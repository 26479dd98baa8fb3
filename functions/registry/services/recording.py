"""Recording facts: read the contact, apply the change, commit state + history + mark at once.

Concurrent writers to one contact are serialised by the state item's version: a writer that
loses the race re-reads and re-applies, so no update is lost. The idempotency mark sits in the
same transaction, so a retried request is applied exactly once. Marks are keyed by the request
id alone (one id, one request, whatever the address) and carry this call's request token, so a
write whose answer was lost and that botocore sent again reports what it did (created), not
"duplicate". Marks outlive erasure; facts dated before a contact's erasure are refused.
"""
from __future__ import annotations

import hmac
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from ..domain import changes
from ..domain.addresses import Address
from ..domain.documents import document_from_facts
from ..domain.errors import Conflict, ContactErased, RegistryUnavailable
from ..domain.facts import (
    Attempt,
    Consent,
    ContactFacts,
    OptOut,
    ReassignedCheck,
    Reassignment,
    Relationship,
    Undeliverable,
)
from ..domain.reassignment import reassignment_from_attempt, reassignment_from_check, reassignment_from_reply
from ..domain.timeutil import format_instant, parse_instant, sortable_instant, utc_now
from ..domain.vocabulary import Disposition, HistoryType, Source
from ..retry import CONFLICTS
from ..settings import get_settings
from ..storage import contacts as store
from .address_keys import contact_key, keyed_digest
from .contact_facts import facts_of
from .failures import storage_failures

WRITE_FAILED = "the registry could not be written; nothing was recorded"
UNREADABLE = "the contact's stored record could not be read; nothing was recorded"


@dataclass(frozen=True)
class WriteResult:
    record: dict[str, Any]
    created: bool  # False: the same id was applied before; record is the first answer


@dataclass(frozen=True)
class Change:
    """One fact to record: how it changes the facts, what history says, what the caller gets back."""

    type: HistoryType
    fact_id: str
    occurred_at: Any  # datetime
    source: str | None
    apply: Callable[[ContactFacts, datetime], ContactFacts]  # (facts, recorded_at) -> facts
    record: dict[str, Any]  # the request as recorded: what a repeated id must match
    history_data: dict[str, Any]
    # The answer, from the facts after the change; the record itself when None.
    respond: Callable[[ContactFacts], dict[str, Any]] | None = None
    # Facts the change implies (an opt-out from a do_not_contact disposition): their own history entries.
    implied: tuple[tuple[HistoryType, Any], ...] = ()  # (history type, fact with to_document())
    # The history's data from the facts as the write finds them (before the change); history_data when None.
    describe: Callable[[ContactFacts], dict[str, Any]] | None = None
    # Items of the contact's partition written with it (a consent request).
    side_items: tuple[store.SideItem, ...] = ()


def new_id() -> str:
    return str(uuid.uuid4())


def mark_key(request_id: str) -> str:
    """Where the idempotency mark of a request id lives: a keyed hash of the id alone, so an id is
    one request in the whole registry (whatever its address), and a client's id, which may hold
    anything, is not kept in clear."""
    return keyed_digest("request-id", request_id)


def fingerprint(record: dict[str, Any]) -> str:
    """A keyed hash of the request as recorded (its time of recording left out): what a repeated
    id must match. Keyed, because a plain hash of a small body (an address, a channel, a time) can
    be found by trying every phone number."""
    body = {k: v for k, v in record.items() if k != "recorded_at"}
    return keyed_digest("request", json.dumps(body, sort_keys=True, default=str))


def apply_change(address: Address, change: Change, actor: str | None = None) -> WriteResult:
    write = _Write(address, change, actor, token=new_id())
    with storage_failures(WRITE_FAILED, UNREADABLE):
        for _ in CONFLICTS.attempts():  # optimistic locking: a writer that lost the race reads again
            try:
                return write.once()
            except store.VersionConflict:
                continue
    raise RegistryUnavailable("too many concurrent writes to this contact; nothing was recorded")


@dataclass
class _Write:
    """One change to record, tried once per ``once()``: read the contact, apply, commit."""

    address: Address
    change: Change
    actor: str | None
    token: str  # this request: a mark that carries it was written by this very call

    def __post_init__(self) -> None:
        self.pk = contact_key(self.address.value)
        self.key = mark_key(self.change.fact_id)
        self.request_hash = fingerprint(self.change.record)

    def once(self) -> WriteResult:
        """The result; VersionConflict when another writer committed first."""
        address, change, actor = self.address, self.change, self.actor
        now = utc_now()
        facts: ContactFacts | None = None
        record: dict[str, Any] | None = None
        try:
            snapshot = store.load_for_write(self.pk)
            facts = facts_of(snapshot, address)
            erased_at = parse_instant(snapshot.erased_at, "erased_at") if snapshot and snapshot.erased_at else None
            own = changes.after_erasure(change.type, change.occurred_at, erased_at)
            implied = [(kind, fact) for kind, fact in change.implied
                       if own != changes.REFUSE
                       or changes.after_erasure(kind, fact.occurred_at, erased_at) != changes.REFUSE]
            if own == changes.REFUSE and not implied:
                existing = store.get_mark(self.key)
                if existing is None:
                    raise ContactErased(f"this address was erased at {format_instant(erased_at)}; facts dated before "
                                        "its erasure are not recorded", "occurred_at")
                raise store.DuplicateWrite(existing)
            recorded = format_instant(now)
            history = [] if own == changes.REFUSE else [store.HistoryRecord(
                sk=store.history_sk(sortable_instant(change.occurred_at), sortable_instant(now), change.fact_id),
                type=change.type, fact_id=change.fact_id, occurred_at=format_instant(change.occurred_at),
                recorded_at=recorded, source=change.source,
                data=change.describe(facts) if change.describe else change.history_data, actor=actor,
                indexed=change.type == HistoryType.CONTACT_ATTEMPTED)]
            history += [store.HistoryRecord(
                sk=store.history_sk(sortable_instant(fact.occurred_at), sortable_instant(now), fact.id),
                type=kind, fact_id=fact.id, occurred_at=format_instant(fact.occurred_at), recorded_at=recorded,
                source=fact.source, data=_history(fact.to_document()), actor=actor) for kind, fact in implied]
            if own == changes.REFUSE:
                # Only what erasure keeps: the opt-out a do_not_contact disposition implies, not the attempt.
                updated = facts
                for kind, fact in implied:
                    if kind in changes.KEPT_BY_ERASURE:
                        updated = changes.add_opt_out(updated, replace(fact, recorded_at=now))
            else:
                updated = change.apply(facts, now)
            stored_address: str | None = address.value
            if erased_at is not None and own != changes.ACCEPT:  # a late opt-out: kept as erasure keeps them
                updated = changes.strip_notes_until(updated, erased_at)
                history = [replace(h, data={k: v for k, v in (h.data or {}).items() if k != "note"}) for h in history]
                assert snapshot is not None  # erased_at came from it
                stored_address = snapshot.address  # it does not bring the erased address back
            answer = change.respond(updated) if change.respond else change.record
            record = {**answer, "recorded_at": recorded}
            retention = timedelta(days=get_settings().idempotency_retention_days)
            mark = store.MarkRecord(key=self.key, request_hash=self.request_hash, type=change.type, token=self.token,
                                    created_at=recorded, expires_at_epoch=int((now + retention).timestamp()))
            store.commit(self.pk, snapshot.version if snapshot else 0, stored_address, address.kind,
                         document_from_facts(updated), recorded, history, mark,
                         links=link_changes(self.pk, facts, updated),
                         side_items=change.side_items if own == changes.ACCEPT else ())
            return WriteResult(record, True)
        except store.DuplicateWrite as dup:
            return _repeated(dup.mark, change, self.request_hash, self.token, facts, record)


def _repeated(mark: store.StoredMark, change: Change, request_hash: str, token: str,
              facts: ContactFacts | None, record: dict[str, Any] | None) -> WriteResult:
    """The id was applied before. The same body: the first answer (201 if this very call applied it,
    its answer lost and the write sent again by botocore; else 200). Another body: 409."""
    if not hmac.compare_digest(mark.request_hash, request_hash):
        raise Conflict(f"id {change.fact_id} was already used for a different request", "id")
    if mark.token == token and record is not None:
        return WriteResult({**record, "recorded_at": mark.created_at}, True)
    # The mark keeps no personal data, so the answer is rebuilt: the request as recorded (the body
    # is the same) and when it was first recorded; preferences as they stand now.
    answer = change.respond(facts) if change.respond and facts is not None else change.record
    return WriteResult({**answer, "recorded_at": mark.created_at}, False)


def link_changes(pk: str, before: ContactFacts, after: ContactFacts) -> list[store.LinkChange]:
    """The ``R#`` items of the addresses this contact links to, kept in step with its preferences
    (in the same transaction), so erasing a linked address finds every contact that names it."""
    old, new = set(before.preferences.linked_addresses), set(after.preferences.linked_addresses)
    if old == new:
        return []
    return ([store.LinkChange(contact_key(a), pk, True) for a in sorted(new)]
            + [store.LinkChange(contact_key(a), pk, False) for a in sorted(old - new)])


def _with_address(address: Address, doc: dict[str, Any]) -> dict[str, Any]:
    return {"address": address.value, **{k: v for k, v in doc.items() if k != "recorded_at"}}


def _history(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in ("recorded_at", "id")}


def _record_fact(address: Address, type_: HistoryType, fact: Any, source: str | None,
                 add: Callable[[ContactFacts, Any, datetime], ContactFacts], actor: str | None,
                 implied: tuple[tuple[HistoryType, Any], ...] = ()) -> WriteResult:
    """A consent, opt-out, relationship or attempt: kept with the time it was recorded."""
    doc = fact.to_document()
    return apply_change(address, Change(type_, fact.id, fact.occurred_at, source,
                                        lambda facts, now: add(facts, replace(fact, recorded_at=now), now),
                                        _with_address(address, doc), _history(doc), implied=implied), actor)


def record_consent(address: Address, consent: Consent, actor: str | None = None) -> WriteResult:
    return _record_fact(address, HistoryType.CONSENT_GRANTED, consent, consent.source,
                        lambda f, c, _: changes.add_consent(f, c), actor)


def record_opt_out(address: Address, opt_out: OptOut, actor: str | None = None) -> WriteResult:
    return _record_fact(address, HistoryType.OPT_OUT_RECORDED, opt_out, opt_out.source,
                        lambda f, o, _: changes.add_opt_out(f, o), actor)


def undo_keyword_opt_out(address: Address, brand: str, occurred_at: datetime, fact_id: str, source: str,
                         actor: str | None = None) -> WriteResult:
    """START / UNSTOP (contract rev. 2): the sender's last keyword opt-out for the brand stops counting
    at ``occurred_at``, so the consents it stood against count again; nothing is granted. Recorded
    in the history (``opt_out.undone``) even when there was nothing to undo: the person said it.
    The answer names the opt-out undone (``undone``: its id, or None)."""
    request = {"address": address.value, "id": fact_id, "brand": brand, "occurred_at": format_instant(occurred_at),
               "source": source}
    # What is undone is decided from the contact as the write finds it (another reply may have landed).
    def describe(facts: ContactFacts) -> dict[str, Any]:
        target = changes.last_keyword_opt_out(facts, brand, occurred_at)
        return {"brand": brand, "undone": target.id if target is not None else None}

    def respond(facts: ContactFacts) -> dict[str, Any]:
        return {**request, "undone": next((o.id for o in facts.opt_outs if o.undone_by == fact_id), None)}

    return apply_change(address, Change(
        HistoryType.OPT_OUT_UNDONE, fact_id, occurred_at, source,
        lambda facts, now: changes.undo_keyword_opt_out(facts, brand, occurred_at, fact_id, now), request,
        {"brand": brand}, respond=respond, describe=describe), actor)


def record_relationship(address: Address, relationship: Relationship, actor: str | None = None) -> WriteResult:
    return _record_fact(address, HistoryType.RELATIONSHIP_RECORDED, relationship, relationship.source,
                        lambda f, r, _: changes.add_relationship(f, r), actor)


def record_attempt(address: Address, attempt: Attempt, actor: str | None = None) -> WriteResult:
    """An attempt, and what it implies, each with its own history entry: the opt-out of a
    ``do_not_contact`` disposition, the reassignment of a ``disconnected`` or ``wrong_party`` outcome."""
    retention = get_settings().attempts_retention_days
    implied: tuple[tuple[HistoryType, Any], ...] = ()
    if attempt.disposition == Disposition.DO_NOT_CONTACT:
        implied += ((HistoryType.OPT_OUT_RECORDED, changes.opt_out_from_disposition(attempt)),)
    if (reassignment := reassignment_from_attempt(attempt)) is not None:
        implied += ((HistoryType.NUMBER_REASSIGNED, reassignment),)
    return _record_fact(address, HistoryType.CONTACT_ATTEMPTED, attempt, Source.DIALER,
                        lambda f, a, now: changes.add_attempt(f, a, now, retention), actor, implied)


def record_reassigned_check(address: Address, check: ReassignedCheck, actor: str | None = None) -> WriteResult:
    """rev. 2: a reassigned-numbers check's answer, kept as evidence whatever it says; ``yes`` is also
    a reassignment at ``occurred_at`` (its own history entry, ``number.reassigned``)."""
    reassignment = reassignment_from_check(check)
    implied = ((HistoryType.NUMBER_REASSIGNED, reassignment),) if reassignment is not None else ()
    return _record_fact(address, HistoryType.REASSIGNED_CHECK_RECORDED, check, check.source,
                        lambda f, c, _: changes.add_reassigned_check(f, c), actor, implied)


def record_reassignment(address: Address, reassignment: Reassignment, actor: str | None = None) -> WriteResult:
    """rev. 2: the number now belongs to someone else: every consent and EBR of it at or before
    ``reassignment.occurred_at`` is void, for every brand and for good. Idempotent by its ``id``."""
    return _record_fact(address, HistoryType.NUMBER_REASSIGNED, reassignment, reassignment.source,
                        lambda f, r, _: changes.add_reassignment(f, r), actor)


def record_wrong_number(address: Address, opt_out: OptOut, actor: str | None = None) -> WriteResult:
    """rev. 2: an SMS reply saying "wrong number": its opt-out (under the reply's id) and the
    reassignment it implies (``reassignment_from_reply``: id ``<opt-out id>:reassigned``,
    cause ``wrong_number_reply``, at the reply's moment), in one transaction, each with its own
    history entry. The answer is the opt-out as recorded."""
    reassignment = reassignment_from_reply(opt_out)
    return _record_fact(address, HistoryType.OPT_OUT_RECORDED, opt_out, opt_out.source,
                        lambda f, o, _: changes.add_reassignment(
                            changes.add_opt_out(f, o), replace(reassignment, recorded_at=o.recorded_at)),
                        actor, ((HistoryType.NUMBER_REASSIGNED, reassignment),))


def update_preferences(address: Address, patch: dict[str, Any], request_id: str, source: str | None = None,
                       actor: str | None = None) -> WriteResult:
    """Preferences have no occurred_at of their own: they take effect when recorded."""
    from ..domain.facts import Preferences

    now = utc_now()
    source = source or Source.API
    patch = changes.preference_patch(patch, source)  # a timezone keeps who set it
    shown = {k: v for k, v in Preferences(**patch).to_document().items() if k in patch}
    request = {"address": address.value, "id": request_id, "preferences": shown}
    return apply_change(address, Change(
        HistoryType.PREFERENCES_UPDATED, request_id, now, source, lambda f, at: changes.update_preferences(f, patch, at),
        request, {"preferences": shown},
        respond=lambda f: {"address": address.value, "id": request_id, "preferences": f.preferences.to_document()}),
        actor)


def record_undeliverable(address: Address, marker: Undeliverable, fact_id: str, actor: str | None = None) -> WriteResult:
    doc = {"id": fact_id, **marker.to_document()}
    return apply_change(address, Change(HistoryType.CONTACT_UNDELIVERABLE, fact_id, marker.occurred_at, marker.source,
                                       lambda f, now: changes.add_undeliverable(f, replace(marker, recorded_at=now)),
                                       _with_address(address, doc),
                                       _history(doc)), actor)
