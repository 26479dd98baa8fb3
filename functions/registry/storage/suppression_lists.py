"""Suppression-list definitions: ``pk = LIST#<name>``, ``sk = LIST``.

Memberships of internal and litigator lists live on contacts; those of national and state lists in
the exchange bitmaps (storage.list_exchanges), which also keeps ``entries``, ``version`` and
``refreshed_at`` here (and a copy in the ``LISTS`` catalog)."""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from .errors import dynamodb
from .table import RegistryModel

LIST = "LIST"


class SuppressionListItem(RegistryModel):
    name = UnicodeAttribute()
    kind = UnicodeAttribute()
    created_at = UnicodeAttribute()
    state = UnicodeAttribute(null=True)  # a state list's two-letter state
    entries = NumberAttribute(null=True)  # numbers on the list (counted as they are added and removed)
    version = UnicodeAttribute(null=True)  # yyyymmdd: the newest full copy in force (bulk lists)
    refreshed_at = UnicodeAttribute(null=True)  # when that copy was entirely in force
    rev = NumberAttribute(null=True)  # updates of the counts: the catalog keeps the newest


def list_pk(name: str) -> str:
    return f"LIST#{name}"


def get(name: str) -> SuppressionListItem | None:
    with dynamodb("read a suppression list", reading=list_pk(name)):
        try:
            return SuppressionListItem.get(list_pk(name), LIST, consistent_read=True)
        except SuppressionListItem.DoesNotExist:
            return None


def create(name: str, kind: str, now: str, state: str | None = None) -> bool:
    """True when created; False when a list of that name already existed (caller compares kinds)."""
    item = SuppressionListItem(list_pk(name), LIST, name=name, kind=kind, created_at=now, state=state, entries=0,
                               rev=0)
    with dynamodb("create a suppression list"):
        try:
            item.save(condition=SuppressionListItem.pk.does_not_exist())
        except PutError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
    return True
