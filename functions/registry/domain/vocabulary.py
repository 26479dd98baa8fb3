"""The registry's closed vocabularies, as the contract names them: one ``StrEnum`` each.

Every other list is derived from these: the request models' allowed values (and so the OpenAPI
document: the field types of ``services.command_fields``), the event readers (``handlers.event_inputs``, ``services.events``,
each checked whole against ``EventType`` at import), the history's types (``services.recording``,
``services.erasure``) and the decisions' reason codes (``scope_status``, ``decide``, ``profile``).
A member is a ``str`` equal to its value, so stored documents and JSON answers hold the same text
as before; ``tests/unit/test_vocabulary.py`` checks the OpenAPI document against these enums.
"""
from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    CALL = "call"
    SMS = "sms"
    EMAIL = "email"


class Purpose(StrEnum):
    MARKETING = "marketing"
    INFORMATIONAL = "informational"


class ContactPurpose(StrEnum):
    """What a lookup asks about and an attempt was made for: every ``Purpose``, and (rev. 2) the one
    text that confirms an opt-out. Never a consent's or an opt-out's purpose."""

    MARKETING = "marketing"
    INFORMATIONAL = "informational"
    OPT_OUT_CONFIRMATION = "opt_out_confirmation"


class Source(StrEnum):
    """Where a fact came from (a consent's, an opt-out's, ...)."""

    WEB_FORM = "web_form"
    INBOUND_CALL = "inbound_call"
    REFERRAL = "referral"
    EVENT = "event"
    PURCHASE = "purchase"
    PURCHASED_LIST = "purchased_list"
    IMPORT = "import"
    AGENT = "agent"
    PREFERENCE_CENTER = "preference_center"
    SMS_KEYWORD = "sms_keyword"
    EMAIL_FEEDBACK = "email_feedback"
    DIALER = "dialer"
    CRM = "crm"
    API = "api"


class RelationshipKind(StrEnum):
    INQUIRY = "inquiry"
    TRANSACTION = "transaction"


class Outcome(StrEnum):
    """An attempt's outcome."""

    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    VOICEMAIL = "voicemail"
    BUSY = "busy"
    FAILED = "failed"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    DISCONNECTED = "disconnected"
    WRONG_PARTY = "wrong_party"  # rev. 2: someone else answers the number: a reassignment


class Grade(StrEnum):
    """rev. 2: a consent's strength. ``written``: prior express written consent (47 CFR 64.1200(a)(2), (f)(9))."""

    EXPRESS = "express"
    WRITTEN = "written"


class Dialing(StrEnum):
    """rev. 2: how a call is placed. Every sms counts as ``autodialed``; email has none."""

    MANUAL = "manual"
    AUTODIALED = "autodialed"
    PRERECORDED = "prerecorded"
    ARTIFICIAL_VOICE = "artificial_voice"


class LineType(StrEnum):
    """rev. 2: what kind of line a number is, as recorded in its preferences."""

    WIRELESS = "wireless"
    LANDLINE = "landline"
    VOIP = "voip"


class ReassignedCheckResult(StrEnum):
    """rev. 2: a reassigned-numbers check's answer (the FCC Reassigned Numbers Database's)."""

    YES = "yes"
    NO = "no"
    NO_DATA = "no_data"


class ReassignedCheckSource(StrEnum):
    RND = "rnd"  # the FCC Reassigned Numbers Database


class ReassignmentCause(StrEnum):
    """rev. 2: what recorded that a number now belongs to someone else."""

    DISCONNECTED = "disconnected"  # an attempt's outcome
    WRONG_PARTY = "wrong_party"  # an attempt's outcome
    WRONG_NUMBER_REPLY = "wrong_number_reply"  # an SMS reply saying so ("wrong number")
    REASSIGNED_CHECK = "reassigned_check"  # a reassigned-numbers check answering ``yes``


class Disposition(StrEnum):
    DO_NOT_CONTACT = "do_not_contact"


class EventAction(StrEnum):
    """What an event did, as its result says (rev. 2: every event result carries one)."""

    OPTED_OUT = "opted_out"
    OPTED_IN = "opted_in"
    RESUBSCRIBED = "resubscribed"
    HELP = "help"
    REASSIGNED = "reassigned"
    NONE = "none"


class SuppressionKind(StrEnum):
    NATIONAL = "national"
    STATE = "state"
    INTERNAL = "internal"
    LITIGATOR = "litigator"


class Weekday(StrEnum):
    """In ``datetime.weekday()`` order: ``WEEKDAYS[d.weekday()]``."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class ApiKeyScope(StrEnum):
    """What an API key may do: erasure and keys; lookups; recording facts and reading records."""

    ADMIN = "admin"
    LOOKUP = "lookup"
    WRITE = "write"


class DecisionKind(StrEnum):
    ALLOW = "allow"
    DEFER = "defer"
    DENY = "deny"


class DenyReason(StrEnum):
    """Reasons that do not pass with time, in the contract's order (a lookup lists them so)."""

    OPTED_OUT = "opted_out"
    ON_SUPPRESSION_LIST = "on_suppression_list"
    NO_CONSENT = "no_consent"
    UNDELIVERABLE = "undeliverable"
    WRITTEN_CONSENT_REQUIRED = "written_consent_required"  # rev. 2
    CONSENT_VOID = "consent_void"  # rev. 2
    LIST_STALE = "list_stale"  # rev. 2: the national list's copy is older than 31 days


class DeferReason(StrEnum):
    """Reasons that pass with time."""

    QUIET_HOURS = "quiet_hours"
    FREQUENCY_CAP = "frequency_cap"
    SNOOZED = "snoozed"


class UndeliverableReason(StrEnum):
    HARD_BOUNCE = "hard_bounce"
    DISCONNECTED = "disconnected"


class HistoryType(StrEnum):
    """The type of a contact's history entry (and of the idempotency mark of the write)."""

    CONSENT_GRANTED = "consent.granted"
    CONSENT_REQUESTED = "consent.requested"  # rev. 2: a double opt-in question sent by SMS
    OPT_OUT_RECORDED = "opt_out.recorded"
    OPT_OUT_UNDONE = "opt_out.undone"  # START / UNSTOP: the last keyword opt-out undone (rev. 2)
    RELATIONSHIP_RECORDED = "relationship.recorded"
    CONTACT_ATTEMPTED = "contact.attempted"
    PREFERENCES_UPDATED = "preferences.updated"
    CONTACT_UNDELIVERABLE = "contact.undeliverable"
    NUMBER_REASSIGNED = "number.reassigned"  # rev. 2: a reassignment, whatever recorded it
    REASSIGNED_CHECK_RECORDED = "reassigned_check.recorded"  # rev. 2: every check's answer, kept as evidence
    CONTACT_ERASED = "contact.erased"
    SUPPRESSION_ADDED = "suppression.added"
    SUPPRESSION_REMOVED = "suppression.removed"


class EventType(StrEnum):
    """The one list of event types ``POST /v1/events`` takes: the request model's ``type``, the data
    models (``handlers.event_inputs``) and the readers (``services.events``) are keyed by it, and
    each refuses to load unless it covers exactly these. A fact type is spelled as its history type."""

    CONSENT_GRANTED = HistoryType.CONSENT_GRANTED.value
    OPT_OUT_RECORDED = HistoryType.OPT_OUT_RECORDED.value
    RELATIONSHIP_RECORDED = HistoryType.RELATIONSHIP_RECORDED.value
    CONTACT_ATTEMPTED = HistoryType.CONTACT_ATTEMPTED.value
    PREFERENCES_UPDATED = HistoryType.PREFERENCES_UPDATED.value
    SMS_INBOUND = "sms.inbound"
    EMAIL_BOUNCED = "email.bounced"
    EMAIL_COMPLAINED = "email.complained"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The plain values, in declaration order (for messages and the request models' Literals)."""
    return tuple(member.value for member in enum)


def require_exactly(enum: type[StrEnum], keys: object, what: str) -> None:
    """Refuse to load a table that does not cover exactly the vocabulary it is keyed by."""
    have = set(keys)  # type: ignore[call-overload]
    missing = [m.value for m in enum if m not in have]
    extra = sorted(str(k) for k in have if k not in set(enum))
    if missing or extra:
        raise RuntimeError(f"{what} must cover exactly {enum.__name__}: missing {missing}, unknown {extra}")


ALL = "all"  # opt-outs may name every channel / every purpose
EVERY_BRAND = "*"  # opt-outs may name every brand
DEFAULT_BRAND = "default"

# rev. 2: the two-letter codes a ``state`` preference may hold: the 50 states, DC and the territories.
US_STATES = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY",
    "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND",
    "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
    "DC", "PR", "GU", "VI", "AS", "MP",
})

# Derived views, kept for the many places that iterate over or test membership in them.
CHANNELS: tuple[Channel, ...] = tuple(Channel)
PHONE_CHANNELS: tuple[Channel, ...] = (Channel.CALL, Channel.SMS)
EMAIL_CHANNELS: tuple[Channel, ...] = (Channel.EMAIL,)
PURPOSES: tuple[Purpose, ...] = tuple(Purpose)
SOURCES: tuple[Source, ...] = tuple(Source)
# Sources that never make a lead hot or warm (the contract's lead temperature: "any source but
# purchased_list and import").
NOT_LEAD_SOURCES = frozenset({Source.PURCHASED_LIST, Source.IMPORT})
NOT_FIRST_PARTY_SOURCES = NOT_LEAD_SOURCES
# rev. 2: the sources that are the person's own act (contract "Vocabulary"). Only a consent from one of
# these lifts an opt-out.
FIRST_PARTY_SOURCES = frozenset({Source.WEB_FORM, Source.INBOUND_CALL, Source.AGENT, Source.PREFERENCE_CENTER,
                                 Source.SMS_KEYWORD})
OPT_OUT_CONFIRMATION = ContactPurpose.OPT_OUT_CONFIRMATION
# rev. 2: the ways of calling that make a call a robocall (47 U.S.C. 227(b)(1)); every sms is one.
ROBO_DIALING = frozenset({Dialing.AUTODIALED, Dialing.PRERECORDED, Dialing.ARTIFICIAL_VOICE})
RELATIONSHIP_KINDS: tuple[RelationshipKind, ...] = tuple(RelationshipKind)
OUTCOMES: tuple[Outcome, ...] = tuple(Outcome)
DISPOSITIONS: tuple[Disposition, ...] = tuple(Disposition)
GRADES: tuple[Grade, ...] = tuple(Grade)
DIALINGS: tuple[Dialing, ...] = tuple(Dialing)
SUPPRESSION_KINDS: tuple[SuppressionKind, ...] = tuple(SuppressionKind)
WEEKDAYS: tuple[Weekday, ...] = tuple(Weekday)
API_KEY_SCOPES: tuple[ApiKeyScope, ...] = tuple(ApiKeyScope)
DECISIONS: tuple[DecisionKind, ...] = tuple(DecisionKind)
DENY_REASONS: tuple[DenyReason, ...] = tuple(DenyReason)
DEFER_REASONS: tuple[DeferReason, ...] = tuple(DeferReason)


# A channel's messages in words ("2 calls", "quiet hours for texts").
CHANNEL_NOUNS: dict[str, str] = {Channel.CALL: "calls", Channel.SMS: "texts", Channel.EMAIL: "emails"}


def dialing_of(channel: str, dialing: str | None) -> Dialing | None:
    """How a contact on this channel is placed: every sms is autodialed, email has none, a call is
    ``manual`` unless told otherwise."""
    if channel == Channel.SMS:
        return Dialing.AUTODIALED
    if channel == Channel.CALL:
        return Dialing(dialing) if dialing else Dialing.MANUAL
    return None


def channels_for_kind(kind: str) -> tuple[Channel, ...]:
    """Channels an address of this kind ("phone" or "email") can be reached on."""
    return PHONE_CHANNELS if kind == "phone" else EMAIL_CHANNELS
