"""Lookups: single decisions, batch scrubs, the policy in force (scope ``lookup``)."""

from collections import Counter
from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from ...domain.brands import normalise_brand
from ...domain.decide import Decision
from ...domain.errors import InvalidRequest, RegistryError, RegistryUnavailable
from ...domain.timeutil import parse_instant, utc_now
from ...domain.vocabulary import DEFAULT_BRAND, EVERY_BRAND, DecisionKind
from ...services import permissions, policies
from ...services.command_fields import Channel, ContactPurpose, Dialing
from .. import request_log
from ..access import LOOKUP, requires
from ..answers import answers
from ..errors import UNAVAILABLE_REASON, error_body, error_detail, json_response
from ..observability import count, logger, tracer
from ..schemas import BatchIn

router = Router()


def _brand(brand: str | None) -> str:
    """The brand asked about, normalised as everywhere (``Acme `` is ``acme``). '*' names every
    brand only in an opt-out: as a question it would match no brand's opt-out, and answer "allow"
    for someone who opted out of each one."""
    brand = normalise_brand(brand) if brand is not None else None
    if brand == EVERY_BRAND:
        raise InvalidRequest("ask about one brand; '*' is only for opt-outs", "brand")
    return brand or DEFAULT_BRAND


def _replay(known_at: datetime | None, now: datetime) -> datetime | None:
    """A replay's ``known_at``; None for a plain lookup: none given, or one not before now (the registry
    cannot know more than it knows now, so a later one is now)."""
    return known_at if known_at is not None and known_at < now else None


def unavailable_decision(address: object, channel: str, purpose: str, brand: str) -> dict:
    return {"address": address, "channel": channel, "purpose": purpose, "brand": brand, "decision": DecisionKind.DENY,
            "allowed": False, "reasons": [UNAVAILABLE_REASON], "next_allowed_at": None}


@router.get("/v1/permissions", operation_id="getPermission", tags=["lookups"],
            summary="May this address be contacted now?",
            **requires(LOOKUP), **answers({200: ("Decision", "the decision")}, 400, 503,
                                          unavailable="LookupUnavailable"))
@tracer.capture_method(capture_response=False)
def get_permission(
    address: Annotated[str, Query(max_length=320)],
    channel: Annotated[Channel, Query()],
    purpose: Annotated[ContactPurpose, Query()],
    brand: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
    dialing: Annotated[Dialing | None, Query(description="how the call is placed (rev. 2): manual when left "
                                                         "out; every sms counts as autodialed; not for email")] = None,
    at: Annotated[str | None, Query(max_length=64)] = None,
    known_at: Annotated[str | None, Query(max_length=64, description="rev. 2, replay: only the facts recorded at "
                                                                     "or before it count (default: now; a later "
                                                                     "one is now)")] = None,
):
    brand = _brand(brand)
    now = utc_now()
    ask = permissions.Ask(channel, purpose, brand, parse_instant(at, "at") if at else now, dialing,
                          _replay(parse_instant(known_at, "known_at") if known_at else None, now))
    try:
        decision = permissions.check(address, ask)
    except RegistryUnavailable as err:
        count("RegistryUnavailable")
        logger.warning("lookup failed closed", extra={"cause": repr(err.__cause__)})
        request_log.note(decision=DecisionKind.DENY)
        return json_response(503, {**error_body(err.code, err.message), **unavailable_decision(
            address, channel, purpose, brand)})
    _count(decision)
    request_log.note(decision=decision.decision)
    return json_response(200, decision.to_dict())


@router.post("/v1/permissions/batch", operation_id="postPermissionsBatch", tags=["lookups"],
             summary="Scrub a list of addresses",
             **requires(LOOKUP), **answers({200: ("BatchResults", "one result per address, in input order")}, 400,
                                           503, unavailable="BatchUnavailable"))
@tracer.capture_method(capture_response=False)
def post_batch(body: BatchIn):
    brand = _brand(body.brand)
    now = utc_now()
    ask = permissions.Ask(body.channel, body.purpose, brand, body.at or now, body.dialing, _replay(body.known_at, now))
    try:
        results = permissions.check_many(body.addresses, ask)
    except RegistryUnavailable as err:
        count("RegistryUnavailable")
        logger.warning("batch lookup failed closed", extra={"cause": repr(err.__cause__), "size": len(body.addresses)})
        request_log.note(decisions={"deny": len(body.addresses)})
        return json_response(503, {**error_body(err.code, err.message), "results": [
            unavailable_decision(a, body.channel, body.purpose, brand) for a in body.addresses]})
    out = []
    metrics: Counter[str] = Counter()  # one metric value per name for the whole batch, not one per address
    for raw, result in zip(body.addresses, results, strict=True):
        if isinstance(result, RegistryUnavailable):  # that one address's record could not be read
            metrics["RegistryUnavailable"] += 1
            out.append({**unavailable_decision(raw, body.channel, body.purpose, brand),
                        "error": error_detail(result.code, result.message)})
        elif isinstance(result, RegistryError):
            out.append({"address": raw, "error": error_detail(result.code, result.message)})
        else:
            metrics.update(_metric_names(result))
            out.append(result.to_dict())
    metrics["BatchAddresses"] = len(out)
    for name, value in metrics.items():
        count(name, value)
    decisions: dict[str, int] = {}
    for entry in out:
        kind = entry.get("decision", "error")
        decisions[kind] = decisions.get(kind, 0) + 1
    request_log.note(decisions=decisions)
    return json_response(200, {"results": out})


@router.get("/v1/policy", operation_id="getPolicy", tags=["lookups"],
            summary="The policy version in force for a brand at a moment, with every rule and its citation",
            **requires(LOOKUP), **answers({200: ("PolicyAnswer", "the policy")}, 400, 503))
def get_policy(brand: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
               at: Annotated[str | None, Query(max_length=64, description="the moment (default: now): the "
                                                                          "version in force then")] = None):
    brand = normalise_brand(brand) if brand is not None else DEFAULT_BRAND
    moment = parse_instant(at, "at") if at is not None else utc_now()
    return json_response(200, policies.policy_answer(brand, moment))


def _count(decision: Decision) -> None:
    for name in _metric_names(decision):
        count(name)


def _metric_names(decision: Decision) -> list[str]:
    return [f"Decision_{decision.decision}", *(f"Reason_{reason.code}" for reason in decision.reasons)]
