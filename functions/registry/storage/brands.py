"""Brands in the one table (contract rev. 2, "Brands").

* ``pk=BRANDS, sk=BRAND#<brand>``: the brand (its settings as one JSON document, a version for
  read-modify-write). Every brand sits in one small partition, so ``GET /v1/brands`` is one Query
  (a few dozen sellers, not millions), and a brand is one GetItem.
* ``pk=SMSNUMBER#<E.164>, sk=SMSNUMBER``: which brand texts from that number. The brand of an
  SMS reply is then one GetItem on the number it was sent to. A number belongs to one brand: the
  put is conditional on the number being free or already the brand's.

A brand and its numbers are written in one transaction (at most 100 items: see
``domain.brand_settings.MAX_SMS_NUMBERS``). The Twilio auth token is not here
(``storage.brand_secrets``).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from .errors import ConditionFailed, dynamodb
from .operations import Transaction, TransactionCancelled
from .table import RegistryModel

BRANDS_PK = "BRANDS"
BRAND_SK_PREFIX = "BRAND#"
NUMBER_PK_PREFIX = "SMSNUMBER#"
NUMBER_SK = "SMSNUMBER"


class BrandItem(RegistryModel):
    brand = UnicodeAttribute()
    settings = JSONAttribute()
    version = NumberAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()


class SmsNumberItem(RegistryModel):
    brand = UnicodeAttribute()


class BrandVersionConflict(ConditionFailed):
    """Another writer changed the brand first: read it again and re-apply."""


class NumberTaken(ConditionFailed):
    """A number the brand asked for is another brand's."""

    def __init__(self, number: str, owner: str | None) -> None:
        super().__init__(number)
        self.number = number
        self.owner = owner


@dataclass(frozen=True)
class StoredBrand:
    brand: str
    settings: dict[str, Any]
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, item: BrandItem) -> StoredBrand:
        settings = item.settings
        if not isinstance(settings, dict):
            raise TypeError("brand settings are not a JSON object")
        return cls(item.brand, settings, int(item.version), item.created_at, item.updated_at)


def brand_sk(brand: str) -> str:
    return BRAND_SK_PREFIX + brand


def number_pk(number: str) -> str:
    return NUMBER_PK_PREFIX + number


def get(brand: str) -> StoredBrand | None:
    with dynamodb("read a brand", reading=brand_sk(brand)):
        try:
            return StoredBrand.of(BrandItem.get(BRANDS_PK, brand_sk(brand), consistent_read=True))
        except DoesNotExist:
            return None


def all_brands() -> list[StoredBrand]:
    """Every stored brand, in name order (the sort key's)."""
    with dynamodb("list the brands", reading=BRANDS_PK):
        return [StoredBrand.of(item) for item in
                BrandItem.query(BRANDS_PK, BrandItem.sk.startswith(BRAND_SK_PREFIX), consistent_read=True)]


def brand_of_number(number: str) -> str | None:
    """The brand that texts from this number (one GetItem), or None."""
    with dynamodb("read an sms number", reading=number_pk(number)):
        try:
            return SmsNumberItem.get(number_pk(number), NUMBER_SK, consistent_read=True).brand
        except DoesNotExist:
            return None


def put(brand: str, settings: dict[str, Any], expected_version: int, created_at: str, now: str,
        added: Sequence[str], removed: Iterable[str]) -> int:
    """The brand's settings and its numbers, in one transaction; the new version.

    ``expected_version`` 0: the brand must not exist yet. ``added`` numbers must be free or the
    brand's already; ``removed`` ones are deleted only while they are still the brand's.
    Raises BrandVersionConflict, NumberTaken."""
    version = expected_version + 1
    item = BrandItem(BRANDS_PK, brand_sk(brand), brand=brand, settings=settings, version=version,
                     created_at=created_at, updated_at=now)
    condition = (BrandItem.sk.does_not_exist() if expected_version == 0
                 else BrandItem.version == expected_version)
    tx = Transaction("write a brand")
    tx.put("brand", item, condition=condition)
    labels: dict[str, str] = {}
    for index, number in enumerate(added):
        label = f"number{index}"
        labels[label] = number
        tx.put(label, SmsNumberItem(number_pk(number), NUMBER_SK, brand=brand),
               condition=SmsNumberItem.pk.does_not_exist() | (SmsNumberItem.brand == brand))
    for number in removed:
        # Still this brand's: the brand's settings (checked at ``expected_version`` in this very
        # transaction) list it, they are only ever written with their numbers, and no other brand
        # can take a number while it is this brand's (the conditional put above).
        tx.delete("gone", SmsNumberItem(number_pk(number), NUMBER_SK))
    try:
        tx.commit()
    except TransactionCancelled as err:
        cancelled = err.cancellation
        for label, number in labels.items():
            if cancelled.condition_failed(label):
                old = cancelled.old_item(label) or {}
                raise NumberTaken(number, (old.get("brand") or {}).get("S")) from err
        if cancelled.condition_failed("brand") or cancelled.conflict:
            raise BrandVersionConflict(brand) from err
        raise
    return version
