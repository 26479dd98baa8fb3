"""Amazon SES notifications read as the contract's envelopes, and SNS messages as SNS signs them
(domain.ses_notifications, domain.sns_messages), with the providers' documented samples."""
from __future__ import annotations

import json

import pytest

from registry.domain import ses_notifications as ses
from registry.domain import sns_messages as sns
from tests.provider_samples import (
    BOUNCE_WITH_DSN,
    BOUNCE_WITHOUT_DSN,
    COMPLAINT,
    DELIVERY,
    SNS_NOTIFICATION,
    SNS_SUBSCRIPTION_CONFIRMATION,
)


def test_a_permanent_bounce_is_one_event_per_recipient():
    (one,) = ses.envelopes(BOUNCE_WITH_DSN)
    assert one == {"id": ses.event_id("Bounce", BOUNCE_WITH_DSN["bounce"]["feedbackId"], "jane@example.com"),
                   "type": "email.bounced", "occurred_at": "2016-01-27T14:59:38.237Z", "source": "amazon-ses",
                   "data": {"address": "jane@example.com", "bounce_type": "permanent"}}
    two = ses.envelopes(BOUNCE_WITHOUT_DSN)
    assert [e["data"]["address"] for e in two] == ["jane@example.com", "richard@example.com"]
    assert len({e["id"] for e in two}) == 2 and all(e["data"]["bounce_type"] == "permanent" for e in two)


@pytest.mark.parametrize("kind, expected", [("Permanent", "permanent"), ("Transient", "transient"),
                                            ("Undetermined", "transient")])
def test_bounce_types(kind, expected):
    notification = {**BOUNCE_WITH_DSN, "bounce": {**BOUNCE_WITH_DSN["bounce"], "bounceType": kind}}
    assert [e["data"]["bounce_type"] for e in ses.envelopes(notification)] == [expected]


def test_an_unknown_bounce_type_is_unreadable():
    notification = {**BOUNCE_WITH_DSN, "bounce": {**BOUNCE_WITH_DSN["bounce"], "bounceType": "Soft"}}
    with pytest.raises(ses.UnreadableNotification, match="bounceType"):
        ses.envelopes(notification)


def test_a_complaint_is_email_complained():
    (one,) = ses.envelopes(COMPLAINT)
    assert one["type"] == "email.complained" and one["data"] == {"address": "richard@example.com"}
    assert one["occurred_at"] == "2016-01-27T14:59:38.237Z" and one["id"].startswith("ses-complaint:")


def test_event_publishings_event_type_is_read_alike():
    published = {"eventType": "Complaint", **{k: v for k, v in COMPLAINT.items() if k != "notificationType"}}
    assert ses.envelopes(published) == ses.envelopes(COMPLAINT)


def test_delivery_and_other_types_are_ignored_not_errors():
    assert ses.envelopes(DELIVERY) == []
    assert ses.envelopes({"eventType": "Open", "mail": {}}) == []


def test_ids_are_deterministic_and_hold_no_address():
    first, again = ses.envelopes(COMPLAINT), ses.envelopes(json.loads(json.dumps(COMPLAINT)))
    assert first[0]["id"] == again[0]["id"]
    assert "richard" not in first[0]["id"] and "example" not in first[0]["id"]
    # the same recipient however SES spells its case or spaces; another feedback id is another event
    assert ses.event_id("Complaint", "f", " Richard@Example.com") == ses.event_id("Complaint", "f", "richard@example.com")
    assert ses.event_id("Complaint", "f", "a@example.com") != ses.event_id("Complaint", "g", "a@example.com")
    assert ses.event_id("Complaint", "f", "a@example.com") != ses.event_id("Bounce", "f", "a@example.com")


@pytest.mark.parametrize("broken", [
    {"notificationType": "Bounce"},
    {"notificationType": "Bounce", "bounce": {**BOUNCE_WITH_DSN["bounce"], "feedbackId": ""}},
    {"notificationType": "Bounce", "bounce": {**BOUNCE_WITH_DSN["bounce"], "timestamp": None}},
    {"notificationType": "Bounce", "bounce": {**BOUNCE_WITH_DSN["bounce"], "bouncedRecipients": []}},
    {"notificationType": "Bounce", "bounce": {**BOUNCE_WITH_DSN["bounce"], "bouncedRecipients": [{}]}},
    {"notificationType": "Bounce", "bounce": {**BOUNCE_WITH_DSN["bounce"], "bouncedRecipients": ["x@example.com"]}},
    {"notificationType": "Complaint", "complaint": {**COMPLAINT["complaint"], "complainedRecipients": None}},
    {"notificationType": "Complaint", "complaint": {**COMPLAINT["complaint"],
                                                    "complainedRecipients": [{"emailAddress": "a@b.c"}] * 101}},
    {"mail": {}},
    ["not", "an", "object"],
])
def test_what_cannot_be_read_is_refused(broken):
    with pytest.raises(ses.UnreadableNotification):
        ses.envelopes(broken)


def test_a_queue_message_wrapped_by_sns_or_raw_reads_the_same():
    wrapped = json.dumps({**SNS_NOTIFICATION, "Message": json.dumps(COMPLAINT)})
    assert ses.envelopes_of_message(wrapped) == ses.envelopes(COMPLAINT)
    assert ses.envelopes_of_message(json.dumps(COMPLAINT)) == ses.envelopes(COMPLAINT)
    assert ses.envelopes_of_message(COMPLAINT) == ses.envelopes(COMPLAINT)
    assert ses.envelopes_of_message(json.dumps(SNS_SUBSCRIPTION_CONFIRMATION)) == []
    assert ses.is_provider_message(wrapped) and ses.is_provider_message(json.dumps(BOUNCE_WITH_DSN))
    envelope = {"id": "e1", "type": "email.complained", "occurred_at": "2026-01-01T00:00:00Z", "source": "x",
                "data": {"address": "a@example.com"}}
    assert not ses.is_provider_message(json.dumps(envelope)) and not ses.is_provider_message("not json")
    for bad in ("not json", json.dumps({**SNS_NOTIFICATION, "Message": "Hello world!"}),
                json.dumps({**SNS_NOTIFICATION, "Message": None}), json.dumps(envelope)):
        with pytest.raises(ses.UnreadableNotification):
            ses.envelopes_of_message(bad)


# --- SNS ------------------------------------------------------------------------------------------

def test_the_documented_notification_is_read_and_its_string_to_sign_is_as_documented():
    message = sns.read(SNS_NOTIFICATION)
    assert message.is_notification and message.region == "us-west-2" and message.subject == "My First Message"
    assert sns.string_to_sign(message) == (
        "Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nMy First Message\n"
        "Timestamp\n2012-05-02T00:54:06.655Z\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\n"
        "Type\nNotification\n")
    without_subject = sns.read({k: v for k, v in SNS_NOTIFICATION.items() if k != "Subject"})
    assert "Subject" not in sns.string_to_sign(without_subject)


def test_a_confirmation_signs_its_token_and_subscribe_url():
    message = sns.read(SNS_SUBSCRIPTION_CONFIRMATION)
    assert not message.is_notification and message.token == "2336412f37"
    text = sns.string_to_sign(message)
    assert text.startswith("Message\nYou have chosen") and "\nSubscribeURL\nhttps://sns.us-west-2" in text
    assert text.endswith("Token\n2336412f37\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\n"
                         "Type\nSubscriptionConfirmation\n")
    assert "Subject" not in text
    # an UnsubscribeConfirmation signs the same fields
    unsubscribe = sns.read({**SNS_SUBSCRIPTION_CONFIRMATION, "Type": "UnsubscribeConfirmation"})
    assert sns.string_to_sign(unsubscribe).endswith("Type\nUnsubscribeConfirmation\n")


@pytest.mark.parametrize("change", [
    {"Type": "Other"}, {"SignatureVersion": "3"}, {"SignatureVersion": True}, {"SignatureVersion": None},
    {"TopicArn": "arn:aws:sqs:us-west-2:123456789012:MyQueue"}, {"TopicArn": 5}, {"MessageId": ""},
    {"Signature": None}, {"SigningCertURL": None}, {"Message": ["x"]},
])
def test_what_is_not_an_sns_message(change):
    with pytest.raises(sns.NotAnSnsMessage):
        sns.read({**SNS_NOTIFICATION, **change})
    with pytest.raises(sns.NotAnSnsMessage):
        sns.read("a string")


def test_a_confirmation_needs_its_token():
    with pytest.raises(sns.NotAnSnsMessage):
        sns.read({k: v for k, v in SNS_SUBSCRIPTION_CONFIRMATION.items() if k != "Token"})


def test_signature_version_two_and_an_integer_version_are_read():
    assert sns.read({**SNS_NOTIFICATION, "SignatureVersion": "2"}).signature_version == "2"
    assert sns.read({**SNS_NOTIFICATION, "SignatureVersion": 1}).signature_version == "1"


TOPIC = "arn:aws:sns:us-east-1:123456789012:ses-feedback"


@pytest.mark.parametrize("url", [
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
    "https://sns.us-east-1.amazonaws.com:443/SimpleNotificationService-abc.pem",
])
def test_snss_own_certificate_urls(url):
    assert sns.signing_certificate_problem(url, TOPIC) is None
    assert sns.signing_certificate_problem("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-a.pem",
                                           "arn:aws-cn:sns:cn-north-1:123456789012:t") is None


@pytest.mark.parametrize("url", [
    "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
    "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-abc.pem",
    "https://evil.com/sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
    "https://evil.com/?sns.us-east-1.amazonaws.com",
    "https://sns.us-east-1.amazonaws.com@evil.com/SimpleNotificationService-abc.pem",
    "https://user@sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
    "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-abc.pem",
    "https://evilsns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
    "https://sns.us-east-1.amazonaws.com.cn.evil.com/x.pem",
    "https://sqs.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
    "https://SNS.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
    "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem",  # another region than the topic's
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem?x=1",
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem#x",
    "https://sns.us-east-1.amazonaws.com/",
    "https://[::1/x.pem",
    "",
])
def test_any_other_certificate_url_is_refused(url):
    assert sns.signing_certificate_problem(url, TOPIC) is not None


def test_looks_like_sns():
    assert sns.looks_like_sns(SNS_NOTIFICATION) and sns.looks_like_sns(SNS_SUBSCRIPTION_CONFIRMATION)
    assert not sns.looks_like_sns(COMPLAINT) and not sns.looks_like_sns({"Type": "Notification"})
    assert not sns.looks_like_sns("Notification")
    assert sns.topic_region(TOPIC) == "us-east-1" and sns.topic_region("arn:aws:sns:us-east-1:1:t") is None
