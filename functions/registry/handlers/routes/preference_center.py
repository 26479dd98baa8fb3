"""The preference center: signed links (``POST /v1/preference-links``, scope ``write``) and the
pages they open, outside /v1 so no API key is needed: the signed token is the credential.

- ``GET /p/<token>``: the person's page; ``POST`` (a form) records their choices and answers
  303 to the page again (post/redirect/get: reloading it sends nothing twice).
- ``GET /p/<token>/unsubscribe``: a confirmation button (a GET never changes anything);
  ``POST`` with ``List-Unsubscribe=One-Click`` (RFC 8058) opts out of marketing and answers 200.

- ``GET /p/<token>?stop=all``: the one confirmation step of "Stop all messages" (its button posts
  the page's form with ``opt_out_all``, then 303 to the page with ``?stopped=1``).

Every page speaks the person's language (``domain.languages.negotiate``: ``?lang=`` or the form's
``lang``, else ``Accept-Language``, among the brand's ``languages``) and shows the brand's face.

A tampered token answers 403 and an expired (or erased) one 410: an HTML page for a browser
(``Accept: text/html``), else the contract's JSON error; neither says whose link it was. An
expired page names the brand (the token is genuine); a tampered one is neutral.
"""
from datetime import date
from email.parser import BytesParser
from email.policy import HTTP
from typing import Annotated
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import ConfigDict, Field

from ...domain import link_tokens
from ...domain.brand_settings import Brand as BrandFace
from ...domain.errors import Forbidden, Gone, InvalidRequest, RegistryError
from ...domain.languages import negotiate
from ...domain.vocabulary import CHANNELS, DEFAULT_BRAND, PURPOSES, Purpose
from ...i18n import gettext_for
from ...services import brands, preference_links
from ...services.command_fields import AddressText, Brand, Strict
from .. import link_recovery_pages, page_texts, public_url
from .. import preference_pages as pages
from ..access import PUBLIC, WRITE, requires
from ..answers import answers
from ..errors import error_body, http_status, json_response
from ..observability import count, logger, tracer
from . import link_recovery

router = Router()

ONE_CLICK = {"List-Unsubscribe": "One-Click"}
MAX_FORM_FIELDS = 200


class PreferenceLinkIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"address": "pat@example.com", "brand": "acme", "ttl_days": 30}]})
    address: AddressText
    brand: Brand | None = None
    ttl_days: Annotated[int, Field(ge=1, le=preference_links.MAX_TTL_DAYS, strict=True)] | None = None


@router.post("/v1/preference-links", operation_id="postPreferenceLink", tags=["preference center"],
             summary="A signed preference-center link",
             **requires(WRITE), **answers({201: ("PreferenceLink", "the link")}, 400, 503))
@tracer.capture_method(capture_response=False)
def post_preference_link(body: PreferenceLinkIn):
    address = preference_links.normalised(body.address)
    ttl = body.ttl_days if body.ttl_days is not None else preference_links.DEFAULT_TTL_DAYS
    link = preference_links.issue(address, body.brand or DEFAULT_BRAND, ttl, _base_url())
    logger.info("preference link issued", extra={"address": address.masked()})
    count("PreferenceLinkIssued")
    return json_response(201, link.to_dict())


@router.get("/p/<token>", include_in_schema=False, **requires(PUBLIC))
@tracer.capture_method(capture_response=False)
def get_page(token: str):
    try:
        link, brand, url = _opened(token, link_tokens.PAGE)
        view = preference_links.page(link)
    except RegistryError as err:
        return _refused(err, token, link_tokens.PAGE)
    query = _query()
    language = _language(brand, query.get("lang"))
    if query.get("stop") == "all":
        return _html(200, pages.stop_confirm(view, url, language, brand), brand)
    return _html(200, pages.preference_page(view, url, saved=query.get("saved") == "1", language=language,
                                            brand=brand, stopped=query.get("stopped") == "1"), brand)


@router.post("/p/<token>", include_in_schema=False, **requires(PUBLIC))
@tracer.capture_method(capture_response=False)
def post_page(token: str):
    try:
        link, brand, url = _opened(token, link_tokens.PAGE)
    except RegistryError as err:
        return _refused(err, token, link_tokens.PAGE)
    form: dict[str, str] = {}
    try:
        form = _form()
        language = _language(brand, form.get("lang"))
        choices = _choices(form)
        applied = preference_links.apply(link, choices, _evidence(url), language=language)
    except InvalidRequest as err:
        language = _language(brand, form.get("lang"))
        try:
            view = preference_links.page(link)
        except RegistryError as again:
            return _refused(again, token, link_tokens.PAGE)
        return _html(400, pages.preference_page(view, url, error=err.message, language=language, brand=brand), brand)
    except RegistryError as err:
        return _refused(err, token, link_tokens.PAGE)
    logger.info("preference center choices recorded", extra={
        "address": link.address.masked(), "opt_outs": applied.opt_outs, "consents": applied.consents,
        "preferences": applied.preferences})
    count("PreferenceCenterSaved")
    done = "stopped=1" if choices.opt_out_all else "saved=1"
    chosen = f"&lang={language}" if form.get("lang") else ""  # the language the person chose goes on with them
    return Response(303, pages.CONTENT_TYPE, "", {**pages.HEADERS, "Location": f"{url}?{done}{chosen}"})


@router.get("/p/<token>/unsubscribe", include_in_schema=False, **requires(PUBLIC))
@tracer.capture_method(capture_response=False)
def get_unsubscribe(token: str):
    try:
        link, brand, url = _opened(token, link_tokens.UNSUBSCRIBE)
    except RegistryError as err:
        return _refused(err, token, link_tokens.UNSUBSCRIBE)
    requested = _query().get("lang")
    language = _language(brand, requested)
    # the button's POST must carry only List-Unsubscribe=One-Click: a chosen language rides in its URL
    action = f"{url}?lang={language}" if requested else url
    return _html(200, pages.unsubscribe_confirm(link, action, language, brand), brand)


@router.post("/p/<token>/unsubscribe", include_in_schema=False, **requires(PUBLIC))
@tracer.capture_method(capture_response=False)
def post_unsubscribe(token: str):
    try:
        link = preference_links.open_link(token, link_tokens.UNSUBSCRIBE)
        if not _is_one_click():
            raise InvalidRequest("the body must be List-Unsubscribe=One-Click (RFC 8058)")
        channels = preference_links.unsubscribe(link)
    except RegistryError as err:
        return _refused(err, token, link_tokens.UNSUBSCRIBE)
    logger.info("one-click unsubscribe", extra={"address": link.address.masked()})
    count("OneClickUnsubscribe")
    if _wants_html():
        brand = _brand_or_none(link.brand)
        language = _language(brand, _query().get("lang"))
        return _html(200, pages.unsubscribed(link, language, brand), brand)
    return json_response(200, {"unsubscribed": True, "channels": list(channels), "purposes": [Purpose.MARKETING],
                               "brand": link.brand}, headers=dict(pages.HEADERS))


# --- request helpers --------------------------------------------------------------------------

def _header(name: str) -> str:
    headers = router.current_event.headers or {}
    for key, value in headers.items():
        if key.lower() == name:
            return value or ""
    return ""


def _query() -> dict[str, str]:
    return dict(router.current_event.query_string_parameters or {})


def _language(brand: BrandFace | None, requested: str | None) -> str:
    """The page's language: the one asked for (``?lang=``, the form's ``lang``), else the
    browser's ``Accept-Language``, among the brand's languages (``domain.languages``)."""
    return negotiate(_header("accept-language"), brand.languages if brand is not None else (), requested)


def _brand_or_none(name: str) -> BrandFace | None:
    """The brand, for an answer already decided (the unsubscribe is recorded): without it, the page
    still answers, with the brand's id for its name."""
    try:
        return brands.find(name)
    except RegistryError:
        return None


def _request_context() -> dict:
    return router.current_event.get("requestContext") or {}


def _base_url() -> str:
    """Links are built from configuration only (``handlers.public_url``)."""
    return public_url.base_url(_request_context(), "preference links are")


_PATHS = {link_tokens.PAGE: preference_links.PAGE_PATH, link_tokens.UNSUBSCRIBE: preference_links.UNSUBSCRIBE_PATH}


def _opened(token: str, purpose: str) -> tuple[preference_links.Link, BrandFace, str]:
    """What every page of a link starts from: the link (opened for ``purpose``), its brand and the
    page's own URL (from configuration). A RegistryError, for ``_refused``, if any cannot be had."""
    link = preference_links.open_link(token, purpose)
    return link, brands.find(link.brand), _base_url() + _PATHS[purpose].format(token=token)


def _evidence(url: str) -> dict:
    ip = str((_request_context().get("http") or {}).get("sourceIp") or "")
    if not ip:
        ip = _header("x-forwarded-for").split(",")[0].strip()
    return {"form_url": url, "ip": ip[:64] or None, "user_agent": _header("user-agent")[:1024] or None}


def _body() -> str:
    return router.current_event.decoded_body or ""


def _form() -> dict[str, str]:
    content_type = _header("content-type").lower()
    if content_type and not content_type.startswith("application/x-www-form-urlencoded"):
        raise InvalidRequest("send the page's form")
    try:
        parsed = parse_qs(_body(), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise InvalidRequest("the form has too many fields") from None
    return {name: values[-1] for name, values in parsed.items()}


def _choices(form: dict[str, str]) -> preference_links.Choices:
    scopes = {}
    for name, value in form.items():
        if not name.startswith("scope."):
            continue
        parts = name.split(".")
        if len(parts) != 4 or parts[2] not in CHANNELS or parts[3] not in PURPOSES \
                or value not in (preference_links.IN, preference_links.OUT, preference_links.KEEP):
            raise InvalidRequest("the form is not one this page sent; reload it and choose again")
        if value != preference_links.KEEP:
            scopes[(parts[1], parts[2], parts[3])] = value

    preferred = form.get("preferred_channel")
    if preferred is None:
        preferred_channel = preference_links.UNCHANGED
    elif preferred == "none":
        preferred_channel = None
    elif preferred in CHANNELS:
        preferred_channel = preferred
    else:
        raise InvalidRequest("choose a preferred channel from the list", "preferred_channel")

    snooze = preference_links.UNCHANGED
    if form.get("snooze_clear"):
        snooze = None
    elif form.get("snooze_until", "").strip():
        text = form["snooze_until"].strip()
        try:
            if len(text) != 10:
                raise ValueError
            snooze = date.fromisoformat(text)
        except ValueError:
            raise InvalidRequest("give the pause's end as a date, YYYY-MM-DD", "snooze_until") from None
    return preference_links.Choices(scopes, preferred_channel, snooze, bool(form.get("opt_out_all")))


def _is_one_click() -> bool:
    """RFC 8058: the POST carries List-Unsubscribe=One-Click, url-encoded or as multipart/form-data."""
    content_type = _header("content-type")
    body = _body()
    if content_type.lower().startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace") + body.encode("utf-8", "replace"))
        if not message.is_multipart():
            return False
        fields = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            fields[str(name)] = (payload.decode("utf-8", "replace") if isinstance(payload, bytes) else "").strip()
        return fields == ONE_CLICK
    try:
        parsed = parse_qs(body.strip(), keep_blank_values=True, strict_parsing=True, max_num_fields=10)
    except ValueError:
        return False
    return parsed == {name: [value] for name, value in ONE_CLICK.items()}


# --- responses --------------------------------------------------------------------------------

def _wants_html() -> bool:
    return "text/html" in _header("accept").lower()


def _html(status: int, page: str, brand: BrandFace | None = None) -> Response:
    return Response(status, pages.CONTENT_TYPE, page, pages.headers(page, brand.logo_origin if brand else None))


def _refused(err: RegistryError, token: str | None = None, purpose: str = link_tokens.PAGE) -> Response:
    """403, 410, 400 or 503, saying nothing about whose link it was. For a person (HTML): an
    expired link's page names its brand (the token is genuine: ``brand_behind``); a tampered
    link's, or one whose record is gone, is neutral."""
    if isinstance(err, Forbidden):
        key = "error.forbidden"
    elif isinstance(err, Gone):
        key = "error.gone"
    elif isinstance(err, InvalidRequest):
        key = None
    else:
        key = "error.unavailable"
    status = http_status(err)
    if not _wants_html():
        message = page_texts.text(key) if key else err.message
        return json_response(status, error_body(err.code, message), headers=dict(pages.HEADERS))
    brand = None
    if isinstance(err, Gone) and token:
        behind = preference_links.brand_behind(token, purpose)
        brand = _brand_or_none(behind) if behind else None
    language = _language(brand, _query().get("lang"))
    if key == "error.gone" and brand is not None:
        message = gettext_for(language)(page_texts.WORDS["error.gone.brand"]) % {"brand": brand.shown_name}
    elif key:
        message = page_texts.word(key, language)
    else:
        message = page_texts.form_error(err.message, language)
    return _html(status, pages.error_page(status, message, language, brand,
                                          recovery_url=_recovery_url(err, _query().get("lang") and language),
                                          recovery_label=link_recovery_pages.recovery_label(language)), brand)


def _recovery_url(err: RegistryError, language: str | None = None) -> str | None:
    """Link recovery (issue 13, "no dead ends"): the form for a new link, from a tampered (403) or
    expired (410) link's page; an expired link's token is genuine (its MAC verified), so the form
    may carry it on and learn the link's brand from it; a language the person chose goes on with
    them (``language``). None for any other refusal."""
    if not isinstance(err, (Forbidden, Gone)):
        return None
    parts = (router.current_event.path or "").split("/")  # /p/<token>[/unsubscribe]
    token = parts[2] if isinstance(err, Gone) and len(parts) > 2 else None
    try:
        return link_recovery.form_url(_base_url(), token, language)
    except RegistryError:
        return None
