"""Recording facts: consents, opt-outs, relationships, attempts, reassigned-numbers checks,
preferences (scope ``write``).

Each body is the service's command (``services.commands``). 201 with the stored record; the
same ``id`` again answers 200 with the first record.
"""
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from ...services import fact_inputs, recording
from ...services.commands import (
    RecordAttempt,
    RecordConsent,
    RecordOptOut,
    RecordReassignedCheck,
    RecordRelationship,
    SetPreferences,
)
from ...services.opt_out_confirmations import confirmation
from ..access import WRITE, actor, requires
from ..answers import answers
from ..errors import json_response
from ..observability import count, logger, tracer

router = Router()


def _records(model) -> dict[str, Any]:
    """What every fact route declares: scope ``write``; 201 with the record, 200 with the first
    record for an ``id`` recorded before; 400, 409, 503."""
    return {"tags": ["facts"], **requires(WRITE),
            **answers({201: (model, "recorded"), 200: (model, "this id was recorded before: the first answer")},
                      400, 409, 503)}


def _answer(result: recording.WriteResult, what: str):
    logger.info(f"{what} recorded" if result.created else f"{what} duplicate", extra={"id": result.record.get("id")})
    count(f"Recorded_{what}" if result.created else f"Duplicate_{what}")
    return json_response(201 if result.created else 200, result.record)


@router.post("/v1/consents", operation_id="postConsent", summary="Record a consent", **_records("ConsentRecord"))
@tracer.capture_method(capture_response=False)
def post_consent(body: RecordConsent):
    address, consent = fact_inputs.consent(body)
    return _answer(recording.record_consent(address, consent, actor()), "consent")


@router.post("/v1/opt-outs", operation_id="postOptOut", summary="Record an opt-out", **_records("OptOutRecord"))
@tracer.capture_method(capture_response=False)
def post_opt_out(body: RecordOptOut):
    address, opt_out = fact_inputs.opt_out(body)
    result = recording.record_opt_out(address, opt_out, actor())
    offer = confirmation(address, opt_out, result.record.get("recorded_at"))
    if offer is not None:  # the one text that may confirm it (rev. 2), when the person made it
        result = recording.WriteResult({**result.record, "confirmation": offer}, result.created)
    return _answer(result, "opt-out")


@router.post("/v1/relationships", operation_id="postRelationship", summary="Record an inquiry or a transaction",
             **_records("RelationshipRecord"))
@tracer.capture_method(capture_response=False)
def post_relationship(body: RecordRelationship):
    address, relationship = fact_inputs.relationship(body)
    return _answer(recording.record_relationship(address, relationship, actor()), "relationship")


@router.post("/v1/attempts", operation_id="postAttempt", summary="Record a contact attempt", **_records("AttemptRecord"))
@tracer.capture_method(capture_response=False)
def post_attempt(body: RecordAttempt):
    address, attempt = fact_inputs.attempt(body)
    return _answer(recording.record_attempt(address, attempt, actor()), "attempt")


@router.post("/v1/reassigned-checks", operation_id="postReassignedCheck",
             summary="Record a reassigned-numbers check (yes: the number was reassigned)",
             **_records("ReassignedCheckRecord"))
@tracer.capture_method(capture_response=False)
def post_reassigned_check(body: RecordReassignedCheck):
    address, check = fact_inputs.reassigned_check(body)
    return _answer(recording.record_reassigned_check(address, check, actor()), "reassigned-check")


@router.put("/v1/contacts/<address>/preferences", operation_id="putPreferences", summary="Set a contact's preferences",
            **_records("PreferencesRecord"))
@tracer.capture_method(capture_response=False)
def put_preferences(address: str, body: SetPreferences):
    contact = fact_inputs.address(address)  # decoded once already (handlers.routing)
    patch, request_id = fact_inputs.preferences(contact, body)
    return _answer(recording.update_preferences(contact, patch, request_id, actor=actor()), "preferences")
