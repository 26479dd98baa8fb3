"""Reading a contact's facts from storage, one address or many, with the bulk lists it is on.

A lookup reads, in one BatchGetItem, the contact's state, the ``LISTS`` catalog and, for a NANP
number, its exchange's item in every national and state list (storage.lookup_reads): the bulk
memberships join those stored on the contact (internal and litigator lists), and the national
lists' copy dates ride along for ``list_stale``. An email has no exchange: no list items are read.

A contact whose stored record cannot be read (damaged, or written by a bug) is an
``UnreadableRecord`` (503, ``registry_unavailable``): the registry cannot answer for that
address, so it fails closed for it, and for it alone. It is never a 400 (the caller's request
was fine) and never fails the other addresses of a batch.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from ..domain.addresses import Address
from ..domain.documents import facts_from_document
from ..domain.errors import InvalidRequest, UnreadableRecord
from ..domain.exchange_bitmaps import exchange_of, has_line
from ..domain.facts import CheckedList, ContactFacts, SuppressionMembership
from ..domain.list_age import ListCopy
from ..domain.timeutil import parse_instant
from ..domain.vocabulary import SuppressionKind
from ..storage import contacts as store
from ..storage import list_exchanges as lists
from ..storage import lookup_reads
from ..storage.errors import CorruptItem
from .address_keys import contact_key
from .failures import log_unreadable, storage_failures, unreadable

READ_FAILED = "the registry could not be read"
CHANGED_WHEN_UNKNOWN = datetime.max.replace(tzinfo=UTC)
NATIONAL = SuppressionKind.NATIONAL


def facts_of(snapshot: store.Snapshot | None, address: Address,
             bulk: Sequence[SuppressionMembership] = (), copies: Sequence[ListCopy] = (),
             checked: Sequence[CheckedList] = ()) -> ContactFacts:
    """The contact's facts, with the bulk lists' memberships (``bulk``, read from their bitmaps) beside
    those stored on the contact, the national lists' copies (``copies``) for ``list_stale``, and the
    bulk lists the number was checked against (``checked``) for the receipt."""
    if snapshot is None:
        facts = ContactFacts(address=address.value, kind=address.kind)
    else:
        try:
            facts = facts_from_document(address.value, address.kind, snapshot.state, snapshot.suppressions)
        except UnreadableRecord as err:
            log_unreadable(snapshot.pk, err)
            raise
        # a record with no readable time of its last change counts as changed after any replay's known_at
        facts = replace(facts, changed_at=_instant(snapshot.updated_at) or CHANGED_WHEN_UNKNOWN,
                        memberships_changed_at=_memberships_changed_at(snapshot))
    if bulk:
        # a membership stored on the contact before its list moved to bitmaps counts once, as the bulk one
        own = tuple(m for m in facts.suppressions if (m.list_name, m.kind) not in {(b.list_name, b.kind) for b in bulk})
        facts = replace(facts, suppressions=tuple(sorted(own + tuple(bulk), key=lambda m: (m.list_name, m.kind))))
    if copies:
        facts = replace(facts, list_copies=tuple(copies))
    if checked:
        facts = replace(facts, checked_lists=tuple(checked))
    return facts


def _memberships_changed_at(snapshot: store.Snapshot) -> datetime | None:
    """When the contact's own memberships last changed; an older record that holds some but not the
    time (or an unreadable time) may have changed them any time."""
    if snapshot.memberships_changed_at is None:
        return CHANGED_WHEN_UNKNOWN if snapshot.suppressions else None
    return _instant(snapshot.memberships_changed_at) or CHANGED_WHEN_UNKNOWN


def _exchanges(addresses: Iterable[Address]) -> dict[str, tuple[str, int]]:
    """The exchange and line of each address that has one (a NANP number; never an email)."""
    out = {}
    for a in addresses:
        if a.kind == "phone" and (found := exchange_of(a.value)) is not None:
            out[a.value] = found
    return out


def _copies(catalog: lists.Catalog) -> tuple[ListCopy, ...]:
    return tuple(ListCopy(b.name, b.version) for b in catalog.lists if b.kind == NATIONAL and b.version is not None)


def _instant(text: str | None) -> datetime | None:
    try:
        return parse_instant(text, "instant") if text else None
    except InvalidRequest:
        return None


def _checked(catalog: lists.Catalog) -> tuple[CheckedList, ...]:
    return tuple(CheckedList(b.name, b.kind, b.version, _instant(b.refreshed_at)) for b in catalog.lists)


def _bulk(read: lookup_reads.LookupRead, where: tuple[str, int] | None) -> list[SuppressionMembership]:
    """The bulk lists the number is on; ``CorruptItem`` if one of its exchange items cannot be read."""
    if where is None:
        return []
    exchange, line = where
    out = []
    for bulk in read.catalog.lists:
        found = read.exchanges.get((bulk.name, exchange), lookup_reads.NOTHING)
        if isinstance(found, CorruptItem):
            raise found
        if has_line(found.bitmap, line):
            out.append(SuppressionMembership(bulk.name, bulk.kind, version=found.version, bulk=True, state=bulk.state))
    return out


def _facts(read: lookup_reads.LookupRead, address: Address, pk: str,
           where: tuple[str, int] | None, copies: tuple[ListCopy, ...]) -> ContactFacts:
    snapshot = read.contacts.get(pk)
    if isinstance(snapshot, CorruptItem):
        raise unreadable(snapshot)
    try:
        bulk = _bulk(read, where)
    except CorruptItem as corrupt:
        raise unreadable(corrupt) from corrupt
    return facts_of(snapshot, address, bulk, copies, _checked(read.catalog) if where else ())


def load(address: Address) -> tuple[ContactFacts, store.Snapshot | None]:
    """One BatchGetItem: the contact, the lists catalog and the number's exchange in each bulk list."""
    pk = contact_key(address.value)
    where = _exchanges([address]).get(address.value)
    with storage_failures(READ_FAILED):
        read = lookup_reads.read([pk], [where[0]] if where else [])
    facts = _facts(read, address, pk, where, _copies(read.catalog))
    snapshot = read.contacts.get(pk)
    return facts, snapshot if isinstance(snapshot, store.Snapshot) else None


def load_many(addresses: Sequence[Address]) -> dict[str, ContactFacts | UnreadableRecord]:
    """Facts per normalised address, through concurrent BatchGetItem calls that read the contacts and
    the bulk lists' exchanges together (numbers of one exchange share its items); an address whose
    record cannot be read maps to its ``UnreadableRecord`` (the others are answered as usual)."""
    keys = {a.value: contact_key(a.value) for a in addresses}
    where = _exchanges(addresses)
    with storage_failures(READ_FAILED):
        read = lookup_reads.read(list(keys.values()), {exchange for exchange, _ in where.values()})
    copies = _copies(read.catalog)  # the same for every address
    out: dict[str, ContactFacts | UnreadableRecord] = {}
    for a in addresses:
        try:
            out[a.value] = _facts(read, a, keys[a.value], where.get(a.value), copies)
        except UnreadableRecord as err:
            out[a.value] = err
    return out


def readable(loaded: Mapping[str, ContactFacts | UnreadableRecord]) -> dict[str, ContactFacts]:
    return {k: v for k, v in loaded.items() if isinstance(v, ContactFacts)}


def linked_addresses(facts: Iterable[ContactFacts]) -> list[Address]:
    """Other addresses of the same people. They were normalised when recorded, so the lookup path
    does not parse them again."""
    found: dict[str, Address] = {}
    for f in facts:
        for value in f.preferences.linked_addresses:
            found.setdefault(value, Address(value, "email" if "@" in value else "phone"))
    return list(found.values())


def load_keys(pks: Sequence[str]) -> dict[str, ContactFacts | UnreadableRecord | None]:
    """Facts per contact key (the violations report knows its contacts by key, from the attempts index):
    the contacts' state and the lists catalog in BatchGetItem pages, then the bulk lists' exchanges of the
    numbers found, shared by numbers of one exchange. None for a key with no state or no address (erased)."""
    with storage_failures(READ_FAILED):
        first = lookup_reads.read(list(pks), [])
    addresses: dict[str, Address] = {}
    out: dict[str, ContactFacts | UnreadableRecord | None] = {}
    for pk in pks:
        snapshot = first.contacts.get(pk)
        if isinstance(snapshot, CorruptItem):
            out[pk] = unreadable(snapshot)
        elif snapshot is None or not snapshot.address or snapshot.kind not in ("phone", "email"):
            out[pk] = None
        else:
            addresses[pk] = Address(snapshot.address, snapshot.kind)
    where = _exchanges(addresses.values())
    read = first
    if where and first.catalog.lists:
        with storage_failures(READ_FAILED):
            lists_read = lookup_reads.read([], {exchange for exchange, _ in where.values()})
        read = lookup_reads.LookupRead(first.contacts, lists_read.catalog, lists_read.exchanges)
    copies = _copies(read.catalog)
    for pk, address in addresses.items():
        try:
            out[pk] = _facts(read, address, pk, where.get(address.value), copies)
        except UnreadableRecord as err:
            out[pk] = err
    return out
