"""Reading a contact's facts from storage, one address or many."""
from __future__ import annotations

from typing import Iterable, Sequence

from ..domain.addresses import Address, normalise
from ..domain.documents import facts_from_document
from ..domain.errors import InvalidAddress, RegistryUnavailable
from ..domain.facts import ContactFacts
from ..settings import get_settings
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
    """Other addresses of the same people, normalised; ones that no longer parse are skipped."""
    region = get_settings().phone_default_region
    found: dict[str, Address] = {}
    for f in facts:
        for raw in f.preferences.linked_addresses:
            try:
                address = normalise(raw, region)
            except InvalidAddress:
                continue
            found.setdefault(address.value, address)
    return list(found.values())
