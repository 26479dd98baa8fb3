"""The one way storage makes a client of an AWS service other than DynamoDB (SQS, S3, SSM, SNS,
EventBridge): the write path's timeouts and retries (``settings.write_*``)."""
from __future__ import annotations

from typing import Any

from ..settings import Settings


def aws_client(settings: Settings, service: str, region: str | None = None,
               read_timeout: float | None = None) -> Any:
    """A boto3 client of ``service`` in ``region`` (the registry's unless given); ``read_timeout``
    overrides the write path's (an S3 object is streamed)."""
    # Imported here: a lookup Lambda's cold start never pays for boto3 (its table client is PynamoDB's).
    import boto3
    from botocore.config import Config

    return boto3.client(service, region_name=region or settings.aws_region,
                        config=Config(connect_timeout=settings.write_connect_timeout,
                                      read_timeout=settings.write_timeout if read_timeout is None else read_timeout,
                                      retries={"max_attempts": settings.write_max_attempts, "mode": "standard"}))
