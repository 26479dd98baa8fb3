"""Reading a contact's facts from storage, one address or many."""
from __future__ import annotations

from typing import Iterable, Sequence

from ..domain.addresses import Address
from ..domain.documents import facts_from_document
from ..domain.errors import RegistryUnavailable
from ..domain.facts import ContactFacts
from ..storage import contacts as store
from .address_keys import contact_key


def facts_of(snapshot: store.Snapshot | None, address: Address) -> ContactFacts:
    if snapshot is None:
        return ContactFacts(address=address.value, kind=address.kind)
    return facts_from_document(address.value, address.kind, snapshot.state, snapshot.suppressions)


def load(address: Address) -> tuple[ContactFacts, store.Snapshot | None]:
    try:
        snapshot = store.load(contact_key(address.value))
    except store.StorageUnavailable as err:
        raise RegistryUnavailable("the registry could not be read") from err
    return facts_of(snapshot, address), snapshot


def load_many(addresses: Sequence[Address]) -> dict[str, ContactFacts]:
    """Facts per normalised address, through concurrent BatchGetItem calls."""
    keys = {a.value: contact_key(a.value) for a in addresses}
    try:
        snapshots = store.load_many(list(keys.values()))
    except store.StorageUnavailable as err:
        raise RegistryUnavailable("the registry could not be read") from err
    return {a.value: facts_of(snapshots.get(keys[a.value]), a) for a in addresses}


def linked_addresses(facts: Iterable[ContactFacts]) -> list[Address]:
    """Other addresses of the same people. They were normalised when recorded, so the lookup path
    does not parse them again."""
    found: dict[str, Address] = {}
    for f in facts:
        for value in f.preferences.linked_addresses:
            found.setdefault(value, Address(value, "email" if "@" in value else "phone"))
    return list(found.values())
