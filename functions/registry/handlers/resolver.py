"""The one setup of an HTTP function's resolver, and its Lambda entry point.

Two Lambda functions serve the HTTP API (template.yaml): ``LookupFunction`` (``handlers.lookup``:
the lookups, the hot path a dialer calls) and ``ApiFunction`` (``handlers.api``:
every route, the OpenAPI document among them; API Gateway sends it whatever the lookup function's
own routes do not match). The local server runs one resolver with every route (``api.local_app``).
Each is set up here, the same way: the Routers it serves, the contract's error answers (a lookup
that cannot be answered is a 503 deny), one path rule for the gate and the router, every route's
declared scope; and on Lambda the same gate, body decoding, request id and access line, logger,
metrics and tracer.

Nothing here imports a route module: each function imports only the Routers it serves, so the
lookup function's cold start never loads the code of the other areas.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import APIGatewayHttpResolver, ApiGatewayResolver, Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..domain.errors import InvalidRequest, RegistryError
from ..domain.vocabulary import DecisionKind
from . import body as request_body
from . import request_log
from .access import LOOKUP, check_declared, lambda_event_gate, scope_for
from .answers import leave_out
from .errors import (
    UNAVAILABLE_REASON,
    error_body,
    http_status,
    json_response,
    registry_error_response,
    validation_error_response,
)
from .observability import logger, metrics, tracer
from .routing import install_rules, raw_query


def configure(app: ApiGatewayResolver, routers: Iterable[Router],
              more_routes: Callable[[ApiGatewayResolver], None] | None = None) -> ApiGatewayResolver:
    """``app`` serving ``routers``, and the routes ``more_routes`` adds: the API's description, which
    also gives the routes their response models (``openapi.configure``); without it they have none."""
    for router in routers:
        app.include_router(router)
    if more_routes is not None:
        more_routes(app)
    else:  # no API description here: the routes' response models are left out (handlers.answers)
        leave_out(app)

    @app.exception_handler(RegistryError)
    def on_registry_error(err: RegistryError):
        return registry_error_response(err)

    @app.exception_handler(RequestValidationError)
    def on_validation_error(err: RequestValidationError):
        return validation_error_response(list(err.errors()))

    @app.not_found
    def on_not_found(_: NotFoundError):
        return json_response(404, error_body("not_found", "no such endpoint"))

    @app.exception_handler(Exception)
    def on_unexpected(err: Exception):
        logger.exception("unexpected error")
        event = app.current_event
        if scope_for(app, event.http_method, event.path) == LOOKUP:
            request_log.note(decision=DecisionKind.DENY)
            return json_response(503, {**error_body("registry_unavailable", "the registry could not answer"),
                                       "decision": DecisionKind.DENY, "allowed": False,
                                       "reasons": [UNAVAILABLE_REASON]})
        return json_response(500, error_body("internal_error", "the registry could not complete the request"))

    install_rules(app)
    check_declared(app)
    return app


def lambda_resolver() -> APIGatewayHttpResolver:
    """A resolver for API Gateway HTTP API events (payload 2.0), with the bounded JSON parser."""
    return APIGatewayHttpResolver(enable_validation=True, json_body_deserializer=request_body.loads)


def lambda_handler_for(app: ApiGatewayResolver) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The Lambda entry point of a function serving ``app``: the request id and access line, the
    gate, the body as text once, then the resolver; logged, measured and traced."""

    @logger.inject_lambda_context(clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        context_of_request = event.get("requestContext") or {}
        request = request_log.begin((context_of_request.get("http") or {}).get("method") or "GET",
                                    context_of_request.get("requestId"))
        status = 500
        try:
            result = _lambda_answer(app, event, context)
            status = int(result.get("statusCode") or 500)
            result["headers"] = {**(result.get("headers") or {}), request_log.HEADER: request.id}
            return result
        finally:
            request_log.end(request, status)

    return lambda_handler


def _lambda_answer(app: ApiGatewayResolver, event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    raw_query.set(str(event.get("rawQueryString") or ""))
    refused = lambda_event_gate(app, event)
    if refused is not None:
        status, body = refused
        return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
    try:  # the body as text, once: routes never meet base64 or bytes that are not UTF-8
        text = request_body.decode_lambda_body(event.get("body"), bool(event.get("isBase64Encoded")))
    except InvalidRequest as err:
        return {"statusCode": http_status(err), "headers": {"Content-Type": "application/json"},
                "body": json.dumps(error_body(err.code, err.message, err.field))}
    if event.get("isBase64Encoded"):
        event = {**event, "body": text, "isBase64Encoded": False}
    return app.resolve(event, context)
