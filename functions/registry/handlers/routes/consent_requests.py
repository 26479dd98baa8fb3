"""``POST /v1/consent-requests`` (``write``, contract rev. 2): a double opt-in question sent by SMS.

A reply ``YES`` from that number within 7 days records the consent it asked for (an
``sms.inbound`` event; ``services.sms_replies``). 201 with the stored request; the same ``id``
again answers 200 with the first.
"""
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import ConfigDict, Field

from ...domain.consent_requests import MAX_DISCLOSURE_LENGTH
from ...services import consent_requests
from .. import responses as R
from ..access import WRITE, actor, requires
from ..errors import json_response
from ..observability import count, logger, tracer
from ..responses import answers
from ..schemas import AddressText, Brand, Channel, Id, Instant, Purpose, Strict

router = Router()

Grade = Literal["express", "written"]  # domain.consent_requests.GRADES (tests hold them equal)


class ConsentRequestIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "address": "+14155550123", "channels": ["sms"], "purposes": ["marketing"],
                             "brand": "acme", "grade": "written", "occurred_at": "2026-11-28T12:00:00Z",
                             "disclosure_text": "Acme: reply YES to get marketing texts from Acme at this number, "
                                                "sent by an autodialer. Consent is not a condition of purchase."}]})
    id: Id | None = None
    address: AddressText
    channels: Annotated[list[Channel], Field(min_length=1, max_length=2)]
    purposes: Annotated[list[Purpose], Field(min_length=1, max_length=2)]
    brand: Brand | None = None
    grade: Grade | None = None
    disclosure_text: Annotated[str, Field(min_length=1, max_length=MAX_DISCLOSURE_LENGTH)]
    occurred_at: Instant


@router.post("/v1/consent-requests", operation_id="postConsentRequest", tags=["facts"],
             summary="Record a double opt-in question sent by SMS",
             **requires(WRITE), **answers({201: (R.ConsentRequestRecord, "recorded"),
                                           200: (R.ConsentRequestRecord, "this id was recorded before: the first answer")},
                                          400, 409, 503))
@tracer.capture_method(capture_response=False)
def post_consent_request(body: ConsentRequestIn):
    command = consent_requests.RequestConsent(
        address=body.address, channels=tuple(body.channels), purposes=tuple(body.purposes),
        disclosure_text=body.disclosure_text, occurred_at=body.occurred_at, id=body.id, brand=body.brand,
        grade=body.grade)
    result = consent_requests.record(command, actor())
    logger.info("consent request recorded" if result.created else "consent request duplicate",
                extra={"id": result.record.get("id")})
    count("Recorded_consent_request" if result.created else "Duplicate_consent_request")
    return json_response(201 if result.created else 200, result.record)
