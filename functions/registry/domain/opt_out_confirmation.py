"""The one text that confirms an opt-out (contract rev. 2; 47 CFR 64.1200(a)(12), FCC 24-24).

After a person opts out of texts, the sender may send one text that confirms it, within five
minutes of receiving the request; it is not a solicitation, so quiet hours, frequency caps and the
opt-out itself do not hold it back. One text, never a second, never later.

The rule, in one place (``refusal``; ``decide`` asks it for ``purpose=opt_out_confirmation``):

- The opt-out it confirms is the newest one (by the time the registry received it) that covers
  texts for the brand asked about (its brand or ``*``) and is in force at ``at``. None: there is
  nothing to confirm (``no_consent``: this purpose's basis is a fresh opt-out, and there is none).
- The text is allowed while ``at`` is within [received, ``send_by``], ``send_by`` = received + 5
  minutes, if that opt-out is one a confirmation may follow (``confirmable``: it covers texts and
  is the person's own act, a first-party source) and no attempt with this purpose was made or
  recorded since it. Otherwise ``opted_out``: the opt-out stands and its one exception is spent
  or never was.

Pure: the facts and the moment are passed in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .facts import ContactFacts, OptOut
from .policy import RULES, RuleId
from .timeutil import format_instant
from .vocabulary import ALL, EVERY_BRAND, FIRST_PARTY_SOURCES, OPT_OUT_CONFIRMATION, Channel, DenyReason

WINDOW_MINUTES = 5
WINDOW = timedelta(minutes=WINDOW_MINUTES)
RULE = RULES[RuleId.OPT_OUT_CONFIRMATION].citation  # 47 CFR 64.1200(a)(12)


def confirmable(opt_out: OptOut) -> bool:
    """An opt-out the one confirmation text may follow: of texts, by the person's own act."""
    return (Channel.SMS in opt_out.channels or ALL in opt_out.channels) and opt_out.source in FIRST_PARTY_SOURCES


def received_at(opt_out: OptOut) -> datetime:
    """When the registry received it (its ``recorded_at``; records from before that was kept: when it occurred)."""
    return opt_out.recorded_at or opt_out.occurred_at


def send_by(received: datetime) -> datetime:
    return received + WINDOW


@dataclass(frozen=True)
class Refusal:
    """Why the confirmation text may not go: the deny code and the words the decision's reason carries."""
    code: DenyReason
    message: str


def _covers_texts(opt_out: OptOut, brand: str) -> bool:
    return ((Channel.SMS in opt_out.channels or ALL in opt_out.channels)
            and (opt_out.brand == brand or opt_out.brand == EVERY_BRAND))


def refusal(facts: ContactFacts, brand: str, at: datetime) -> Refusal | None:
    """Why the one confirmation text may not go to this number for this brand at ``at``; None when it may."""
    covering = [o for o in facts.opt_outs if _covers_texts(o, brand) and o.in_force(at) and received_at(o) <= at]
    if not covering:
        return Refusal(DenyReason.NO_CONSENT,
                       f"no opt-out from texts for brand {brand} to confirm: a confirmation text follows an opt-out "
                       f"within {WINDOW_MINUTES} minutes ({RULE})")
    newest = max(covering, key=lambda o: (received_at(o), o.occurred_at))
    deadline = send_by(received_at(newest))
    when = format_instant(received_at(newest))
    if not confirmable(newest):
        return Refusal(DenyReason.OPTED_OUT, f"opted out of texts at {format_instant(newest.occurred_at)} "
                       f"(source {newest.source}): no confirmation text follows an opt-out the person did not make "
                       "themselves")
    sent = [a for a in facts.attempts if a.purpose == OPT_OUT_CONFIRMATION
            and (a.occurred_at >= newest.occurred_at
                 or (a.recorded_at is not None and a.recorded_at >= received_at(newest)))]
    if sent:
        return Refusal(DenyReason.OPTED_OUT, f"opted out of texts (received {when}); its one confirmation "
                       f"text was already sent at {format_instant(min(a.occurred_at for a in sent))}")
    if at > deadline:
        return Refusal(DenyReason.OPTED_OUT, f"opted out of texts (received {when}); its confirmation text "
                       f"could be sent until {format_instant(deadline)} ({RULE})")
    return None
