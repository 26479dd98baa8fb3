"""Providers' documented sample payloads (AWS: "Amazon SNS notification examples for Amazon SES",
"HTTP/HTTPS notification JSON format", "HTTP/HTTPS subscription confirmation JSON format"),
as published: the tests read them as a provider sends them (``mail`` trimmed of its headers)."""
from __future__ import annotations

MAIL = {"timestamp": "2016-01-27T14:59:38.237Z", "source": "john@example.com",
        "sourceArn": "arn:aws:ses:us-east-1:888888888888:identity/example.com",
        "sourceIp": "127.0.3.0", "sendingAccountId": "123456789012",
        "messageId": "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa0680-000000",
        "destination": ["jane@example.com", "mary@example.com", "richard@example.com"]}

# Bounce notification with a DSN
BOUNCE_WITH_DSN = {
    "notificationType": "Bounce",
    "bounce": {"bounceType": "Permanent", "reportingMTA": "dns; email.example.com",
               "bouncedRecipients": [{"emailAddress": "jane@example.com", "status": "5.1.1", "action": "failed",
                                      "diagnosticCode": "smtp; 550 5.1.1 <jane@example.com>... User"}],
               "bounceSubType": "General", "timestamp": "2016-01-27T14:59:38.237Z",
               "feedbackId": "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000",
               "remoteMtaIp": "127.0.2.0"},
    "mail": MAIL,
}

# Bounce notification without a DSN
BOUNCE_WITHOUT_DSN = {
    "notificationType": "Bounce",
    "bounce": {"bounceType": "Permanent", "bounceSubType": "General",
               "bouncedRecipients": [{"emailAddress": "jane@example.com"}, {"emailAddress": "richard@example.com"}],
               "timestamp": "2016-01-27T14:59:38.237Z",
               "feedbackId": "00000137860315fd-869464a4-8680-4114-98d3-716fe35851f9-000000",
               "remoteMtaIp": "127.0.2.0"},
    "mail": MAIL,
}

# Complaint notification with a feedback report
COMPLAINT = {
    "notificationType": "Complaint",
    "complaint": {"userAgent": "AnyCompany Feedback Loop (V0.01)",
                  "complainedRecipients": [{"emailAddress": "richard@example.com"}],
                  "complaintFeedbackType": "abuse", "arrivalDate": "2016-01-27T14:59:38.237Z",
                  "timestamp": "2016-01-27T14:59:38.237Z",
                  "feedbackId": "000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000"},
    "mail": MAIL,
}

# Delivery notification
DELIVERY = {
    "notificationType": "Delivery",
    "mail": MAIL,
    "delivery": {"timestamp": "2016-01-27T14:59:38.237Z", "recipients": ["jane@example.com"],
                 "processingTimeMillis": 546, "reportingMTA": "a8-70.smtp-out.amazonses.com",
                 "smtpResponse": "250 ok:  Message 64111812 accepted", "remoteMtaIp": "127.0.2.0"},
}

# SNS: an HTTP/HTTPS notification, and a subscription confirmation
SNS_NOTIFICATION = {
    "Type": "Notification",
    "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
    "TopicArn": "arn:aws:sns:us-west-2:123456789012:MyTopic",
    "Subject": "My First Message",
    "Message": "Hello world!",
    "Timestamp": "2012-05-02T00:54:06.655Z",
    "SignatureVersion": "1",
    "Signature": "EXAMPLEw6JRN",
    "SigningCertURL": "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
    "UnsubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:"
                      "123456789012:MyTopic:c9135db0-26c4-47ec-8998-413945fb5a96",
}

SNS_SUBSCRIPTION_CONFIRMATION = {
    "Type": "SubscriptionConfirmation",
    "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
    "Token": "2336412f37",
    "TopicArn": "arn:aws:sns:us-west-2:123456789012:MyTopic",
    "Message": "You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\n"
               "To confirm the subscription, visit the SubscribeURL included in this message.",
    "SubscribeURL": "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:"
                    "123456789012:MyTopic&Token=2336412f37",
    "Timestamp": "2012-04-26T20:45:04.751Z",
    "SignatureVersion": "1",
    "Signature": "EXAMPLEpH+",
    "SigningCertURL": "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
}
