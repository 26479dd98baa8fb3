"""Consent requests (contract rev. 2): ``POST /v1/consent-requests`` stores the double opt-in question
a seller texted; a ``YES`` reply from that number within 7 days records that consent
(``services.sms_replies``).

A request is one item in the contact's partition (``CR#<sent at>#<id>``, ``storage.contacts``),
written in the same transaction as its history entry (``consent.requested``) and its idempotency
mark, and dropped by the table a day after its 7 days (the consent a YES records carries the
request in its evidence: the disclosure, the request's id, the reply as the signature). The
contact's state item, which every lookup reads, does not grow with them. Erasure deletes them.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import Field

from ..domain import consent_requests as rule
from ..domain.addresses import Address
from ..domain.errors import ChannelAddressMismatch, InvalidRequest, RegistryError, UnreadableRecord
from ..domain.timeutil import format_instant, sortable_instant, stored_instant, utc_now
from ..domain.vocabulary import DEFAULT_BRAND, EVERY_BRAND, Channel, HistoryType, Source
from ..storage import contacts as store
from . import contact_facts, recording
from .address_keys import contact_key
from .command_fields import AddressText, Brand, Grade, Id, Instant, Purpose, Strict, shown
from .command_fields import Channel as ChannelField
from .fact_inputs import address as parse_address
from .fact_inputs import check_channels
from .failures import storage_failures

# The table keeps a request one day past its window: long enough for a late YES, no longer.
KEPT = rule.WINDOW + timedelta(days=1)


class RequestConsent(Strict):
    """``POST /v1/consent-requests``: the body is the command (one declaration, as ``services.commands``)."""

    model_config = shown({"address": "+14155550123", "channels": ["sms"], "purposes": ["marketing"],
                          "brand": "acme", "grade": "written", "occurred_at": "2026-11-28T12:00:00Z",
                          "disclosure_text": "Acme: reply YES to get marketing texts from Acme at this number, "
                                             "sent by an autodialer. Consent is not a condition of purchase."},
                         title="ConsentRequestIn")
    id: Id | None = None
    address: AddressText
    channels: Annotated[list[ChannelField], Field(min_length=1, max_length=2)]
    purposes: Annotated[list[Purpose], Field(min_length=1, max_length=2)]
    brand: Brand | None = None
    grade: Grade | None = None
    disclosure_text: Annotated[str, Field(min_length=1, max_length=rule.MAX_DISCLOSURE_LENGTH)]
    occurred_at: Instant


def _request(command: RequestConsent) -> tuple[Address, rule.ConsentRequest]:
    contact = parse_address(command.address)
    if Channel.SMS not in contact.channels:
        raise ChannelAddressMismatch("a consent request is sent by text: the address must be a phone number",
                                     "address")
    check_channels(contact, command.channels)
    if command.brand == EVERY_BRAND:
        raise InvalidRequest("a consent is given to one brand; '*' is only for opt-outs", "brand")
    grade = command.grade or rule.EXPRESS
    if grade not in rule.GRADES:
        raise InvalidRequest(f"grade must be one of {', '.join(rule.GRADES)}", "grade")
    if not command.disclosure_text.strip():
        raise InvalidRequest("disclosure_text: the words the person is asked to agree to", "disclosure_text")
    return contact, rule.ConsentRequest(
        id=command.id or recording.new_id(), channels=frozenset(command.channels), purposes=frozenset(command.purposes),
        brand=command.brand or DEFAULT_BRAND, grade=grade, disclosure_text=command.disclosure_text,
        occurred_at=command.occurred_at)


def record(command: RequestConsent, actor: str | None = None) -> recording.WriteResult:
    """Store the request with its history entry; 201 / 200 (the same id again) like every fact."""
    contact, request = _request(command)
    doc = request.to_document()
    answer = {"address": contact.value, **{k: v for k, v in doc.items() if k != "recorded_at"},
              "open_until": format_instant(request.closes_at)}
    stored = request.to_document(stored_instant)
    side = store.SideItem(store.consent_request_sk(sortable_instant(request.occurred_at), request.id), stored,
                          int((max(request.occurred_at, utc_now()) + KEPT).timestamp()))
    history = {k: v for k, v in doc.items() if k not in ("recorded_at", "id")}
    return recording.apply_change(contact, recording.Change(
        HistoryType.CONSENT_REQUESTED, request.id, request.occurred_at, Source.API, lambda facts, _: facts, answer,
        history, side_items=(side,)), actor)


def open_requests(address: Address, at: datetime) -> list[rule.ConsentRequest]:
    """The requests sent to the number in the 7 days before ``at`` (one Query)."""
    with storage_failures("the registry could not read the consent requests"):
        raw = store.consent_requests(contact_key(address.value), sortable_instant(at - rule.WINDOW),
                                     sortable_instant(at))
    try:
        return [rule.ConsentRequest.from_document(doc) for doc in raw]
    except (KeyError, TypeError, ValueError, AttributeError, RegistryError) as err:
        raise UnreadableRecord("a stored consent request could not be read") from err


def answer_yes(sender: Address, brand: str | None, at: datetime, reply_id: str,
               actor: str | None = None) -> recording.WriteResult | None:
    """A YES at ``at``: the consent of the number's open request (``domain.consent_requests``), with
    the reply's id as the consent's; None when no request is open (an ordinary "yes")."""
    facts, _ = contact_facts.load(sender)
    again = next((c for c in facts.consents if c.id == reply_id), None)
    if again is not None:  # this very reply was applied before: the same consent, a duplicate
        return recording.record_consent(sender, replace(again, recorded_at=None), actor)
    request = rule.open_request(open_requests(sender, at), brand, at, facts.consents)
    if request is None:
        return None
    return recording.record_consent(sender, rule.consent_from(request, reply_id, at), actor)

