"""Erasure: personal data and evidence go, the keyed hash and its opt-outs stay.

The state item is rewritten first, in one transaction with an erasure entry in the history,
so from that moment no lookup or profile shows personal data and the person stays suppressed.
The remaining history, idempotency marks and preference links are then deleted page by page;
an erasure that is interrupted there is simply sent again.
"""
from __future__ import annotations

import random
import time
from typing import Any

from ..domain import changes
from ..domain.addresses import Address
from ..domain.documents import document_from_facts
from ..domain.errors import NotFound, RegistryUnavailable
from ..domain.timeutil import format_instant, sortable_instant, utc_now
from ..storage import contacts as store
from ..storage import preference_links as links
from .address_keys import contact_key
from .contact_facts import facts_of
from .recording import MAX_TRIES, new_id

KEPT_HISTORY_TYPES = {"opt_out.recorded", "contact.erased", "suppression.added", "suppression.removed"}


def erase(address: Address, actor: str | None = None) -> dict[str, Any]:
    pk = contact_key(address.value)
    try:
        for attempt in range(MAX_TRIES):
            snapshot = store.load_for_write(pk)
            if snapshot is None:
                _scrub_history(pk)  # no record, but preference links issued for the address name it
                raise NotFound("the registry knows nothing about this address")
            erased = changes.erase(facts_of(snapshot, address))
            now = utc_now()
            stamp = format_instant(now)
            erasure_id = new_id()
            entry = store.HistoryRecord(
                sk=store.history_sk(sortable_instant(now), sortable_instant(now), erasure_id), type="contact.erased",
                fact_id=erasure_id, occurred_at=stamp, recorded_at=stamp, source="api", data={}, actor=actor)
            try:
                store.commit(pk, snapshot.version, None, snapshot.kind or address.kind, document_from_facts(erased),
                             stamp, [entry], None, erased_at=stamp, clear_address=True)
                break
            except store.VersionConflict:
                time.sleep(random.uniform(0, 0.01 * (2 ** min(attempt, 6))))
        else:
            raise RegistryUnavailable("too many concurrent writes to this contact; send the erasure again")
        _scrub_history(pk)
    except store.StorageUnavailable as err:
        raise RegistryUnavailable("erasure could not finish; send it again") from err
    return {"address": address.value, "erased": True, "erased_at": stamp, "opt_outs_kept": len(erased.opt_outs)}


def _scrub_history(pk: str) -> None:
    doomed: list[tuple[str, str]] = []
    for raw in store.all_items(pk):
        sk = raw["sk"]["S"]
        if sk.startswith(store.MARK_PREFIX):
            doomed.append((pk, sk))
        elif sk.startswith(links.POINTER_PREFIX):  # a preference link: the pointer and the link itself
            doomed += [(pk, sk), links.link_key_of_pointer(sk)]
        elif sk.startswith(store.HISTORY_PREFIX):
            entry = store.HistoryEntry.from_raw_data(raw)
            if entry.type not in KEPT_HISTORY_TYPES:
                doomed.append((pk, sk))
            elif entry.data and entry.data.get("note"):
                entry.data = {k: v for k, v in entry.data.items() if k != "note"}
                store.save_history(entry)
    store.delete_items(doomed)
