"""Double opt-in by SMS (contract rev. 2): which open request a YES answers, and the consent it gives."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from registry.domain.consent_requests import WINDOW, ConsentRequest, answered, consent_from, open_request
from registry.domain.facts import Consent, missing_written_evidence
from tests.unit.builders import ts

SENT = "2026-11-20T12:00:00Z"


def request(id_="r1", brand="acme", sent=SENT, grade="written", channels=("sms",), purposes=("marketing",)):
    return ConsentRequest(id=id_, channels=frozenset(channels), purposes=frozenset(purposes), brand=brand,
                          grade=grade, disclosure_text=f"{brand}: reply YES for marketing texts", occurred_at=ts(sent))


def test_open_for_less_than_seven_days():
    r = request()
    assert WINDOW == timedelta(days=7)
    assert open_request([r], "acme", ts(SENT)) == r
    assert open_request([r], "acme", ts(SENT) + WINDOW - timedelta(seconds=1)) == r
    assert open_request([r], "acme", ts(SENT) + WINDOW) is None
    assert open_request([r], "acme", ts(SENT) - timedelta(seconds=1)) is None  # a YES before the question


def test_the_brand_of_the_reply_picks_the_request():
    acme, globex = request("a", "acme"), request("g", "globex", sent="2026-11-21T12:00:00Z")
    at = ts("2026-11-22T12:00:00Z")
    assert open_request([acme, globex], "acme", at) == acme
    assert open_request([acme, globex], "globex", at) == globex
    assert open_request([acme, globex], "initech", at) is None
    assert open_request([acme, globex], None, at) is None  # two brands asked: a consent is never guessed at
    newer = request("a2", "acme", sent="2026-11-21T13:00:00Z")
    assert open_request([acme, newer], None, at) == newer  # one brand: its newest


def test_a_request_is_answered_once():
    r = request()
    yes = consent_from(r, "reply-1", ts("2026-11-21T12:00:00Z"))
    assert answered([yes]) == {"r1"}
    assert open_request([r], "acme", ts("2026-11-22T12:00:00Z"), [yes]) is None
    plain = Consent(id="c", channels=frozenset({"sms"}), purposes=frozenset({"marketing"}), brand="acme",
                    source="web_form", occurred_at=ts(SENT))
    assert open_request([r], "acme", ts("2026-11-22T12:00:00Z"), [plain]) == r


def test_the_consent_a_yes_gives():
    r = request(channels=("sms", "call"), purposes=("marketing", "informational"))
    c = consent_from(r, "reply-1", ts("2026-11-21T12:00:00Z"))
    assert (c.id, c.channels, c.purposes, c.brand, c.source) == (
        "reply-1", frozenset({"sms", "call"}), frozenset({"marketing", "informational"}), "acme", "sms_keyword")
    assert c.occurred_at == ts("2026-11-21T12:00:00Z")
    assert c.evidence == {"disclosure_text": r.disclosure_text, "consent_request": "r1",
                          "signature": "sms reply YES (reply-1) to consent request r1"}
    # a YES to a written request is a written consent: the request the disclosure, the reply the signature
    assert c.grade == "written" and missing_written_evidence(c.evidence) is None


def test_a_yes_to_an_express_request_gives_an_express_consent():
    c = consent_from(request(grade="express"), "reply-1", ts("2026-11-21T12:00:00Z"))
    assert c.grade == "express" and c.evidence is not None and c.evidence["signature"]


def test_written_evidence_needs_a_disclosure_and_a_signature():
    from registry.domain.facts import missing_written_evidence

    assert missing_written_evidence(None) == "disclosure_text"
    assert missing_written_evidence({"disclosure_text": "I agree", "signature": "  "}) == "signature"
    assert missing_written_evidence({"disclosure_text": "I agree", "signature": "typed: Ann"}) is None


def test_document_round_trip():
    r = replace(request(), recorded_at=ts("2026-11-20T12:00:01Z"))
    assert ConsentRequest.from_document(r.to_document()) == r
