"""The preference center: signed links, the person's page, their choices, one-click unsubscribe.

A link is a random id in the table (``storage.preference_links``: address, brand, expiry) and
two signed tokens for it (``domain.link_tokens``): one opens the page, the other only
unsubscribes (it travels in the ``List-Unsubscribe`` header, so it must not open the page and
its personal data). A token is verified before anything is read: a tampered one is 403, an
expired one 410, and neither touches the address. Every choice is recorded through
``services.recording`` with source ``preference_center``, so it is a fact like any other.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ..domain import link_tokens
from ..domain.addresses import Address, national, normalise
from ..domain.brands import normalise_brand, stored_brand
from ..domain.errors import Forbidden, Gone, InvalidRequest, RegistryError
from ..domain.facts import Consent, ContactFacts, OptOut
from ..domain.languages import DEFAULT_LANGUAGE
from ..domain.location import Whereabouts, known_zone, locate
from ..domain.profile import PageScope, PageStatus, page_scope
from ..domain.timeutil import format_instant, parse_instant, utc_now
from ..domain.vocabulary import ALL, CHANNELS, EVERY_BRAND, PURPOSES, Channel, Grade, Purpose, Source
from ..i18n import N_, gettext_for
from ..settings import derived, get_settings
from ..storage import preference_links as store
from . import brands, contact_facts, recording
from .address_keys import contact_key
from .failures import storage_failures
from .policies import policy_for
from .secrets import read_secret

DEFAULT_TTL_DAYS = 30
MAX_TTL_DAYS = 365
MAX_SNOOZE_DAYS = 365
SOURCE = Source.PREFERENCE_CENTER
# 2: the brand's own name (never "the sender"), the number as its country writes it, in the
# language the page was shown in (kept with it as ``disclosure_language``).
DISCLOSURE_VERSION = "preference-center-2"
PAGE_PATH = "/p/{token}"
UNSUBSCRIBE_PATH = "/p/{token}/unsubscribe"

# What the person sees for a scope: the scope's status (domain.profile.page_status), as the lookup has it.
SUBSCRIBED, NOT_SUBSCRIBED, OPTED_OUT, BLOCKED, UNDELIVERABLE, NEEDS_WRITTEN = (
    PageStatus.SUBSCRIBED, PageStatus.NOT_SUBSCRIBED, PageStatus.OPTED_OUT, PageStatus.BLOCKED,
    PageStatus.UNDELIVERABLE, PageStatus.NEEDS_WRITTEN)
IN, OUT, KEEP = "in", "out", "keep"
# The consent wording, one sentence per scope (so each language can say it its own way).
_DISCLOSURES: dict[tuple[str, str], str] = {
    (Channel.CALL, Purpose.MARKETING): N_(
        "I agree that %(brand)s may call me at %(address)s with marketing calls. "
        "I can change this at any time on this page."),
    (Channel.CALL, Purpose.INFORMATIONAL): N_(
        "I agree that %(brand)s may call me at %(address)s with informational calls. "
        "I can change this at any time on this page."),
    (Channel.SMS, Purpose.MARKETING): N_(
        "I agree that %(brand)s may text me at %(address)s with marketing messages. "
        "I can change this at any time on this page."),
    (Channel.SMS, Purpose.INFORMATIONAL): N_(
        "I agree that %(brand)s may text me at %(address)s with informational messages. "
        "I can change this at any time on this page."),
    (Channel.EMAIL, Purpose.MARKETING): N_(
        "I agree that %(brand)s may email me at %(address)s with marketing messages. "
        "I can change this at any time on this page."),
    (Channel.EMAIL, Purpose.INFORMATIONAL): N_(
        "I agree that %(brand)s may email me at %(address)s with informational messages. "
        "I can change this at any time on this page."),
}


_key = derived(lambda settings: read_secret(
    settings.link_signing_key, settings.link_signing_key_parameter,
    "REGISTRY_LINK_SIGNING_KEY or REGISTRY_LINK_SIGNING_KEY_PARAMETER"))


def signing_key() -> bytes:
    """The key that signs (and verifies) link tokens."""
    return _key()


# --- issuing and opening ---------------------------------------------------------------------

@dataclass(frozen=True)
class IssuedLink:
    url: str
    unsubscribe_url: str
    expires_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "unsubscribe_url": self.unsubscribe_url,
                "expires_at": format_instant(self.expires_at)}


@dataclass(frozen=True)
class Link:
    id: str
    address: Address
    brand: str
    created_at: datetime
    expires_at: datetime

    @property
    def actor(self) -> str:
        """Who recorded a choice, in the history: this link (not an API key)."""
        return f"preference-link:{self.id}"


def issue(address: Address, brand: str, ttl_days: int, base_url: str, now: datetime | None = None) -> IssuedLink:
    brand = normalise_brand(brand)
    if brand == EVERY_BRAND:
        raise InvalidRequest("a preference link is for one brand; '*' is only for opt-outs", "brand")
    if not 1 <= ttl_days <= MAX_TTL_DAYS:
        raise InvalidRequest(f"ttl_days must be 1 to {MAX_TTL_DAYS}", "ttl_days")
    now = now or utc_now()
    expires_at = (now + timedelta(days=ttl_days)).replace(microsecond=0)
    raw_id = secrets.token_bytes(link_tokens.ID_BYTES)
    link_id = link_tokens.b64(raw_id)
    with storage_failures("the link could not be stored; nothing was issued"):
        store.put(link_id, contact_key(address.value), address.value, address.kind, brand, format_instant(now),
                  format_instant(expires_at) or "")
    base = base_url.rstrip("/")
    page = link_tokens.sign(_key(), raw_id, expires_at, link_tokens.PAGE)
    unsubscribe = link_tokens.sign(_key(), raw_id, expires_at, link_tokens.UNSUBSCRIBE)
    return IssuedLink(base + PAGE_PATH.format(token=page), base + UNSUBSCRIBE_PATH.format(token=unsubscribe),
                      expires_at)


def open_link(token: str, purpose: str, now: datetime | None = None) -> Link:
    """The link a token stands for. Forbidden (403) if it is not genuine, Gone (410) if it was revoked
    (erasure deletes a person's links) or, for the page, if it expired. The unsubscribe URL never
    expires (contract rev. 2): it works as long as the link's record exists."""
    now = now or utc_now()
    try:
        claims = link_tokens.verify(_key(), token, purpose, now, check_expiry=purpose != link_tokens.UNSUBSCRIBE)
    except link_tokens.InvalidToken:
        raise Forbidden("this link is not valid", code="invalid_link") from None
    except link_tokens.ExpiredToken:
        raise Gone("this link has expired; ask the sender for a new one", code="link_expired") from None
    with storage_failures("the registry could not be read"):
        item = store.get(claims.link_id)
    if item is None:
        raise Gone("this link is no longer valid", code="link_expired")
    return Link(claims.link_id, Address(item.address, item.kind), stored_brand(item.brand),
                parse_instant(item.created_at, "created_at"), claims.expires_at)


# --- the page --------------------------------------------------------------------------------

ScopeView = PageScope  # channel, purpose, status (a PageStatus), consented


@dataclass(frozen=True)
class AddressView:
    ref: str  # names the address in the form; opaque and different for every link
    address: Address
    own: bool  # the link's own address; the others are the person's linked addresses (opt-out only)
    scopes: tuple[ScopeView, ...]
    facts: ContactFacts

    @property
    def display(self) -> str:
        """The link's own address in full (a number as its country writes it); linked ones masked
        (a forwarded email shows no phone number). English: the page words a linked number itself."""
        if self.own:
            return national(self.address.value) if self.address.kind == "phone" else self.address.value
        if self.address.kind == "phone":
            return f"your phone number ending in {self.address.value[-4:]}"
        local, _, domain = self.address.value.partition("@")
        return f"{local[:1]}***@{domain}"

    def scope(self, channel: str, purpose: str) -> ScopeView:
        return next(s for s in self.scopes if s.channel == channel and s.purpose == purpose)


@dataclass(frozen=True)
class PageView:
    link: Link
    addresses: tuple[AddressView, ...]
    preferred_channel: str | None
    snooze_until: datetime | None
    whereabouts: Whereabouts  # the link's own address's: a pause date ends in the person's own zone

    @property
    def channels(self) -> tuple[str, ...]:
        have = {c for a in self.addresses for c in a.address.channels}
        return tuple(c for c in CHANNELS if c in have)


def _ref(link: Link, address: Address) -> str:
    mac = hmac.new(_key(), f"ref.{link.id}.{address.value}".encode(), hashlib.sha256).hexdigest()
    return mac[:16]


def _address_view(link: Link, address: Address, facts: ContactFacts, own: bool, now: datetime) -> AddressView:
    policy = policy_for(link.brand)
    scopes = [page_scope(facts, channel, purpose, link.brand, now, policy)
              for channel in address.channels for purpose in PURPOSES]
    return AddressView(_ref(link, address), address, own, tuple(scopes), facts)


def _own_facts(link: Link) -> ContactFacts:
    facts, snapshot = contact_facts.load(link.address)
    if snapshot is not None and snapshot.erased_at is not None \
            and parse_instant(snapshot.erased_at, "erased_at") >= link.created_at:
        raise Gone("this link is no longer valid", code="link_expired")
    return facts


def page(link: Link, now: datetime | None = None) -> PageView:
    """Every channel of the person: the link's address and the addresses it is linked to."""
    now = now or utc_now()
    facts = _own_facts(link)
    views = [_address_view(link, link.address, facts, True, now)]
    linked = [a for a in contact_facts.linked_addresses([facts]) if a.value != link.address.value]
    if linked:
        loaded = contact_facts.load_many(linked)
        for a in linked:
            facts_of_linked = loaded[a.value]
            if not isinstance(facts_of_linked, ContactFacts):
                raise facts_of_linked  # unreadable: the page cannot show (or change) every channel
            views.append(_address_view(link, a, facts_of_linked, False, now))
    prefs = facts.preferences
    return PageView(link, tuple(views), prefs.preferred_channel, prefs.snooze_until,
                    locate(link.address.value, link.address.kind, prefs))


def disclosure(view: AddressView, channel: str, purpose: str, brand_name: str, language: str | None = None) -> str:
    """The words next to an opt-in, naming the brand as its pages do (``Brand.shown_name``), in the
    page's language: shown on the page and kept, word for word, as the consent's evidence."""
    return gettext_for(language)(_DISCLOSURES[(channel, purpose)]) % {"brand": brand_name, "address": view.display}


def brand_behind(token: str, purpose: str) -> str | None:
    """The brand of a genuine link whose page has expired (its error page names the brand); None
    for a token that is not genuine (it proves nothing), a link whose record is gone (erased), or
    when the registry cannot say. Never raises: it only dresses an error page."""
    try:
        claims = link_tokens.verify(_key(), token, purpose, utc_now(), check_expiry=False)
        with storage_failures("the registry could not be read"):
            item = store.get(claims.link_id)
        return stored_brand(item.brand) if item is not None else None
    except (link_tokens.InvalidToken, link_tokens.ExpiredToken, RegistryError):
        return None


def _start_of(day: date, where: Whereabouts) -> datetime:
    """A pause "until" a date ends as that day begins where the person is (their own time zone
    preference; UTC when they have none: a number's zones are a guess, and may be several)."""
    tz = known_zone(where.own_zone) or UTC
    try:
        return datetime.combine(day, time(0, 0), tz).astimezone(UTC)
    except OverflowError:  # 0001-01-01 east of UTC is before the calendar starts (it was a 500)
        raise InvalidRequest("pick a pause date after today", "snooze_until") from None


# --- choices ---------------------------------------------------------------------------------

UNCHANGED: Any = object()


@dataclass(frozen=True)
class Choices:
    scopes: Mapping[tuple[str, str, str], str]  # (address ref, channel, purpose) -> in | out
    preferred_channel: Any = UNCHANGED  # a channel, None to clear it, or UNCHANGED
    snooze_until: Any = UNCHANGED  # a date or an aware datetime, None to end the snooze, or UNCHANGED
    opt_out_all: bool = False


@dataclass(frozen=True)
class Applied:
    opt_outs: int = 0
    consents: int = 0
    preferences: int = 0


def apply(link: Link, choices: Choices, evidence: Mapping[str, str | None], now: datetime | None = None,
          language: str | None = None) -> Applied:
    """Record what the person chose, skipping what is already so (a form sent twice records nothing new).

    ``evidence``: ``form_url``, ``ip``, ``user_agent`` of the request, kept with every opt-in, with
    the consent wording in ``language``, the one the page was shown in.
    Opting out of everything wins over any opt-in sent with it.
    """
    now = now or utc_now()
    view = page(link, now)
    by_ref = {a.ref: a for a in view.addresses}
    if isinstance(choices.snooze_until, date) and not isinstance(choices.snooze_until, datetime):
        choices = replace(choices, snooze_until=_start_of(choices.snooze_until, view.whereabouts))
    for (ref, channel, purpose), choice in choices.scopes.items():
        target = by_ref.get(ref)
        if target is None or channel not in target.address.channels or purpose not in PURPOSES:
            raise InvalidRequest("the page has changed since it was opened; reload it and choose again")
        if choice == IN and not target.own:
            # A link proves who holds its own address only: it may opt the linked ones out, never in.
            raise InvalidRequest("you can agree to messages here only at the address this link was sent to; "
                                 "for your other addresses you can only opt out", "scope")
    if choices.preferred_channel not in (UNCHANGED, None) and choices.preferred_channel not in view.channels:
        raise InvalidRequest("the preferred channel must be one of your channels", "preferred_channel")
    if choices.snooze_until not in (UNCHANGED, None):
        if choices.snooze_until <= now:
            raise InvalidRequest("pick a pause date after today", "snooze_until")
        if choices.snooze_until > now + timedelta(days=MAX_SNOOZE_DAYS):
            raise InvalidRequest(f"a pause lasts at most {MAX_SNOOZE_DAYS} days", "snooze_until")

    opt_outs = consents = prefs = 0
    brand_name = brands.find(link.brand).shown_name
    if choices.opt_out_all:
        for target in view.addresses:
            if all(s.status == OPTED_OUT for s in target.scopes):
                continue
            recording.record_opt_out(target.address, OptOut(
                id=recording.new_id(), channels=frozenset({ALL}), purposes=frozenset({ALL}), brand=link.brand,
                source=SOURCE, occurred_at=now, note="preference center: opted out of everything"), link.actor)
            opt_outs += 1
    else:
        for (ref, channel, purpose), choice in sorted(choices.scopes.items()):
            target = by_ref[ref]
            scope = target.scope(channel, purpose)
            if choice == OUT and scope.status != OPTED_OUT:
                recording.record_opt_out(target.address, OptOut(
                    id=recording.new_id(), channels=frozenset({channel}), purposes=frozenset({purpose}),
                    brand=link.brand, source=SOURCE, occurred_at=now, note="preference center"), link.actor)
                opt_outs += 1
            elif choice == IN and not scope.consented:
                # rev. 2: a choice on the page is a written consent: the page is the disclosure, the
                # person's act through their own link the signature.
                proof = {"disclosure_text": disclosure(target, channel, purpose, brand_name, language),
                         "disclosure_version": DISCLOSURE_VERSION,
                         "disclosure_language": language or DEFAULT_LANGUAGE,
                         **{k: v for k, v in evidence.items() if v}, "signature": link.actor}
                recording.record_consent(target.address, Consent(
                    id=recording.new_id(), channels=frozenset({channel}), purposes=frozenset({purpose}),
                    brand=link.brand, source=SOURCE, occurred_at=now, evidence=proof, grade=Grade.WRITTEN),
                    link.actor)
                consents += 1

    patch: dict[str, Any] = {}
    if choices.preferred_channel is not UNCHANGED:
        patch["preferred_channel"] = choices.preferred_channel
    if choices.snooze_until is not UNCHANGED:
        patch["snooze_until"] = choices.snooze_until
    for target in view.addresses:  # the person's preferences hold for every address of theirs
        current = target.facts.preferences
        changed = {k: v for k, v in patch.items() if getattr(current, k) != v}
        if changed:
            recording.update_preferences(target.address, changed, recording.new_id(), source=SOURCE,
                                         actor=link.actor)
            prefs += 1
    return Applied(opt_outs, consents, prefs)


def unsubscribe(link: Link, now: datetime | None = None) -> tuple[str, ...]:
    """RFC 8058 one-click: the link's own address out of marketing for the link's brand, on its own
    channels (email for an email address). A second click finds it done and records nothing."""
    now = now or utc_now()
    view = _address_view(link, link.address, _own_facts(link), True, now)
    pending = frozenset(s.channel for s in view.scopes if s.purpose == Purpose.MARKETING and s.status != OPTED_OUT)
    if pending:
        recording.record_opt_out(link.address, OptOut(
            id=recording.new_id(), channels=pending, purposes=frozenset({Purpose.MARKETING}), brand=link.brand,
            source=SOURCE, occurred_at=now, note="one-click unsubscribe (RFC 8058)"), link.actor)
    return link.address.channels


def normalised(raw: str) -> Address:
    return normalise(raw, get_settings().phone_default_region)
