"""The registry's closed vocabularies, as the contract names them."""
from __future__ import annotations

CHANNELS = ("call", "sms", "email")
PHONE_CHANNELS = ("call", "sms")
EMAIL_CHANNELS = ("email",)
PURPOSES = ("marketing", "informational")
ALL = "all"  # opt-outs may name every channel / every purpose
EVERY_BRAND = "*"  # opt-outs may name every brand
DEFAULT_BRAND = "default"

SOURCES = (
    "web_form", "inbound_call", "referral", "event", "purchase", "purchased_list", "import", "agent",
    "preference_center", "sms_keyword", "email_feedback", "dialer", "crm", "api",
)
# Sources that are not first-party: they never make a lead hot or warm.
NOT_FIRST_PARTY_SOURCES = frozenset({"purchased_list", "import"})

RELATIONSHIP_KINDS = ("inquiry", "transaction")
OUTCOMES = ("answered", "no_answer", "voicemail", "busy", "failed", "delivered", "bounced", "disconnected")
DISPOSITIONS = ("do_not_contact",)
SUPPRESSION_KINDS = ("national", "state", "internal", "litigator")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# What an API key may do: lookups; recording facts and reading records; erasure and keys.
API_KEY_SCOPES = ("admin", "lookup", "write")

DECISIONS = ("allow", "defer", "deny")
DENY_REASONS = ("opted_out", "on_suppression_list", "no_consent", "undeliverable")
DEFER_REASONS = ("quiet_hours", "frequency_cap", "snoozed")


def channels_for_kind(kind: str) -> tuple[str, ...]:
    """Channels an address of this kind ("phone" or "email") can be reached on."""
    return PHONE_CHANNELS if kind == "phone" else EMAIL_CHANNELS
