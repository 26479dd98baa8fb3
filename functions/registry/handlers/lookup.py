"""The lookup function (template.yaml: ``LookupFunction``): the lookup Router's routes only.

``GET /v1/permissions``, ``POST /v1/permissions/batch`` and ``GET /v1/policy`` (the policy a
lookup applies; the same Router, scope ``lookup``, read-only): the hot path of a dialer. The other
routes of scope ``lookup`` (reading brands) are not lookups and stay with the API. API Gateway
routes these three here (an explicit route wins over ``ApiFunction``'s ``/{proxy+}``); every other
route goes to ``ApiFunction`` (``handlers.api``). The resolver is set up exactly as the API's
(``handlers.resolver``: the gate, error answers, fail-closed 503 deny, path rule, request log,
logger, metrics, tracer); it only includes fewer Routers, so importing this module loads none of
the other areas' code.

The Router is the API's too (``api`` and the local server include it): a Router reads the request
of the last resolver that included it, so its routes read the request only through the arguments
the resolver gives them, never ``router.current_event`` (tests/api/test_lookup_function_api.py
calls the hosts in turns in one process).

Every route here reads and never writes (its role may only read the table): answering a lookup
records nothing.
"""
from __future__ import annotations

from .resolver import configure, lambda_handler_for, lambda_resolver
from .routes import permissions

ROUTERS = (permissions.router,)

app = configure(lambda_resolver(), ROUTERS)
lambda_handler = lambda_handler_for(app)
