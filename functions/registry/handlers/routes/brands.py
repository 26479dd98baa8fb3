"""Brands (contract rev. 2): ``PUT /v1/brands/{brand}`` (``admin``), ``GET /v1/brands/{brand}`` and
``GET /v1/brands`` (``lookup``).

A PUT changes the fields it sends (``null`` clears one) and keeps the others; the Twilio auth
token is write-only: it is kept as a secret and the answer says only ``twilio_auth_token_set``.
"""
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel, ConfigDict, Field

from ...domain.brand_settings import (
    MAX_DISPLAY_NAME_LENGTH,
    MAX_SMS_NUMBERS,
    MAX_STOP_WORD_LENGTH,
    MAX_STOP_WORDS,
    MAX_TEXT_LENGTH,
    MAX_TOKEN_LENGTH,
    MAX_URL_LENGTH,
)
from ...domain.errors import NotFound
from ...services import brands
from ..access import ADMIN, LOOKUP, requires
from ..answers import answers
from ..errors import json_response
from ..observability import logger, tracer
from ..schemas import Instant

router = Router()

SmsText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_LENGTH)]


class BrandIn(BaseModel):
    """Every field optional: the ones sent replace what is stored (``null`` clears), the others stay."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "sms_numbers": ["+14155550911"], "help_text": "Acme: reply STOP to opt out. Help: acme.example/sms",
        "confirmation_text": "Acme: you are unsubscribed and will get no more texts.",
        "stop_words": ["basta"], "policy": {"basis": {"email:marketing": "consent"}},
        "display_name": "Acme Energy", "logo_url": "https://cdn.acme.example/logo.png",
        "privacy_url": "https://acme.example/privacy", "support_email": "help@acme.example",
        "support_phone": "+14155550100", "languages": ["en", "es"]}]})
    sms_numbers: Annotated[list[Annotated[str, Field(max_length=32)]], Field(max_length=MAX_SMS_NUMBERS)] | None = None
    help_text: SmsText | None = None
    confirmation_text: SmsText | None = None
    stop_words: Annotated[list[Annotated[str, Field(min_length=1, max_length=MAX_STOP_WORD_LENGTH)]],
                          Field(max_length=MAX_STOP_WORDS)] | None = None
    twilio_auth_token: Annotated[str, Field(min_length=8, max_length=MAX_TOKEN_LENGTH,
                                            pattern=r"^[\x21-\x7e]+$")] | None = Field(
        None, description="write-only: kept as a secret (SSM SecureString), never answered back")
    policy: dict[str, Any] | None = Field(None, description="overrides of the default policy (GET /v1/policy): a new "
                                                       "version of the brand's policy, the older ones kept")
    policy_effective_from: Instant | None = Field(
        None, description="rev. 2: when the policy sent takes effect (default: now); never in the past, never "
                          "before a version already scheduled (docs/policy-versions.md)")
    # issue 13: the brand's face on its preference pages
    display_name: Annotated[str, Field(min_length=1, max_length=MAX_DISPLAY_NAME_LENGTH)] | None = Field(
        None, description="the name the pages give the brand (else its id, capitalised)")
    logo_url: Annotated[str, Field(max_length=MAX_URL_LENGTH)] | None = Field(
        None, description="https only; the pages' Content-Security-Policy allows images from its origin only")
    privacy_url: Annotated[str, Field(max_length=MAX_URL_LENGTH)] | None = Field(
        None, description="https only: the brand's privacy notice, linked from every page")
    support_email: Annotated[str, Field(max_length=254)] | None = Field(None, description="shown as a mailto: link")
    support_phone: Annotated[str, Field(max_length=32)] | None = Field(
        None, description="E.164 (or the default region's spelling); shown in the number's national format")
    languages: Annotated[list[Annotated[str, Field(max_length=8)]], Field(min_length=1, max_length=8)] | None = Field(
        None, description="the languages the pages speak, from en, es (null: every one); the person's browser and "
                          "the page's switch choose among them")


def _command(body: BrandIn) -> brands.SetBrand:
    sent = frozenset(body.model_fields_set) & frozenset(brands.FIELDS)
    values: dict[str, Any] = {"policy_effective_from": body.policy_effective_from}
    for name in sent:
        value = getattr(body, name)
        values[name] = tuple(value) if isinstance(value, list) else value
    return brands.SetBrand(sent=sent, **values)


@router.put("/v1/brands/<brand>", operation_id="putBrand", tags=["brands"], summary="Create or change a brand",
            **requires(ADMIN), **answers({201: ("BrandAnswer", "created"), 200: ("BrandAnswer", "changed")},
                                         400, 404, 409, 503))
@tracer.capture_method(capture_response=False)
def put_brand(brand: str, body: BrandIn):
    stored, created = brands.put(brand, _command(body))
    logger.info("brand stored", extra={"brand": stored.name, "new_brand": created, "fields": sorted(body.model_fields_set)})
    return json_response(201 if created else 200, brands.to_document(stored))


@router.get("/v1/brands/<brand>", operation_id="getBrand", tags=["brands"], summary="A brand",
            **requires(LOOKUP), **answers({200: ("BrandAnswer", "the brand")}, 400, 404, 503))
@tracer.capture_method(capture_response=False)
def get_brand(brand: str):
    found = brands.get(brands.check_name(brand))
    if found is None:
        raise NotFound("no such brand")
    return json_response(200, brands.to_document(found))


@router.get("/v1/brands", operation_id="getBrands", tags=["brands"], summary="Every brand",
            **requires(LOOKUP), **answers({200: ("BrandList", "every brand, in name order")}, 400, 503))
@tracer.capture_method(capture_response=False)
def get_brands():
    return json_response(200, {"brands": [brands.to_document(b) for b in brands.all_brands()]})
