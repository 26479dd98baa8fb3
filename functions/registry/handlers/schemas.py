"""Request bodies as the contract names them: types and closed vocabularies checked here,
unknown fields refused. Addresses are normalised by the domain (it owns E.164 and its errors)."""
from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..domain import vocabulary as v
from ..domain.brands import normalise_brand
from ..domain.errors import RegistryError
from ..domain.timeutil import MAX_INSTANT_LENGTH, parse_instant
from ..services.suppression import MAX_ENTRIES as MAX_LIST_ENTRIES

# The allowed values are the domain's enums (``domain.vocabulary``). At run time a field holds a
# Literal of their values, so the OpenAPI document lists them inline as before and a validated
# body holds plain text; the type checker sees the enum itself.
if TYPE_CHECKING:
    Channel = v.Channel
    ChannelOrAll = v.Channel | Literal["all"]
    Purpose = v.Purpose
    ContactPurpose = v.ContactPurpose
    PurposeOrAll = v.Purpose | Literal["all"]
    Source = v.Source
    Outcome = v.Outcome
    Weekday = v.Weekday
    SuppressionKind = v.SuppressionKind
    RelationshipKind = v.RelationshipKind
    Disposition = v.Disposition
    EventType = v.EventType
else:
    def _literal(*values: str) -> Any:
        return Literal[values]

    Channel = _literal(*v.values(v.Channel))
    ChannelOrAll = _literal(*v.values(v.Channel), v.ALL)
    Purpose = _literal(*v.values(v.Purpose))
    ContactPurpose = _literal(*v.values(v.ContactPurpose))  # lookups and attempts (rev. 2)
    PurposeOrAll = _literal(*v.values(v.Purpose), v.ALL)
    Source = _literal(*v.values(v.Source))
    Outcome = _literal(*v.values(v.Outcome))
    Weekday = _literal(*v.values(v.Weekday))
    SuppressionKind = _literal(*v.values(v.SuppressionKind))
    RelationshipKind = _literal(*v.values(v.RelationshipKind))
    Disposition = _literal(*v.values(v.Disposition))
    EventType = _literal(*v.values(v.EventType))


def _instant(value: str) -> datetime:
    """Every instant in a body goes through the one parser (offset required, 1970-2100)."""
    try:
        return parse_instant(value, "time")
    except RegistryError as err:
        raise ValueError(err.message.replace("time ", "")) from None


def _brand(value: str) -> str:
    """Every brand in a body goes through the one normaliser (trimmed, case-folded)."""
    try:
        return normalise_brand(value)
    except RegistryError as err:
        raise ValueError(err.message.removeprefix("brand ")) from None


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not an IANA time zone, e.g. America/New_York") from None
    return value


def _clock(value: str) -> time:
    try:
        if len(value) != 5:
            raise ValueError
        return time.fromisoformat(value)
    except ValueError:
        raise ValueError("a local time as HH:MM") from None


if TYPE_CHECKING:  # what a model holds once validated: an aware UTC datetime
    Instant = datetime
else:  # what the request carries (and the OpenAPI document shows): text, parsed by the one parser
    Instant = Annotated[str, Field(max_length=MAX_INSTANT_LENGTH), AfterValidator(_instant)]
AddressText = Annotated[str, Field(max_length=320)]
Brand = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_brand)]
Id = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$")]
Text = Annotated[str, Field(max_length=20_000)]
Url = Annotated[str, Field(max_length=2048)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _example(value: dict[str, Any]) -> ConfigDict:
    """A request model's example, shown in the OpenAPI document (and sent by the schema fuzzer)."""
    return ConfigDict(extra="forbid", json_schema_extra={"examples": [value]})


_PHONE, _WHEN = "+14155550123", "2026-11-28T12:00:00Z"


class Evidence(Strict):
    disclosure_text: Text | None = None
    disclosure_version: Annotated[str, Field(max_length=256)] | None = None
    form_url: Url | None = None
    ip: Annotated[str, Field(max_length=64)] | None = None
    user_agent: Annotated[str, Field(max_length=1024)] | None = None
    recording_url: Url | None = None


class ConsentIn(Strict):
    model_config = _example({"address": _PHONE, "channels": ["call", "sms"], "purposes": ["marketing"],
                             "brand": "acme", "source": "web_form", "occurred_at": _WHEN,
                             "evidence": {"disclosure_text": "I agree that Acme may call and text me ...",
                                          "form_url": "https://acme.example/signup", "ip": "203.0.113.7"}})
    id: Id | None = None
    address: AddressText
    channels: Annotated[list[Channel], Field(min_length=1, max_length=3)]
    purposes: Annotated[list[Purpose], Field(min_length=1, max_length=2)]
    brand: Brand | None = None
    source: Source
    occurred_at: Instant
    expires_at: Instant | None = None
    evidence: Evidence | None = None


class OptOutIn(Strict):
    model_config = _example({"address": _PHONE, "channels": ["all"], "purposes": ["all"], "brand": "*",
                             "source": "agent", "occurred_at": _WHEN, "note": "asked on the phone"})
    id: Id | None = None
    address: AddressText
    channels: Annotated[list[ChannelOrAll], Field(min_length=1, max_length=4)]
    purposes: Annotated[list[PurposeOrAll], Field(min_length=1, max_length=3)]
    brand: Brand | None = None
    source: Source
    occurred_at: Instant
    note: Annotated[str, Field(max_length=2000)] | None = None


class RelationshipIn(Strict):
    model_config = _example({"address": _PHONE, "kind": "inquiry", "brand": "acme", "occurred_at": _WHEN})
    id: Id | None = None
    address: AddressText
    kind: RelationshipKind
    brand: Brand | None = None
    occurred_at: Instant
    source: Source | None = None


class AttemptIn(Strict):
    model_config = _example({"address": _PHONE, "channel": "call", "purpose": "marketing", "brand": "acme",
                             "occurred_at": _WHEN, "outcome": "no_answer"})
    id: Id | None = None
    address: AddressText
    channel: Channel
    purpose: ContactPurpose
    brand: Brand | None = None
    occurred_at: Instant
    outcome: Outcome
    disposition: Disposition | None = None


class ContactHoursIn(Strict):
    start: Annotated[str, AfterValidator(_clock)]
    end: Annotated[str, AfterValidator(_clock)]
    days: Annotated[list[Weekday], Field(min_length=1, max_length=7)]


class PreferencesIn(Strict):
    model_config = _example({"preferred_channel": "sms", "timezone": "America/Los_Angeles",
                             "contact_hours": {"start": "09:00", "end": "18:00", "days": ["mon", "tue", "wed"]}})
    id: Id | None = None
    preferred_channel: Channel | None = None
    timezone: Annotated[str, Field(max_length=64), AfterValidator(_zone)] | None = None
    contact_hours: ContactHoursIn | None = None
    snooze_until: Instant | None = None
    linked_addresses: Annotated[list[AddressText], Field(max_length=10)] | None = None


class BatchIn(Strict):
    model_config = _example({"channel": "call", "purpose": "marketing", "brand": "acme",
                             "addresses": [_PHONE, "+12125550199"]})
    channel: Channel
    purpose: ContactPurpose
    brand: Brand | None = None
    at: Instant | None = None
    # Any: a bad entry is that entry's error in the results, not the whole batch's.
    addresses: Annotated[list[Any], Field(max_length=1000)]


class SuppressionListIn(Strict):
    model_config = _example({"kind": "internal"})
    kind: SuppressionKind


class EntriesIn(Strict):
    model_config = _example({"add": [_PHONE], "remove": []})
    add: Annotated[list[AddressText], Field(max_length=MAX_LIST_ENTRIES)] = []
    remove: Annotated[list[AddressText], Field(max_length=MAX_LIST_ENTRIES)] = []


# Events: the envelope, and the data of the types that have no endpoint of their own. The fact
# types' data is the matching endpoint's body (ConsentIn, ...). The types: vocabulary.EventType.


class EventIn(Strict):
    id: Id  # the idempotency id of the write the event causes
    type: EventType
    occurred_at: Instant
    source: Annotated[str, Field(min_length=1, max_length=128)]  # free text: who sent it, not a fact source
    data: dict[str, Any]


class EventsIn(Strict):
    # No example here: the fuzzer would send it as a full list of 100 valid events, each a write.
    # Any: a bad event is that event's result, not the whole request's error.
    events: Annotated[list[Any], Field(max_length=100)]


class PreferencesEventIn(PreferencesIn):
    """preferences.updated: the preferences body plus the address it is for."""

    address: AddressText


class SmsInboundIn(Strict):
    from_: Annotated[AddressText, Field(alias="from")]
    to: AddressText
    body: Text
    brand: Brand | None = None


class EmailBouncedIn(Strict):
    address: AddressText
    bounce_type: Literal["permanent", "transient"]


class EmailComplainedIn(Strict):
    address: AddressText
