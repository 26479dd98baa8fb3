"""Logger, Metrics and Tracer, shared by every route.

Logs are JSON and never hold a full address; traces never capture responses (they would carry
addresses and evidence into X-Ray), only timings and errors.
"""
from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

SERVICE_NAME = "contact-registry"  # made at import: a name, not configuration (no settings read here)
logger = Logger(service=SERVICE_NAME)
metrics = Metrics(namespace="ContactRegistry", service=SERVICE_NAME)
tracer = Tracer(service=SERVICE_NAME)


def count(name: str, value: int = 1) -> None:
    """Telemetry must never change an answer: a metric that cannot be recorded is only logged."""
    try:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    except Exception:  # noqa: BLE001 - deliberately broad, see docstring
        logger.warning("metric not recorded", extra={"metric": name})
