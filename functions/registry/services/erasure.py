"""Erasure: personal data and evidence go, the keyed hash and its opt-outs stay.

The state item is rewritten first, in one transaction with an erasure entry in the history (and
the removal of the reverse links of the addresses it linked to), so from that moment no lookup or
profile shows personal data and the person stays suppressed. The item keeps ``erased_at`` for
good: facts dated before it are refused from then on (``recording``), so a replayed request cannot
bring back what was erased.

Then the address is removed from every contact that links to it (found through the ``R#`` items
in its own partition, without a scan): their ``linked_addresses``, with a history entry, and every
copy of it in their history. Last, the contact's own history (opt-outs, list changes and the
erasure are kept), old-style idempotency marks and preference links are deleted. Idempotency marks
hold no personal data and are kept, so a replayed request id is still a duplicate. An erasure that
is interrupted is simply sent again.
"""
from __future__ import annotations

from typing import Any

from ..domain import changes
from ..domain.addresses import Address
from ..domain.documents import document_from_facts, facts_from_document, redact
from ..domain.errors import NotFound, RegistryUnavailable
from ..domain.timeutil import format_instant, sortable_instant, utc_now
from ..domain.vocabulary import HistoryType, Source
from ..retry import CONFLICTS
from ..storage import contacts as store
from ..storage import preference_links as links
from .address_keys import contact_key
from .contact_facts import facts_of
from .failures import storage_failures
from .recording import new_id

# What erasure keeps of the history: the facts it keeps (changes.KEPT_BY_ERASURE), itself, list changes.
KEPT_HISTORY_TYPES = changes.KEPT_BY_ERASURE | {HistoryType.CONTACT_ERASED, HistoryType.SUPPRESSION_ADDED,
                                                HistoryType.SUPPRESSION_REMOVED}


def erase(address: Address, actor: str | None = None) -> dict[str, Any]:
    pk = contact_key(address.value)
    with storage_failures("erasure could not finish; send it again"):
        linkers = store.linked_from(pk)
        for _ in CONFLICTS.attempts():
            snapshot = store.load_for_write(pk)
            if snapshot is None and not linkers:
                _scrub_history(pk)  # no record, but preference links issued for the address name it
                raise NotFound("the registry knows nothing about this address")
            facts = facts_of(snapshot, address)
            erased = changes.erase(facts)
            now = utc_now()
            stamp = format_instant(now)
            entry = _entry(now, HistoryType.CONTACT_ERASED, {}, actor)
            unlinked = [store.LinkChange(contact_key(other), pk, False) for other in facts.preferences.linked_addresses]
            try:
                store.commit(pk, snapshot.version if snapshot else 0, None,
                             (snapshot.kind if snapshot else None) or address.kind, document_from_facts(erased),
                             stamp, [entry], None, erased_at=stamp, clear_address=True, links=unlinked)
                break
            except store.VersionConflict:
                continue
        else:
            raise RegistryUnavailable("too many concurrent writes to this contact; send the erasure again")
        for linker in linkers:
            _unlink(linker, pk, address, actor)
        _scrub_history(pk)
    return {"address": address.value, "erased": True, "erased_at": stamp, "opt_outs_kept": len(erased.opt_outs)}


def _entry(now, type_: HistoryType, data: dict[str, Any], actor: str | None) -> store.HistoryRecord:
    stamp = format_instant(now)
    fact_id = new_id()
    return store.HistoryRecord(sk=store.history_sk(sortable_instant(now), sortable_instant(now), fact_id),
                               type=type_, fact_id=fact_id, occurred_at=stamp, recorded_at=stamp, source=Source.API,
                               data=data, actor=actor)


def _unlink(linker: str, pk: str, address: Address, actor: str | None) -> None:
    """Contact ``linker`` no longer names the erased address: not in its preferences (a history entry
    says a linked address was erased, without naming it), not in its history."""
    for _ in CONFLICTS.attempts():
        snapshot = store.load_for_write(linker)
        facts = facts_from_document(snapshot.address or "", snapshot.kind or "email", snapshot.state,
                                    snapshot.suppressions) if snapshot else None
        if snapshot is None or facts is None or address.value not in facts.preferences.linked_addresses:
            store.delete_items([(pk, store.linked_from_sk(linker))])  # a pointer left behind
            break
        remaining = tuple(a for a in facts.preferences.linked_addresses if a != address.value)
        now = utc_now()
        updated = changes.update_preferences(facts, {"linked_addresses": remaining}, now)
        entry = _entry(now, HistoryType.PREFERENCES_UPDATED,
                       {"preferences": {"linked_addresses": list(remaining)}, "cause": "linked address erased"},
                       actor)
        try:
            store.commit(linker, snapshot.version, None, snapshot.kind or address.kind, document_from_facts(updated),
                         format_instant(now), [entry], None, links=[store.LinkChange(pk, linker, False)])
            break
        except store.VersionConflict:
            continue
    else:
        raise RegistryUnavailable("too many concurrent writes to a linked contact; send the erasure again")
    for raw in store.all_items(linker):
        if raw["sk"]["S"].startswith(store.HISTORY_PREFIX):
            history = store.history_entry(raw)
            cleaned = redact(history.data, address.value)
            if cleaned != history.data:
                history.data = cleaned
                store.save_history(history)


def _scrub_history(pk: str) -> None:
    doomed: list[tuple[str, str]] = []
    for raw in store.all_items(pk):
        sk = raw["sk"]["S"]
        if sk.startswith(store.LEGACY_MARK_PREFIX):  # marks of old held the first answer, evidence and all
            doomed.append((pk, sk))
        elif sk.startswith(links.POINTER_PREFIX):  # a preference link: the pointer and the link itself
            doomed += [(pk, sk), links.link_key_of_pointer(sk)]
        elif sk.startswith(store.CONSENT_REQUEST_PREFIX):  # what was asked of the person: not kept
            doomed.append((pk, sk))
        elif sk.startswith(store.HISTORY_PREFIX):
            entry = store.history_entry(raw)
            if entry.type not in KEPT_HISTORY_TYPES:
                doomed.append((pk, sk))
            elif entry.data and entry.data.get("note"):
                entry.data = {k: v for k, v in entry.data.items() if k != "note"}
                store.save_history(entry)
    store.delete_items(doomed)
