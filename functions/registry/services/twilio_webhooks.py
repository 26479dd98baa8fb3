"""Twilio's inbound-message webhook (``POST /webhooks/twilio/sms/{brand}``): the signature, and
the reply applied as an ``sms.inbound`` event.

``verify`` uses Twilio's own ``RequestValidator`` (HMAC-SHA1 of the URL Twilio requested followed
by every POST parameter, sorted, keyed with the brand's auth token): the URL is the one Twilio
was given, built by the caller from configuration, never from the request's Host. The brand must
be stored with a token (``services.brands.twilio_token``, cached; SSM is read only for a brand
that has one). An unknown brand, a brand without a token, a missing or wrong signature are all
the same 403: the answer does not say which.

``apply`` applies the event as ``POST /v1/events`` does (``services.events.apply_event``), with
one difference: the event's time is when the registry received the post (Twilio sends none), so
Twilio's retry of the same ``MessageSid`` arrives with another time; the registry then finds the
id already used with another time (a conflict) and reads that as what it is, a duplicate. A
duplicate answers no text: the first post answered it, and the confirmation is one text, never a
second.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from twilio.request_validator import RequestValidator

from ..domain.errors import Conflict, InvalidRequest, NotVerified
from ..domain.vocabulary import EventAction
from . import brands, events

REFUSED = "the request's Twilio signature could not be verified"



class _Form:
    """The posted parameters with every value of a repeated one (RequestValidator reads ``getlist``)."""

    def __init__(self, params: Mapping[str, Sequence[str]]) -> None:
        self._params = params

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def getlist(self, name: str) -> list[str]:
        return list(self._params[name])


def brand_name(raw: str) -> str:
    """The brand the path names, normalised; NotVerified for one no token can belong to (``*``)."""
    try:
        return brands.check_name(raw)
    except InvalidRequest:
        raise NotVerified(REFUSED, "not a brand") from None


def verify(brand: str, url: str, params: Mapping[str, Sequence[str]], signature: str | None) -> None:
    """None if Twilio signed this post for this URL with the brand's token; else NotVerified."""
    if not signature:
        raise NotVerified(REFUSED, "no X-Twilio-Signature")
    token = brands.twilio_token(brand)  # RegistryUnavailable (503) if it cannot be read
    if token is None:
        raise NotVerified(REFUSED, "the brand has no Twilio auth token")
    if not RequestValidator(token).validate(url, _Form(params), signature):
        raise NotVerified(REFUSED, "the signature does not match")


def apply(envelope: events.Envelope) -> events.EventResult:
    """The event applied; a retry of a message already applied is a duplicate (see above)."""
    result = events.apply_event(envelope)
    if result.status == events.REJECTED and isinstance(result.error, Conflict) and result.error.field == "id":
        return events.EventResult(events.DUPLICATE, action=EventAction.NONE)
    if result.status == events.DUPLICATE:
        return events.EventResult(events.DUPLICATE, action=result.action)
    return result
