"""Preference-center links in the one table.

Two items per link, written together in one transaction. Neither expires (contract rev. 2): the
page's expiry is in its signed token, but the unsubscribe URL keeps working for as long as the
link's record exists, so the record lives until the person's erasure deletes it (about 250 bytes
for both items; docs/decisions.md "Preference center"). Links stored before carry a TTL at
their page's expiry and go then.

* ``pk=LINK#<link id>, sk=LINK`` -- what the signed token stands for: the address, the brand,
  the contact's key. Opening a link is one GetItem on it.
* ``pk=C#<keyed hash of the address>, sk=L#<link id>`` -- a pointer in the contact's own
  partition, so erasure finds (and deletes) every link of the person with the Query it already
  makes over that partition.
"""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from .errors import dynamodb
from .operations import Transaction
from .table import RegistryModel

LINK_PREFIX = "LINK#"
LINK_SK = "LINK"
POINTER_PREFIX = "L#"


class LinkItem(RegistryModel):
    address = UnicodeAttribute()
    kind = UnicodeAttribute()
    brand = UnicodeAttribute()
    contact = UnicodeAttribute()  # the contact's pk (C#<keyed hash>)
    created_at = UnicodeAttribute()
    page_expires_at = UnicodeAttribute(null=True)  # the page's; the record itself does not expire


class LinkPointer(RegistryModel):
    """A link of this contact: sk names it; erasure finds it here."""


def link_key(link_id: str) -> tuple[str, str]:
    return LINK_PREFIX + link_id, LINK_SK


def pointer_sk(link_id: str) -> str:
    return POINTER_PREFIX + link_id


def link_key_of_pointer(sk: str) -> tuple[str, str]:
    """The link item a contact's ``L#<id>`` pointer names."""
    return link_key(sk[len(POINTER_PREFIX):])


def put(link_id: str, contact_pk: str, address: str, kind: str, brand: str, created_at: str,
        page_expires_at: str) -> None:
    pk, sk = link_key(link_id)
    item = LinkItem(pk, sk, address=address, kind=kind, brand=brand, contact=contact_pk, created_at=created_at,
                    page_expires_at=page_expires_at)
    pointer = LinkPointer(contact_pk, pointer_sk(link_id))
    # The id is 128 random bits: a condition that fails means something is wrong, and the
    # cancellation goes up as it is (the registry could not write).
    tx = Transaction("store a preference link")
    tx.put("link", item, condition=LinkItem.pk.does_not_exist())
    tx.put("pointer", pointer, condition=LinkPointer.pk.does_not_exist())
    tx.commit()


def get(link_id: str) -> LinkItem | None:
    """The link (consistent read: a link just issued opens at once); None if absent or erased."""
    with dynamodb("read a preference link", reading=link_key(link_id)[0]):
        try:
            return LinkItem.get(*link_key(link_id), consistent_read=True)
        except DoesNotExist:
            return None

