"""The closed vocabularies live once, as the domain's enums (domain/vocabulary.py): the OpenAPI
document, the request models and the event tables are derived from them and must say the same."""
from __future__ import annotations

from typing import Any

import pytest

from registry.domain import vocabulary as v
from registry.handlers import api, event_inputs, openapi, schemas
from registry.services import events


@pytest.fixture(scope="module")
def components() -> dict[str, Any]:
    return openapi.document(api.app)["components"]["schemas"]


def allowed(prop: dict[str, Any]) -> list[str]:
    """The values a property's schema allows (through arrays and nullable unions), in order."""
    if "items" in prop:
        return allowed(prop["items"])
    if "anyOf" in prop:
        return [value for option in prop["anyOf"] for value in allowed(option)]
    if "enum" in prop:
        return list(prop["enum"])
    if "const" in prop:
        return [prop["const"]]
    return []


@pytest.mark.parametrize(("model", "field", "enum", "extra"), [
    ("ConsentIn", "channels", v.Channel, ()),
    ("ConsentIn", "purposes", v.Purpose, ()),
    ("ConsentIn", "source", v.Source, ()),
    ("OptOutIn", "channels", v.Channel, (v.ALL,)),
    ("OptOutIn", "purposes", v.Purpose, (v.ALL,)),
    ("OptOutIn", "source", v.Source, ()),
    ("RelationshipIn", "kind", v.RelationshipKind, ()),
    ("RelationshipIn", "source", v.Source, ()),
    ("AttemptIn", "channel", v.Channel, ()),
    ("AttemptIn", "purpose", v.ContactPurpose, ()),  # rev. 2: opt_out_confirmation in attempts and lookups
    ("AttemptIn", "outcome", v.Outcome, ()),
    ("AttemptIn", "disposition", v.Disposition, ()),
    ("ContactHoursIn", "days", v.Weekday, ()),
    ("PreferencesIn", "preferred_channel", v.Channel, ()),
    ("BatchIn", "channel", v.Channel, ()),
    ("BatchIn", "purpose", v.ContactPurpose, ()),
    ("SuppressionListIn", "kind", v.SuppressionKind, ()),
    ("ConsentIn", "grade", v.Grade, ()),
    ("AttemptIn", "dialing", v.Dialing, ()),
    ("BatchIn", "dialing", v.Dialing, ()),
    ("PreferencesIn", "line_type", v.LineType, ()),
    ("ReassignedCheckIn", "result", v.ReassignedCheckResult, ()),
    ("ReassignedCheckIn", "source", v.ReassignedCheckSource, ()),
])
def test_the_openapi_document_lists_the_domain_vocabulary(components, model, field, enum, extra):
    assert allowed(components[model]["properties"][field]) == [*v.values(enum), *extra]


def test_the_event_envelope_takes_exactly_the_event_types():
    prop = schemas.EventIn.model_json_schema()["properties"]["type"]
    assert allowed(prop) == list(v.values(v.EventType))


def test_every_event_type_has_a_data_model_and_a_reader():
    assert set(event_inputs.DATA_MODELS) == set(v.EventType)
    assert set(events._READERS) == set(v.EventType)


def test_the_timed_event_types_are_those_whose_data_has_an_occurred_at():
    assert event_inputs.TIMED == {v.EventType.CONSENT_GRANTED, v.EventType.OPT_OUT_RECORDED,
                                  v.EventType.RELATIONSHIP_RECORDED, v.EventType.CONTACT_ATTEMPTED}


def test_a_table_that_misses_a_type_refuses_to_load():
    with pytest.raises(RuntimeError, match="missing \\['sms.inbound'\\]"):
        v.require_exactly(v.EventType, [t for t in v.EventType if t != v.EventType.SMS_INBOUND], "readers")
    with pytest.raises(RuntimeError, match="unknown \\['sms.outbound'\\]"):
        v.require_exactly(v.EventType, [*v.EventType, "sms.outbound"], "readers")


def test_fact_event_types_are_spelled_as_their_history_types():
    facts = {t for t in v.EventType if t.value in v.values(v.HistoryType)}
    assert facts == {v.EventType.CONSENT_GRANTED, v.EventType.OPT_OUT_RECORDED, v.EventType.RELATIONSHIP_RECORDED,
                     v.EventType.CONTACT_ATTEMPTED, v.EventType.PREFERENCES_UPDATED}


def test_a_member_is_its_text_in_json_and_in_messages():
    import json
    assert json.dumps({"type": v.HistoryType.OPT_OUT_RECORDED, "c": [v.Channel.SMS]}) == \
        '{"type": "opt_out.recorded", "c": ["sms"]}'
    assert f"{v.Channel.SMS}" == "sms" and str(v.DenyReason.OPTED_OUT) == "opted_out"


def test_event_results_name_the_actions_and_consent_requests_the_grades(components):
    """rev. 2: every event result's ``action``; a consent request's ``grade``."""
    from registry.domain.consent_requests import GRADES

    assert allowed(components["EventResult"]["properties"]["action"]) == list(v.values(v.EventAction))
    assert allowed(components["ConsentRequestIn"]["properties"]["grade"]) == list(GRADES)
    assert allowed(components["ConsentRequestIn"]["properties"]["purposes"]) == list(v.values(v.Purpose))
