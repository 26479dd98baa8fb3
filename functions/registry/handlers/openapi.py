"""The API's description: the OpenAPI document at /v1/openapi.json and Swagger UI at /v1/docs.

Powertools builds the document from the routes: request models (the commands of
``services.commands``, and ``schemas``), response models (named by ``answers(...)`` in each
decorator, given to the routes here: ``answers.describe``), short operation ids, and the scope each
route declares (``access.requires``: ``x-required-scope``, and the ``apiKey`` security requirement
on every route that needs a key). ``document`` then states what the gate does before any route runs,
from the same declarations: 401 and 403 on every route that needs a key, 413 on every route that
takes a body, 404 on every route with a path parameter (one that breaks the path's one spelling
names no route, ``routing``); it drops Powertools' 422, which this API never sends (request
validation answers 400 with the contract's error); and it names each schema by its title, which is
the class name unless a model says otherwise: a command keeps its request's name (``RecordConsent``
is ``ConsentIn``, ``services.commands``), so a client generated from the document keeps its models.

Swagger UI is Powertools' page (``generate_swagger_html``) with its bundled script and style
inlined: nothing is loaded from a CDN, and the page's CSP allows no other origin. It shows this
same document, and needs no key (scope ``public``).
"""
from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver

from . import answers
from .access import API_KEY_SCHEME, KEYLESS, PUBLIC, SCOPE_EXTENSION, requires

OPENAPI_PATH = "/v1/openapi.json"
DOCS_PATH = "/v1/docs"
TITLE = "Contact-preference and do-not-call registry"
VERSION = "1.0.0"
DESCRIPTION = ("May I call, text or email this person, for this purpose, now? Every /v1 call needs an API key "
               "in the x-api-key header, with the scope the operation names (x-required-scope). Errors are "
               "{\"error\": {\"code\", \"message\", \"field\"?, \"request_id\"}}; every response carries the "
               "request's id in the x-request-id header.")
API_KEY_DESCRIPTION = "An API key of the registry; its scopes: lookup, write, admin"
# Swagger UI's page: its own inline script and style only (the bundle names other sites only as
# text: RFC links, and validator.swagger.io for a badge of the standalone layout, which this page
# does not use and the CSP would refuse); it may call this API ("Try it out").
DOCS_HEADERS = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
                               "style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
                               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
_REF_PREFIX = "#/components/schemas/"
_ERROR_REF = {"$ref": f"{_REF_PREFIX}ErrorResponse"}
_GATE_ERRORS = {
    401: "no API key, or one the registry does not know",
    403: "the API key lacks the scope this operation needs (x-required-scope)",
}
_TOO_LARGE = "too large: a body over 1 MB or a list over its limit"
_NO_ROUTE = ("not found, or no such endpoint: a path parameter that makes the path name no route (empty, "
             "'.', '..', a control character, a '/' where the route has none)")


def configure(app: ApiGatewayResolver) -> None:
    """The document's two routes (public). Its settings are given when it is first asked for
    (``_describe``): Powertools' OpenAPI models cost about 0.1 s to import, and a lookup never needs them.
    The routes' response models (``handlers.responses``) are given to them now: the document needs them."""
    answers.describe(app)

    @app.get(OPENAPI_PATH, include_in_schema=False, **requires(PUBLIC))
    def openapi():
        return Response(200, "application/json", _document_text(app))

    @app.get(DOCS_PATH, include_in_schema=False, **requires(PUBLIC))
    def docs():
        query = app.current_event.query_string_parameters or {}
        if query.get("format") == "json":  # what the page names as its source
            return Response(200, "application/json", _document_text(app))
        return Response(200, "text/html; charset=utf-8", _docs_page(app), dict(DOCS_HEADERS))


def document(app: ApiGatewayResolver) -> dict[str, Any]:
    """The OpenAPI document: Powertools', completed with what the gate answers (see above)."""
    _describe(app)
    doc = json.loads(app.get_openapi_json_schema())
    for path, operations in doc.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            if operation.get(SCOPE_EXTENSION) not in (None, *KEYLESS):
                for status, description in _GATE_ERRORS.items():
                    responses.setdefault(str(status), _error(description))
            if "requestBody" in operation:
                responses.setdefault("413", _error(_TOO_LARGE))
            if "{" in path:
                responses.setdefault("404", _error(_NO_ROUTE))
            operation["responses"] = dict(sorted(responses.items()))
    schemas = doc.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError", "ResponseValidationError"):  # Powertools' own
        schemas.pop(name, None)
    return _named_by_title(doc)


def _describe(app: ApiGatewayResolver) -> None:
    """The document's title, version, description and security scheme (the x-api-key header)."""
    from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn

    schemes = {API_KEY_SCHEME: APIKey(name="x-api-key", in_=APIKeyIn.header, description=API_KEY_DESCRIPTION)}
    app.configure_openapi(title=TITLE, version=VERSION, description=DESCRIPTION,
                          security_schemes=schemes)  # type: ignore[arg-type]


def _named_by_title(doc: dict[str, Any]) -> dict[str, Any]:
    """Each schema under its title (see above), every reference to it renamed, the schemas in order."""
    schemas = doc.get("components", {}).get("schemas", {})
    names = {name: schema.get("title") or name for name, schema in schemas.items()}
    if len(set(names.values())) != len(names):
        raise RuntimeError(f"two schemas of the OpenAPI document have one title: {sorted(names.values())}")
    if all(name == title for name, title in names.items()):
        return doc
    refs = {f"{_REF_PREFIX}{name}": f"{_REF_PREFIX}{title}" for name, title in names.items() if name != title}

    def renamed(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: refs.get(value, value) if key == "$ref" and isinstance(value, str) else renamed(value)
                    for key, value in node.items()}
        if isinstance(node, list):
            return [renamed(value) for value in node]
        return node

    out: dict[str, Any] = renamed(doc)
    out["components"]["schemas"] = dict(sorted((names[name], schema) for name, schema in
                                               out["components"]["schemas"].items()))
    return out


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": copy.deepcopy(_ERROR_REF)}}}


@functools.lru_cache(maxsize=4)
def _document_text(app: ApiGatewayResolver) -> str:
    """The document as served (the same on every request: routes do not change once configured)."""
    return json.dumps(document(app))


@functools.lru_cache(maxsize=4)
def _docs_page(app: ApiGatewayResolver) -> str:
    from aws_lambda_powertools.event_handler.openapi.swagger_ui import html as swagger_html  # OpenAPI models

    assets = Path(swagger_html.__file__).parent
    script = (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8")
    style = (assets / "swagger-ui.min.css").read_text(encoding="utf-8")
    spec = _document_text(app).replace("</", "<\\/")  # cannot end the page's <script>
    return swagger_html.generate_swagger_html(spec, script, style, "", None, persist_authorization=False)
