"""From a validated request model to the command the services take (``services.commands``).

One generic mapping, field for field by name, for the routes and the events alike: a list becomes
a tuple, the evidence a dict of the fields given, contact hours the domain's ``ContactHours``, and
a preferences body says which preferences were sent.
"""
from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from pydantic import BaseModel

from ..domain.facts import ContactHours
from ..services import commands as c
from . import schemas as s

COMMANDS: dict[type[BaseModel], type[Any]] = {
    s.ConsentIn: c.RecordConsent,
    s.OptOutIn: c.RecordOptOut,
    s.RelationshipIn: c.RecordRelationship,
    s.AttemptIn: c.RecordAttempt,
    s.PreferencesIn: c.SetPreferences,
    s.PreferencesEventIn: c.SetPreferences,
    s.SmsInboundIn: c.SmsInbound,
    s.EmailBouncedIn: c.EmailBounced,
    s.EmailComplainedIn: c.EmailComplained,
}


def from_body(body: BaseModel) -> c.Command:
    kind = COMMANDS[type(body)]
    values: dict[str, Any] = {}
    for f in dataclasses.fields(kind):
        if f.name == "sent":
            values["sent"] = frozenset(body.model_fields_set) & c.PREFERENCE_FIELDS
        elif hasattr(body, f.name):
            values[f.name] = _plain(getattr(body, f.name))
    command: c.Command = kind(**values)
    return command


_C = TypeVar("_C")


def command(body: BaseModel, kind: type[_C]) -> _C:
    """``from_body``, for a route that knows which command its body makes."""
    made = from_body(body)
    if not isinstance(made, kind):
        raise TypeError(f"{type(body).__name__} makes {type(made).__name__}, not {kind.__name__}")
    return made


def _plain(value: Any) -> Any:
    if isinstance(value, s.ContactHoursIn):
        return ContactHours(start=value.start, end=value.end, days=frozenset(value.days))  # type: ignore[arg-type]
    if isinstance(value, BaseModel):  # the evidence: only the fields given
        return value.model_dump(exclude_none=True)
    if isinstance(value, list):
        return tuple(value)
    return value
