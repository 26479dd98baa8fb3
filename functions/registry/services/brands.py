"""Brands as a resource (contract rev. 2, "Brands"): storing them, finding them, their policy.

- ``put`` stores a brand (``PUT /v1/brands/{brand}``): a field sent replaces the stored one,
  ``null`` clears it, a field not sent is kept (the token is write-only, so a client that sends
  back what it read must not wipe it). The Twilio auth token goes to SSM as a SecureString
  (``storage.brand_secrets``) before the table is written; the table holds only that it is set.
- ``get`` / ``all_brands`` read them as they are stored now (``GET /v1/brands...``).
- ``find`` / ``policy_for`` are what every lookup and reply uses: the brand as stored, else as
  configuration seeds it (``REGISTRY_BRAND_POLICIES``), else the defaults; kept by the function
  for ``brand_cache_seconds`` (a lookup must not pay a read for its brand), and forgotten at once
  by the function that changed it. rev. 2: the brand's policy overrides are versions
  (``domain.policy_versions``), all kept in the brand's one item, so the version in force at any
  ``at`` is read from the same cached brand; a PUT with ``policy`` adds one (from now, or from a
  later ``policy_effective_from``), never edits one.
- ``brand_of_number`` is the brand that texts from a number: one read, at reply time, never cached
  (a number given to a brand a second ago already names it).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from ..domain.addresses import normalise
from ..domain.brand_settings import (
    MAX_SMS_NUMBERS,
    Brand,
    check_https_url,
    check_policy,
    check_stop_words,
    names_one_brand,
    unnamed,
)
from ..domain.brands import normalise_brand
from ..domain.errors import Conflict, InvalidAddress, InvalidRequest, RegistryError, RegistryUnavailable, UnreadableRecord
from ..domain.languages import check_languages
from ..domain.policy import Policy
from ..domain.policy_versions import (
    add_brand_version,
    brand_version_at,
    brand_versions_document,
    federal_at,
    parse_brand_versions,
)
from ..domain.timeutil import format_instant, parse_instant, utc_now
from ..retry import CONFLICTS
from ..settings import Settings, derived, get_settings
from ..storage import brand_secrets
from ..storage import brands as store
from .failures import storage_failures

FIELDS = ("sms_numbers", "help_text", "confirmation_text", "stop_words", "twilio_auth_token", "policy",
          "display_name", "logo_url", "privacy_url", "support_email", "support_phone", "languages")
# issue 13: the brand's face on its preference pages (stored and answered as they are kept)
FACE = ("display_name", "logo_url", "privacy_url", "support_email", "support_phone")


@dataclass(frozen=True)
class SetBrand:
    """``PUT /v1/brands/{brand}``: ``sent`` names the fields given (a None among them clears it)."""

    sent: frozenset[str]
    sms_numbers: tuple[str, ...] | None = None
    help_text: str | None = None
    confirmation_text: str | None = None
    stop_words: tuple[str, ...] | None = None
    twilio_auth_token: str | None = None
    policy: Mapping[str, Any] | None = None
    policy_effective_from: datetime | None = None  # rev. 2: when the overrides sent take effect (None: now)
    display_name: str | None = None
    logo_url: str | None = None
    privacy_url: str | None = None
    support_email: str | None = None
    support_phone: str | None = None
    languages: tuple[str, ...] | None = None


# --- what a brand answers ------------------------------------------------------------------------

def to_document(brand: Brand) -> dict[str, Any]:
    """The brand as ``GET /v1/brands/{brand}`` answers it: never the token, only whether it is set."""
    return {
        "brand": brand.name, "sms_numbers": list(brand.sms_numbers), "help_text": brand.help_text,
        "confirmation_text": brand.confirmation_text, "stop_words": list(brand.stop_words),
        "policy": dict(brand.overrides_at(utc_now())), "twilio_auth_token_set": brand.twilio_auth_token_set,
        "policy_versions": brand_versions_document(brand.versions),
        "seeded": not brand.stored,
        **{name: getattr(brand, name) for name in FACE}, "languages": list(brand.languages) or None,
        "created_at": format_instant(brand.created_at), "updated_at": format_instant(brand.updated_at),
    }


def _settings_document(brand: Brand) -> dict[str, Any]:
    return {"sms_numbers": list(brand.sms_numbers), "help_text": brand.help_text,
            "confirmation_text": brand.confirmation_text, "stop_words": list(brand.stop_words),
            "policy": dict(brand.policy), "twilio_auth_token_set": brand.twilio_auth_token_set,
            "policy_versions": brand_versions_document(brand.versions),
            **{name: getattr(brand, name) for name in FACE}, "languages": list(brand.languages)}


def _texts(raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise TypeError("expected a list of texts")
    return tuple(raw)


def _optional_text(raw: Any) -> str | None:
    if raw is not None and not isinstance(raw, str):
        raise TypeError("expected a text")
    return raw


def _from_stored(stored: store.StoredBrand) -> Brand:
    """The stored brand; UnreadableRecord if its settings are not what this code writes."""
    s = stored.settings
    try:
        policy = s.get("policy") or {}
        if not isinstance(policy, dict):
            raise TypeError("policy is not an object")
        # stored before versions were kept: its overrides are version 1, in force from the beginning
        versions = parse_brand_versions(s["policy_versions"]) if "policy_versions" in s else ()
        return Brand(name=stored.brand, sms_numbers=_texts(s.get("sms_numbers") or []),
                     help_text=_optional_text(s.get("help_text")),
                     confirmation_text=_optional_text(s.get("confirmation_text")),
                     stop_words=_texts(s.get("stop_words") or []), policy=policy, policy_versions=versions,
                     twilio_auth_token_set=bool(s.get("twilio_auth_token_set")),
                     display_name=_optional_text(s.get("display_name")), logo_url=_optional_text(s.get("logo_url")),
                     privacy_url=_optional_text(s.get("privacy_url")),
                     support_email=_optional_text(s.get("support_email")),
                     support_phone=_optional_text(s.get("support_phone")),
                     languages=_texts(s.get("languages") or []),
                     created_at=parse_instant(stored.created_at, "created_at"),
                     updated_at=parse_instant(stored.updated_at, "updated_at"))
    except (TypeError, ValueError, RegistryError) as err:
        raise UnreadableRecord("a stored brand could not be read") from err


# --- seeds: REGISTRY_BRAND_POLICIES --------------------------------------------------------------

def _seed(settings: Settings) -> dict[str, Brand]:
    seeds: dict[str, Brand] = {}
    for raw, overrides in settings.brand_policies.items():
        name = normalise_brand(raw)
        seeds[name] = Brand(name=name, policy=dict(check_policy(overrides)), stored=False)
    return seeds


_seeds = derived(_seed)


# --- the cache lookups read through ---------------------------------------------------------------

@dataclass(frozen=True)
class _Entry:
    until: float  # time.monotonic()
    brand: Brand
    made: dict[tuple[str, str], Policy] = field(default_factory=dict)  # the policies resolved, by version

    def rules_at(self, at: datetime) -> Policy:
        """The brand's policy in force at ``at``, resolved once per version."""
        key = (federal_at(at).name, str(getattr(brand_version_at(self.brand.versions, at), "number", "")))
        policy = self.made.get(key)
        if policy is None:
            policy = self.made[key] = self.brand.rules_at(at)
        return policy


class _Cache:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._entries: dict[str, _Entry] = {}
        self._every: tuple[float, tuple[Brand, ...]] | None = None
        self._tokens: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def every_brand(self) -> tuple[Brand, ...]:
        made = self._every
        if made is not None and made[0] > time.monotonic():
            return made[1]
        every = tuple(all_brands())
        with self._lock:
            self._every = (time.monotonic() + self.seconds, every)
        return every

    def get(self, name: str) -> _Entry:
        entry = self._entries.get(name)
        if entry is not None and entry.until > time.monotonic():
            return entry
        brand = _stored_or_seeded(name) or unnamed(name)
        entry = _Entry(time.monotonic() + self.seconds, brand)
        with self._lock:
            self._entries[name] = entry
        return entry

    def token(self, name: str) -> str | None:
        made = self._tokens.get(name)
        if made is not None and made[0] > time.monotonic():
            return made[1]
        with storage_failures("the registry could not read the brand's secret"):
            token = brand_secrets.get_twilio_token(name)
        with self._lock:
            self._tokens[name] = (time.monotonic() + self.seconds, token)
        return token

    def forget(self, name: str) -> None:
        with self._lock:
            self._entries.pop(name, None)
            self._tokens.pop(name, None)
            self._every = None


_cache = derived(lambda settings: _Cache(settings.brand_cache_seconds))


def find(name: str) -> Brand:
    """The brand as a lookup or a reply uses it (stored, else seeded, else the defaults); cached.
    RegistryUnavailable if it cannot be read (the caller fails closed)."""
    return _cache().get(name).brand


def policy_for(name: str, at: datetime | None = None) -> Policy:
    """The policy in force for a brand at ``at`` (default: now): the federal version then, the brand's
    overrides then, its stop words; cached with the brand (no read of its own)."""
    return _cache().get(name).rules_at(at or utc_now())


def twilio_token(name: str) -> str | None:
    """The brand's Twilio auth token (for its webhook), None when it has none (or no such brand is
    stored). Cached like the brand: SSM is read only for a brand whose record says a token is set,
    and at most once per ``brand_cache_seconds``. RegistryUnavailable if it cannot be read."""
    if not find(name).twilio_auth_token_set:
        return None
    return _cache().token(name)


def every_stop_word() -> tuple[str, ...]:
    """The stop words of every brand (a reply to a number no brand holds reads them all); cached."""
    return tuple(dict.fromkeys(w for b in _cache().every_brand() for w in b.stop_words))


def _stored_or_seeded(name: str) -> Brand | None:
    with storage_failures("the registry could not read the brand"):
        stored = store.get(name)
    if stored is not None:
        return _from_stored(stored)
    return _seeds().get(name)


# --- reading and writing -----------------------------------------------------------------------

def get(name: str) -> Brand | None:
    """The brand as it stands now (not cached); None if nothing is stored or seeded for it."""
    return _stored_or_seeded(name)


def all_brands() -> list[Brand]:
    """Every brand stored or seeded, in name order."""
    with storage_failures("the registry could not read the brands"):
        stored = {s.brand: _from_stored(s) for s in store.all_brands()}
    seeds = {name: brand for name, brand in _seeds().items() if name not in stored}
    return [b for _, b in sorted({**seeds, **stored}.items())]


def brands_with_overrides() -> list[str]:
    """For ``GET /v1/policy`` (a lookup): cached like a brand."""
    return [b.name for b in _cache().every_brand() if b.versions or b.stop_words]


def brand_of_number(raw: str | None) -> str | None:
    """The brand whose ``sms_numbers`` hold this number, read now (one GetItem); None for a number
    no brand holds, or a ``to`` that is no phone number (a short code the brand did not register)."""
    if not raw:
        return None
    try:
        number = normalise(raw, get_settings().phone_default_region)
    except (InvalidAddress, InvalidRequest):
        return None
    if number.kind != "phone":
        return None
    with storage_failures("the registry could not read the number's brand"):
        return store.brand_of_number(number.value)


def _numbers(raw: tuple[str, ...]) -> tuple[str, ...]:
    region = get_settings().phone_default_region
    out: list[str] = []
    for index, entry in enumerate(raw):
        number = normalise(entry, region, field=f"sms_numbers[{index}]")
        if number.kind != "phone":
            raise InvalidAddress("an sms number is a phone number (E.164)", f"sms_numbers[{index}]")
        if number.value not in out:
            out.append(number.value)
    if len(out) > MAX_SMS_NUMBERS:
        raise InvalidRequest(f"a brand has at most {MAX_SMS_NUMBERS} sms numbers", "sms_numbers")
    return tuple(out)


def _merged(current: Brand, command: SetBrand, now: datetime) -> Brand:
    changes: dict[str, Any] = {}
    sent = command.sent
    if "sms_numbers" in sent:
        changes["sms_numbers"] = _numbers(command.sms_numbers or ())
    for name in ("help_text", "confirmation_text"):
        if name in sent:
            changes[name] = getattr(command, name)
    if "stop_words" in sent:
        changes["stop_words"] = check_stop_words(command.stop_words or ())
    if "policy" in sent:
        versions = add_brand_version(current.versions, check_policy(command.policy or {}), now,
                                     command.policy_effective_from)
        changes["policy_versions"] = versions
        changes["policy"] = dict(versions[-1].overrides) if versions else {}  # the newest (readers before versions)
    elif command.policy_effective_from is not None:
        raise InvalidRequest("policy_effective_from is when the policy sent takes effect: send policy with it",
                             "policy_effective_from")
    changes.update(_face(command))
    if "twilio_auth_token" in sent:
        changes["twilio_auth_token_set"] = command.twilio_auth_token is not None
    changes.setdefault("policy_versions", current.versions)  # a seed's version 0 stays version 0
    return replace(current, **changes, stored=True, created_at=current.created_at or now, updated_at=now)


def _face(command: SetBrand) -> dict[str, Any]:
    """The page fields sent, checked: https URLs, an email, a phone number, supported languages."""
    sent = command.sent
    out: dict[str, Any] = {}
    if "display_name" in sent:
        out["display_name"] = command.display_name.strip() if command.display_name else None
        if command.display_name is not None and not out["display_name"]:
            raise InvalidRequest("display_name must not be blank", "display_name")
    for name in ("logo_url", "privacy_url"):
        if name in sent:
            value = getattr(command, name)
            out[name] = check_https_url(value, name) if value is not None else None
    if "support_email" in sent:
        out["support_email"] = None
        if command.support_email is not None:
            email = normalise(command.support_email, field="support_email")
            if email.kind != "email":
                raise InvalidAddress("support_email must be an email address", "support_email")
            out["support_email"] = email.value
    if "support_phone" in sent:
        out["support_phone"] = None
        if command.support_phone is not None:
            phone = normalise(command.support_phone, get_settings().phone_default_region, field="support_phone")
            if phone.kind != "phone":
                raise InvalidAddress("support_phone must be a phone number (E.164)", "support_phone")
            out["support_phone"] = phone.value
    if "languages" in sent:
        out["languages"] = check_languages(command.languages) if command.languages is not None else ()
    return out


def _instant(moment: datetime) -> str:
    text = format_instant(moment)
    assert text is not None
    return text


def _current(name: str) -> Brand:
    return _stored_or_seeded(name) or unnamed(name)


def check_name(raw: str) -> str:
    name = normalise_brand(raw)
    if not names_one_brand(name):
        raise InvalidRequest("a brand resource is one seller; '*' is only for opt-outs", "brand")
    return name


def put(name: str, command: SetBrand) -> tuple[Brand, bool]:
    """Store the brand; (the brand as stored, whether it was created). Conflict (409) when a number
    is another brand's; nothing is written then."""
    name = check_name(name)
    # every field checked before anything is written (the versions against the brand as it stands)
    _merged(_current(name), command, utc_now())
    if "twilio_auth_token" in command.sent:
        with storage_failures("the brand's secret could not be stored; nothing was changed"):
            if command.twilio_auth_token is None:
                brand_secrets.delete_twilio_token(name)
            else:
                brand_secrets.put_twilio_token(name, command.twilio_auth_token)
    try:
        for _ in CONFLICTS.attempts():
            with storage_failures("the registry could not read the brand"):
                stored = store.get(name)
            current = _from_stored(stored) if stored is not None else (_seeds().get(name) or unnamed(name))
            now = utc_now()
            brand = _merged(current, command, now)
            before = set(current.sms_numbers) if stored is not None else set()
            added = [n for n in brand.sms_numbers if n not in before]
            removed = sorted(before - set(brand.sms_numbers))
            with storage_failures("the brand could not be written; nothing was changed"):
                try:
                    store.put(name, _settings_document(brand), stored.version if stored else 0,
                              _instant(brand.created_at or now), _instant(now), added, removed)
                except store.BrandVersionConflict:
                    continue  # another writer changed it first: read it again
                except store.NumberTaken as taken:
                    index = brand.sms_numbers.index(taken.number)
                    raise Conflict(f"{taken.number} is another brand's sms number; a number belongs to one brand",
                                   f"sms_numbers[{index}]") from None
            return brand, stored is None
        raise RegistryUnavailable("too many concurrent changes to this brand; nothing was changed")
    finally:
        _cache().forget(name)
