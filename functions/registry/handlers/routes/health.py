"""Liveness for the local stack and load balancers (no key needed)."""

from aws_lambda_powertools.event_handler.api_gateway import Router
from ..access import PUBLIC, requires

router = Router()


@router.get("/v1/health", include_in_schema=False, **requires(PUBLIC))
def health():
    return {"status": "ok"}
