"""An Amazon SNS message as SNS delivers it (an HTTPS subscription's POST body, or an SQS message
without raw delivery), and what its signature covers. Pure: the services fetch the certificate
and check the signature (``services.sns_messages``).

- ``read`` takes the JSON object SNS sends: ``Type`` (``Notification``, ``SubscriptionConfirmation``,
  ``UnsubscribeConfirmation``), ``MessageId``, ``TopicArn``, ``Message``, ``Timestamp``,
  ``SignatureVersion`` (``1``: SHA1withRSA, ``2``: SHA256withRSA), ``Signature`` (base64),
  ``SigningCertURL``, and ``Subject`` (notifications) or ``SubscribeURL`` and ``Token``
  (confirmations).
- ``string_to_sign``: the canonical string AWS documents ("Verifying the signatures of Amazon SNS
  messages"): for each signed field present, in this order, its name, a newline, its value, a
  newline. A notification signs ``Message``, ``MessageId``, ``Subject`` (only if present),
  ``Timestamp``, ``TopicArn``, ``Type``; a confirmation signs ``Message``, ``MessageId``,
  ``SubscribeURL``, ``Timestamp``, ``Token``, ``TopicArn``, ``Type``.
- ``signing_certificate_problem``: the certificate must come from SNS itself: ``https``, no user,
  no port but 443, and a host that *is* ``sns.<region>.amazonaws.com`` (``.com.cn`` in China),
  the region being the topic's own. The whole host is compared, never searched in:
  ``sns.us-east-1.amazonaws.com.evil.com`` and ``evil.com/sns.us-east-1.amazonaws.com`` are refused.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

NOTIFICATION = "Notification"
SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation"
UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation"
TYPES = (NOTIFICATION, SUBSCRIPTION_CONFIRMATION, UNSUBSCRIBE_CONFIRMATION)
SIGNATURE_VERSIONS = ("1", "2")  # 1: SHA1withRSA, 2: SHA256withRSA

NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_FIELDS = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")

# arn:<partition>:sns:<region>:<account>:<topic>
_TOPIC_ARN = re.compile(r"^arn:aws(?:-[a-z]+)*:sns:(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+):\d{12}:[A-Za-z0-9_.\-]{1,256}$")
_CERT_HOST = re.compile(r"^sns\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$")
_MAX_FIELD = 262_144  # SNS messages are at most 256 KiB


class NotAnSnsMessage(ValueError):
    """The object is not an SNS message this registry can read (a field missing or malformed)."""


@dataclass(frozen=True)
class SnsMessage:
    type: str
    message_id: str
    topic_arn: str
    message: str
    timestamp: str
    signature_version: str
    signature: str
    signing_cert_url: str
    subject: str | None = None
    subscribe_url: str | None = None
    token: str | None = None

    @property
    def is_notification(self) -> bool:
        return self.type == NOTIFICATION

    @property
    def region(self) -> str:
        """The topic's region (the ARN was checked when read)."""
        return topic_region(self.topic_arn) or ""

    def signed_values(self) -> dict[str, str | None]:
        return {"Message": self.message, "MessageId": self.message_id, "Subject": self.subject,
                "SubscribeURL": self.subscribe_url, "Timestamp": self.timestamp, "Token": self.token,
                "TopicArn": self.topic_arn, "Type": self.type}


def looks_like_sns(value: Any) -> bool:
    """An object SNS made (its ``Type`` and ``TopicArn``), as opposed to a bare SES notification."""
    return isinstance(value, Mapping) and value.get("Type") in TYPES and "TopicArn" in value


def topic_region(arn: str) -> str | None:
    match = _TOPIC_ARN.match(arn)
    return match.group("region") if match else None


def _text(raw: Mapping[str, Any], name: str) -> str:
    """A field every message of its type has: a non-empty text (at most SNS's 256 KiB)."""
    value = raw.get(name)
    if not isinstance(value, str) or not value or len(value) > _MAX_FIELD:
        raise NotAnSnsMessage(f"{name} must be a non-empty text")
    return value


def _subject(raw: Mapping[str, Any]) -> str | None:
    """A notification's ``Subject``: absent, or a text (signed when present)."""
    value = raw.get("Subject")
    if value is not None and (not isinstance(value, str) or len(value) > _MAX_FIELD):
        raise NotAnSnsMessage("Subject must be a text")
    return value


def read(raw: Any) -> SnsMessage:
    """The SNS message in ``raw`` (the parsed JSON body); NotAnSnsMessage if it is not one."""
    if not isinstance(raw, Mapping):
        raise NotAnSnsMessage("an SNS message is a JSON object")
    kind = raw.get("Type")
    if kind not in TYPES:
        raise NotAnSnsMessage("Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation")
    version = str(raw.get("SignatureVersion"))  # "1" or "2", or the number 1 or 2: any other value's text is neither
    if version not in SIGNATURE_VERSIONS:
        raise NotAnSnsMessage("SignatureVersion must be 1 or 2")
    topic = _text(raw, "TopicArn")
    if topic_region(topic) is None:
        raise NotAnSnsMessage("TopicArn is not an SNS topic ARN")
    confirmation = kind != NOTIFICATION
    return SnsMessage(
        type=kind, message_id=_text(raw, "MessageId"), topic_arn=topic, message=_text(raw, "Message"),
        timestamp=_text(raw, "Timestamp"), signature_version=version, signature=_text(raw, "Signature"),
        signing_cert_url=_text(raw, "SigningCertURL"),
        subject=None if confirmation else _subject(raw),  # a confirmation's signature does not cover one
        subscribe_url=_text(raw, "SubscribeURL") if confirmation else None,
        token=_text(raw, "Token") if confirmation else None)


def string_to_sign(message: SnsMessage) -> str:
    """The canonical string the message's signature covers (see the module's doc)."""
    fields = NOTIFICATION_FIELDS if message.is_notification else CONFIRMATION_FIELDS
    values = message.signed_values()
    return "".join(f"{name}\n{values[name]}\n" for name in fields if values[name] is not None)


def signing_certificate_problem(url: str, topic_arn: str) -> str | None:
    """Why the certificate URL is not one SNS signs with for this topic; None when it is."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "the signing certificate URL cannot be read"
    if parts.scheme != "https":
        return "the signing certificate URL is not https"
    if parts.username is not None or parts.password is not None or port not in (None, 443):
        return "the signing certificate URL names a user or a port"
    host = _CERT_HOST.match(parts.netloc.removesuffix(":443"))
    if host is None:
        return "the signing certificate is not on an SNS host (sns.<region>.amazonaws.com)"
    if host.group("region") != topic_region(topic_arn):
        return "the signing certificate is not from the topic's region"
    if not parts.path.endswith(".pem") or parts.query or parts.fragment:
        return "the signing certificate URL does not name a certificate"
    return None
