"""The change-event publisher: a Lambda on the table's DynamoDB stream (template: ChangeEventsFunction).

Thin: the records go to ``services.change_events``, which publishes their events in order and says
which records were not published; those are reported as batch item failures (the event source has
``ReportBatchItemFailures``), so Lambda sends them again from the first one. The local stack's
stream poller (infra/stream_poller.py) calls this same handler with the same event shape.
"""
from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from ..services import change_events
from .observability import logger


# No logger.inject_lambda_context: locally this handler runs on the stream poller's thread beside the
# API's requests, and clearing the shared logger's keys there would strip theirs.
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    records = event.get("Records") or []
    failed = change_events.publish_records(records)
    if failed:
        logger.warning("change events left for a retry", extra={"records": len(records), "failed": len(failed),
                                                                "request": getattr(context, "aws_request_id", None)})
    return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in failed]}
