"""Reading a contact's facts from storage, one address or many.

A contact whose stored record cannot be read (damaged, or written by a bug) is an
``UnreadableRecord`` (503, ``registry_unavailable``): the registry cannot answer for that
address, so it fails closed for it, and for it alone. It is never a 400 (the caller's request
was fine) and never fails the other addresses of a batch.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..domain.addresses import Address
from ..domain.documents import facts_from_document
from ..domain.errors import UnreadableRecord
from ..domain.facts import ContactFacts
from ..storage import contacts as store
from .address_keys import contact_key
from .failures import log_unreadable, storage_failures, unreadable

READ_FAILED = "the registry could not be read"


def facts_of(snapshot: store.Snapshot | None, address: Address) -> ContactFacts:
    if snapshot is None:
        return ContactFacts(address=address.value, kind=address.kind)
    try:
        return facts_from_document(address.value, address.kind, snapshot.state, snapshot.suppressions)
    except UnreadableRecord as err:
        log_unreadable(snapshot.pk, err)
        raise


def load(address: Address) -> tuple[ContactFacts, store.Snapshot | None]:
    with storage_failures(READ_FAILED):
        snapshot = store.load(contact_key(address.value))
    return facts_of(snapshot, address), snapshot


def load_many(addresses: Sequence[Address]) -> dict[str, ContactFacts | UnreadableRecord]:
    """Facts per normalised address, through concurrent BatchGetItem calls; an address whose record
    cannot be read maps to its ``UnreadableRecord`` (the others are answered as usual)."""
    keys = {a.value: contact_key(a.value) for a in addresses}
    with storage_failures(READ_FAILED):
        snapshots = store.load_many(list(keys.values()))
    out: dict[str, ContactFacts | UnreadableRecord] = {}
    for a in addresses:
        snapshot = snapshots.get(keys[a.value])
        if isinstance(snapshot, store.CorruptItem):
            out[a.value] = unreadable(snapshot)
            continue
        try:
            out[a.value] = facts_of(snapshot, a)
        except UnreadableRecord as err:
            out[a.value] = err
    return out


def readable(loaded: Mapping[str, ContactFacts | UnreadableRecord]) -> dict[str, ContactFacts]:
    return {k: v for k, v in loaded.items() if isinstance(v, ContactFacts)}


def linked_addresses(facts: Iterable[ContactFacts]) -> list[Address]:
    """Other addresses of the same people. They were normalised when recorded, so the lookup path
    does not parse them again."""
    found: dict[str, Address] = {}
    for f in facts:
        for value in f.preferences.linked_addresses:
            found.setdefault(value, Address(value, "email" if "@" in value else "phone"))
    return list(found.values())
