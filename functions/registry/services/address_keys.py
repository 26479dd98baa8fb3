"""The keyed hash that names a contact in the table.

A plain hash of a phone number is reversible by enumeration (there are only ~10^10 US
numbers), so the key is an HMAC with a secret: the table alone never reveals an address,
and an erased contact is still found, by the same HMAC, to keep its opt-outs. The hashing
itself is ``registry.keyed`` (storage keys a bulk list's exchanges with it too).
"""
from __future__ import annotations

from ..keyed import address_hash, keyed_digest
from ..storage.contacts import contact_pk

__all__ = ["address_hash", "contact_key", "keyed_digest"]


def contact_key(address: str) -> str:
    return contact_pk(address_hash(address))
