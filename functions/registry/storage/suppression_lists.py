"""Suppression-list definitions: ``pk = LIST#<name>``, ``sk = LIST``. Memberships live on contacts."""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError

from .errors import dynamodb
from .table import RegistryModel

LIST = "LIST"


class SuppressionListItem(RegistryModel):
    name = UnicodeAttribute()
    kind = UnicodeAttribute()
    created_at = UnicodeAttribute()


def list_pk(name: str) -> str:
    return f"LIST#{name}"


def get(name: str) -> SuppressionListItem | None:
    with dynamodb("read a suppression list", reading=list_pk(name)):
        try:
            return SuppressionListItem.get(list_pk(name), LIST, consistent_read=True)
        except SuppressionListItem.DoesNotExist:
            return None


def create(name: str, kind: str, now: str) -> bool:
    """True when created; False when a list of that name already existed (caller compares kinds)."""
    item = SuppressionListItem(list_pk(name), LIST, name=name, kind=kind, created_at=now)
    with dynamodb("create a suppression list"):
        try:
            item.save(condition=SuppressionListItem.pk.does_not_exist())
        except PutError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
    return True
