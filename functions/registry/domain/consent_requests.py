"""Double opt-in by SMS (contract rev. 2, ``POST /v1/consent-requests`` and the YES reply).

A consent request is the question a seller texted: what the person would agree to (channels,
purposes, brand, grade) and the disclosure they were shown. A reply ``YES`` from that number
while the request is open (less than 7 days after it was sent) records that consent, with the
request as its evidence: the request is the disclosure, the reply the signature.

Which request a YES answers (``open_request``): the newest open one of the brand the reply was
sent to, that no earlier YES answered. A reply to no known brand answers only when every open
request of the number is of one brand; with several brands open nobody can tell which the person
meant, and a consent is never guessed at.

Pure: the requests, the consents already recorded and the moment are passed in.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .facts import Brand, Consent, _Document
from .vocabulary import Grade, Source

WINDOW = timedelta(days=7)
EXPRESS, WRITTEN = Grade.EXPRESS.value, Grade.WRITTEN.value
GRADES = (EXPRESS, WRITTEN)
MAX_DISCLOSURE_LENGTH = 4000


@dataclass(frozen=True)
class ConsentRequest(_Document):
    id: str
    channels: frozenset[str]
    purposes: frozenset[str]
    brand: Brand
    grade: str  # express | written
    disclosure_text: str
    occurred_at: datetime  # when it was sent
    recorded_at: datetime | None = None

    @property
    def closes_at(self) -> datetime:
        return self.occurred_at + WINDOW

    def open_at(self, at: datetime) -> bool:
        """Sent by ``at``, and less than 7 days before it."""
        return self.occurred_at <= at < self.closes_at


def answered(consents: Iterable[Consent]) -> frozenset[str]:
    """The ids of the requests a recorded consent answers (its evidence names them)."""
    return frozenset(str(c.evidence["consent_request"]) for c in consents
                     if c.evidence and c.evidence.get("consent_request"))


def open_request(requests: Iterable[ConsentRequest], brand: str | None, at: datetime,
                 consents: Iterable[Consent] = ()) -> ConsentRequest | None:
    """The request a YES at ``at`` answers (see the module text), or None."""
    done = answered(consents)
    candidates = [r for r in requests if r.open_at(at) and r.id not in done]
    if brand is not None:
        candidates = [r for r in candidates if r.brand == brand]
    elif len({r.brand for r in candidates}) > 1:
        return None  # several brands asked: which one the person meant is a guess
    return max(candidates, key=lambda r: (r.occurred_at, r.id), default=None)


def consent_from(request: ConsentRequest, reply_id: str, at: datetime) -> Consent:
    """The consent a YES gives: the request's scope and grade, the request as its disclosure, the reply
    as the person's act: the signature of a ``written`` request (contract "Vocabulary", grade), so a
    YES to a ``written`` request is a written consent with complete evidence (``WRITTEN_EVIDENCE``)."""
    evidence = {"disclosure_text": request.disclosure_text, "consent_request": request.id,
                "signature": f"sms reply YES ({reply_id}) to consent request {request.id}"}
    return Consent(id=reply_id, channels=request.channels, purposes=request.purposes, brand=request.brand,
                   source=Source.SMS_KEYWORD, occurred_at=at, evidence=evidence, grade=request.grade)
