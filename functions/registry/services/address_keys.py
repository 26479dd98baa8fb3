"""The keyed hash that names a contact in the table.

A plain hash of a phone number is reversible by enumeration (there are only ~10^10 US
numbers), so the key is an HMAC with a secret: the table alone never reveals an address,
and an erased contact is still found, by the same HMAC, to keep its opt-outs.
"""
from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from ..settings import get_settings
from ..storage.contacts import contact_pk


@lru_cache(maxsize=1)
def _secret() -> bytes:
    settings = get_settings()
    if settings.address_hash_key:
        return settings.address_hash_key.encode()
    if settings.address_hash_key_parameter:
        from aws_lambda_powertools.utilities import parameters

        value = parameters.get_parameter(settings.address_hash_key_parameter, decrypt=True, max_age=3600)
        return str(value).encode()
    raise RuntimeError("set REGISTRY_ADDRESS_HASH_KEY or REGISTRY_ADDRESS_HASH_KEY_PARAMETER")


def address_hash(address: str) -> str:
    return hmac.new(_secret(), address.encode(), hashlib.sha256).hexdigest()


def contact_key(address: str) -> str:
    return contact_pk(address_hash(address))
