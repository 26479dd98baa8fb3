"""The one retry policy of the registry's own loops: capped exponential backoff with full jitter.

Try ``n`` (0, 1, 2, ...) is preceded, from the second on, by a pause drawn uniformly from
``[0, min(cap, base * 2 ** (n - 1))]``. Full jitter spreads writers that collided apart at
once, and the cap bounds the longest pause (see docs/storage.md, "Timeouts and retries", for
where each policy is used and what it costs at worst).

    for attempt in CONFLICTS.attempts():
        try:
            return write()
        except VersionConflict:
            continue
    raise TooBusy()

botocore retries each request on its own (its standard mode, with the attempts in the
settings); these policies are for what a request's success can still leave undone: a
transaction another writer won, keys or items a batch left unprocessed, list entries that failed.
"""
from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass

# Jitter from the operating system's randomness, drawn per pause: no state made at import that every
# environment restored from one snapshot (Lambda SnapStart, template.yaml's LookupFunction) would share,
# pausing in step with the others.
_jitter = random.SystemRandom()


@dataclass(frozen=True)
class Backoff:
    tries: int  # in all, the first one included
    base: float  # seconds: the pause before the first retry is at most this
    cap: float  # seconds: no pause is longer

    def pause_before(self, attempt: int) -> float:
        """A random pause before try ``attempt`` (1 for the first retry)."""
        return _jitter.uniform(0, min(self.cap, self.base * 2 ** (attempt - 1)))

    def attempts(self) -> Iterator[int]:
        """0, 1, ... ``tries - 1``, sleeping before each but the first: leave the loop to stop."""
        for attempt in range(self.tries):
            if attempt:
                sleep(self.pause_before(attempt))
            yield attempt

    @property
    def longest_wait(self) -> float:
        """The most all the pauses can add up to (every draw at its bound)."""
        return sum(min(self.cap, self.base * 2 ** (n - 1)) for n in range(1, self.tries))


def sleep(seconds: float) -> None:
    """Every pause of every policy goes through here (tests watch it)."""
    time.sleep(seconds)


# A write that lost an optimistic-lock race (the contact's version moved) or a transaction DynamoDB
# cancelled with TransactionConflict: read again and retry. Eight writers racing on one contact
# need up to ~12 tries (tests/storage/test_concurrency.py); the pauses add up to at most ~12 s.
CONFLICTS = Backoff(tries=25, base=0.01, cap=0.64)
# Keys a BatchGetItem, or items a BatchWriteItem, left unprocessed (throttling): asked for again.
# Lookups read in batches, so this stays short: at most ~0.6 s of pauses in all.
UNPROCESSED = Backoff(tries=6, base=0.02, cap=0.32)
# List entries whose change failed (throttling, a conflict, a lost answer): tried once more, one
# at a time, after a short pause; an entry that was applied after all is recognised by its id.
ENTRIES = Backoff(tries=2, base=0.05, cap=0.05)
