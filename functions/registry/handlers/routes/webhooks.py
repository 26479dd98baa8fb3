"""Providers' webhooks (contract rev. 2, Events: "the same facts in the formats their senders
use, each verified before it is read"). No API key: each is declared ``SIGNED`` (see
``handlers.access``) and verifies the provider's signature before it reads anything else; a
request that does not verify is 403 with the contract's error and changes nothing.

- ``POST /webhooks/twilio/sms/{brand}``: Twilio's inbound-message webhook (a form post), signed
  with the brand's auth token over the URL Twilio requested (``_signed_url``) and the posted
  parameters. The reply is applied as an ``sms.inbound`` event with the path's brand, id
  ``twilio:<MessageSid>``, at the time it was received; the answer is TwiML: the help text for
  HELP, the confirmation text for an opt-out, else an empty ``<Response/>``.
- ``POST /webhooks/ses``: an SNS HTTPS subscription for Amazon SES's bounce and complaint
  notifications. A verified ``SubscriptionConfirmation`` is confirmed through the SNS API; a
  verified ``Notification`` becomes ``email.bounced`` / ``email.complained`` events. 200 when
  done, 503 when the registry could not write (SNS sends it again; the ids make that safe).
"""
from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, quote
from xml.sax.saxutils import escape

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from ...domain import ses_notifications, sns_messages
from ...domain.errors import InvalidRequest, NotVerified, RegistryError, RegistryUnavailable
from ...domain.timeutil import format_instant, utc_now
from ...domain.vocabulary import EventAction
from ...services import events
from ...services import sns_messages as sns
from ...services import twilio_webhooks as twilio
from .. import body as request_body
from .. import public_url
from ..access import SIGNED, requires
from ..errors import error_body, http_status, json_response
from ..event_inputs import parse
from ..observability import count, logger, tracer
from ..routing import raw_query

router = Router()

TWIML = "application/xml"
MAX_FORM_FIELDS = 200  # Twilio posts about 20 parameters (more with media)
SIGNATURE_HEADER = "x-twilio-signature"
# Characters a path keeps unencoded (RFC 3986 pchar and "/"): the path re-spelled as Twilio was given it.
_PATH_SAFE = "/-._~!$&'()*+,;=:@"
_NOT_XML = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# --- Twilio ---------------------------------------------------------------------------------------

@router.post("/webhooks/twilio/sms/<brand>", include_in_schema=False, **requires(SIGNED))
@tracer.capture_method(capture_response=False)
def post_twilio_sms(brand: str):
    try:
        name = twilio.brand_name(brand)
        form = _form()
        twilio.verify(name, _signed_url(), form, _header(SIGNATURE_HEADER))
    except NotVerified as refused:
        logger.warning("twilio webhook refused", extra={"brand": brand[:64], "reason": refused.reason})
        count("TwilioWebhookRefused")
        return _error(refused)
    except RegistryError as err:
        return _error(err)
    try:
        envelope = parse(_sms_event(name, form))
    except RegistryError as err:
        return _error(err)
    outcome = twilio.apply(envelope)
    logger.info("twilio sms", extra={"id": envelope.id, "brand": name, "status": outcome.status,
                                     "action": outcome.action,
                                     "error": outcome.error.code if outcome.error else None})
    count(f"TwilioSms_{outcome.status}")
    if outcome.error is not None:
        return _error(outcome.error)
    return Response(200, TWIML, _twiml(_reply_text(outcome)))


def _form() -> dict[str, list[str]]:
    """Twilio's form post, every value of every parameter (the signature covers them all)."""
    content_type = _header("content-type").lower()
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise InvalidRequest("send Twilio's form post (application/x-www-form-urlencoded)")
    try:
        return parse_qs(router.current_event.decoded_body or "", keep_blank_values=True,
                        max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        raise InvalidRequest("the form has too many fields") from None


def _signed_url() -> str:
    """The URL Twilio requested: the public base URL from configuration (``handlers.public_url``),
    the path the route matched, spelled as a URL spells it, and the query string exactly as
    received. See docs/decisions.md for API Gateway's default endpoint and a custom domain."""
    base = public_url.base_url(router.current_event.get("requestContext"), "the Twilio webhook is")
    query = raw_query.get()
    return base + quote(router.current_event.path, safe=_PATH_SAFE) + (f"?{query}" if query else "")


def _sms_event(brand: str, form: dict[str, list[str]]) -> dict[str, Any]:
    def one(name: str) -> str:
        values = form.get(name)
        if not values or len(values) != 1:
            raise InvalidRequest(f"Twilio's post has no single {name}", name)
        return values[0]

    return {"id": f"twilio:{one('MessageSid')}", "type": "sms.inbound", "occurred_at": format_instant(utc_now()),
            "source": "twilio", "data": {"from": one("From"), "to": one("To"), "body": one("Body"), "brand": brand}}


def _reply_text(outcome: events.EventResult) -> str | None:
    if outcome.status != events.APPLIED:
        return None  # a retry: the first post was answered; one confirmation, never a second
    if outcome.action is EventAction.HELP:
        return outcome.reply
    if outcome.confirmation is not None:
        return str(outcome.confirmation.get("text") or "") or None
    return None


def _twiml(text: str | None) -> str:
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    if not text:
        return head + "<Response/>"
    return head + "<Response><Message>" + escape(_NOT_XML.sub("", text)) + "</Message></Response>"


# --- Amazon SES through SNS -----------------------------------------------------------------------

@router.post("/webhooks/ses", include_in_schema=False, **requires(SIGNED))
@tracer.capture_method(capture_response=False)
def post_ses():
    try:
        message = _sns_message()
        sns.verify(message)
    except NotVerified as refused:
        logger.warning("sns message refused", extra={"reason": refused.reason})
        count("SnsMessageRefused")
        return _error(refused)
    except RegistryError as err:
        return _error(err)
    if message.type == sns_messages.SUBSCRIPTION_CONFIRMATION:
        try:
            subscription = sns.confirm(message)
        except RegistryError as err:
            return _error(err)
        logger.info("sns subscription confirmed", extra={"topic": message.topic_arn, "subscription": subscription})
        return json_response(200, {"confirmed": True, "topic_arn": message.topic_arn})
    if message.type == sns_messages.UNSUBSCRIBE_CONFIRMATION:
        logger.info("sns unsubscribe confirmation: nothing to do", extra={"topic": message.topic_arn})
        return json_response(200, {"confirmed": False, "topic_arn": message.topic_arn})
    try:
        raw_events = ses_notifications.envelopes_of_message(message.message)
    except ses_notifications.UnreadableNotification as err:
        logger.warning("sns notification is not an SES bounce or complaint", extra={"reason": str(err)})
        return _error(InvalidRequest(f"the notification is not Amazon SES's: {err}", "Message"))
    results = [_apply_ses(raw) for raw in raw_events]
    if any(isinstance(r.error, RegistryUnavailable) for _, r in results):
        return json_response(503, error_body("registry_unavailable", "some events were not applied; SNS will send "
                                                                     "the notification again"))
    return json_response(200, {"results": [{"id": event_id, "status": r.status, "action": r.action}
                                           for event_id, r in results]})


def _sns_message() -> sns_messages.SnsMessage:
    try:
        raw = request_body.loads(router.current_event.decoded_body or "")
    except json.JSONDecodeError:
        raise InvalidRequest("the body is not an SNS message (JSON)") from None
    try:
        return sns_messages.read(raw)
    except sns_messages.NotAnSnsMessage as err:
        raise InvalidRequest(f"the body is not an SNS message: {err}") from None


def _apply_ses(raw: dict[str, Any]) -> tuple[str, events.EventResult]:
    try:
        outcome = events.apply_event(parse(raw))
    except RegistryError as err:
        outcome = events.EventResult(events.REJECTED, err)
    logger.info("ses event", extra={"id": raw["id"], "type": raw["type"], "status": outcome.status,
                                    "error": outcome.error.code if outcome.error else None})
    count(f"SesEvent_{outcome.status}")
    return raw["id"], outcome


# --- helpers --------------------------------------------------------------------------------------

def _header(name: str) -> str:
    for key, value in (router.current_event.headers or {}).items():
        if key.lower() == name:
            return value or ""
    return ""


def _error(err: RegistryError) -> Response:
    return json_response(http_status(err), error_body(err.code, err.message, err.field))
