"""What a storage failure means for the registry: the one place services turn ``StorageError``
into the registry's own errors.

- A stored item that cannot be read (``CorruptItem``): ``UnreadableRecord``, logged loudly (it
  needs a person). The registry cannot answer for that address, so it fails closed for it alone.
- Anything else storage raises and the service did not handle itself (DynamoDB down, throttled,
  a transaction cancelled for an unexpected reason): ``RegistryUnavailable``, with the message
  the caller will read. Callers must not contact (fail closed).

The storage error stays the cause of the registry's error: the CLI reads it to name the real
cause to an operator; an HTTP answer never shows it.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from ..domain.errors import RegistryUnavailable, UnreadableRecord
from ..storage.errors import CorruptItem, StorageError

log = logging.getLogger(__name__)

UNREADABLE_MESSAGE = "a stored record could not be read"


def log_unreadable(key: str, err: BaseException) -> None:
    """Loud: a record nobody can read needs a person. The key is a keyed hash, not an address."""
    log.error("stored record could not be read", extra={"pk": key, "cause": repr(err.__cause__ or err)})


def unreadable(err: CorruptItem, message: str = UNREADABLE_MESSAGE) -> UnreadableRecord:
    """The registry's error for an item that cannot be read, logged."""
    log_unreadable(err.key, err)
    error = UnreadableRecord(message)
    error.__cause__ = err
    return error


@contextmanager
def storage_failures(unavailable: str, unreadable_message: str = UNREADABLE_MESSAGE) -> Iterator[None]:
    """Storage errors that leave the block become the registry's: ``UnreadableRecord`` for an item
    that cannot be read, ``RegistryUnavailable(unavailable)`` for any other."""
    try:
        yield
    except CorruptItem as err:
        raise unreadable(err, unreadable_message) from err
    except StorageError as err:
        raise RegistryUnavailable(unavailable) from err
