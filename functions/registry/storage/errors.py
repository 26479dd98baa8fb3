"""What storage raises: one base, ``StorageError``, and one way in, ``dynamodb()``.

Every call to DynamoDB runs inside ``with dynamodb("what it does"):``, which turns whatever
PynamoDB, botocore or the network raise into ``StorageUnavailable``, with the original as its
cause (the CLI reads the cause to tell an operator what is wrong; an HTTP answer never shows it).
Storage never raises the domain's errors and knows nothing of HTTP: the services catch
``StorageError`` and say what it means for the registry (``services.failures``).

- ``StorageUnavailable``: DynamoDB could not be read or written (timeouts, throttling, 5xx,
  keys that stay unprocessed, a transaction cancelled for a reason nobody expected).
- ``CorruptItem``: a stored item that cannot be read (not JSON where JSON belongs, an attribute
  of the wrong type): the registry cannot answer for that key, and for it alone.
- ``ConditionFailed``: a write's condition did not hold and nothing was written; each module
  names its own (a stale version, an existing mark, a key id taken, ...), for the service to read.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

# What a DynamoDB call can raise when DynamoDB, or the way to it, fails.
FAILURES = (PynamoDBException, BotoCoreError, ClientError, OSError)
# What deserialising a damaged item raises (json.loads, int(), a missing or mistyped attribute).
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError)


class StorageError(Exception):
    """Base of everything storage raises."""


class StorageUnavailable(StorageError):
    """DynamoDB could not be read or written."""


class CorruptItem(StorageUnavailable):
    """A stored item that cannot be read; ``key`` names it (a keyed hash, never an address)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class ConditionFailed(StorageError):
    """A write's condition did not hold: nothing was written."""


@contextmanager
def dynamodb(action: str, reading: str | None = None) -> Iterator[None]:
    """Failures of DynamoDB inside the block become ``StorageUnavailable`` ("could not <action>").

    ``reading``: the key of the item the block deserialises; an item that cannot be read is then
    a ``CorruptItem`` under that key. Storage's own errors pass through unchanged. PynamoDB's
    ``DoesNotExist`` and ``TransactWriteError`` are PynamoDB exceptions too: a block that means
    to read them catches them inside.
    """
    try:
        yield
    except StorageError:
        raise
    except FAILURES as err:
        raise StorageUnavailable(f"could not {action}: {type(err).__name__}") from err
    except UNREADABLE as err:
        if reading is None:
            raise
        raise CorruptItem(reading) from err
