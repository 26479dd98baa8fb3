"""A contact's profile and history (scope ``write``), and erasure (scope ``admin``)."""

from typing import Annotated, Optional
from urllib.parse import unquote

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.api_gateway import Router

from ...domain.addresses import normalise
from ...services import erasure, profiles
from ...settings import get_settings
from ..access import actor
from ..errors import json_response
from ..observability import logger, tracer

router = Router()


def _address(raw: str):
    return normalise(unquote(raw), get_settings().phone_default_region)


@router.get("/v1/contacts/<address>")
@tracer.capture_method(capture_response=False)
def get_profile(address: str):
    return json_response(200, profiles.profile(_address(address)))


@router.get("/v1/contacts/<address>/history")
@tracer.capture_method(capture_response=False)
def get_history(address: str, cursor: Annotated[Optional[str], Query(max_length=2048)] = None,
                limit: Annotated[Optional[int], Query(ge=1, le=1000)] = None):
    return json_response(200, profiles.history(_address(address), cursor, limit))


@router.delete("/v1/contacts/<address>")
@tracer.capture_method(capture_response=False)
def delete_contact(address: str):
    contact = _address(address)
    result = erasure.erase(contact, actor())
    logger.info("contact erased", extra={"address": contact.masked()})
    return json_response(200, result)
