"""``POST /v1/consent-requests`` (``write``, contract rev. 2): a double opt-in question sent by SMS.

A reply ``YES`` from that number within 7 days records the consent it asked for (an
``sms.inbound`` event; ``services.sms_replies``). 201 with the stored request; the same ``id``
again answers 200 with the first.
"""
from aws_lambda_powertools.event_handler.api_gateway import Router

from ...services import consent_requests
from ..access import WRITE, actor, requires
from ..answers import answers
from ..errors import json_response
from ..observability import count, logger, tracer

router = Router()

@router.post("/v1/consent-requests", operation_id="postConsentRequest", tags=["facts"],
             summary="Record a double opt-in question sent by SMS",
             **requires(WRITE), **answers({201: ("ConsentRequestRecord", "recorded"),
                                           200: ("ConsentRequestRecord", "this id was recorded before: the first answer")},
                                          400, 409, 503))
@tracer.capture_method(capture_response=False)
def post_consent_request(body: consent_requests.RequestConsent):
    result = consent_requests.record(body, actor())
    logger.info("consent request recorded" if result.created else "consent request duplicate",
                extra={"id": result.record.get("id")})
    count("Recorded_consent_request" if result.created else "Duplicate_consent_request")
    return json_response(201 if result.created else 200, result.record)
