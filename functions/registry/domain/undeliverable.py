"""When a channel is dead (the contract's undeliverable phone or email), and what disproves it.

A **report** says the channel is dead from a moment on: an undeliverable marker (an SES hard
bounce, a Twilio or dialer disconnect; kept for good) or an attempt whose outcome says so
(``disconnected`` on a call or text, ``bounced`` on an email). A later attempt on the channel that
**reached** the person (``answered``, ``delivered``) disproves every earlier report.

The state keeps attempts for 35 days only (``changes.add_attempt``); the markers stay. So that
pruning never brings back a marker an attempt had disproved, the attempt that *lifts* a report
(the first one to reach the person on that channel after it, ``lifting``) is kept however old it
is: at most one per report and channel, and with it every decision, at any moment, reads as before.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from .facts import Attempt, Undeliverable
from .vocabulary import CHANNELS, Channel, Outcome, UndeliverableReason

REACHED = frozenset({Outcome.ANSWERED, Outcome.DELIVERED})


def reports(markers: Iterable[Undeliverable], attempts: Iterable[Attempt], channel: str) -> list[tuple[datetime, str]]:
    """Every report that ``channel`` is dead: (from when, why)."""
    out = [(u.occurred_at, u.reason) for u in markers if channel in u.channels]
    if channel in (Channel.CALL, Channel.SMS):
        # A dialer reporting the number disconnected is the contract's undeliverable phone.
        out += [(a.occurred_at, str(UndeliverableReason.DISCONNECTED)) for a in attempts
                if a.outcome == Outcome.DISCONNECTED and a.channel in (Channel.CALL, Channel.SMS)]
    elif channel == Channel.EMAIL:
        # An email attempt reported "bounced" (a soft failure is "failed") is a hard bounce.
        out += [(a.occurred_at, str(UndeliverableReason.HARD_BOUNCE)) for a in attempts
                if a.outcome == Outcome.BOUNCED and a.channel == Channel.EMAIL]
    return out


def reached(attempt: Attempt, channel: str) -> bool:
    """Whether the attempt reached the person on ``channel`` (which disproves earlier reports)."""
    return attempt.channel == channel and attempt.outcome in REACHED


def lifting(markers: Sequence[Undeliverable], attempts: Sequence[Attempt]) -> frozenset[str]:
    """The ids of the attempts that lift a report: for each report and channel, the first attempt
    after it that reached the person on that channel. Pruning keeps them."""
    out: set[str] = set()
    for channel in CHANNELS:
        reaching = sorted((a for a in attempts if reached(a, channel)), key=lambda a: (a.occurred_at, a.id))
        if not reaching:
            continue
        for when, _ in reports(markers, attempts, channel):
            first = next((a for a in reaching if a.occurred_at > when), None)
            if first is not None:
                out.add(first.id)
    return frozenset(out)
