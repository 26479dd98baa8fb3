"""Domain facts from typed commands (``services.commands``): one path for the HTTP routes and for events.

Types and closed vocabularies are checked when a command is made (it is the request: a route's
body, an event's data); what needs the domain (addresses, channel pairing, brand ``*``, expiry
order) is checked here, and the command's input forms become the domain's values (lists become
sets, contact hours the domain's ``ContactHours``, the evidence a dict of the fields given).
``fact_id`` is the idempotency id: the command's own ``id`` when the caller gives none (an event
passes its envelope's id), else a new one.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..domain.addresses import Address, normalise
from ..domain.decide import check_question
from ..domain.errors import ChannelAddressMismatch, InvalidRequest
from ..domain.facts import (
    Attempt,
    Consent,
    ContactHours,
    OptOut,
    ReassignedCheck,
    Relationship,
    missing_written_evidence,
)
from ..domain.vocabulary import ALL, DEFAULT_BRAND, EVERY_BRAND, Channel, Grade, dialing_of
from ..settings import get_settings
from .command_fields import ContactHoursIn, Evidence
from .commands import (
    RecordAttempt,
    RecordConsent,
    RecordOptOut,
    RecordReassignedCheck,
    RecordRelationship,
    SetPreferences,
)
from .recording import new_id


def address(raw: object, field: str = "address") -> Address:
    return normalise(raw, get_settings().phone_default_region, field=field)


def check_channels(contact: Address, channels: Iterable[str], field: str = "channels") -> None:
    wrong = [c for c in channels if c != ALL and c not in contact.channels]
    if wrong:
        raise ChannelAddressMismatch(f"channel {wrong[0]} cannot reach a {contact.kind} address", field)


def _id(body: RecordConsent | RecordOptOut | RecordRelationship | RecordAttempt | SetPreferences
        | RecordReassignedCheck, fact_id: str | None) -> str:
    return fact_id or body.id or new_id()


def consent(body: RecordConsent, fact_id: str | None = None) -> tuple[Address, Consent]:
    contact = address(body.address)
    check_channels(contact, body.channels)
    if body.brand == EVERY_BRAND:
        raise InvalidRequest("a consent is given to one brand; '*' is only for opt-outs", "brand")
    if body.expires_at and body.expires_at <= body.occurred_at:
        raise InvalidRequest("expires_at must be after occurred_at", "expires_at")
    grade = body.grade or Grade.EXPRESS
    if grade == Grade.WRITTEN:
        check_written(body.evidence)
    return contact, Consent(id=_id(body, fact_id), channels=frozenset(body.channels),
                            purposes=frozenset(body.purposes), brand=body.brand or DEFAULT_BRAND,
                            source=body.source, occurred_at=body.occurred_at, expires_at=body.expires_at,
                            evidence=evidence(body.evidence), grade=grade)


def check_written(given: Evidence | None) -> None:
    """A ``written`` consent without its disclosure or its signature is refused (400), naming the field
    (the rule: ``domain.facts.missing_written_evidence``)."""
    name = missing_written_evidence(given.model_dump(exclude_none=True) if given is not None else None)
    if name is not None:
        raise InvalidRequest(f"a written consent needs evidence.{name} (prior express written consent: the "
                             "disclosure agreed to and the person's signature)", f"evidence.{name}")


def opt_out(body: RecordOptOut, fact_id: str | None = None) -> tuple[Address, OptOut]:
    contact = address(body.address)
    check_channels(contact, body.channels)
    channels = frozenset({ALL}) if ALL in body.channels else frozenset(body.channels)
    purposes = frozenset({ALL}) if ALL in body.purposes else frozenset(body.purposes)
    return contact, OptOut(id=_id(body, fact_id), channels=channels, purposes=purposes,
                           brand=body.brand or DEFAULT_BRAND, source=body.source, occurred_at=body.occurred_at,
                           note=body.note)


def relationship(body: RecordRelationship, fact_id: str | None = None) -> tuple[Address, Relationship]:
    contact = address(body.address)
    if body.brand == EVERY_BRAND:
        raise InvalidRequest("a relationship is with one brand", "brand")
    return contact, Relationship(id=_id(body, fact_id), kind=body.kind, brand=body.brand or DEFAULT_BRAND,
                                 occurred_at=body.occurred_at, source=body.source)


def attempt(body: RecordAttempt, fact_id: str | None = None) -> tuple[Address, Attempt]:
    contact = address(body.address)
    check_channels(contact, [body.channel], "channel")
    check_question(body.channel, body.purpose)  # the opt-out confirmation is a text
    if body.brand == EVERY_BRAND:
        raise InvalidRequest("an attempt is made for one brand", "brand")
    return contact, Attempt(id=_id(body, fact_id), channel=body.channel, purpose=body.purpose,
                            brand=body.brand or DEFAULT_BRAND, occurred_at=body.occurred_at, outcome=body.outcome,
                            disposition=body.disposition, dialing=dialing(body.channel, body.dialing))


def dialing(channel: str, given: str | None) -> str | None:
    """How a contact on the channel is placed: a call's as given (``manual`` when not), every sms
    ``autodialed`` whatever is said; an email has none, and saying one is a mistake (400)."""
    if channel == Channel.EMAIL and given is not None:
        raise InvalidRequest("email has no dialing; leave dialing out", "dialing")
    mode = dialing_of(channel, given)
    return mode.value if mode is not None else None


def reassigned_check(body: RecordReassignedCheck, fact_id: str | None = None) -> tuple[Address, ReassignedCheck]:
    contact = address(body.address)
    if contact.kind != "phone":
        raise InvalidRequest("a reassigned-numbers check is about a phone number", "address")
    if body.since > body.occurred_at.date():
        raise InvalidRequest("since must be on or before the day of the check (occurred_at)", "since")
    return contact, ReassignedCheck(id=_id(body, fact_id), result=body.result, since=body.since,
                                    occurred_at=body.occurred_at, source=body.source)


def preferences(contact: Address, body: SetPreferences, fact_id: str | None = None) -> tuple[dict[str, Any], str]:
    """The patch (only the preferences sent; null clears one) and the id to record it under."""
    if not body.sent:
        raise InvalidRequest("send at least one preference", None)
    patch: dict[str, Any] = {}
    for name in body.sent:
        value = getattr(body, name)
        if name == "linked_addresses":
            linked: list[str] = []
            for index, raw in enumerate(value or []):
                other = address(raw, field=f"linked_addresses[{index}]").value
                if other != contact.value and other not in linked:
                    linked.append(other)
            value = tuple(linked)
        elif isinstance(value, ContactHoursIn):
            value = contact_hours(value)
        patch[name] = value
    return patch, _id(body, fact_id)


def contact_hours(given: ContactHoursIn) -> ContactHours:
    return ContactHours(start=given.start, end=given.end, days=frozenset(given.days))


def evidence(given: Evidence | None) -> dict[str, Any] | None:
    """Only the fields given (a null one is not kept)."""
    return given.model_dump(exclude_none=True) if given is not None else None
