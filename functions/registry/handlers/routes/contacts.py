"""A contact's profile and history (scope ``write``), and erasure (scope ``admin``).

The address in the path arrives decoded once (see ``handlers.routing``) and is used as it is:
``pct%2541%40example.com`` names ``pct%41@example.com``, ``a%2Fb%40example.com`` names
``a/b@example.com``. Answers are personal data: ``Cache-Control: no-store``.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from ...domain.addresses import normalise
from ...services import erasure, profiles
from ...settings import get_settings
from ..access import ADMIN, WRITE, actor, requires
from ..answers import answers
from ..errors import json_response
from ..observability import logger, tracer

router = Router()


NO_STORE = {"Cache-Control": "no-store"}


def _address(address: str):
    return normalise(address, get_settings().phone_default_region)


@router.get("/v1/contacts/<address>", operation_id="getContact", tags=["contacts"], summary="A contact's whole profile",
            **requires(WRITE), **answers({200: ("Profile", "the profile")}, 400, 404, 503))
@tracer.capture_method(capture_response=False)
def get_profile(address: str):
    return json_response(200, profiles.profile(_address(address)), headers=NO_STORE)


@router.get("/v1/contacts/<address>/history", operation_id="getContactHistory", tags=["contacts"],
            summary="Every change, oldest first",
            **requires(WRITE), **answers({200: ("History", "a page of history")}, 400, 503))
@tracer.capture_method(capture_response=False)
def get_history(address: str, cursor: Annotated[str | None, Query(max_length=2048)] = None,
                limit: Annotated[int | None, Query(ge=1, le=1000)] = None):
    return json_response(200, profiles.history(_address(address), cursor, limit), headers=NO_STORE)


@router.delete("/v1/contacts/<address>", operation_id="deleteContact", tags=["contacts"],
               summary="Erase a contact (its opt-outs are kept)",
               **requires(ADMIN), **answers({200: ("Erasure", "erased")}, 400, 404, 503))
@tracer.capture_method(capture_response=False)
def delete_contact(address: str):
    contact = _address(address)
    result = erasure.erase(contact, actor())
    logger.info("contact erased", extra={"address": contact.masked()})
    return json_response(200, result, headers=NO_STORE)
