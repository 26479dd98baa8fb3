"""Preference-center links in the one table.

Two items per link, written together in one transaction, both expiring by the table's TTL:

* ``pk=LINK#<link id>, sk=LINK`` -- what the signed token stands for: the address, the brand,
  the contact's key. Opening a link is one GetItem on it.
* ``pk=C#<keyed hash of the address>, sk=L#<link id>`` -- a pointer in the contact's own
  partition, so erasure finds (and deletes) every link of the person with the Query it already
  makes over that partition.
"""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PynamoDBException
from pynamodb.transactions import TransactWrite

from .table import RegistryModel, write_connection

LINK_PREFIX = "LINK#"
LINK_SK = "LINK"
POINTER_PREFIX = "L#"


class LinkStorageUnavailable(Exception):
    """DynamoDB could not be read or written."""


class LinkItem(RegistryModel):
    address = UnicodeAttribute()
    kind = UnicodeAttribute()
    brand = UnicodeAttribute()
    contact = UnicodeAttribute()  # the contact's pk (C#<keyed hash>)
    created_at = UnicodeAttribute()


class LinkPointer(RegistryModel):
    """A link of this contact: sk names it; expires with it."""


def link_key(link_id: str) -> tuple[str, str]:
    return LINK_PREFIX + link_id, LINK_SK


def pointer_sk(link_id: str) -> str:
    return POINTER_PREFIX + link_id


def link_key_of_pointer(sk: str) -> tuple[str, str]:
    """The link item a contact's ``L#<id>`` pointer names."""
    return link_key(sk[len(POINTER_PREFIX):])


def put(link_id: str, contact_pk: str, address: str, kind: str, brand: str, created_at: str,
        expires_at_epoch: int) -> None:
    pk, sk = link_key(link_id)
    item = LinkItem(pk, sk, address=address, kind=kind, brand=brand, contact=contact_pk, created_at=created_at,
                    expires_at_epoch=expires_at_epoch)
    pointer = LinkPointer(contact_pk, pointer_sk(link_id), expires_at_epoch=expires_at_epoch)
    try:
        with TransactWrite(connection=write_connection()) as tx:
            tx.save(item, condition=LinkItem.pk.does_not_exist())
            tx.save(pointer, condition=LinkPointer.pk.does_not_exist())
    except (PynamoDBException, OSError) as err:
        raise LinkStorageUnavailable(type(err).__name__) from err


def get(link_id: str) -> LinkItem | None:
    """The link (consistent read: a link just issued opens at once); None if absent or erased."""
    try:
        return LinkItem.get(*link_key(link_id), consistent_read=True)
    except DoesNotExist:
        return None
    except (PynamoDBException, OSError) as err:
        raise LinkStorageUnavailable(type(err).__name__) from err

