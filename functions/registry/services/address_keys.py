"""The keyed hash that names a contact in the table.

A plain hash of a phone number is reversible by enumeration (there are only ~10^10 US
numbers), so the key is an HMAC with a secret: the table alone never reveals an address,
and an erased contact is still found, by the same HMAC, to keep its opt-outs.
"""
from __future__ import annotations

import hashlib
import hmac

from ..settings import derived
from ..storage.contacts import contact_pk
from .secrets import read_secret

_secret = derived(lambda settings: read_secret(
    settings.address_hash_key, settings.address_hash_key_parameter,
    "REGISTRY_ADDRESS_HASH_KEY or REGISTRY_ADDRESS_HASH_KEY_PARAMETER"))


def address_hash(address: str) -> str:
    return hmac.new(_secret(), address.encode(), hashlib.sha256).hexdigest()


def keyed_digest(purpose: str, text: str) -> str:
    """A keyed hash of anything else the table must recognise without holding it (a request id,
    a request body). ``purpose`` separates the uses, so no digest ever equals an address's."""
    return hmac.new(_secret(), f"{purpose}\x00{text}".encode(), hashlib.sha256).hexdigest()


def contact_key(address: str) -> str:
    return contact_pk(address_hash(address))
