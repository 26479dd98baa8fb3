"""Logger, Metrics and Tracer, shared by every route.

Logs are JSON and never hold a full address; traces never capture responses (they would carry
addresses and evidence into X-Ray), only timings and errors.

The Tracer is a Powertools ``Tracer`` only where it would trace: in Lambda (``LAMBDA_TASK_ROOT``
set, not SAM local or Chalice) with ``POWERTOOLS_TRACE_DISABLED`` unset or false - Powertools'
own rule for when tracing is on. Elsewhere (tests, the local stack, benchmarks) it is ``Untraced``,
whose decorators hand the function back unchanged: a disabled Powertools Tracer still imports the
X-Ray SDK (about 0.1 s of every cold start) only to do nothing with it.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.shared import constants
from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice

SERVICE_NAME = "contact-registry"  # made at import: a name, not configuration (no settings read here)
logger = Logger(service=SERVICE_NAME)
metrics = Metrics(namespace="ContactRegistry", service=SERVICE_NAME)


def tracing_enabled(env: Mapping[str, str]) -> bool:
    """Whether Powertools' Tracer would trace in this environment (see its ``_is_tracer_disabled``)."""
    if resolve_truthy_env_var_choice(env=env.get(constants.TRACER_DISABLED_ENV, "false")):
        return False
    in_lambda = bool(env.get(constants.LAMBDA_TASK_ROOT_ENV))
    emulated = bool(env.get(constants.SAM_LOCAL_ENV) or env.get(constants.CHALICE_LOCAL_ENV))
    return in_lambda and not emulated


class Untraced:
    """The Tracer's decorators where nothing is traced: each gives the function back as it is."""

    def capture_lambda_handler(self, lambda_handler: Callable[..., Any] | None = None,
                               **_: Any) -> Callable[..., Any]:
        return lambda_handler if lambda_handler is not None else (lambda handler: handler)

    def capture_method(self, method: Callable[..., Any] | None = None, **_: Any) -> Callable[..., Any]:
        return method if method is not None else (lambda function: function)


def make_tracer(env: Mapping[str, str]) -> Any:
    if not tracing_enabled(env):
        return Untraced()
    from aws_lambda_powertools import Tracer  # imports the X-Ray SDK

    return Tracer(service=SERVICE_NAME)


tracer = make_tracer(os.environ)


def count(name: str, value: int = 1) -> None:
    """Telemetry must never change an answer: a metric that cannot be recorded is only logged."""
    try:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    except Exception:  # noqa: BLE001 - deliberately broad, see docstring
        logger.warning("metric not recorded", extra={"metric": name})
