"""All configuration: one typed, immutable object, read from the environment when first asked for.

Nothing reads it at import: ``get_settings()`` reads the environment on its first call and keeps
the result; ``reset_settings()`` forgets it, so the next call reads the environment again. What
is made from the settings (DynamoDB connections, the keys, the policy book, the key cache) is made
through ``derived``, and is made again after a reset: a test changes a variable, calls
``reset_settings()``, and the whole registry runs with the new value.

Every field is read from ``REGISTRY_<FIELD>`` unless it names its variable (``REGISTRY_TABLE``,
``AWS_REGION``, ...); an empty variable counts as unset. The contract's own limits (1 MB
bodies, 1,000 addresses or entries, 100 events) are not configuration: they sit with the
request models that enforce them.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_BASE_URL = re.compile(r"^https?://[A-Za-z0-9.\-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~\-/]*)?$")


def _env(*names: str) -> Any:
    return Field(validation_alias=AliasChoices(*names))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", env_ignore_empty=True, extra="ignore", frozen=True,
                                      populate_by_name=True)

    table_name: str = Field("registry", validation_alias=AliasChoices("REGISTRY_TABLE", "table_name"))
    aws_region: str = Field("us-east-1", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION",
                                                                      "aws_region"))
    phone_default_region: str = Field("US", validation_alias=AliasChoices("REGISTRY_PHONE_REGION",
                                                                          "phone_default_region"))
    # Key for the keyed hash (HMAC) that names every contact in the table. Either the value
    # itself (local stack, tests) or the name of an SSM SecureString parameter (AWS).
    address_hash_key: str | None = None
    address_hash_key_parameter: str | None = None
    # JSON: brand -> overrides of the contract's default policy. Seeds only: a brand stored with
    # PUT /v1/brands/{brand} is read from the table (services.brands).
    brand_policies: Mapping[str, Mapping[str, Any]] = Field(default_factory=dict)
    # How long a function keeps a brand it read (its policy applies to every lookup): a change
    # made through another container applies everywhere within this many seconds.
    brand_cache_seconds: float = Field(30.0, ge=0)
    # Where brands' secrets (Twilio auth tokens) are kept: SSM SecureStrings under this path.
    brand_secrets_prefix: str = Field("/contact-registry/brands", pattern=r"^/[A-Za-z0-9_.\-/]+$")
    # Preference-center links: the HMAC key that signs their tokens (the value, or the name of an
    # SSM SecureString, as for the address hash key) and the public base URL they are built on
    # (never the request's Host). Without one, in AWS, links use the API's own default endpoint:
    # https://{the request context's apiId}.{api_domain}, api_domain being the template's
    # execute-api.{region}.{URL suffix}; with neither, no link can be issued (503).
    # The queue consumer (handlers.queue_consumer) sends a message that can never be read straight
    # to this dead-letter queue; without one, it leaves it to the queue's redrive policy.
    events_dead_letter_queue_url: str | None = None
    link_signing_key: str | None = None
    link_signing_key_parameter: str | None = None
    public_base_url: str | None = None
    api_domain: str | None = None
    # Lookups fail closed fast: a stalled DynamoDB must not hold a dialer past ~1 s.
    read_connect_timeout: float = 0.25
    read_timeout: float = 0.5
    read_max_attempts: int = Field(2, ge=1)
    # Writes may wait a little longer: a caller retries them, and nothing is contacted meanwhile.
    write_connect_timeout: float = 1.0
    write_timeout: float = 3.0
    write_max_attempts: int = Field(3, ge=1)
    batch_get_concurrency: int = Field(8, ge=1)
    api_key_cache_seconds: float = 30.0
    attempts_retention_days: int = 35
    idempotency_retention_days: int = 400
    history_page_size: int = Field(100, ge=1, le=1000)
    # GET /v1/reports/violations: the most attempts one page re-decides (bounds a page's time; docs/violations-report.md)
    violations_scan_limit: int = Field(5000, ge=1)
    # ... and the seconds after which a page stops taking more (it answers well inside API Gateway's 29 s)
    violations_page_seconds: float = Field(10.0, ge=0)
    # POST /webhooks/ses: the SNS topics whose messages are accepted (comma-separated ARNs, e.g. the
    # topic SES publishes bounces and complaints to). Empty: every SNS message is refused (403):
    # a stranger's own, validly signed topic must not post to the registry.
    ses_topic_arns: Annotated[tuple[str, ...], NoDecode] = ()
    # Fetching an SNS signing certificate (https://sns.<region>.amazonaws.com/...): bounded, then cached.
    sns_certificate_timeout: float = Field(3.0, gt=0)
    # Change events out: the EventBridge bus they are put on (the template's RegistryBus) and the
    # events' source.
    event_bus: str = Field("registry", validation_alias=AliasChoices("REGISTRY_EVENT_BUS", "event_bus"))
    change_event_source: str = "contact-registry"
    # Asking for a new preference link on the public form (issue 13; docs/link-recovery.md): at
    # most so many requests per address and per client (API Gateway's source IP) in each fixed
    # window, and no answer sooner than ``link_recovery_min_seconds`` after the request arrived,
    # whether the address is known or not (its time must not tell).
    link_recovery_address_limit: int = Field(3, ge=1)
    link_recovery_client_limit: int = Field(20, ge=1)
    link_recovery_window_seconds: int = Field(3600, ge=60)
    link_recovery_min_seconds: float = Field(0.5, ge=0, le=5)
    # Bulk list imports (docs/scale.md (e)): the queue the importer reads (S3 notifications of the
    # import bucket, and its own start and continuation messages), the bucket files are put in
    # (imports/{list}/full/... or imports/{list}/changes/...), and how much of the Lambda's time is
    # left when an import stops at a checkpoint and goes on in the next invocation.
    import_queue_url: str | None = None
    import_bucket: str | None = None
    import_checkpoint_ms: int = Field(120_000, ge=0)

    @field_validator("ses_topic_arns", mode="before")
    @classmethod
    def _topic_arns(cls, value: Any) -> Any:
        """A comma-separated list (a CloudFormation CommaDelimitedList joined), blanks dropped."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("public_base_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        """http(s)://host[:port][/path], kept without a trailing slash."""
        value = (value or "").strip().rstrip("/")
        if value and not _BASE_URL.match(value):
            raise ValueError("REGISTRY_PUBLIC_BASE_URL must be http(s)://host[:port][/path]")
        return value or None


_lock = threading.Lock()
_current: Settings | None = None


def get_settings() -> Settings:
    """The settings, read from the environment on the first call after start or reset."""
    global _current
    settings = _current
    if settings is None:
        with _lock:
            if _current is None:
                _current = Settings()
            settings = _current
    return settings


def reset_settings() -> None:
    """Forget the settings: the next ``get_settings()`` reads the environment again, and everything
    ``derived`` from them is made anew."""
    global _current
    with _lock:
        _current = None


T = TypeVar("T")


class derived(Generic[T]):
    """A value made from the settings, once per settings object: ``derived(build)()`` is
    ``build(get_settings())``, made again after ``reset_settings()``."""

    def __init__(self, build: Callable[[Settings], T]) -> None:
        self._build = build
        self._made: tuple[Settings, T] | None = None
        self._lock = threading.Lock()

    def __call__(self) -> T:
        settings = get_settings()
        made = self._made
        if made is None or made[0] is not settings:
            with self._lock:
                made = self._made
                if made is None or made[0] is not settings:
                    made = (settings, self._build(settings))
                    self._made = made
        return made[1]
