"""The services take typed commands; the HTTP and event layers make them from their request
models with one mapping (handlers/commands.py)."""
from __future__ import annotations

import dataclasses
from datetime import time

import pytest

from registry.domain.facts import ContactHours
from registry.handlers import commands, event_inputs, schemas
from registry.services import commands as c


def test_every_event_data_model_makes_a_command():
    assert set(event_inputs.DATA_MODELS.values()) <= set(commands.COMMANDS)


@pytest.mark.parametrize(("model", "kind"), list(commands.COMMANDS.items()))
def test_a_command_has_only_fields_its_model_has(model, kind):
    """Field for field by name: a command field the model lacks would silently stay at its default."""
    names = {f.name for f in dataclasses.fields(kind)} - {"sent"}
    missing = names - set(model.model_fields)
    assert missing <= {"address"} and (not missing or kind is c.SetPreferences), missing


def test_a_consent_body_becomes_a_typed_command():
    body = schemas.ConsentIn.model_validate({
        "address": "+14155550123", "channels": ["call", "sms"], "purposes": ["marketing"], "source": "web_form",
        "occurred_at": "2026-11-28T12:00:00Z", "evidence": {"ip": "203.0.113.7"}})
    command = commands.command(body, c.RecordConsent)
    assert command.channels == ("call", "sms") and command.purposes == ("marketing",)
    assert command.evidence == {"ip": "203.0.113.7"} and command.id is None and command.brand is None
    assert command.occurred_at == body.occurred_at


def test_a_preferences_body_says_which_preferences_were_sent():
    body = schemas.PreferencesIn.model_validate({"id": "p-1", "timezone": None,
                                                 "contact_hours": {"start": "09:00", "end": "18:00", "days": ["mon"]}})
    command = commands.command(body, c.SetPreferences)
    assert command.sent == {"timezone", "contact_hours"} and command.id == "p-1"
    assert command.contact_hours == ContactHours(start=time(9), end=time(18), days=frozenset({"mon"}))


def test_a_body_asked_for_as_the_wrong_command_is_refused():
    body = schemas.EmailComplainedIn.model_validate({"address": "a@example.com"})
    with pytest.raises(TypeError):
        commands.command(body, c.RecordOptOut)
