"""Events applied in any order end in the same state (issue 10): the queue consumer applies a
permutation of a contact's events, and the lookups and the profile come out as they do for the
events in their own order.

Through the Lambda handler of the queue consumer on moto (the whole apply path: reading, the
service, the transaction), so it runs in the moto stage; few examples, each a handful of writes.
Instants come from a small shared pool so that facts tie and interleave.
"""
from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from registry.handlers.queue_consumer import lambda_handler
from tests.api.conftest import LambdaContext, new_phone
from tests.api.helpers import decide, profile
from tests.api.queue_events import failed_ids, record, sqs_event

pytestmark = pytest.mark.dynamodb

INSTANTS = ("2026-11-20T12:00:00Z", "2026-11-20T12:00:01Z", "2026-11-21T09:30:00Z")
AT = "2026-12-01T20:00:00Z"  # after every instant, in calling hours everywhere in the US
QUESTIONS = [(channel, purpose) for channel in ("call", "sms") for purpose in ("marketing", "informational")]
CHANNELS = st.sampled_from([["call"], ["sms"], ["call", "sms"]])
PURPOSES = st.sampled_from([["marketing"], ["informational"], ["marketing", "informational"]])


@st.composite
def events(draw):
    """(kind, data without the address) of one event."""
    kind = draw(st.sampled_from(["consent.granted", "opt_out.recorded", "contact.attempted", "relationship.recorded"]))
    at = draw(st.sampled_from(INSTANTS))
    if kind == "consent.granted":
        data = {"channels": draw(CHANNELS), "purposes": draw(PURPOSES), "source": "web_form"}
    elif kind == "opt_out.recorded":
        data = {"channels": draw(st.one_of(CHANNELS, st.just(["all"]))),
                "purposes": draw(st.one_of(PURPOSES, st.just(["all"]))), "source": "agent",
                "brand": draw(st.sampled_from(["*", "default"]))}
    elif kind == "contact.attempted":
        data = {"channel": draw(st.sampled_from(["call", "sms"])), "purpose": draw(st.sampled_from(["marketing",
                                                                                                   "informational"])),
                "outcome": "answered", "disposition": draw(st.sampled_from([None, "do_not_contact"]))}
        if data["disposition"] is None:
            del data["disposition"]
    else:
        data = {"kind": draw(st.sampled_from(["inquiry", "transaction"])), "source": "inbound_call"}
    return kind, {**data, "occurred_at": at}


def apply(number: str, batch: list[tuple[str, str, dict]]) -> None:
    """Each event in its own message, one batch after another, in the order given."""
    for base_id, kind, data in batch:
        body = {"id": f"{base_id}-{number[-7:]}", "type": kind, "occurred_at": data["occurred_at"],
                "source": "order-test", "data": {**data, "address": number}}
        assert failed_ids(lambda_handler(sqs_event(record(body)), LambdaContext())) == []


def state(api, number: str) -> tuple[list, str]:
    decisions = []
    for channel, purpose in QUESTIONS:
        answer = decide(api, number, channel, purpose=purpose, at=AT)
        decisions.append((channel, purpose, answer["decision"], sorted(r["code"] for r in answer["reasons"])))
    # The profile with what differs by construction taken out: the address, the ids' suffix, and
    # when the registry received each fact and answered (stamped on arrival, so never alike).
    text = json.dumps(_without(profile(api, number), ARRIVAL), sort_keys=True)
    return decisions, text.replace(number, "<address>").replace(number[-7:], "<n>")


ARRIVAL = frozenset({"recorded_at", "evaluated_at"})


def _without(value, keys):
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    return value


# No shrinking: each example is a dozen writes, and a failure prints its events and order.
@settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(events(), min_size=2, max_size=4).flatmap(
    lambda evs: st.tuples(st.just(evs), st.permutations(range(len(evs))))))
def test_events_in_any_order_end_in_the_same_state(api, drawn):
    evs, order = drawn
    batch = [(str(uuid.uuid4()), kind, data) for kind, data in evs]
    first, second = new_phone(), new_phone()
    apply(first, batch)
    apply(second, [batch[i] for i in order])
    one, other = state(api, first), state(api, second)
    assert one[0] == other[0], ([b[1:] for b in batch], order)
    assert one[1] == other[1], ([b[1:] for b in batch], order)
