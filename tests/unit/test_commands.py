"""Inputs in one form (issue 8, item 6): the services' commands (services/commands.py) are the
request bodies themselves. A route takes one as its body, the event layer validates an event's
data into one, and services/fact_inputs.py makes the domain's fact from it."""
from __future__ import annotations

import inspect
import typing
from datetime import UTC, datetime, time

import pytest
from pydantic import BaseModel, ValidationError

from registry.domain.facts import ContactHours
from registry.handlers import api, event_inputs, openapi, schemas
from registry.services import command_fields, fact_inputs
from registry.services import commands as c

CONSENT = {"address": "+14155550123", "channels": ["call", "sms"], "purposes": ["marketing"], "source": "web_form",
           "occurred_at": "2026-11-28T12:00:00+01:00", "evidence": {"ip": "203.0.113.7", "form_url": None}}
COMMANDS = typing.get_args(c.Command)


def test_every_event_data_model_is_a_command():
    assert set(event_inputs.DATA_MODELS.values()) <= {*COMMANDS, c.SetContactPreferences}
    assert issubclass(c.SetContactPreferences, c.SetPreferences)


@pytest.mark.parametrize("route", ["post_consent", "post_opt_out", "post_relationship", "post_attempt",
                                   "post_reassigned_check", "put_preferences"])
def test_every_fact_route_takes_a_command_as_its_body(route):
    from registry.handlers.routes import facts
    body = inspect.signature(getattr(facts, route)).parameters["body"].annotation
    assert (getattr(c, body) if isinstance(body, str) else body) in COMMANDS


def test_the_handlers_declare_no_fact_input_of_their_own():
    """handlers/schemas.py keeps only HTTP-only shapes: a batch, list entries, a list import, the event envelope."""
    models = {name for name, value in vars(schemas).items()
              if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == schemas.__name__}
    assert models == {"BatchIn", "SuppressionListIn", "EntriesIn", "ImportIn", "EventIn", "EventsIn"}


@pytest.mark.parametrize("kind", [*COMMANDS, c.SetContactPreferences, command_fields.Evidence,
                                  command_fields.ContactHoursIn])
def test_a_command_is_frozen_and_refuses_unknown_fields(kind):
    assert kind.model_config.get("extra") == "forbid" and kind.model_config.get("frozen") is True


def test_an_unknown_field_is_refused():
    with pytest.raises(ValidationError) as err:
        c.RecordConsent.model_validate({**CONSENT, "channel": "call"})
    assert [(e["type"], e["loc"]) for e in err.value.errors()] == [("extra_forbidden", ("channel",))]
    with pytest.raises(ValidationError):  # the route's preferences have their address in the path
        c.SetPreferences.model_validate({"address": "+14155550123", "timezone": None})


def test_a_consent_is_validated_once_and_becomes_a_fact():
    command = c.RecordConsent.model_validate({**CONSENT, "brand": " ACME "})
    assert command.occurred_at == datetime(2026, 11, 28, 11, tzinfo=UTC)  # the one instant parser: UTC
    assert command.brand == "acme"  # the one brand normaliser
    with pytest.raises(ValidationError):
        command.brand = "other"  # type: ignore[misc]
    address, consent = fact_inputs.consent(command, "e-1")
    assert address.value == "+14155550123" and consent.id == "e-1"
    assert consent.channels == {"call", "sms"} and consent.purposes == {"marketing"}
    assert consent.evidence == {"ip": "203.0.113.7"}  # the fields given, not the nulls


def test_a_preferences_command_knows_which_fields_were_sent():
    command = c.SetPreferences.model_validate({"id": "p-1", "timezone": None,
                                               "contact_hours": {"start": "09:00", "end": "18:00", "days": ["mon"]}})
    assert command.sent == {"timezone", "contact_hours"} and command.id == "p-1"
    assert c.SetPreferences.model_validate({"id": "p-1"}).sent == frozenset()
    event = c.SetContactPreferences.model_validate({"address": "+14155550123", "preferred_channel": "sms"})
    assert event.sent == {"preferred_channel"}  # the address is whom, not a preference
    contact = fact_inputs.address("+14155550123")
    patch, fact_id = fact_inputs.preferences(contact, command)
    assert patch == {"timezone": None,  # a null clears it
                     "contact_hours": ContactHours(start=time(9), end=time(18), days=frozenset({"mon"}))}
    assert fact_id == "p-1"


def test_the_document_names_each_command_as_its_request_was_named():
    """A client generated from the document keeps its model names (ConsentIn, ...)."""
    schemas_ = openapi.document(api.app)["components"]["schemas"]
    for kind, name in [(c.RecordConsent, "ConsentIn"), (c.RecordOptOut, "OptOutIn"),
                       (c.RecordRelationship, "RelationshipIn"), (c.RecordAttempt, "AttemptIn"),
                       (c.SetPreferences, "PreferencesIn")]:
        assert kind.model_json_schema()["title"] == name and name in schemas_
        assert kind.__name__ not in schemas_
    text = str(schemas_)
    assert "#/components/schemas/Record" not in text and "#/components/schemas/SetPreferences" not in text
