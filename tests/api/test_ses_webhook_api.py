"""POST /webhooks/ses (contract rev. 2, Events): Amazon SES's bounce and complaint notifications as an
SNS HTTPS subscription delivers them, the SNS signature verified with the certificate of the
(checked) SigningCertURL, the subscription confirmed through the SNS API. Through the Lambda
handler and the local server (``both``).

No network: a throwaway self-signed certificate and key are made here, the canonical string is
signed with them, and the certificate fetch is replaced by one that serves that certificate."""
from __future__ import annotations

import base64
import copy
import json
import uuid
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from registry.domain import sns_messages
from registry.services import sns_messages as sns_service
from registry.storage import sns as sns_store
from tests.api.conftest import new_email
from tests.api.helpers import codes, decide, history
from tests.provider_samples import BOUNCE_WITH_DSN, COMPLAINT, SNS_NOTIFICATION, SNS_SUBSCRIPTION_CONFIRMATION

pytestmark = pytest.mark.dynamodb

REGION = "us-east-1"
CERT_URL = f"https://sns.{REGION}.amazonaws.com/SimpleNotificationService-0000000000000000000000000000test.pem"
_HASH = {"1": hashes.SHA1, "2": hashes.SHA256}


def _key_and_certificate():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com (test)")])
    now = datetime.now(UTC)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
                   .not_valid_after(now + timedelta(days=1)).sign(key, hashes.SHA256()))
    return key, certificate.public_bytes(serialization.Encoding.PEM)


KEY, PEM = _key_and_certificate()
OTHER_KEY, _ = _key_and_certificate()


@pytest.fixture(scope="module")
def topic(aws_endpoint):
    return boto3.client("sns", region_name=REGION).create_topic(Name=f"ses-feedback-{uuid.uuid4().hex[:8]}")["TopicArn"]


@pytest.fixture
def sns(configure, monkeypatch, topic):
    """The registry accepts ``topic``; certificates come from here (``fetched`` counts the fetches)."""
    configure(REGISTRY_SES_TOPIC_ARNS=f"arn:aws:sns:{REGION}:123456789012:another, {topic}")
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return PEM

    monkeypatch.setattr(sns_store, "fetch_certificate", fetch)
    sns_service.forget_certificates()
    yield fetched
    sns_service.forget_certificates()


def signed(message: dict, key=KEY, version: str = "1") -> dict:
    message = {**message, "SignatureVersion": version}
    text = sns_messages.string_to_sign(sns_messages.read({**message, "Signature": "x"}))
    signature = key.sign(text.encode(), padding.PKCS1v15(), _HASH[version]())
    return {**message, "Signature": base64.b64encode(signature).decode()}


def notification(topic: str, ses: dict, **changes) -> dict:
    return {**SNS_NOTIFICATION, "MessageId": str(uuid.uuid4()), "TopicArn": topic, "SigningCertURL": CERT_URL,
            "Subject": "Amazon SES Email Event Notification", "Message": json.dumps(ses), **changes}


def complaint_for(address: str) -> dict:
    ses = copy.deepcopy(COMPLAINT)
    ses["complaint"]["complainedRecipients"] = [{"emailAddress": address}]
    return ses


def bounce_for(address: str, kind: str = "Permanent") -> dict:
    ses = copy.deepcopy(BOUNCE_WITH_DSN)
    ses["bounce"]["bouncedRecipients"][0]["emailAddress"] = address
    ses["bounce"]["bounceType"] = kind
    return ses


def post(api, message: dict):
    return api.call("POST", "/webhooks/ses", key=None, raw=json.dumps(message).encode(),
                    headers={"content-type": "text/plain; charset=UTF-8",
                             "x-amz-sns-message-type": str(message.get("Type"))})


def assert_refused(reply) -> None:
    assert reply.status == 403, reply.text
    assert reply.json()["error"]["code"] == "forbidden"


def test_a_complaint_opts_the_address_out_of_marketing_email_for_every_brand(both, sns, topic):
    address = new_email()
    reply = post(both, signed(notification(topic, complaint_for(address))))
    assert reply.status == 200, reply.text
    (result,) = reply.json()["results"]
    assert result["status"] == "applied" and result["action"] == "opted_out" and address not in reply.text
    for brand in ("acme", "default", None):
        decision = decide(both, address, "email", brand=brand)
        assert decision["decision"] == "deny" and "opted_out" in codes(decision), brand
    (entry,) = history(both, address)
    assert entry["type"] == "opt_out.recorded" and entry["source"] == "email_feedback"
    assert entry["data"]["brand"] == "*" and entry["occurred_at"].startswith("2016-01-27T14:59:38")
    # SNS delivers at least once: the same notification again is a duplicate
    again = post(both, signed(notification(topic, complaint_for(address))))
    assert again.json()["results"][0]["status"] == "duplicate" and len(history(both, address)) == 1
    assert sns == [CERT_URL]  # the certificate was fetched once, then kept


def test_a_permanent_bounce_makes_the_address_undeliverable(both, sns, topic):
    address, other = new_email(), new_email()
    assert post(both, signed(notification(topic, bounce_for(address)))).status == 200
    for purpose in ("marketing", "informational"):
        assert "undeliverable" in codes(decide(both, address, "email", purpose=purpose))
    # a transient bounce, with signature version 2: read, nothing lasting concluded
    reply = post(both, signed(notification(topic, bounce_for(other, "Transient")), version="2"))
    assert reply.status == 200 and reply.json()["results"][0]["status"] == "applied"
    assert decide(both, other, "email")["decision"] == "allow"


def test_signature_version_2_is_sha256(both, sns, topic):
    address = new_email()
    message = notification(topic, complaint_for(address))
    sha1_signed_as_v2 = {**signed(message, version="1"), "SignatureVersion": "2"}
    assert_refused(post(both, sha1_signed_as_v2))
    assert post(both, signed(message, version="2")).status == 200
    assert decide(both, address, "email")["decision"] == "deny"


def test_a_forged_or_altered_message_is_403_and_changes_nothing(both, sns, topic):
    address = new_email()
    good = signed(notification(topic, complaint_for(address)))
    forged = [
        signed(notification(topic, complaint_for(address)), key=OTHER_KEY),  # signed by someone else's key
        {**good, "Message": json.dumps(complaint_for(new_email()))},  # another recipient under the same signature
        {**good, "Timestamp": "2030-01-01T00:00:00.000Z"},
        {**good, "Signature": "bm90IGEgc2lnbmF0dXJl"},
        {**good, "Signature": "%%% not base64 %%%"},
    ]
    for message in forged:
        assert_refused(post(both, message))
    assert decide(both, address, "email")["decision"] == "allow"


@pytest.mark.parametrize("cert_url", [
    "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-1.pem",
    "https://evil.com/sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem",
    "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem",
    "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem",
])
def test_a_certificate_from_anywhere_but_sns_is_403_and_not_fetched(both, sns, topic, cert_url):
    address = new_email()
    reply = post(both, signed(notification(topic, complaint_for(address), SigningCertURL=cert_url)))
    assert_refused(reply)
    assert sns == []  # refused before any fetch
    assert decide(both, address, "email")["decision"] == "allow"


def test_a_topic_not_configured_is_403_even_validly_signed(both, sns):
    address = new_email()
    stranger = f"arn:aws:sns:{REGION}:999999999999:my-own-topic"
    assert_refused(post(both, signed(notification(stranger, complaint_for(address)))))
    assert sns == [] and decide(both, address, "email")["decision"] == "allow"


def test_no_topic_configured_refuses_everything(both, sns, topic, configure):
    configure(REGISTRY_SES_TOPIC_ARNS=None)
    assert_refused(post(both, signed(notification(topic, complaint_for(new_email())))))


def test_a_subscription_confirmation_is_confirmed_through_the_sns_api(both, sns, topic, monkeypatch):
    calls = []
    confirm = sns_store.confirm_subscription

    def spy(topic_arn, token, region):
        calls.append((topic_arn, token, region))
        return confirm(topic_arn, token, region)  # moto's ConfirmSubscription: the topic must exist

    monkeypatch.setattr(sns_store, "confirm_subscription", spy)
    message = signed({**SNS_SUBSCRIPTION_CONFIRMATION, "TopicArn": topic, "SigningCertURL": CERT_URL,
                      "SubscribeURL": "https://evil.example/never-fetched", "Token": "token-123"})
    reply = post(both, message)
    assert reply.status == 200 and reply.json()["confirmed"] is True, reply.text
    assert calls == [(topic, "token-123", REGION)]
    # a forged confirmation confirms nothing
    assert_refused(post(both, {**message, "Token": "another-token"}))
    assert calls == [(topic, "token-123", REGION)]


def test_an_unsubscribe_confirmation_changes_nothing(both, sns, topic, monkeypatch):
    monkeypatch.setattr(sns_store, "confirm_subscription", lambda *a: pytest.fail("must not confirm"))
    message = signed({**SNS_SUBSCRIPTION_CONFIRMATION, "Type": "UnsubscribeConfirmation", "TopicArn": topic,
                      "SigningCertURL": CERT_URL})
    reply = post(both, message)
    assert reply.status == 200 and reply.json()["confirmed"] is False


def test_a_delivery_notification_is_ignored(both, sns, topic):
    delivery = {"notificationType": "Delivery", "mail": COMPLAINT["mail"], "delivery": {"recipients": []}}
    reply = post(both, signed(notification(topic, delivery)))
    assert reply.status == 200 and reply.json()["results"] == []


def test_what_is_not_an_sns_message_is_400(both, sns, topic):
    for raw in (b"not json", b"[]", json.dumps({"Type": "Notification"}).encode()):
        reply = both.call("POST", "/webhooks/ses", key=None, raw=raw, headers={"content-type": "text/plain"})
        assert reply.status == 400 and reply.json()["error"]["code"] == "invalid_request"
    # verified, but not an SES notification: 400, nothing applied
    reply = post(both, signed(notification(topic, {"hello": "world"})))
    assert reply.status == 400


def test_a_certificate_that_cannot_be_fetched_is_503_so_sns_retries(both, sns, topic, monkeypatch):
    from registry.storage.errors import StorageUnavailable

    def down(url):
        raise StorageUnavailable("could not fetch")

    monkeypatch.setattr(sns_store, "fetch_certificate", down)
    reply = post(both, signed(notification(topic, complaint_for(new_email()))))
    assert reply.status == 503 and reply.json()["error"]["code"] == "registry_unavailable"
