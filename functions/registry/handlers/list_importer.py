"""The bulk importer: the import queue's consumer (SQS, Powertools batch processing with partial
batch failures, as ``handlers.queue_consumer``).

A message's body is one of:

- an S3 event notification of the import bucket: each ``ObjectCreated`` record under
  ``imports/{list}/full/...`` or ``imports/{list}/changes/...`` starts (or finds) that import and
  runs it here; S3's ``s3:TestEvent`` and keys elsewhere are ignored; a notification for a list
  that does not exist or takes no imports is logged and dropped (nothing to retry);
- the importer's own ``{"registry_import": "<id>"}``: the start message of ``POST .../imports``,
  or the continuation an earlier invocation left at its checkpoint.

A message whose work could not be done (DynamoDB, S3 or SQS unavailable) is a batch item failure:
SQS delivers it again, and the import resumes from its last checkpoint (nothing is applied
twice). Logs name the list, the import and counts, never a number from a file.
"""
from __future__ import annotations

import json
import urllib.parse
from typing import Any

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..domain import list_files
from ..domain.errors import Conflict, InvalidRequest, NotFound, RegistryUnavailable
from ..services import list_imports
from .observability import count, logger
from .sqs_batches import Redeliver, sqs_handler


def handle_message(record: SQSRecord, lambda_context: LambdaContext | None = None) -> None:
    """One message (Powertools passes the invocation's context: its remaining time sets the checkpoints)."""
    context = lambda_context
    try:
        body = json.loads(record.body)
    except ValueError:
        count("ImportMessage_unreadable")
        logger.warning("import queue message is not JSON: dropped", extra={"message_id": record.message_id})
        return
    try:
        if isinstance(body, dict) and isinstance(body.get(list_imports.MESSAGE_KEY), str):
            _run(body[list_imports.MESSAGE_KEY], context)
        elif isinstance(body, dict) and body.get("Event") == "s3:TestEvent":
            logger.info("S3 test event ignored", extra={"message_id": record.message_id})
        elif isinstance(body, dict) and isinstance(body.get("Records"), list):
            for s3_record in body["Records"]:
                _notified(s3_record, context)
        else:
            count("ImportMessage_unreadable")
            logger.warning("import queue message of no known kind: dropped", extra={"message_id": record.message_id})
    except RegistryUnavailable as err:
        count("ImportMessage_redelivered")
        logger.warning("import message left for redelivery: registry unavailable",
                       extra={"message_id": record.message_id, "cause": repr(err.__cause__)})
        raise Redeliver(record.message_id) from err


lambda_handler = sqs_handler(handle_message)


def _notified(s3_record: Any, context: Any) -> None:
    """One S3 notification record: an object created under imports/{list}/full|changes/."""
    if not isinstance(s3_record, dict) or not str(s3_record.get("eventName", "")).startswith("ObjectCreated"):
        return
    s3 = s3_record.get("s3") or {}
    bucket = (s3.get("bucket") or {}).get("name")
    raw_key = (s3.get("object") or {}).get("key")
    if not isinstance(bucket, str) or not isinstance(raw_key, str):
        return
    key = urllib.parse.unquote_plus(raw_key)  # S3 notifications URL-encode the key
    target = list_files.key_target(key)
    if target is None:
        logger.info("object outside imports/{list}/full|changes/ ignored")
        return
    list_name, mode = target
    try:
        record, created = list_imports.start(list_name, mode, bucket, key)
    except (NotFound, Conflict, InvalidRequest) as err:
        count("ImportNotification_refused")
        logger.warning("import notification refused", extra={"list": list_name, "mode": mode, "error": err.code,
                                                             "reason": str(err)})
        return
    logger.info("import notified", extra={"import": record["id"], "list": list_name, "mode": mode,
                                          "new": created, "status": record["status"]})
    if record["status"] == list_imports.RUNNING:
        _run(record["id"], context)


def _run(import_id: str, context: Any) -> None:
    outcome = list_imports.run(import_id, context)
    count(f"Import_{outcome}")
