"""Logger, Metrics and Tracer, shared by every route. Logs are JSON and never hold a full address."""
from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
metrics = Metrics()
tracer = Tracer()
