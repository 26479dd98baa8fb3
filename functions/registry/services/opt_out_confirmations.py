"""The confirmation an opt-out's result carries (contract rev. 2): the brand's one confirmation text
and the moment it must be sent by (when the registry received the opt-out, plus five minutes:
47 CFR 64.1200(a)(12)). A lookup with ``purpose=opt_out_confirmation`` allows that one text until
then (``domain.opt_out_confirmation``, the one rule).

Offered for an opt-out of a phone's texts that the person made themselves (a first-party source:
an SMS reply, an agent, a web form, ...), by ``sms.inbound``, ``opt_out.recorded`` and
``POST /v1/opt-outs`` alike; the same id again answers the same ``send_by`` (from when it was
first recorded).
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from ..domain import opt_out_confirmation as rule
from ..domain.addresses import Address
from ..domain.brand_settings import DEFAULT_CONFIRMATION_TEXT
from ..domain.errors import RegistryUnavailable
from ..domain.facts import OptOut
from ..domain.timeutil import format_instant, parse_instant
from . import brands

log = logging.getLogger(__name__)


def confirmation(address: Address, opt_out: OptOut, recorded_at: str | datetime | None) -> dict[str, Any] | None:
    """``{"text", "send_by"}`` for an opt-out just recorded (``recorded_at`` as the write answered
    it), or None when no confirmation text may follow it."""
    if address.kind != "phone" or not rule.confirmable(opt_out) or recorded_at is None:
        return None
    received = parse_instant(recorded_at, "recorded_at") if isinstance(recorded_at, str) else recorded_at
    return {"text": confirmation_text(opt_out.brand), "send_by": format_instant(rule.send_by(received))}


def confirmation_text(brand: str) -> str:
    """The brand's confirmation text. The opt-out is recorded by now: a brand that cannot be read
    must not turn that into a failure, so the default text stands in."""
    try:
        return brands.find(brand).confirmation
    except RegistryUnavailable:
        log.warning("brand unreadable: the default confirmation text is offered")
        return DEFAULT_CONFIRMATION_TEXT
