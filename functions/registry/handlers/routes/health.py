"""Liveness for the local stack and load balancers (no key needed)."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from ..access import PUBLIC, requires
from ..answers import answers

router = Router()


@router.get("/v1/health", operation_id="getHealth", tags=["health"],
            summary="Liveness (no key needed)", **requires(PUBLIC),
            **answers({200: ("Health", "the API answers")}))
def health():
    return {"status": "ok"}
