"""Facts that arrive as events: ``POST /v1/events`` (scope ``write``).

Each event is read and applied on its own, in input order; the answer holds one result per
event: ``applied``, ``duplicate`` or ``rejected`` with the error the matching endpoint would
give. When the registry cannot be written, the events not yet applied are rejected with
``registry_unavailable`` (nothing more is tried: each would only wait for the same timeout) and
the answer is 503, so a sender that looks only at the status sends the batch again; the ids make
that safe.
"""

from aws_lambda_powertools.event_handler.api_gateway import Router

from ...domain.errors import RegistryError, RegistryUnavailable
from ...services import events
from ..access import WRITE, actor, requires
from ..answers import answers
from ..errors import error_body, error_detail, json_response
from ..event_inputs import raw_id, receive
from ..observability import count, logger, tracer
from ..schemas import EventsIn

router = Router()

NOT_TRIED = RegistryUnavailable("not applied: the registry could not be written; send this event again")


@router.post("/v1/events", operation_id="postEvents", tags=["events"],
             summary="Facts as events, each applied on its own",
             **requires(WRITE), **answers({200: ("EventResults", "one result per event")}, 400, 503,
                                          unavailable="EventsUnavailable"))
@tracer.capture_method(capture_response=False)
def post_events(body: EventsIn):
    results = []
    unavailable: RegistryError | None = None
    for raw in body.events:
        if unavailable is not None:
            outcome = events.EventResult(events.REJECTED, NOT_TRIED)
            count(f"Event_{outcome.status}")
        else:
            outcome = receive(raw, actor())
            if isinstance(outcome.error, RegistryUnavailable):
                unavailable = outcome.error
        results.append(_result(raw_id(raw), outcome))
    if unavailable is not None:
        logger.warning("events not applied: registry unavailable",
                       extra={"cause": repr(unavailable.__cause__), "events": len(results)})
        return json_response(503, {**error_body(unavailable.code, "some events were not applied; send them again"),
                                   "results": results})
    return json_response(200, {"results": results})


def _result(event_id, outcome: events.EventResult) -> dict:
    """``{"id", "status", "action", "error"?, "reply"?, "confirmation"?}``."""
    result = {"id": event_id, "status": outcome.status, "action": outcome.action}
    if outcome.error is not None:
        result["error"] = error_detail(outcome.error.code, outcome.error.message, outcome.error.field)
    if outcome.reply is not None:
        result["reply"] = outcome.reply
    if outcome.confirmation is not None:
        result["confirmation"] = outcome.confirmation
    return result

