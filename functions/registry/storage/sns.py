"""Amazon SNS, as ``POST /webhooks/ses`` needs it: confirming a subscription, and fetching the
certificate a message was signed with.

- ``confirm_subscription``: the SNS API's ConfirmSubscription with the topic and token the
  (verified) confirmation carries, in the topic's region. The registry never fetches a
  ``SubscribeURL``: a URL from a request is not something it requests.
- ``fetch_certificate``: a GET of the (checked) ``SigningCertURL``, with a bounded timeout and a
  bounded size; TLS verified as urllib does by default. The services cache what it returns.

Failures are ``StorageUnavailable`` (the caller answers 503 and SNS retries).
"""
from __future__ import annotations

import urllib.request
from typing import Any

from ..settings import get_settings
from .aws_clients import aws_client
from .errors import FAILURES, StorageUnavailable, dynamodb

MAX_CERTIFICATE_BYTES = 65_536


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """The certificate is read from the checked host itself: a redirect elsewhere is a failure."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _client(region: str) -> Any:
    return aws_client(get_settings(), "sns", region=region)


def confirm_subscription(topic_arn: str, token: str, region: str) -> str:
    """The subscription's ARN, once SNS has confirmed it."""
    with dynamodb("confirm the SNS subscription"):
        answer = _client(region).confirm_subscription(TopicArn=topic_arn, Token=token)
    return str(answer.get("SubscriptionArn") or "")


def fetch_certificate(url: str) -> bytes:
    """The PEM at ``url`` (already checked to be an SNS host: ``domain.sns_messages``)."""
    timeout = get_settings().sns_certificate_timeout
    try:
        with _opener.open(url, timeout=timeout) as answer:  # https, an SNS host: checked before
            data = answer.read(MAX_CERTIFICATE_BYTES + 1)
    except FAILURES as err:  # URLError and timeouts are OSErrors
        raise StorageUnavailable(f"could not fetch the SNS signing certificate: {type(err).__name__}") from err
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise StorageUnavailable("the SNS signing certificate is too large")
    return bytes(data)
