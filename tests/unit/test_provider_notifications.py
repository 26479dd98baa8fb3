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


# --- SES: what a refusal says (the 400 of POST /webhooks/ses and the dead-letter reason carry it) ---

_BOUNCE = BOUNCE_WITH_DSN["bounce"]


@pytest.mark.parametrize("broken, words", [
    ({"mail": {}}, "not an Amazon SES notification (no notificationType or eventType)"),
    ({"notificationType": "Bounce"}, "bounce is missing"),
    ({"notificationType": "Bounce", "bounce": {**_BOUNCE, "feedbackId": ""}}, "bounce.feedbackId is missing"),
    ({"notificationType": "Bounce", "bounce": {**_BOUNCE, "timestamp": None}}, "bounce.timestamp is missing"),
    ({"notificationType": "Bounce", "bounce": {**_BOUNCE, "bouncedRecipients": []}},
     "bounce.bouncedRecipients must list the recipients"),
    ({"notificationType": "Bounce", "bounce": {**_BOUNCE, "bouncedRecipients": [{}]}},
     "bounce.bouncedRecipients[].emailAddress is missing"),
    ({"notificationType": "Bounce", "bounce": {**_BOUNCE, "bounceType": "Soft"}},
     "bounce.bounceType is not Permanent, Transient or Undetermined"),
])
def test_a_refusal_names_the_field_as_ses_spells_it(broken, words):
    with pytest.raises(ses.UnreadableNotification) as refused:
        ses.envelopes(broken)
    assert str(refused.value) == words


@pytest.mark.parametrize("body, words", [
    ("not json", "the message is not JSON"),
    (json.dumps({**SNS_NOTIFICATION, "Message": None}), "the SNS notification has no Message"),
])
def test_a_queue_message_that_cannot_be_read_says_why(body, words):
    with pytest.raises(ses.UnreadableNotification) as refused:
        ses.envelopes_of_message(body)
    assert str(refused.value) == words


def test_up_to_a_hundred_recipients_are_read():
    """SES sends to at most 50 recipients a message; 100 leaves room, more is not SES's."""
    recipients = [{"emailAddress": f"r{i}@example.com"} for i in range(ses.MAX_RECIPIENTS)]
    notification = {**COMPLAINT, "complaint": {**COMPLAINT["complaint"], "complainedRecipients": recipients}}
    assert len(ses.envelopes(notification)) == 100 == ses.MAX_RECIPIENTS


def test_an_event_id_is_the_same_from_one_release_to_the_next():
    """A notification SNS delivers again after a deploy must still be a duplicate: the id is the
    documented recipe (SHA-256 of the feedback id, a newline and the lower-cased recipient; 40 hex
    digits), not whatever a release happens to compute."""
    import hashlib

    digest = hashlib.sha256(b"0000013786031775-fea503bc-7497-49e1-881b-a0379bb037d3-000000\nrichard@example.com")
    assert ses.event_id("Complaint", "0000013786031775-fea503bc-7497-49e1-881b-a0379bb037d3-000000",
                        "Richard@Example.com") == "ses-complaint:" + digest.hexdigest()[:40]


def test_a_queue_message_already_parsed_is_told_apart_alike():
    envelope = {"id": "e1", "type": "email.complained", "occurred_at": "2026-01-01T00:00:00Z", "source": "x",
                "data": {"address": "a@example.com"}}
    assert ses.is_provider_message(COMPLAINT) and ses.is_provider_message(SNS_NOTIFICATION)
    assert not ses.is_provider_message(envelope)


# --- SNS: every field read as SNS sent it -----------------------------------------------------------

def test_every_field_is_read_as_sns_sent_it():
    """The signature and the certificate URL are what services.sns_messages verifies with; the rest
    is what the signature covers."""
    n = SNS_NOTIFICATION
    assert sns.read(n) == sns.SnsMessage(
        type="Notification", message_id=n["MessageId"], topic_arn=n["TopicArn"], message="Hello world!",
        timestamp=n["Timestamp"], signature_version="1", signature=n["Signature"],
        signing_cert_url=n["SigningCertURL"], subject="My First Message")
    c = SNS_SUBSCRIPTION_CONFIRMATION
    assert sns.read(c) == sns.SnsMessage(
        type="SubscriptionConfirmation", message_id=c["MessageId"], topic_arn=c["TopicArn"], message=c["Message"],
        timestamp=c["Timestamp"], signature_version="1", signature=c["Signature"],
        signing_cert_url=c["SigningCertURL"], subscribe_url=c["SubscribeURL"], token="2336412f37")


def test_a_field_of_up_to_256_kib_is_read():
    most = "x" * 262_144  # SNS's largest message
    assert sns.read({**SNS_NOTIFICATION, "Message": most}).message == most
    assert sns.read({**SNS_NOTIFICATION, "Subject": most}).subject == most
    for field in ("Message", "Subject"):
        with pytest.raises(sns.NotAnSnsMessage):
            sns.read({**SNS_NOTIFICATION, field: most + "x"})


def test_a_subject_is_a_text_when_present_and_not_read_where_the_signature_does_not_cover_it():
    assert sns.read({k: v for k, v in SNS_NOTIFICATION.items() if k != "Subject"}).subject is None
    assert sns.read({**SNS_NOTIFICATION, "Subject": ""}).subject == ""
    with pytest.raises(sns.NotAnSnsMessage):
        sns.read({**SNS_NOTIFICATION, "Subject": 5})
    # a confirmation's signature covers no Subject: one sent along is not read, whatever it holds
    assert sns.read({**SNS_SUBSCRIPTION_CONFIRMATION, "Subject": 5}).subject is None


# --- SNS: what a refusal says (the 400 of POST /webhooks/ses carries it) ---------------------------

@pytest.mark.parametrize("raw, words", [
    ("a string", "an SNS message is a JSON object"),
    ({**SNS_NOTIFICATION, "Type": "Other"},
     "Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation"),
    ({**SNS_NOTIFICATION, "SignatureVersion": True}, "SignatureVersion must be 1 or 2"),
    ({**SNS_NOTIFICATION, "TopicArn": "arn:aws:sqs:us-west-2:123456789012:MyQueue"},
     "TopicArn is not an SNS topic ARN"),
    ({**SNS_NOTIFICATION, "MessageId": ""}, "MessageId must be a non-empty text"),
    ({**SNS_NOTIFICATION, "Subject": ["x"]}, "Subject must be a text"),
])
def test_a_refusal_names_the_field_as_sns_spells_it(raw, words):
    with pytest.raises(sns.NotAnSnsMessage) as refused:
        sns.read(raw)
    assert str(refused.value) == words
