"""Recording facts: consents, opt-outs, relationships, attempts, preferences (scope ``write``).

201 with the stored record; the same ``id`` again answers 200 with the first record.
"""

from urllib.parse import unquote

from aws_lambda_powertools.event_handler.api_gateway import Router

from ...domain.addresses import normalise
from ...domain.errors import InvalidRequest
from ...domain.facts import Attempt, Consent, ContactHours, OptOut, Relationship
from ...domain.vocabulary import ALL, DEFAULT_BRAND, EVERY_BRAND
from ...services import recording
from ...settings import get_settings
from ..access import actor
from ..errors import json_response
from ..observability import count, logger, tracer
from ..schemas import AttemptIn, ConsentIn, OptOutIn, PreferencesIn, RelationshipIn

router = Router()


def _address(raw: str, field: str = "address"):
    return normalise(raw, get_settings().phone_default_region, field=field)


def _answer(result: recording.WriteResult, what: str):
    logger.info(f"{what} recorded" if result.created else f"{what} duplicate", extra={"id": result.record.get("id")})
    count(f"Recorded_{what}" if result.created else f"Duplicate_{what}")
    return json_response(201 if result.created else 200, result.record)


def _check_channels(address, channels, field="channels"):
    wrong = [c for c in channels if c != ALL and c not in address.channels]
    if wrong:
        from ...domain.errors import ChannelAddressMismatch

        raise ChannelAddressMismatch(f"channel {wrong[0]} cannot reach a {address.kind} address", field)


@router.post("/v1/consents")
@tracer.capture_method(capture_response=False)
def post_consent(body: ConsentIn):
    address = _address(body.address)
    _check_channels(address, body.channels)
    if body.brand == EVERY_BRAND:
        raise InvalidRequest("a consent is given to one brand; '*' is only for opt-outs", "brand")
    if body.expires_at and body.expires_at <= body.occurred_at:
        raise InvalidRequest("expires_at must be after occurred_at", "expires_at")
    consent = Consent(id=body.id or recording.new_id(), channels=frozenset(body.channels),
                      purposes=frozenset(body.purposes), brand=body.brand or DEFAULT_BRAND, source=body.source,
                      occurred_at=body.occurred_at, expires_at=body.expires_at,
                      evidence=body.evidence.model_dump(exclude_none=True) if body.evidence else None)
    return _answer(recording.record_consent(address, consent, actor()), "consent")


@router.post("/v1/opt-outs")
@tracer.capture_method(capture_response=False)
def post_opt_out(body: OptOutIn):
    address = _address(body.address)
    _check_channels(address, body.channels)
    channels = frozenset({ALL}) if ALL in body.channels else frozenset(body.channels)
    purposes = frozenset({ALL}) if ALL in body.purposes else frozenset(body.purposes)
    opt_out = OptOut(id=body.id or recording.new_id(), channels=channels, purposes=purposes,
                     brand=body.brand or DEFAULT_BRAND, source=body.source, occurred_at=body.occurred_at,
                     note=body.note)
    return _answer(recording.record_opt_out(address, opt_out, actor()), "opt-out")


@router.post("/v1/relationships")
@tracer.capture_method(capture_response=False)
def post_relationship(body: RelationshipIn):
    address = _address(body.address)
    if body.brand == EVERY_BRAND:
        raise InvalidRequest("a relationship is with one brand", "brand")
    relationship = Relationship(id=body.id or recording.new_id(), kind=body.kind, brand=body.brand or DEFAULT_BRAND,
                                occurred_at=body.occurred_at, source=body.source)
    return _answer(recording.record_relationship(address, relationship, actor()), "relationship")


@router.post("/v1/attempts")
@tracer.capture_method(capture_response=False)
def post_attempt(body: AttemptIn):
    address = _address(body.address)
    _check_channels(address, [body.channel], "channel")
    if body.brand == EVERY_BRAND:
        raise InvalidRequest("an attempt is made for one brand", "brand")
    attempt = Attempt(id=body.id or recording.new_id(), channel=body.channel, purpose=body.purpose,
                      brand=body.brand or DEFAULT_BRAND, occurred_at=body.occurred_at, outcome=body.outcome,
                      disposition=body.disposition)
    return _answer(recording.record_attempt(address, attempt, actor()), "attempt")


@router.put("/v1/contacts/<address>/preferences")
@tracer.capture_method(capture_response=False)
def put_preferences(address: str, body: PreferencesIn):
    contact = _address(unquote(address))
    sent = body.model_fields_set - {"id"}
    if not sent:
        raise InvalidRequest("send at least one preference", None)
    patch = {}
    for name in sent:
        value = getattr(body, name)
        if name == "contact_hours" and value is not None:
            value = ContactHours(start=value.start, end=value.end, days=frozenset(value.days))
        elif name == "linked_addresses":
            linked = []
            for index, raw in enumerate(value or []):
                other = _address(raw, field=f"linked_addresses[{index}]").value
                if other != contact.value and other not in linked:
                    linked.append(other)
            value = tuple(linked)
        patch[name] = value
    result = recording.update_preferences(contact, patch, body.id or recording.new_id(), actor=actor())
    return _answer(result, "preferences")
