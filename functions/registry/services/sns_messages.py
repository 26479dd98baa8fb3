"""Amazon SNS messages posted to ``POST /webhooks/ses``: verified, then confirmed or read.

``verify`` refuses (``NotVerified``, 403) unless all of these hold, in this order, so a refused
message costs no network call:

1. the topic is one configuration allows (``REGISTRY_SES_TOPIC_ARNS``; none set: every message is
   refused): a stranger's own topic, validly signed by SNS, must not post facts;
2. the ``SigningCertURL`` is SNS's own (``domain.sns_messages.signing_certificate_problem``);
3. the signature (base64) verifies over the canonical string with the certificate's RSA key:
   PKCS#1 v1.5 with SHA-1 for ``SignatureVersion`` 1, SHA-256 for 2; and the certificate is
   within its validity period.

The certificate is fetched once per URL and kept (SNS rotates it by publishing a new URL); a
failed fetch is ``RegistryUnavailable`` (503: SNS retries). Why not a library: the Python SNS
validators on PyPI are unmaintained (``aws-sns-message-validator``, last release 2022) or need
Python 3.13 (``aws-sns-verifier``); the check is a dozen lines over ``cryptography``.

``confirm`` confirms a verified ``SubscriptionConfirmation`` through the SNS API with its topic
and token (never by fetching the ``SubscribeURL`` it names).
"""
from __future__ import annotations

import base64
import binascii
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..domain.errors import NotVerified
from ..domain.sns_messages import SnsMessage, signing_certificate_problem, string_to_sign
from ..settings import get_settings
from ..storage import sns as store
from .failures import storage_failures

if TYPE_CHECKING:  # cryptography is imported on the first SNS message, not on a lookup's cold start
    from cryptography import x509

REFUSED = "the SNS message could not be verified"
_HASHES = {"1": "SHA1", "2": "SHA256"}  # SignatureVersion: the hash (cryptography.hazmat.primitives.hashes)
MAX_CACHED_CERTIFICATES = 32

_certificates: dict[str, x509.Certificate] = {}
_lock = threading.Lock()



def verify(message: SnsMessage) -> None:
    """None if the message is an allowed topic's and SNS signed it; else NotVerified."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    if message.topic_arn not in get_settings().ses_topic_arns:
        raise NotVerified(REFUSED, "topic not allowed")
    problem = signing_certificate_problem(message.signing_cert_url, message.topic_arn)
    if problem is not None:
        raise NotVerified(REFUSED, problem)
    try:
        signature = base64.b64decode(message.signature, validate=True)
    except (binascii.Error, ValueError):
        raise NotVerified(REFUSED, "the signature is not base64") from None
    certificate = _certificate(message.signing_cert_url)
    now = datetime.now(UTC)
    if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
        raise NotVerified(REFUSED, "the signing certificate is not valid now")
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise NotVerified(REFUSED, "the signing certificate's key is not RSA")
    try:
        key.verify(signature, string_to_sign(message).encode("utf-8"), padding.PKCS1v15(),
                   getattr(hashes, _HASHES[message.signature_version])())
    except InvalidSignature:
        raise NotVerified(REFUSED, "the signature does not verify") from None


def confirm(message: SnsMessage) -> str:
    """Confirm a verified subscription confirmation; the subscription's ARN."""
    assert message.token is not None
    with storage_failures("the SNS subscription could not be confirmed; SNS will send the confirmation again"):
        return store.confirm_subscription(message.topic_arn, message.token, message.region)


def _certificate(url: str) -> x509.Certificate:
    from cryptography import x509

    cached = _certificates.get(url)
    if cached is not None:
        return cached
    with storage_failures("the SNS signing certificate could not be fetched"):
        pem = store.fetch_certificate(url)
    try:
        certificate = x509.load_pem_x509_certificate(pem)
    except ValueError:
        raise NotVerified(REFUSED, "the signing certificate cannot be read") from None
    with _lock:
        if len(_certificates) >= MAX_CACHED_CERTIFICATES:
            _certificates.clear()
        _certificates[url] = certificate
    return certificate


def forget_certificates() -> None:
    """For tests: the next message fetches its certificate again."""
    with _lock:
        _certificates.clear()
