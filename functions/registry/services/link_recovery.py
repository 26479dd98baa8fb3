"""A new preference link for a person whose link expired or was tampered with (issue 13, "no dead
ends"; docs/link-recovery.md).

``request_link`` is the whole rule, in this order:

1. The client (API Gateway's source IP, ``domain.link_recovery.client_key``) is counted: over its
   limit, ``TooManyRequests`` (429).
2. The address is normalised as everywhere (``InvalidAddress``, 400, says what is wrong with the
   text, never whether it is registered).
3. The address is counted, under its keyed hash (``address_hash``, the one that keys contacts and
   erased addresses), known or not: over its limit, 429. The 429 therefore says nothing about
   registration either.
4. Only if the registry knows the address (its contact exists and is not erased) a link is issued
   by ``preference_links.issue``, exactly as ``POST /v1/preference-links`` issues one, for the
   brand of the link the person came from when its token is genuine (an expired link's MAC still
   proves the registry signed it, and its record names the brand), else ``default``; and
   ``preference_link.requested`` is put on the bus for the brand's own sender to deliver.
   Nothing that goes wrong from here on changes the answer (a 503 for a known address only would
   tell who is registered): it is logged, without the address.
5. The answer comes no sooner than ``link_recovery_min_seconds`` after the request arrived, so a
   known address (a write and a PutEvents more) takes as long as an unknown one.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime

from .. import retry
from ..domain import link_recovery as rules
from ..domain import link_tokens
from ..domain.addresses import Address
from ..domain.brands import stored_brand
from ..domain.errors import InvalidRequest, TooManyRequests
from ..domain.timeutil import utc_now
from ..domain.vocabulary import DEFAULT_BRAND
from ..settings import get_settings
from ..storage import contacts as contact_store
from ..storage import event_bus, rate_limits
from ..storage import preference_links as link_store
from . import preference_links
from .address_keys import address_hash, contact_key, keyed_digest
from .failures import storage_failures

log = logging.getLogger(__name__)

ADDRESS, CLIENT = "address", "client"  # the counters' scopes
CLIENT_DIGEST_PURPOSE = "rate-client"
MAX_TOKEN_CHARS = 256


def trusted_token(token: str | None) -> str | None:
    """The token as given if the registry signed it (a page or an unsubscribe token, expired or
    not), else None: only a genuine token is carried on to the form."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    return token if _claims(token) is not None else None


def _claims(token: str) -> link_tokens.LinkClaims | None:
    key = preference_links.signing_key()
    for purpose in link_tokens.PURPOSES:
        try:
            return link_tokens.verify(key, token, purpose, utc_now(), check_expiry=False)
        except (link_tokens.InvalidToken, link_tokens.ExpiredToken):
            continue
    return None


def brand_of(token: str | None) -> str:
    """The brand a genuine token's link was issued for; ``default`` for no token, a tampered one,
    or a link whose record is gone (erased)."""
    claims = _claims(token) if token and len(token) <= MAX_TOKEN_CHARS else None
    if claims is None:
        return DEFAULT_BRAND
    with storage_failures("the registry could not be read"):
        item = link_store.get(claims.link_id)
    return stored_brand(item.brand) if item is not None else DEFAULT_BRAND


def _count(scope: str, digest: str, limit: int, now: datetime) -> None:
    window = rules.window_of(int(now.timestamp()), get_settings().link_recovery_window_seconds)
    with storage_failures("the registry could not be written"):
        allowed = rate_limits.take(scope, digest, window.start, limit, window.expires_at_epoch)
    if not allowed:
        raise TooManyRequests("too many requests for a new link; try again later")


def client_digest(source_ip: str | None) -> str:
    return keyed_digest(CLIENT_DIGEST_PURPOSE, rules.client_key(source_ip))


def request_link(raw_address: object, token: str | None, source_ip: str | None, base_url: str,
                 now: datetime | None = None) -> None:
    """Ask for a new link for ``raw_address`` (the form's text). Returns the same (nothing) whether
    or not the address is known; raises ``TooManyRequests``, ``InvalidAddress``/``InvalidRequest``
    or ``RegistryUnavailable`` (the counters cannot be written) alike for both."""
    started = time.monotonic()
    now = now or utc_now()
    settings = get_settings()
    _count(CLIENT, client_digest(source_ip), settings.link_recovery_client_limit, now)
    if not isinstance(raw_address, str) or not raw_address.strip():
        raise InvalidRequest("enter the email address or phone number the link was sent to", "address")
    address = preference_links.normalised(raw_address)
    _count(ADDRESS, address_hash(address.value), settings.link_recovery_address_limit, now)
    try:
        _send_if_known(address, token, base_url, now)
    except Exception as err:  # noqa: BLE001 - whatever fails for a known address must not show in the answer
        log.warning("a new preference link could not be sent", extra={"error": type(err).__name__})
    _pace(started, settings.link_recovery_min_seconds)


def _known(address: Address) -> bool:
    """A contact exists for the address and holds it (an erased one no longer does: the registry
    forgot the person, and a link would store the address in clear again)."""
    with storage_failures("the registry could not be read"):
        snapshot = contact_store.load(contact_key(address.value))
    return snapshot is not None and snapshot.address == address.value


def _send_if_known(address: Address, token: str | None, base_url: str, now: datetime) -> bool:
    if not _known(address):
        return False
    brand = brand_of(token)
    issued = preference_links.issue(address, brand, preference_links.DEFAULT_TTL_DAYS, base_url, now=now)
    entry = event_bus.Entry(
        group=contact_key(address.value), source=get_settings().change_event_source,
        detail_type=rules.DETAIL_TYPE,
        detail=rules.requested_detail(address.value, brand, issued.url, issued.unsubscribe_url,
                                      issued.expires_at, now))
    if event_bus.publish([entry]) != 1:
        log.warning("a new preference link was issued but not published on the bus")
        return False
    log.info("a new preference link was published on the bus")
    return True


def _pace(started: float, floor: float) -> None:
    """Answer no sooner than ``floor`` seconds after ``started``."""
    left = started + floor - time.monotonic()
    if left > 0:
        retry.sleep(left)  # every pause of the registry goes through retry.sleep (tests watch it)
    elif floor > 0:
        log.warning("asking for a new link took longer than its floor (REGISTRY_LINK_RECOVERY_MIN_SECONDS)",
                    extra={"seconds": round(floor - left, 3)})

