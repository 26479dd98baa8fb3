"""Suppression lists and their entries (scope ``write``)."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from ...services import suppression
from ..access import WRITE, requires
from ..answers import answers
from ..errors import json_response
from ..observability import logger, tracer
from ..schemas import EntriesIn, SuppressionListIn

router = Router()


@router.put("/v1/suppression-lists/<name>", operation_id="putSuppressionList", tags=["suppression lists"],
            summary="Create a suppression list",
            **requires(WRITE), **answers({201: ("SuppressionList", "created"), 200: ("SuppressionList", "it exists")},
                                         400, 409, 503))
@tracer.capture_method(capture_response=False)
def put_list(name: str, body: SuppressionListIn):
    record, created = suppression.create_list(name, body.kind, body.state)
    return json_response(201 if created else 200, record)


@router.get("/v1/suppression-lists/<name>", operation_id="getSuppressionList", tags=["suppression lists"],
            summary="A suppression list: kind, entries, the version of its newest full copy",
            **requires(WRITE), **answers({200: ("SuppressionListState", "the list")}, 400, 404, 503))
@tracer.capture_method(capture_response=False)
def get_list(name: str):
    return json_response(200, suppression.describe(name))


@router.post("/v1/suppression-lists/<name>/entries", operation_id="postSuppressionListEntries", tags=["suppression lists"],
             summary="Add and remove entries", **requires(WRITE),
             **answers({200: ("EntriesChanged", "the entries changed")}, 400, 404, 503))
@tracer.capture_method(capture_response=False)
def post_entries(name: str, body: EntriesIn):
    result = suppression.change_entries(name, body.add, body.remove)
    logger.info("suppression entries changed", extra={k: v for k, v in result.items() if k != "list"})
    return json_response(200, result)
