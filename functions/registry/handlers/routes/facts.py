"""Recording facts: consents, opt-outs, relationships, attempts, preferences (scope ``write``).

201 with the stored record; the same ``id`` again answers 200 with the first record.
"""

from aws_lambda_powertools.event_handler.api_gateway import Router

from ...services import fact_inputs, recording
from ..access import WRITE, actor, requires
from ..errors import json_response
from ..observability import count, logger, tracer
from ..schemas import AttemptIn, ConsentIn, OptOutIn, PreferencesIn, RelationshipIn

router = Router()


def _answer(result: recording.WriteResult, what: str):
    logger.info(f"{what} recorded" if result.created else f"{what} duplicate", extra={"id": result.record.get("id")})
    count(f"Recorded_{what}" if result.created else f"Duplicate_{what}")
    return json_response(201 if result.created else 200, result.record)


@router.post("/v1/consents", **requires(WRITE))
@tracer.capture_method(capture_response=False)
def post_consent(body: ConsentIn):
    address, consent = fact_inputs.consent(body)
    return _answer(recording.record_consent(address, consent, actor()), "consent")


@router.post("/v1/opt-outs", **requires(WRITE))
@tracer.capture_method(capture_response=False)
def post_opt_out(body: OptOutIn):
    address, opt_out = fact_inputs.opt_out(body)
    return _answer(recording.record_opt_out(address, opt_out, actor()), "opt-out")


@router.post("/v1/relationships", **requires(WRITE))
@tracer.capture_method(capture_response=False)
def post_relationship(body: RelationshipIn):
    address, relationship = fact_inputs.relationship(body)
    return _answer(recording.record_relationship(address, relationship, actor()), "relationship")


@router.post("/v1/attempts", **requires(WRITE))
@tracer.capture_method(capture_response=False)
def post_attempt(body: AttemptIn):
    address, attempt = fact_inputs.attempt(body)
    return _answer(recording.record_attempt(address, attempt, actor()), "attempt")


@router.put("/v1/contacts/<address>/preferences", **requires(WRITE))
@tracer.capture_method(capture_response=False)
def put_preferences(address: str, body: PreferencesIn):
    contact = fact_inputs.address(address)  # decoded once already (handlers.routing)
    patch, request_id = fact_inputs.preferences(contact, body)
    return _answer(recording.update_preferences(contact, patch, request_id, actor=actor()), "preferences")
