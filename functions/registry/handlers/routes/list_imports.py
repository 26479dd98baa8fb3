"""rev. 2: bulk imports of national and state lists from the import bucket (scope ``write``).

``POST /v1/suppression-lists/{name}/imports`` creates the import (or finds it: the same object
posted or notified again is the same import) and puts its start message on the import queue;
the importer (``handlers.list_importer``) does the work. ``GET .../imports/{id}`` answers its
progress. Internal and litigator lists take no file imports: 409.
"""
from aws_lambda_powertools.event_handler.api_gateway import Router

from ...services import list_imports
from ..access import WRITE, requires
from ..answers import answers
from ..errors import json_response
from ..observability import logger, tracer
from ..schemas import ImportIn

router = Router()


@router.post("/v1/suppression-lists/<name>/imports", operation_id="postSuppressionListImport",
             tags=["suppression lists"], summary="Import a full or change file from the import bucket",
             **requires(WRITE), **answers({202: ("ListImport", "the import runs (or ran: the same file again)")},
                                          400, 404, 409, 503))
@tracer.capture_method(capture_response=False)
def post_import(name: str, body: ImportIn):
    record, created = list_imports.start_from_api(name, body.mode, body.bucket, body.key, body.version)
    logger.info("list import requested", extra={"import": record["id"], "list": name, "mode": body.mode,
                                               "new": created, "status": record["status"]})
    return json_response(202, record)


@router.get("/v1/suppression-lists/<name>/imports/<import_id>", operation_id="getSuppressionListImport",
            tags=["suppression lists"], summary="An import's progress",
            **requires(WRITE), **answers({200: ("ListImport", "the import")}, 400, 404, 503))
@tracer.capture_method(capture_response=False)
def get_import(name: str, import_id: str):
    return json_response(200, list_imports.get(name, import_id))
