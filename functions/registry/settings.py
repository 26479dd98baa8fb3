"""All configuration, read once from the environment into one typed, immutable object."""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Mapping


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


_BASE_URL = re.compile(r"^https?://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~\-/]*)?$")


def _base_url(value: str | None) -> str | None:
    """REGISTRY_PUBLIC_BASE_URL: http(s)://host[:port][/path], without a trailing slash."""
    value = (value or "").strip().rstrip("/")
    if value and not _BASE_URL.match(value):
        raise ValueError("REGISTRY_PUBLIC_BASE_URL must be http(s)://host[:port][/path]")
    return value or None


@dataclass(frozen=True)
class Settings:
    table_name: str = "registry"
    aws_region: str = "us-east-1"
    phone_default_region: str = "US"
    # Key for the keyed hash (HMAC) that names every contact in the table. Either the value
    # itself (local stack, tests) or the name of an SSM SecureString parameter (AWS).
    address_hash_key: str | None = None
    address_hash_key_parameter: str | None = None
    brand_policies: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Preference-center links: the HMAC key that signs their tokens (the value, or the name of an
    # SSM SecureString, as for the address hash key) and the public base URL they are built on
    # (never the request's Host). Without one, in AWS, links use the API's own default endpoint:
    # https://{the request context's apiId}.{api_domain}, api_domain being the template's
    # execute-api.{region}.{URL suffix}; with neither, no link can be issued (503).
    link_signing_key: str | None = None
    link_signing_key_parameter: str | None = None
    public_base_url: str | None = None
    api_domain: str | None = None
    # Lookups fail closed fast: a stalled DynamoDB must not hold a dialer past ~1 s.
    read_connect_timeout: float = 0.25
    read_timeout: float = 0.5
    read_max_attempts: int = 2
    # Writes may wait a little longer: a caller retries them, and nothing is contacted meanwhile.
    write_connect_timeout: float = 1.0
    write_timeout: float = 3.0
    write_max_attempts: int = 3
    batch_get_concurrency: int = 8
    api_key_cache_seconds: float = 30.0
    max_body_bytes: int = 1_048_576
    max_batch_addresses: int = 1000
    max_list_entries: int = 1000
    max_events: int = 100
    attempts_retention_days: int = 35
    idempotency_retention_days: int = 400
    history_page_size: int = 100
    service_name: str = "contact-registry"

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        policies = env.get("REGISTRY_BRAND_POLICIES")
        return cls(
            table_name=env.get("REGISTRY_TABLE", cls.table_name),
            aws_region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or cls.aws_region,
            phone_default_region=env.get("REGISTRY_PHONE_REGION", cls.phone_default_region),
            address_hash_key=env.get("REGISTRY_ADDRESS_HASH_KEY") or None,
            address_hash_key_parameter=env.get("REGISTRY_ADDRESS_HASH_KEY_PARAMETER") or None,
            brand_policies=json.loads(policies) if policies else {},
            link_signing_key=env.get("REGISTRY_LINK_SIGNING_KEY") or None,
            link_signing_key_parameter=env.get("REGISTRY_LINK_SIGNING_KEY_PARAMETER") or None,
            public_base_url=_base_url(env.get("REGISTRY_PUBLIC_BASE_URL")),
            api_domain=env.get("REGISTRY_API_DOMAIN") or None,
            read_connect_timeout=_float("REGISTRY_READ_CONNECT_TIMEOUT", cls.read_connect_timeout),
            read_timeout=_float("REGISTRY_READ_TIMEOUT", cls.read_timeout),
            read_max_attempts=_int("REGISTRY_READ_MAX_ATTEMPTS", cls.read_max_attempts),
            write_connect_timeout=_float("REGISTRY_WRITE_CONNECT_TIMEOUT", cls.write_connect_timeout),
            write_timeout=_float("REGISTRY_WRITE_TIMEOUT", cls.write_timeout),
            write_max_attempts=_int("REGISTRY_WRITE_MAX_ATTEMPTS", cls.write_max_attempts),
            batch_get_concurrency=_int("REGISTRY_BATCH_GET_CONCURRENCY", cls.batch_get_concurrency),
            api_key_cache_seconds=_float("REGISTRY_API_KEY_CACHE_SECONDS", cls.api_key_cache_seconds),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
