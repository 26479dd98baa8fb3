"""What every route answers, as models: the OpenAPI document's response schemas.

Used for the document only (``handlers.answers``: each route's decorator names its models, which
the resolvers with the document get from here); the routes build their bodies from the domain as
before, and the tests check those bodies against these schemas
(tests/api/test_openapi_api.py, and the schema fuzzer). The models are open (``extra="allow"``):
a client must ignore fields it does not know, so a field added later breaks no generated client.

Errors: every error is ``ErrorResponse`` (``{"error": {"code", "message", "field"?,
"request_id"}}``). A lookup that cannot be answered is a 503 that is also a "deny"
(``LookupUnavailable``): a client that reads only ``decision`` still does not contact.
"""
from __future__ import annotations

import builtins
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..domain import vocabulary as v
from ..domain.scope_status import Standing
from ..services.command_fields import (
    Channel,
    ContactPurpose,
    Dialing,
    Grade,
    LineType,
    Purpose,
    ReassignedCheckResult,
    RelationshipKind,
    SuppressionKind,
)

if TYPE_CHECKING:
    DecisionKind = v.DecisionKind
    EventAction = v.EventAction
else:  # inline in the document, as the request models' vocabularies (services.command_fields)
    DecisionKind = Literal[v.values(v.DecisionKind)]
    EventAction = Literal[v.values(v.EventAction)]
Temperature = Literal["hot", "warm", "cold"]
EXAMPLE_PHONE = "+14155550123"
EXAMPLE_TIME = "2026-11-24T05:40:00Z"


def _example(value: dict[str, Any]) -> ConfigDict:
    return ConfigDict(extra="allow", json_schema_extra={"examples": [value]}, defer_build=True)


class Open(BaseModel):
    # defer_build: a model's schema is built when the document (or a test) first asks for it, not when
    # the lookup's module is imported (the models describe answers; no answer is validated with them)
    model_config = ConfigDict(extra="allow", defer_build=True)


# --- errors -----------------------------------------------------------------------------------

class ErrorDetail(Open):
    model_config = _example({"code": "invalid_request", "message": "channels: is required", "field": "channels",
                             "request_id": "JZbWZhl5IAMEVvw="})
    code: str = Field(description="invalid_request, invalid_address, channel_address_mismatch, unauthorized, "
                                  "forbidden, not_found, conflict, contact_erased, payload_too_large, "
                                  "registry_unavailable, ...")
    message: str
    field: str | None = Field(None, description="where in the request, when one field is at fault")
    request_id: str | None = Field(None, description="the request's id, as in the x-request-id header")


class ErrorResponse(Open):
    model_config = _example({"error": {"code": "unauthorized", "message": "an API key is required in the "
                                       "x-api-key header", "request_id": "JZbWZhl5IAMEVvw="}})
    error: ErrorDetail


class ItemError(Open):
    """An error about one item of an answer (a batch address, an event): no request id of its own."""

    code: str
    message: str
    field: str | None = None


# --- decisions (CONTRACT.md "Deciding") -------------------------------------------------------

class Reason(Open):
    model_config = _example({"code": "quiet_hours", "message": "21:40 in America/Los_Angeles; calls allowed 08:00-21:00"})
    code: str = Field(description="deny: opted_out, on_suppression_list, no_consent, undeliverable, "
                                  "written_consent_required, consent_void, list_stale, registry_unavailable; "
                                  "defer: "
                                  "quiet_hours, frequency_cap, snoozed")
    message: str
    list: str | None = Field(None, description="on_suppression_list, list_stale: the list's name")
    rule: str | None = Field(None, description="the citation of the written rule the reason comes from, as in "
                                               "GET /v1/policy (e.g. 47 CFR 64.1200(c)(1)); absent for the "
                                               "policy's own rules")
    reassigned_at: datetime | None = Field(None, description="consent_void: when the number was reassigned")
    version: date | None = Field(None, description="list_stale: the date of the list's newest full copy")


_DECISION = {
    "address": EXAMPLE_PHONE, "channel": "call", "purpose": "marketing", "brand": "default",
    "evaluated_at": EXAMPLE_TIME, "decision": "defer", "allowed": False,
    "reasons": [{"code": "quiet_hours", "message": "21:40 in America/Los_Angeles; calls allowed 08:00-21:00",
                 "rule": "47 CFR 64.1200(c)(1)"}],
    "next_allowed_at": "2026-11-24T16:00:00Z", "preferred_channel": "email", "recommended_channel": "email",
    "lead_temperature": "warm", "timezones": ["America/Los_Angeles"], "dialing": "manual",
    "policy_version": "federal-2025-04-11",
    "known_at": EXAMPLE_TIME, "basis": None,
    "lists": [{"name": "national", "kind": "national", "version": "2026-11-01",
               "refreshed_at": "2026-11-01T06:00:00Z"}]}


class Basis(Open):
    """What an allow rests on (rev. 2, receipts)."""

    model_config = _example({"kind": "consent", "id": "c-1", "grade": "written",
                             "occurred_at": "2026-11-20T12:00:00Z", "brand": "acme", "source": "web_form",
                             "expires_at": None})
    kind: Literal["consent", "ebr", "none_needed"] = Field(
        description="consent or ebr: the fact the allow rests on; none_needed: the policy asks no basis for the "
                    "channel and purpose (and no do-not-call list had to be lifted)")
    id: str | None = Field(None, description="the consent's or relationship's id")
    grade: Grade | None = Field(None, description="the consent's grade (null for an EBR)")
    occurred_at: datetime | None = None
    brand: str | None = None
    source: str | None = None
    expires_at: datetime | None = Field(None, description="a consent's expiry; when an EBR lapses")
    relationship: RelationshipKind | None = Field(None, description="an EBR's: inquiry or transaction")


class CheckedList(Open):
    """A national or state list the number was checked against (rev. 2, receipts)."""

    name: str
    kind: SuppressionKind
    version: date | None = Field(None, description="the date of the list's newest full copy (null: none yet)")
    refreshed_at: datetime | None = Field(None, description="when that copy was entirely in force")


class Decision(Open):
    """May this address be contacted on this channel, for this purpose and brand, at this moment?"""

    model_config = _example(_DECISION)
    address: str = Field(description="normalised: E.164 for a phone, lower case for an email")
    channel: Channel
    purpose: ContactPurpose
    brand: str
    evaluated_at: datetime
    decision: DecisionKind = Field(description="deny if any deny reason applies, else defer if any defer reason "
                                               "applies, else allow")
    allowed: bool = Field(description="true only for allow")
    reasons: list[Reason]
    next_allowed_at: datetime | None = Field(description="defer only: the earliest moment no defer reason "
                                                            "applies (null beyond 30 days)")
    preferred_channel: Channel | None
    recommended_channel: Channel | None
    lead_temperature: Temperature
    timezones: list[str]
    dialing: Dialing | None = Field(None, description="how the contact was taken to be placed: the call's "
                                                      "dialing (manual when not given), autodialed for every "
                                                      "sms, null for email")
    policy_version: str | None = Field(None, description="rev. 2: the version of the policy in force at `at` that "
                                                         "decided (GET /v1/policy?at=...): the federal version, with "
                                                         "the brand's (federal-2027-01-31+brand-acme-3)")
    known_at: datetime | None = Field(None, description="rev. 2, a replay: only the facts recorded at or before it "
                                                        "counted; null for a plain lookup (all the registry knew "
                                                        "when it answered)")
    basis: Basis | None = Field(None, description="rev. 2, allow only: the consent or EBR it rests on "
                                                  "(kind none_needed when none is needed); null for deny and defer")
    lists: builtins.list[CheckedList] = Field(default_factory=builtins.list,
                                              description="rev. 2: the national and state lists the number was "
                                                          "checked against, with their versions (none for an email)")


class UnavailableDecision(Open):
    """The registry could not be read for this address: deny (it never fails open)."""

    model_config = _example({"address": EXAMPLE_PHONE, "channel": "call", "purpose": "marketing",
                             "brand": "default", "decision": "deny", "allowed": False,
                             "reasons": [{"code": "registry_unavailable",
                                          "message": "the registry could not be read; do not contact"}],
                             "next_allowed_at": None})
    address: Any = Field(description="the address as it was asked about")
    channel: Channel
    purpose: ContactPurpose
    brand: str
    decision: Literal["deny"]
    allowed: bool
    reasons: list[Reason]
    next_allowed_at: None = None
    error: ItemError | None = Field(None, description="in a batch: why this address could not be answered")


class AddressError(Open):
    """A batch entry that is no address the registry can ask about."""

    model_config = _example({"address": "not-a-number",
                             "error": {"code": "invalid_address", "message": "not a valid phone number"}})
    address: Any = Field(description="the entry as it was sent")
    error: ItemError


BatchResult = Decision | UnavailableDecision | AddressError


class BatchResults(Open):
    """One result per address, in input order."""

    model_config = _example({"results": [_DECISION, {"address": "not-a-number", "error": {
        "code": "invalid_address", "message": "not a valid phone number"}}]})
    results: list[BatchResult]


class LookupUnavailable(Open):
    """503: the registry could not answer; the answer is deny."""

    model_config = _example({"error": {"code": "registry_unavailable", "message": "the registry could not be read",
                                       "request_id": "JZbWZhl5IAMEVvw="},
                             "decision": "deny", "allowed": False,
                             "reasons": [{"code": "registry_unavailable", "message": "the registry could not be "
                                                                                    "read; do not contact"}]})
    error: ErrorDetail
    decision: Literal["deny"]
    allowed: bool
    reasons: list[Reason]
    address: Any | None = None
    channel: Channel | None = None
    purpose: ContactPurpose | None = None
    brand: str | None = None
    next_allowed_at: None = None


class BatchUnavailable(Open):
    """503: nothing could be read; every address is denied."""

    error: ErrorDetail
    results: list[UnavailableDecision]


class PolicyRule(Open):
    id: str
    citation: str | None = Field(description="the law or regulation; null for the policy's own rule")
    text: str
    scope: str | None = Field(None, description="GET /v1/policy's rules: federal, state or brand")
    state: str | None = Field(None, description="a state rule's state (two letters)")
    checked: date | None = Field(None, description="a state rule: when it was last checked against its source")
    source: str | None = Field(None, description="a state rule: the statute's text or summary it was checked against")
    brand: str | None = Field(None, description="a brand's override: the brand")
    # a state rule's numbers, as the pack holds them (docs/state-rules.md)
    kind: str | None = Field(None, description="a state rule: hours, holidays, cap or dnc")
    name: str | None = Field(None, description="a state rule: the state's name")
    applies_to: str | None = Field(None, description="a state rule: all calls, or only automated ones")
    days: dict[str, builtins.list[str] | None] | None = Field(None, description="hours: each weekday's window, null = closed")
    closed: builtins.list[str] | None = Field(None, description="holidays: the holidays with no calls")
    per_24h: int | None = Field(None, description="cap: contacts per 24 hours")
    channels: builtins.list[str] | None = Field(None, description="cap: the channels counted together")
    same_subject: bool | None = Field(None, description="cap: counted per subject")
    list: str | None = Field(None, description="dnc: the state's own list")
    ebr_accepted: bool | None = Field(None, description="dnc: whether an EBR lifts it (null: not checked)")
    exemptions: builtins.list[str] | None = Field(None, description="dnc: the list's other exemptions")
    notes: str | None = Field(None, description="what a reader needs to know (a scope, a doubt)")


class FederalVersion(Open):
    name: str
    effective_from: datetime
    summary: str
    citation: str
    revoke_all: bool = Field(description="a reply revokes every robocall and text of the brand (FCC DA 26-12)")
    state_pack: str = Field(description="the state rules pack of the version")


class BrandPolicyVersion(Open):
    number: int = Field(description="1, 2, ... in order (0: configuration's seed)")
    effective_from: datetime | None = Field(description="null: from the beginning")
    overrides: dict[str, Any]
    recorded_at: datetime | None


class PolicyVersions(Open):
    federal: list[FederalVersion]
    brand: list[BrandPolicyVersion]


class PolicyAnswer(Open):
    model_config = _example({"brand": "default", "policy": {
        "quiet_hours_start": "08:00", "quiet_hours_end": "21:00",
        "rules": [{"id": "quiet_hours", "citation": "47 CFR 64.1200(c)(1)",
                   "text": "no telephone solicitation before 08:00 or after 21:00 at the called party's location"}]},
        "brands_with_overrides": [], "policy_version": "federal-2025-04-11", "at": EXAMPLE_TIME,
        "effective_from": "2025-04-11T04:00:00Z"})
    brand: str
    policy: dict[str, Any] = Field(description="the rules in force for the brand (CONTRACT.md 'Default policy')")
    brands_with_overrides: list[str]
    at: datetime | None = Field(None, description="rev. 2: the moment asked about (default: now)")
    policy_version: str | None = Field(None, description="rev. 2: the version in force then, as decisions name it")
    effective_from: datetime | None = Field(None, description="since when that version is in force")
    next_version_from: datetime | None = Field(None, description="when the next version already known takes effect")
    revoke_all: bool | None = Field(None, description="a reply revokes every robocall and text (FCC DA 26-12)")
    rules: list[PolicyRule] | None = Field(None, description="every rule in force then with its citation: federal, "
                                                             "the state pack's, the brand's overrides")
    federal_version: FederalVersion | None = None
    brand_version: BrandPolicyVersion | None = None
    versions: PolicyVersions | None = Field(None, description="every version known, past and scheduled")


class BrandAnswer(Open):
    """A brand (contract rev. 2): never its Twilio auth token, only whether one is set."""

    model_config = _example({"brand": "acme", "sms_numbers": ["+14155550911"],
                             "help_text": "Acme: reply STOP to opt out.", "confirmation_text": None,
                             "stop_words": ["basta"], "policy": {}, "twilio_auth_token_set": True, "seeded": False,
                             "created_at": EXAMPLE_TIME, "updated_at": EXAMPLE_TIME})
    brand: str
    sms_numbers: list[str]
    help_text: str | None = Field(description="the answer to HELP; null: the registry's default")
    confirmation_text: str | None = Field(description="the one text confirming an opt-out; null: the default")
    stop_words: list[str] = Field(description="words that opt out besides the policy's")
    policy: dict[str, Any] = Field(description="overrides of the default policy in force now")
    policy_versions: list[BrandPolicyVersion] = Field(default_factory=list, description="rev. 2: every version of "
                                                      "the overrides, past and scheduled (docs/policy-versions.md)")
    twilio_auth_token_set: bool
    seeded: bool = Field(description="true: only configuration names the brand (never stored with PUT)")
    display_name: str | None = Field(None, description="the name the pages give the brand; null: its id, capitalised")
    logo_url: str | None = Field(None, description="https; shown on the pages")
    privacy_url: str | None = Field(None, description="https; linked from the pages")
    support_email: str | None = None
    support_phone: str | None = Field(None, description="E.164")
    languages: list[str] | None = Field(None, description="the languages the pages speak; null: every supported one")
    created_at: datetime | None
    updated_at: datetime | None


class BrandList(Open):
    model_config = _example({"brands": []})
    brands: list[BrandAnswer]


# --- recorded facts (201 new, 200 the same id again) -------------------------------------------

class StoredEvidence(Open):
    disclosure_text: str | None = None
    disclosure_version: str | None = None
    form_url: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    recording_url: str | None = None
    signature: str | None = None


class ConsentFact(Open):
    id: str
    channels: list[Channel]
    purposes: list[Purpose]
    brand: str
    source: str
    occurred_at: datetime
    expires_at: datetime | None = None
    evidence: StoredEvidence | None = None
    recorded_at: datetime | None = None
    grade: Grade = Field(description="express, or written (prior express written consent)")


class ConsentRecord(ConsentFact):
    model_config = _example({"address": EXAMPLE_PHONE, "id": "c-1", "channels": ["call", "sms"],
                             "purposes": ["marketing"], "brand": "default", "source": "web_form",
                             "occurred_at": "2026-11-28T12:00:00Z", "expires_at": None,
                             "evidence": {"disclosure_text": "I agree ...", "ip": "203.0.113.7"},
                             "recorded_at": "2026-11-28T12:00:01.250000Z", "grade": "express"})
    address: str
    recorded_at: datetime


class OptOutFact(Open):
    id: str
    channels: list[str] = Field(description="channels, or ['all']")
    purposes: list[str] = Field(description="purposes, or ['all']")
    brand: str = Field(description="a brand, or '*' for every brand")
    source: str
    occurred_at: datetime
    note: str | None = None
    recorded_at: datetime | None = None
    undone_at: datetime | None = Field(None, description="a keyword opt-out the person undid with START: from then "
                                                         "on it no longer counts")
    undone_by: str | None = Field(None, description="the id of the reply that undid it")
    undone_recorded_at: datetime | None = Field(None, description="when the registry recorded that reply (rev. 2: "
                                                                  "a replay knowing less finds the opt-out in force)")


class Confirmation(Open):
    """The one text that may confirm an opt-out of texts (47 CFR 64.1200(a)(12))."""

    text: str = Field(description="the brand's confirmation text")
    send_by: datetime = Field(description="when the registry received the opt-out, plus 5 minutes; a lookup "
                                          "with purpose=opt_out_confirmation allows it until then, once")


class OptOutRecord(OptOutFact):
    model_config = _example({"address": EXAMPLE_PHONE, "id": "o-1", "channels": ["all"], "purposes": ["all"],
                             "brand": "*", "source": "agent", "occurred_at": "2026-11-29T12:00:00Z", "note": None,
                             "recorded_at": "2026-11-29T12:00:00.500000Z", "undone_at": None, "undone_by": None,
                             "confirmation": {"text": "You have been unsubscribed and will receive no further "
                                                      "texts from us.", "send_by": "2026-11-29T12:05:00.500000Z"}})
    address: str
    recorded_at: datetime
    confirmation: Confirmation | None = Field(None, description="an opt-out of a phone's texts the person made "
                                                                "themselves: the one confirmation text")


class ConsentRequestRecord(Open):
    model_config = _example({"address": EXAMPLE_PHONE, "id": "cr-1", "channels": ["sms"], "purposes": ["marketing"],
                             "brand": "acme", "grade": "written", "disclosure_text": "Acme: reply YES to ...",
                             "occurred_at": "2026-11-28T12:00:00Z", "open_until": "2026-12-05T12:00:00Z",
                             "recorded_at": "2026-11-28T12:00:00.250000Z"})
    address: str
    id: str
    channels: list[Channel]
    purposes: list[Purpose]
    brand: str
    grade: Literal["express", "written"]
    disclosure_text: str
    occurred_at: datetime
    open_until: datetime = Field(description="a YES from the number before then records the consent")
    recorded_at: datetime


class RelationshipRecord(Open):
    model_config = _example({"address": EXAMPLE_PHONE, "id": "r-1", "kind": "inquiry", "brand": "default",
                             "occurred_at": "2026-11-29T12:00:00Z", "source": None,
                             "recorded_at": "2026-11-29T12:00:00.500000Z"})
    address: str
    id: str
    kind: RelationshipKind
    brand: str
    occurred_at: datetime
    source: str | None = None
    recorded_at: datetime


class AttemptFact(Open):
    id: str
    channel: Channel
    purpose: ContactPurpose
    brand: str
    occurred_at: datetime
    outcome: str
    disposition: str | None = None
    recorded_at: datetime | None = None
    dialing: Dialing | None = Field(None, description="a call's dialing (manual when not given); autodialed "
                                                      "for every sms; null for email")


class AttemptRecord(AttemptFact):
    model_config = _example({"address": EXAMPLE_PHONE, "id": "a-1", "channel": "call", "purpose": "marketing",
                             "brand": "default", "occurred_at": "2026-11-29T12:00:00Z", "outcome": "busy",
                             "disposition": None, "recorded_at": "2026-11-29T12:00:00.500000Z",
                             "dialing": "manual"})
    address: str
    recorded_at: datetime


class ReassignedCheckFact(Open):
    id: str
    result: ReassignedCheckResult = Field(description="yes: the number was reassigned since `since` (a "
                                                       "reassignment at occurred_at); no; no_data")
    since: str = Field(description="the date asked about, YYYY-MM-DD")
    occurred_at: datetime = Field(description="when the database was asked")
    source: str
    recorded_at: datetime | None = None


class ReassignedCheckRecord(ReassignedCheckFact):
    model_config = _example({"address": EXAMPLE_PHONE, "id": "k-1", "result": "no", "since": "2026-06-01",
                             "occurred_at": "2026-11-29T12:00:00Z", "source": "rnd",
                             "recorded_at": "2026-11-29T12:00:00.500000Z"})
    address: str
    recorded_at: datetime


class Reassignment(Open):
    id: str
    occurred_at: datetime = Field(description="from then on the number is someone else's: every consent and EBR "
                                              "at or before it is void")
    cause: str = Field(description="disconnected, wrong_party, wrong_number_reply or reassigned_check")
    cause_id: str | None = Field(None, description="the attempt, reply or check that recorded it")
    source: str | None = None
    recorded_at: datetime | None = None


class ContactHours(Open):
    start: str = Field(description="HH:MM, local time")
    end: str = Field(description="HH:MM, local time")
    days: list[str]


class Preferences(Open):
    preferred_channel: Channel | None = None
    timezone: str | None = None
    contact_hours: ContactHours | None = None
    snooze_until: datetime | None = None
    linked_addresses: list[str] = []
    state: str | None = Field(None, description="two-letter US state of the contact's address on file")
    line_type: LineType | None = Field(None, description="anything but landline may be wireless")
    timezone_source: str | None = Field(None, description="who set the timezone: only preference_center (the "
                                                          "person) replaces the number's zones; others add to them")


class PreferencesRecord(Open):
    model_config = _example({"address": EXAMPLE_PHONE, "id": "p-1",
                             "preferences": {"preferred_channel": "sms", "timezone": "America/New_York",
                                             "contact_hours": None, "snooze_until": None, "linked_addresses": []},
                             "recorded_at": "2026-11-29T12:00:00.500000Z"})
    address: str
    id: str
    preferences: Preferences
    recorded_at: datetime


# --- a contact --------------------------------------------------------------------------------

class ScopeStatus(Open):
    channel: Channel
    purpose: Purpose
    brand: str
    status: Standing = Field(description="the status a lookup gives now: consented, opted_out, expired, "
                                         "not_accepted (the consent's source is not accepted on the channel), "
                                         "void (the consent is older than a reassignment of the number), "
                                         "none (nothing said yet)")
    source: str | None = None
    occurred_at: datetime | None = None
    id: str | None = Field(None, description="the fact that gives the status")
    evidence: StoredEvidence | None = Field(None, description="consented or expired: the consent's evidence")
    expires_at: datetime | None = None
    grade: Grade | None = Field(None, description="the consent's grade (a lookup for marketing texts or robocalls "
                                                  "needs written)")
    reassigned_at: datetime | None = Field(None, description="the number's latest reassignment")


class Undeliverable(Open):
    channels: list[Channel]
    occurred_at: datetime
    reason: str = Field(description="hard_bounce or disconnected")
    source: str | None = None
    recorded_at: datetime | None = Field(None, description="when the registry recorded it (rev. 2)")


class Relationship(Open):
    kind: str
    brand: str
    occurred_at: datetime
    source: str | None = None
    expires_at: datetime | None = None
    active: bool
    void: bool = Field(False, description="older than a reassignment of the number: never an EBR again")


class ListMembership(Open):
    list: str
    kind: str
    version: date | None = Field(None, description="a national or state list: the date of the full copy the "
                                                   "number's entry belongs to (null: added since by a change)")


class Profile(Open):
    """Everything the registry holds about one address (CONTRACT.md 'Recording facts')."""

    model_config = _example({"address": EXAMPLE_PHONE, "kind": "phone", "erased": False, "erased_at": None,
                             "scopes": [{"channel": "call", "purpose": "marketing", "brand": "default",
                                         "status": "consented", "source": "web_form",
                                         "occurred_at": "2026-11-28T12:00:00Z", "id": "c-1"}],
                             "consents": [], "opt_outs": [], "ebr": [],
                             "preferences": {"preferred_channel": None, "timezone": None, "contact_hours": None,
                                             "snooze_until": None, "linked_addresses": []},
                             "suppression_lists": [], "undeliverable": [], "recent_attempts": [],
                             "reassignments": [], "reassigned_checks": [],
                             "lead_temperature": "hot", "linked_addresses": [], "timezones": ["America/Los_Angeles"],
                             "evaluated_at": EXAMPLE_TIME})
    address: str
    kind: Literal["phone", "email"]
    erased: bool
    erased_at: datetime | None = None
    scopes: list[ScopeStatus]
    consents: list[ConsentFact]
    opt_outs: list[OptOutFact]
    ebr: list[Relationship]
    preferences: Preferences
    suppression_lists: list[ListMembership]
    undeliverable: list[Undeliverable]
    recent_attempts: list[AttemptFact]
    reassignments: list[Reassignment] = Field(description="when the number changed hands")
    reassigned_checks: list[ReassignedCheckFact] = Field(description="every reassigned-numbers check's answer (the "
                                                                     "newest 100; the history keeps all)")
    lead_temperature: Temperature
    linked_addresses: list[str]
    timezones: list[str] = Field(description="where the contact may be: the zones quiet hours are checked in")
    evaluated_at: datetime


class HistoryEntry(Open):
    id: str | None = None
    type: str = Field(description="consent.granted, opt_out.recorded, relationship.recorded, contact.attempted, "
                                  "preferences.updated, number.reassigned, reassigned_check.recorded, "
                                  "contact.erased, ...")
    occurred_at: datetime | None = None
    recorded_at: datetime | None = None
    source: str | None = None
    evidence: dict[str, Any] | None = None
    data: dict[str, Any] | None = None
    actor: str | None = Field(None, description="the id of the API key that made the change")


class History(Open):
    model_config = _example({"entries": [{"id": "c-1", "type": "consent.granted", "occurred_at": "2026-11-28T12:00:00Z",
                                          "recorded_at": "2026-11-28T12:00:01.250000Z", "source": "web_form",
                                          "evidence": None, "data": {}, "actor": "944650a7cd0f"}],
                             "cursor": None})
    entries: list[HistoryEntry]
    cursor: str | None = Field(description="pass it back for the next page; null on the last")


class Erasure(Open):
    model_config = _example({"address": EXAMPLE_PHONE, "erased": True, "erased_at": EXAMPLE_TIME, "opt_outs_kept": 1})
    address: str
    erased: bool
    erased_at: datetime
    opt_outs_kept: int


# --- lists, events, links, health --------------------------------------------------------------

class SuppressionList(Open):
    model_config = _example({"name": "internal-dnc", "kind": "internal", "created_at": EXAMPLE_TIME})
    name: str
    kind: SuppressionKind
    created_at: datetime
    state: str | None = Field(None, description="a state list's two-letter state")


class SuppressionListState(SuppressionList):
    model_config = _example({"name": "national-dnc", "kind": "national", "created_at": EXAMPLE_TIME,
                             "entries": 258500000, "version": "2026-11-01", "refreshed_at": EXAMPLE_TIME})
    entries: int = Field(description="numbers on the list")
    version: date | None = Field(description="the date of the newest full copy (null: never fully imported)")
    refreshed_at: datetime | None = Field(description="when that copy was entirely in force")


class EntriesChanged(Open):
    model_config = _example({"list": "internal-dnc", "kind": "internal", "added": 2, "removed": 0, "unchanged": 1})
    list: str
    kind: SuppressionKind
    added: int
    removed: int
    unchanged: int


class EventResult(Open):
    id: Any = Field(description="the event's id as sent (null if it had none)")
    status: Literal["applied", "duplicate", "rejected"]
    action: EventAction = Field(description="what the event did (none for a rejected one)")
    error: ItemError | None = None
    reply: str | None = Field(None, description="HELP: the brand's help text, to send back")
    confirmation: Confirmation | None = Field(None, description="an opt-out of texts: the one text that may "
                                                                "confirm it, and when it must be sent by")


class EventResults(Open):
    model_config = _example({"results": [{"id": "evt-1", "status": "applied", "action": "opted_out",
                                          "confirmation": {"text": "You have been unsubscribed and will receive no "
                                                                   "further texts from us.",
                                                           "send_by": "2026-11-29T12:05:00.500000Z"}},
                                         {"id": "evt-2", "status": "rejected", "action": "none",
                                          "error": {"code": "invalid_request", "message": "type: is required",
                                                    "field": "type"}}]})
    results: list[EventResult]


class EventsUnavailable(Open):
    """503: the events after the first that could not be written were not tried; send them again."""

    error: ErrorDetail
    results: list[EventResult]


class PreferenceLink(Open):
    model_config = _example({"url": "https://prefs.example.com/p/AbC.dEf", "unsubscribe_url":
                             "https://prefs.example.com/p/GhI.jKl/unsubscribe", "expires_at": EXAMPLE_TIME})
    url: str
    unsubscribe_url: str
    expires_at: datetime


class Health(Open):
    status: Literal["ok"]


class ListImport(Open):
    """rev. 2: a bulk import and its progress."""
    model_config = _example({"id": "9f2c" + "0" * 60, "list": "national-dnc", "mode": "full",
                             "bucket": "registry-imports", "key": "imports/national-dnc/full/dnc-2026-11-30.txt",
                             "version": "2026-11-30", "status": "running", "phase": "parse", "lines": 1200000,
                             "added": 0, "removed": 0, "rejected": 2, "rejected_lines": [17, 90211],
                             "bytes_read": 14400000, "size": 3120000000, "created_at": EXAMPLE_TIME,
                             "updated_at": EXAMPLE_TIME})
    id: str = Field(description="sha256 of the list, mode, bucket, key and the object's ETag")
    list: str
    mode: Literal["full", "changes"]
    bucket: str
    key: str
    version: str = Field(description="the copy's date, YYYY-MM-DD")
    status: Literal["running", "done", "failed"]
    phase: str = Field(description="full files: parse, write, sweep, done; change files: parse, done")
    lines: int = Field(description="lines read so far (blank and bad ones included)")
    added: int
    removed: int
    rejected: int = Field(description="bad lines")
    rejected_lines: builtins.list[int] = Field(description="the first 20 bad lines' numbers (1-based)")
    bytes_read: int
    size: int
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None
    reason: str | None = Field(None, description="why a failed import failed")


# --- reports (rev. 2) ----------------------------------------------------------------------------

_VIOLATION = {"address": EXAMPLE_PHONE, "attempt_id": "a-91", "occurred_at": "2026-11-24T18:05:00Z",
              "recorded_at": "2026-11-24T18:06:10Z", "channel": "call", "purpose": "marketing", "brand": "acme",
              "dialing": "manual", "outcome": "answered", "decision": "deny",
              "reasons": [{"code": "opted_out", "message": "opted out of marketing calls for brand acme at "
                           "2026-11-20T09:00:00Z", "rule": "47 CFR 64.1200(d)(3)"}],
              "known_in_time": True, "decision_then": "deny"}


class Violation(Open):
    """A recorded attempt that would not have been allowed at its moment."""

    model_config = _example(_VIOLATION)
    address: str | None = Field(description="the contact's address (null when its record cannot be read)")
    attempt_id: str | None
    occurred_at: datetime | None
    recorded_at: datetime | None
    channel: Channel | None
    purpose: ContactPurpose | None
    brand: str | None
    dialing: str | None
    outcome: str | None
    decision: DecisionKind = Field(description="the decision at occurred_at with every fact the registry holds now "
                                               "(never allow here)")
    reasons: list[Reason] = Field(description="registry_unavailable: the contact's record could not be read, "
                                              "review the attempt by hand")
    known_in_time: bool | None = Field(description="true: a lookup at occurred_at, knowing only what was recorded "
                                                   "by then, already said no; false: only facts recorded later make "
                                                   "it a violation (a backdated opt-out, a late list entry)")
    decision_then: DecisionKind | None = Field(description="that lookup's decision")


class ViolationsReport(Open):
    model_config = _example({"from": "2026-11-01T00:00:00Z", "to": "2026-12-01T00:00:00Z", "violations": [_VIOLATION],
                             "examined": 5000, "next": "WyJ2MSIsIjIwMjYtMTEtMDFUMDA"})
    from_: datetime = Field(alias="from")
    to: datetime
    violations: list[Violation]
    examined: int = Field(description="attempts re-decided for this page")
    next: str | None = Field(description="pass it back as cursor (with the same from and to) for the next page; "
                                         "null on the last")
