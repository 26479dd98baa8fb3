"""handlers.answers: routes name their response models; a resolver with the document gets the classes, one
without gets none; a name that is no model stops the app from starting."""
from __future__ import annotations

import pytest
from aws_lambda_powertools.event_handler.api_gateway import APIGatewayHttpResolver, Router

from registry.handlers import answers, responses
from registry.handlers.routing import routes


def _router(model: str) -> Router:
    router = Router()

    @router.get("/v1/thing", **answers.answers({200: (model, "the thing")}, 400, 503, unavailable="LookupUnavailable"))
    def thing():
        return {}

    return router


def _resolver(router: Router) -> APIGatewayHttpResolver:
    resolver = APIGatewayHttpResolver(enable_validation=True)
    resolver.include_router(router)
    return resolver


def test_a_route_names_its_models_and_the_errors_it_answers():
    declared = answers.answers({200: ("Decision", "the decision")}, 400, 503, unavailable="LookupUnavailable")
    assert declared == {"responses": {
        200: {"description": "the decision", "content": {"application/json": {"model": "Decision"}}},
        400: {"description": answers._ERRORS[400], "content": {"application/json": {"model": "ErrorResponse"}}},
        503: {"description": answers._ERRORS[503], "content": {"application/json": {"model": "LookupUnavailable"}}},
    }}
    assert answers.answers({201: ("Health", "ok")}, 409)["responses"][409]["content"]["application/json"] == {
        "model": "ErrorResponse"}


def test_describe_gives_the_classes_to_one_resolver_without_touching_the_router_s_declaration():
    router = _router("Decision")
    described, bare = _resolver(router), _resolver(router)
    answers.describe(described)
    answers.leave_out(bare)
    (route,) = routes(described)
    assert {status: a["content"]["application/json"]["model"] for status, a in route.responses.items()} == {
        200: responses.Decision, 400: responses.ErrorResponse, 503: responses.LookupUnavailable}
    assert route.responses[200]["description"] == "the thing"
    (plain,) = routes(bare)
    assert plain.responses is None
    (declared,) = [key[7] for key in router._routes]  # the Router's own declaration still names the models
    assert declared[200]["content"]["application/json"]["model"] == "Decision"


def test_a_name_that_is_no_model_stops_the_app():
    resolver = _resolver(_router("NoSuchModel"))
    with pytest.raises(LookupError, match="NoSuchModel"):
        answers.describe(resolver)
