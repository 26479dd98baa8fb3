"""The one way an SQS queue's consumer is a Lambda handler (``queue_consumer``, ``list_importer``).

Powertools' batch processing with partial batch failures: a message whose handler raises
(``Redeliver``) is a batch item failure, so SQS delivers it again; the others are deleted. With
every message failed it reports them all (as ``batchItemFailures``) rather than failing the
invocation.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.typing import LambdaContext

from .observability import logger, metrics, tracer


class Redeliver(Exception):
    """Leave this message on the queue: SQS delivers it again."""


def sqs_handler(handle_message: Callable[..., None]) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """``lambda_handler`` for a queue whose messages ``handle_message`` takes one by one (it may also
    take ``lambda_context``: Powertools then passes the invocation's). A processor of its own: the
    local stack runs several consumers in one process."""
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)

    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        # The invocation's keys for this thread's lines only (not Logger's global keys, which
        # inject_lambda_context sets): the local stack runs this beside the HTTP server, in one process.
        logger.thread_safe_append_keys(function_name=context.function_name,
                                       function_request_id=context.aws_request_id)
        try:
            return dict(process_partial_response(event=event, record_handler=handle_message, processor=processor,
                                                 context=context))
        finally:
            logger.thread_safe_clear_keys()

    return lambda_handler
