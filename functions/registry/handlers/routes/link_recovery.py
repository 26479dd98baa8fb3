"""Get a new preference link (issue 13, "no dead ends"; docs/link-recovery.md).

- ``GET /new-link[?link=<token>]``: a form asking for the address the link was sent to. The
  expired (410) and tampered (403) pages lead here; an expired link's page passes its token (its
  MAC is genuine), which the form carries on in a hidden field only if it still verifies.
- ``POST /new-link`` (a url-encoded form: ``address``, ``link``?): ``services.link_recovery``
  counts the client and the address, and publishes ``preference_link.requested`` only if the
  registry knows the address. The answer is the same page, status and (floored) time whether it
  does or not; 400 for an address that is not one (said on the form), 429 over a limit.

Outside /v1 and public: no API key (the person has none). There is no CSRF token: the form acts
for no one signed in, and the most a cross-site post can do is ask for a link for someone, which
is rate limited and goes to that address only (docs/link-recovery.md). The client is API
Gateway's source IP (``requestContext.http.sourceIp``, the TCP peer the gateway saw; the local
server puts its own peer there), never ``X-Forwarded-For`` or any other header a client writes.
A browser (``Accept: text/html``) gets pages; any other client JSON.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ...domain.errors import InvalidAddress, InvalidRequest, RegistryError, TooManyRequests
from ...domain.languages import negotiate
from ...services import link_recovery
from .. import link_recovery_pages as texts
from .. import preference_pages as pages
from .. import public_url
from ..access import PUBLIC, requires
from ..errors import error_body, http_status, json_response
from ..observability import count, logger, tracer

router = Router()

PATH = "/new-link"
MAX_FORM_FIELDS = 10
MAX_ECHO_CHARS = 300  # what was typed, shown again (escaped) on the 400 form: at most this much


def form_url(base_url: str, token: str | None = None, language: str | None = None) -> str:
    """The form's URL under ``base_url``; with the token of a genuine (expired) link, and the
    language the person chose on the page they come from, if given."""
    url = base_url.rstrip("/") + PATH
    query = {name: value for name, value in (("link", token), ("lang", language)) if value}
    return f"{url}?{urlencode(query)}" if query else url


@router.get(PATH, include_in_schema=False, **requires(PUBLIC))
@tracer.capture_method(capture_response=False)
def get_form():
    try:
        action = _action()
    except RegistryError as err:
        return _refused(err)
    token = link_recovery.trusted_token(_query().get("link"))
    switch_query = f"{urlencode({'link': token})}&" if token else ""
    return _html(200, texts.form_page(action, token, _language(_query()), switch_query=switch_query))


@router.post(PATH, include_in_schema=False, **requires(PUBLIC))
@tracer.capture_method(capture_response=False)
def post_form():
    action, address = "", ""
    token: str | None = None
    form: dict[str, str] = {}
    try:
        action = _action()
        form = _form()
        address = form.get("address", "")
        token = link_recovery.trusted_token(form.get("link"))
        link_recovery.request_link(address, token, _source_ip(), public_url.base_url(_request_context(), "links are"))
    except TooManyRequests as err:
        count("PreferenceLinkRequestLimited")
        return _refused(err, form)
    except (InvalidAddress, InvalidRequest) as err:
        if not _wants_html():
            return _refused(err, form)
        language = _language(form)
        message = texts.text("invalid", language, error=err.message) if isinstance(err, InvalidAddress) \
            else texts.text("missing", language) if err.field == "address" else err.message
        return _html(400, texts.form_page(action, token, language, address=address[:MAX_ECHO_CHARS], error=message))
    except RegistryError as err:
        return _refused(err, form)
    # Never the address, nor whether it is known: the same line for every request.
    logger.info("new preference link requested")
    count("PreferenceLinkRequested")
    if _wants_html():
        return _html(200, texts.sent_page(_language(form)))
    return json_response(200, {"message": texts.SENT}, headers=dict(pages.HEADERS))


# --- request helpers --------------------------------------------------------------------------

def _header(name: str) -> str:
    for key, value in (router.current_event.headers or {}).items():
        if key.lower() == name:
            return value or ""
    return ""


def _query() -> dict[str, str]:
    return dict(router.current_event.query_string_parameters or {})


def _language(chosen: dict[str, str]) -> str:
    """The pages' language: ``lang`` (the query's, or the form's hidden field), else the browser's
    ``Accept-Language``; no brand narrows it (the form trusts none), so every supported one."""
    return negotiate(_header("accept-language"), (), chosen.get("lang"))


def _request_context() -> dict:
    return router.current_event.get("requestContext") or {}


def _source_ip() -> str:
    """API Gateway's source IP: the client as the gateway saw it. Never a forwarding header."""
    return str((_request_context().get("http") or {}).get("sourceIp") or "")


def _action() -> str:
    """The form's own URL: from configuration (``handlers.public_url``), never from Host."""
    return form_url(public_url.base_url(_request_context(), "links are"))


def _form() -> dict[str, str]:
    content_type = _header("content-type").lower()
    if content_type and not content_type.startswith("application/x-www-form-urlencoded"):
        raise InvalidRequest("send the page's form")
    try:
        parsed = parse_qs(router.current_event.decoded_body or "", keep_blank_values=True,
                          max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise InvalidRequest("send the page's form") from None
    return {name: values[-1] for name, values in parsed.items()}


# --- responses --------------------------------------------------------------------------------

def _wants_html() -> bool:
    return "text/html" in _header("accept").lower()


def _html(status: int, page: str) -> Response:
    """The preference pages' headers for this page: its own style allowed by hash and its form
    allowed to post to this origin (``HEADERS`` alone say ``form-action 'none'``: a browser would
    refuse to send the form)."""
    return Response(status, pages.CONTENT_TYPE, page, pages.headers(page))


def _refused(err: RegistryError, form: dict[str, str] | None = None) -> Response:
    status = http_status(err)
    if not _wants_html():
        return json_response(status, error_body(err.code, err.message, err.field), headers=dict(pages.HEADERS))
    language = _language(form if form is not None else _query())
    if isinstance(err, TooManyRequests):
        return _html(status, texts.limited_page(language))
    return _html(status, texts.unavailable_page(language))
