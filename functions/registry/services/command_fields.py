"""The field types of every input the registry takes: the commands (``services.commands``) and the
HTTP-only request shapes (``handlers.schemas``) declare their fields with these.

Types, bounds and closed vocabularies are checked when a value is validated (pydantic), so a
command that exists holds only well-formed values; what needs the domain (addresses, channel
pairing, brand ``*``) is checked by ``services.fact_inputs``. Instants and brands go through the
domain's one parser and normaliser. The domain itself knows nothing of pydantic.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ..domain import vocabulary as v
from ..domain.brands import normalise_brand
from ..domain.errors import RegistryError
from ..domain.timeutil import MAX_INSTANT_LENGTH, parse_instant

# The allowed values are the domain's enums (``domain.vocabulary``). At run time a field holds a
# Literal of their values, so the OpenAPI document lists them inline and a validated value is
# plain text; the type checker sees the enum itself.
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
    Grade = v.Grade
    Dialing = v.Dialing
    LineType = v.LineType
    ReassignedCheckResult = v.ReassignedCheckResult
    ReassignedCheckSource = v.ReassignedCheckSource
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
    Grade = _literal(*v.values(v.Grade))
    Dialing = _literal(*v.values(v.Dialing))
    LineType = _literal(*v.values(v.LineType))
    ReassignedCheckResult = _literal(*v.values(v.ReassignedCheckResult))
    ReassignedCheckSource = _literal(*v.values(v.ReassignedCheckSource))


def _instant(value: str) -> datetime:
    """Every instant given goes through the one parser (offset required, 1970-2100)."""
    try:
        return parse_instant(value, "time")
    except RegistryError as err:
        raise ValueError(err.message.replace("time ", "")) from None


def _brand(value: str) -> str:
    """Every brand given goes through the one normaliser (trimmed, case-folded)."""
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


def _state(value: str) -> str:
    code = value.strip().upper()
    if code not in v.US_STATES:
        raise ValueError("a two-letter US state, DC or territory code, e.g. CA")
    return code


T = TypeVar("T")


def _exactly(value: str, spelling: str, parse: Callable[[str], T], what: str) -> T:
    """``value`` parsed, if spelt as ``spelling`` (fromisoformat alone also takes shorter and longer forms)."""
    try:
        if len(value) != len(spelling):
            raise ValueError
        return parse(value)
    except ValueError:
        raise ValueError(f"{what} as {spelling}") from None


def _day(value: str) -> date:
    return _exactly(value, "YYYY-MM-DD", date.fromisoformat, "a date")


def _clock(value: str) -> time:
    return _exactly(value, "HH:MM", time.fromisoformat, "a local time")


if TYPE_CHECKING:  # what a model holds once validated: an aware UTC datetime, a local time, a date
    Instant = datetime
    Clock = time
    Day = date
else:  # what the request carries (and the OpenAPI document shows): text, parsed by the one parser
    Instant = Annotated[str, Field(max_length=MAX_INSTANT_LENGTH), AfterValidator(_instant)]
    Clock = Annotated[str, AfterValidator(_clock)]
    Day = Annotated[str, Field(max_length=10), AfterValidator(_day)]
AddressText = Annotated[str, Field(max_length=320)]
Brand = Annotated[str, Field(min_length=1, max_length=128), AfterValidator(_brand)]
Id = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:\-]+$")]
Text = Annotated[str, Field(max_length=20_000)]
Url = Annotated[str, Field(max_length=2048)]
TimeZone = Annotated[str, Field(max_length=64), AfterValidator(_zone)]
UsState = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_state)]


class Strict(BaseModel):
    """An input: unknown fields are refused, and a validated value is not changed afterwards."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def shown(example: dict[str, Any], title: str | None = None) -> ConfigDict:
    """An input's example in the OpenAPI document (the schema fuzzer sends it too), and its name
    there when that is not the class's own (``handlers.openapi`` names a schema by its title)."""
    config = ConfigDict(json_schema_extra={"examples": [example]})
    if title is not None:
        config["title"] = title
    return config


class Evidence(Strict):
    disclosure_text: Text | None = None
    disclosure_version: Annotated[str, Field(max_length=256)] | None = None
    form_url: Url | None = None
    ip: Annotated[str, Field(max_length=64)] | None = None
    user_agent: Annotated[str, Field(max_length=1024)] | None = None
    recording_url: Url | None = None
    # rev. 2: the e-signature record of a written consent (typed name, checkbox id, recording id)
    signature: Annotated[str, Field(max_length=2048)] | None = None


# Contact hours as given; ``fact_inputs`` makes them the domain's ``ContactHours``. (Comments, not
# docstrings, on the models the OpenAPI document shows: a docstring would become its description.)
class ContactHoursIn(Strict):
    start: Clock
    end: Clock
    days: Annotated[list[Weekday], Field(min_length=1, max_length=7)]
