"""Rate-limit counters in the one table: one item per thing counted and fixed window.

``pk = RL#<scope>#<keyed hash>``, ``sk = W#<window start, epoch seconds>``: ``n`` (requests
counted) and ``expires_at_epoch`` (the table's TTL: the window's end and an hour's grace). The
hash is keyed (HMAC under the address-hash key): the item never holds an address or an IP in
clear. A new window is a new item, so an old window's item is never read again whatever TTL does.

``take`` counts one request with a single conditional ``UpdateItem`` (``ADD n 1`` on condition
the item is new or ``n < limit``): concurrent requests cannot both take the last place, and a
request over the limit writes nothing.
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute
from pynamodb.exceptions import UpdateError

from .errors import dynamodb
from .table import RegistryModel

PREFIX = "RL#"
WINDOW_PREFIX = "W#"
_CONDITION_FAILED = "ConditionalCheckFailedException"


class RateCounter(RegistryModel):
    class Meta(RegistryModel.Meta):
        write_path = True

    n = NumberAttribute(null=True)


def counter_key(scope: str, digest: str, window_start: int) -> tuple[str, str]:
    return f"{PREFIX}{scope}#{digest}", f"{WINDOW_PREFIX}{window_start}"


def take(scope: str, digest: str, window_start: int, limit: int, expires_at_epoch: int) -> bool:
    """Count one request in the window if fewer than ``limit`` were counted: True; else False
    (nothing written). ``StorageUnavailable`` when DynamoDB cannot be written."""
    if limit < 1:
        return False
    counter = RateCounter(*counter_key(scope, digest, window_start))
    with dynamodb("count a rate-limited request"):
        try:
            counter.update(actions=[RateCounter.n.add(1), RateCounter.expires_at_epoch.set(expires_at_epoch)],
                           condition=RateCounter.n.does_not_exist() | (RateCounter.n < limit))
        except UpdateError as err:
            if err.cause_response_code == _CONDITION_FAILED:
                return False
            raise
    return True


def counted(scope: str, digest: str, window_start: int) -> int:
    """The requests counted in the window (0 for none): for tests and operators."""
    with dynamodb("read a rate-limit counter"):
        try:
            item = RateCounter.get(*counter_key(scope, digest, window_start), consistent_read=True)
        except RateCounter.DoesNotExist:
            return 0
    return int(item.n or 0)
