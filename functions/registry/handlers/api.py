"""The HTTP API: one Powertools resolver with every area's Router, for Lambda and locally.

Lambda runs ``lambda_handler`` (API Gateway HTTP API, payload 2.0). The local stack serves
``local_app()``: Powertools' ``HttpResolverLocal`` with the same Routers, exception handlers and
gate, under uvicorn; nothing of ours translates HTTP into Lambda events.
"""
from __future__ import annotations

import functools
import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, HttpResolverLocal, Response
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext

from ..domain.errors import RegistryError
from .access import (LOOKUP, NOT_FOUND, PUBLIC, check_declared, gate, lambda_event_gate, requires, scope_for,
                     treat_body_as_json)
from .errors import error_body, json_response, registry_error_response, validation_error_response
from .observability import logger, metrics, tracer
from .routing import NotCanonical, decode_once, install_rules
from .routes import contacts, events, facts, health, permissions, preference_center, suppression_lists

ROUTERS = (health.router, permissions.router, facts.router, contacts.router, suppression_lists.router,
           events.router, preference_center.router)
OPENAPI_PATH = "/v1/openapi.json"


def configure(app: ApiGatewayResolver) -> ApiGatewayResolver:
    for router in ROUTERS:
        app.include_router(router)

    @app.get(OPENAPI_PATH, include_in_schema=False, **requires(PUBLIC))
    def openapi():
        return Response(200, "application/json", app.get_openapi_json_schema(
            title="Contact-preference and do-not-call registry", version="1.0.0"))

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
            return json_response(503, {**error_body("registry_unavailable", "the registry could not answer"),
                                       "decision": "deny", "allowed": False,
                                       "reasons": [permissions.UNAVAILABLE_REASON]})
        return json_response(500, error_body("internal_error", "the registry could not complete the request"))

    install_rules(app)
    check_declared(app)
    return app


app = configure(APIGatewayHttpResolver(enable_validation=True))


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    refused = lambda_event_gate(app, event)
    if refused is not None:
        status, body = refused
        return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}
    return app.resolve(event, context)


@functools.cache
def local_app():
    """The ASGI app for the local stack: the same Routers behind the same gate.

    One per process: a Router reads ``current_event`` from the last resolver that included it,
    so a second local resolver would leave the first one's routes reading another request."""
    resolver = configure(HttpResolverLocal(enable_validation=True))

    async def asgi(scope, receive, send):
        if scope["type"] != "http":
            return await resolver(scope, receive, send)
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers: dict[str, str] = {}
        for key, value in scope.get("headers", []):  # a repeated header is joined, as API Gateway does
            name, text = key.decode("latin-1").lower(), value.decode("latin-1")
            headers[name] = f"{headers[name]},{text}" if name in headers else text
        path = _local_path(scope)
        refused = gate(resolver, scope["method"], path, headers, len(body)) if path is not None else NOT_FOUND
        if refused is not None:
            status, payload = refused
            data = json.dumps(payload).encode()
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(data)).encode())]})
            await send({"type": "http.response.body", "body": data})
            return

        # The resolver matches exactly the path the gate checked.
        scope = {**scope, "path": path}
        if body and treat_body_as_json(path, headers.get("content-type")):
            scope["headers"] = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-type"] \
                + [(b"content-type", b"application/json")]
        sent = False

        async def replay():
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await resolver(scope, replay, send)

    return asgi


def _local_path(scope) -> str | None:
    """The path as received (ASGI raw_path), decoded once; None if it cannot be."""
    raw = scope.get("raw_path")
    if raw is None:  # a server without raw_path has decoded it once already
        return scope.get("path")
    try:
        return decode_once(raw)
    except NotCanonical:
        return None
