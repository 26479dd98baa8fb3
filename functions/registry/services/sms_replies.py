"""An ``sms.inbound`` event: a reply read as the person means it (contract rev. 2, "SMS replies").

1. The brand: ``data.brand`` if given, else the brand whose ``sms_numbers`` hold ``data.to`` (one
   read), else unknown: an opt-out then covers every brand (``*``).
2. The words: the policy's, plus the brand's own stop words (for an unknown brand, every brand's:
   when in doubt the registry opts out).
3. What the reply means (``domain.sms_replies.read``), and what the registry does:

   - opt-out: sms, every purpose, for the brand, source ``sms_keyword``; the result carries the
     confirmation text and its ``send_by``;
   - wrong number: the same opt-out and the number's reassignment, in one transaction
     (``recording.record_wrong_number``);
   - START / UNSTOP: the sender's last keyword opt-out for the brand is undone; nothing granted;
   - YES: the consent of the number's open consent request (``services.consent_requests``);
   - HELP: nothing changes; the result carries the brand's help text as ``reply``;
   - anything else: nothing is recorded (the body may hold anything personal).

The reply's body is never stored: an opt-out's note names only the word that decided it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.addresses import Address
from ..domain.brand_settings import Brand
from ..domain.facts import OptOut
from ..domain.policy import SmsReplyWords
from ..domain.sms_replies import Reading, ReplyKind, read
from ..domain.vocabulary import ALL, EVERY_BRAND, Channel, EventAction, Source
from . import brands, consent_requests, recording
from .opt_out_confirmations import confirmation

SOURCE = Source.SMS_KEYWORD


@dataclass(frozen=True)
class Outcome:
    """What the reply did: ``created`` False when the same event was applied before."""

    action: EventAction
    created: bool = True
    reply: str | None = None
    confirmation: dict[str, Any] | None = None


# (actor) -> what happened. The reading and every check are done before it runs.
Step = Callable[[str | None], Outcome]


@dataclass(frozen=True)
class Reply:
    id: str
    sender: Address
    to: str | None
    body: str
    brand: str | None  # data.brand, normalised
    occurred_at: datetime


def brand_of(reply: Reply) -> str | None:
    """``data.brand``, else the brand that texts from ``data.to``; None when neither names one."""
    return reply.brand or brands.brand_of_number(reply.to)


def vocabulary(brand: str | None) -> SmsReplyWords:
    """The words the reply is read with: the brand's policy (its stop words added); for a reply to no
    known brand, the default words and every brand's stop words."""
    if brand is not None:
        return brands.policy_for(brand).sms_replies
    return brands.policy_for(EVERY_BRAND).sms_replies.with_stop_words(brands.every_stop_word())


def plan(reply: Reply) -> Step:
    """Read the reply (reads the brand and its words now) and say what applying it does."""
    brand = brand_of(reply)
    reading = read(reply.body, vocabulary(brand))
    if reading.opts_out:
        return _opt_out(reply, reading, brand or EVERY_BRAND)
    if reading.kind is ReplyKind.HELP:
        found: Brand = brands.find(brand or EVERY_BRAND)
        return lambda actor: Outcome(EventAction.HELP, reply=found.help_reply)
    if reading.kind is ReplyKind.RESUBSCRIBE:
        return _resubscribe(reply, brand or EVERY_BRAND)
    if reading.kind is ReplyKind.CONSENT:
        return _consent(reply, brand)
    return lambda actor: Outcome(EventAction.NONE)


def _opt_out(reply: Reply, reading: Reading, brand: str) -> Step:
    wrong_number = reading.kind is ReplyKind.WRONG_NUMBER
    note = f"sms reply: {reading.matched}" + (" (wrong number)" if wrong_number else "")
    opt_out = OptOut(id=reply.id, channels=frozenset({Channel.SMS}), purposes=frozenset({ALL}), brand=brand,
                     source=SOURCE, occurred_at=reply.occurred_at, note=note)

    def step(actor: str | None) -> Outcome:
        # a wrong number: the opt-out and the reassignment it implies, in one transaction
        record = recording.record_wrong_number if wrong_number else recording.record_opt_out
        result = record(reply.sender, opt_out, actor)
        return Outcome(EventAction.REASSIGNED if wrong_number else EventAction.OPTED_OUT, result.created,
                       confirmation=confirmation(reply.sender, opt_out, result.record.get("recorded_at")))
    return step


def _resubscribe(reply: Reply, brand: str) -> Step:
    def step(actor: str | None) -> Outcome:
        result = recording.undo_keyword_opt_out(reply.sender, brand, reply.occurred_at, reply.id, SOURCE, actor)
        action = EventAction.RESUBSCRIBED if result.record.get("undone") else EventAction.NONE
        return Outcome(action, result.created)
    return step


def _consent(reply: Reply, brand: str | None) -> Step:
    def step(actor: str | None) -> Outcome:
        result = consent_requests.answer_yes(reply.sender, brand, reply.occurred_at, reply.id, actor)
        if result is None:
            return Outcome(EventAction.NONE)  # no open request: an ordinary "yes", nothing recorded
        return Outcome(EventAction.OPTED_IN, result.created)
    return step
