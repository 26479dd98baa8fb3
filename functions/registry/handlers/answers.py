"""What each route answers, declared in its decorator by the names of its response models.

``**answers({200: ("Decision", "the decision")}, 400, 503, unavailable="LookupUnavailable")`` gives
a route its ``responses=``, naming models of ``handlers.responses``. The models describe answers
for the OpenAPI document only (no answer is validated with them), so they are given to the routes
of a resolver that has the document (``describe``: ApiFunction and the local server, at configure)
and left out of one that has none (``leave_out``: the lookup function, whose cold start then never
loads them, and whose first request never analyses them).
"""
from __future__ import annotations

from typing import Any

from .routing import routes

ERROR_MODEL = "ErrorResponse"
_ERRORS = {
    400: "bad input: invalid_request, invalid_address or channel_address_mismatch",
    404: "not found",
    409: "conflict: the id was used for another request, or the contact was erased after the fact",
    413: "too large: a body over 1 MB or a list over its limit",
    503: "the registry could not answer; nothing was changed, or what was is safe to send again",
}


def answers(ok: dict[int, tuple[str, str]], *errors: int, unavailable: str = ERROR_MODEL) -> dict[str, Any]:
    """A route's ``responses=``: its success bodies, and the errors it answers besides those of the
    gate (401, 403 and 413, which ``openapi.document`` adds from the route's scope and body)."""
    responses: dict[int, Any] = {
        status: {"description": description, "content": {"application/json": {"model": model}}}
        for status, (model, description) in ok.items()}
    for status in errors:
        model = unavailable if status == 503 else ERROR_MODEL
        responses[status] = {"description": _ERRORS[status], "content": {"application/json": {"model": model}}}
    return {"responses": responses}


def describe(app: Any) -> None:
    """Give every route of ``app`` its response models (the classes its ``answers`` names)."""
    from . import responses as models  # the OpenAPI response models: only where the document is

    for route in routes(app):
        if route.responses:
            route.responses = {status: _with_model(answer, models) for status, answer in route.responses.items()}


def leave_out(app: Any) -> None:
    """No response models on ``app``'s routes: it serves no document."""
    for route in routes(app):
        route.responses = None


def _with_model(answer: dict[str, Any], models: Any) -> dict[str, Any]:
    """A copy (the Router's own declaration is shared by every resolver that includes it)."""
    content = {}
    for media, schema in (answer.get("content") or {}).items():
        model = schema.get("model")
        if isinstance(model, str):
            resolved = getattr(models, model, None)
            if resolved is None:
                raise LookupError(f"no response model {model!r} in handlers.responses")
            schema = {**schema, "model": resolved}
        content[media] = schema
    return {**answer, "content": content}
