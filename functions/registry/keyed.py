"""Keyed hashes (HMAC-SHA256 under the address-hash key): how the table names what it must not hold.

A plain hash of a phone number is reversible by enumeration (there are only ~10^10 US numbers),
so every name the table gives an address, a request or an exchange of a bulk list is keyed with
a secret. It sits below storage and services (both use it: a contact's key is made by the
services, a bulk list's exchange key by storage), and reads the secret at first use.
"""
from __future__ import annotations

import hashlib
import hmac

from .settings import derived


def read_secret(value: str | None, parameter_name: str | None, env_names: str) -> bytes:
    """A secret from the environment (local stack, tests) or, in AWS, an SSM SecureString read once
    per container through Powertools Parameters."""
    if value:
        return value.encode()
    if parameter_name:
        from aws_lambda_powertools.utilities import parameters

        return str(parameters.get_parameter(parameter_name, decrypt=True, max_age=3600)).encode()
    raise RuntimeError(f"set {env_names}")


address_secret = derived(lambda settings: read_secret(
    settings.address_hash_key, settings.address_hash_key_parameter,
    "REGISTRY_ADDRESS_HASH_KEY or REGISTRY_ADDRESS_HASH_KEY_PARAMETER"))


def address_hash(address: str) -> str:
    return hmac.new(address_secret(), address.encode(), hashlib.sha256).hexdigest()


def keyed_digest(purpose: str, text: str) -> str:
    """A keyed hash of anything else the table must recognise without holding it (a request id,
    a request body, a list's exchange). ``purpose`` separates the uses, so no digest ever equals
    an address's."""
    return hmac.new(address_secret(), f"{purpose}\x00{text}".encode(), hashlib.sha256).hexdigest()
