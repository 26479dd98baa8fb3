"""Small helpers for the API tests: record facts, ask for decisions, check error bodies.

Every helper asserts the status it expects and that the body leaks nothing internal, so a
test reads as the contract does.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

from tests.api.conftest import quoted

NOON_LA = "2026-12-01T20:00:00Z"  # Tue 12:00 in Los Angeles, 15:00 in New York
LATE_LA = "2026-12-02T06:00:00Z"  # Tue 22:00 in Los Angeles


def noon_la_after_now(days: int = 0) -> str:
    """The first 20:00Z at least an hour from now, plus ``days``: a moment after any fact the
    registry stamps on arrival (a one-click unsubscribe, the page's choices), and inside calling
    hours in every US zone (12:00 or 13:00 in Los Angeles). A fixed instant would one day be past."""
    soon = datetime.now(UTC) + timedelta(hours=1)
    noon = datetime.combine(soon.date(), time(20), tzinfo=UTC)
    if noon < soon:
        noon += timedelta(days=1)
    return (noon + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


LEAKS = ("Traceback", "traceback", "botocore", "pynamodb", "PynamoDB", 'File "', "site-packages")


def clean(reply) -> Any:
    """The reply's JSON, after checking no stack trace or internal name reached it."""
    for text in LEAKS:
        assert text not in reply.text, f"{text!r} leaked: {reply.text[:500]}"
    return reply.json()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def post(api, path: str, body: Any, status: int = 201, key: str = "admin") -> dict:
    reply = api.call("POST", path, body, key=key)
    assert reply.status == status, reply.text
    return clean(reply)


def consent(
    api,
    address: str,
    channels=("call",),
    purposes=("marketing",),
    occurred_at="2026-11-28T12:00:00Z",
    source="web_form",
    status: int = 201,
    **extra,
) -> dict:
    body = {
        "address": address,
        "channels": list(channels),
        "purposes": list(purposes),
        "source": source,
        "occurred_at": occurred_at,
        **extra,
    }
    return post(api, "/v1/consents", body, status)


# rev. 2: what a written consent's evidence holds (47 CFR 64.1200(a)(2)): the disclosure and a signature.
WRITTEN_EVIDENCE = {"disclosure_text": "I agree that the sender may text me and call me with an autodialer.",
                    "signature": "typed-name:Pat Doe"}


def written_consent(api, address: str, channels=("sms",), purposes=("marketing",), **extra) -> dict:
    """A prior express written consent (rev. 2: what marketing texts and robocalls need)."""
    return consent(api, address, channels, purposes, grade="written", evidence=WRITTEN_EVIDENCE, **extra)


def opt_out(
    api,
    address: str,
    channels=("call",),
    purposes=("all",),
    occurred_at="2026-11-29T12:00:00Z",
    source="agent",
    status: int = 201,
    **extra,
) -> dict:
    body = {
        "address": address,
        "channels": list(channels),
        "purposes": list(purposes),
        "source": source,
        "occurred_at": occurred_at,
        **extra,
    }
    return post(api, "/v1/opt-outs", body, status)


def relationship(
    api, address: str, kind: str = "inquiry", occurred_at="2026-11-01T12:00:00Z", status: int = 201, **extra
) -> dict:
    return post(
        api,
        "/v1/relationships",
        {"address": address, "kind": kind, "occurred_at": occurred_at, **extra},
        status,
    )


def attempt(
    api,
    address: str,
    channel="call",
    purpose="marketing",
    occurred_at="2026-11-28T18:00:00Z",
    outcome="no_answer",
    status: int = 201,
    **extra,
) -> dict:
    body = {
        "address": address,
        "channel": channel,
        "purpose": purpose,
        "occurred_at": occurred_at,
        "outcome": outcome,
        **extra,
    }
    return post(api, "/v1/attempts", body, status)


def preferences(api, address: str, status: int = 201, **prefs) -> dict:
    reply = api.call("PUT", f"/v1/contacts/{quoted(address)}/preferences", prefs)
    assert reply.status == status, reply.text
    return clean(reply)


def decide(
    api,
    address: str,
    channel: str,
    purpose: str = "marketing",
    at: str | None = NOON_LA,
    brand: str | None = None,
    dialing: str | None = None,
) -> dict:
    reply = api.permission(address, channel, purpose, at=at, brand=brand, dialing=dialing)
    assert reply.status == 200, reply.text
    return clean(reply)


def codes(decision: dict) -> list[str]:
    return [r["code"] for r in decision["reasons"]]


def profile(api, address: str, status: int = 200) -> dict:
    reply = api.call("GET", f"/v1/contacts/{quoted(address)}")
    assert reply.status == status, reply.text
    return clean(reply)


def history(api, address: str, limit: int | None = None) -> list[dict]:
    """Every history entry, following the cursor to the end."""
    entries: list[dict] = []
    cursor = None
    for _ in range(1000):
        query = []
        if limit:
            query.append(f"limit={limit}")
        if cursor:
            query.append(f"cursor={cursor}")
        reply = api.call(
            "GET", f"/v1/contacts/{quoted(address)}/history" + ("?" + "&".join(query) if query else "")
        )
        assert reply.status == 200, reply.text
        page = clean(reply)
        entries += page["entries"]
        cursor = page["cursor"]
        if cursor is None:
            return entries
    raise AssertionError("history cursor never ended")


def create_list(api, kind: str, name: str | None = None) -> str:
    name = name or unique(kind)
    reply = api.call("PUT", f"/v1/suppression-lists/{name}", {"kind": kind})
    assert reply.status == 201, reply.text
    return name


def add_entries(api, name: str, add=(), remove=(), status: int = 200) -> dict:
    return post(
        api, f"/v1/suppression-lists/{name}/entries", {"add": list(add), "remove": list(remove)}, status
    )


def assert_error(reply, status: int, code: str | None = None, field: str | None = None) -> dict:
    """The contract's error shape: {"error": {"code", "message", "field"?}} and nothing internal."""
    assert reply.status == status, reply.text
    body = clean(reply)
    assert isinstance(body, dict) and isinstance(body.get("error"), dict), reply.text
    error = body["error"]
    assert set(error) <= {"code", "message", "field", "request_id"}, error
    # the id of the request, as the x-request-id header says (issue 8, item 11)
    assert error.get("request_id") and error["request_id"] == reply.headers.get("x-request-id"), (error, reply.headers)
    assert isinstance(error.get("code"), str) and error["code"], error
    assert isinstance(error.get("message"), str) and error["message"], error
    if code is not None:
        assert error["code"] == code, error
    if field is not None:
        assert error.get("field") == field, error
    assert reply.headers.get("content-type", "").startswith("application/json"), reply.headers
    return error


def assert_unknown(api, address: str) -> None:
    """The registry holds nothing for this address: profile 404, empty history."""
    assert_error(api.call("GET", f"/v1/contacts/{quoted(address)}"), 404, "not_found")
    assert history(api, address) == []
