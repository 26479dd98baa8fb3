"""Reports for compliance staff (scope ``admin``): the violations report.

``GET /v1/reports/violations?from=&to=`` re-decides every attempt recorded for [from, to) at its
moment (services.violations) and lists those that would not have been allowed. JSON by default; CSV
(one row per violation, a header row) with ``Accept: text/csv``, the next page's cursor then in the
``x-next-cursor`` header. The rows hold full addresses (the officer's own data): ``Cache-Control:
no-store``, and nothing of them is logged.
"""
from __future__ import annotations

import csv
import io
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from ...domain.timeutil import format_instant, parse_instant
from ...services import violations
from ..access import ADMIN, requires
from ..answers import answers
from ..errors import json_response
from ..observability import logger, tracer

router = Router()

NO_STORE = {"Cache-Control": "no-store"}
CSV = "text/csv"
NEXT_HEADER = "x-next-cursor"
COLUMNS = ("occurred_at", "attempt_id", "address", "channel", "purpose", "brand", "dialing", "outcome",
           "decision", "known_in_time", "decision_then", "reason_codes", "reasons", "rules", "recorded_at")
# A cell a spreadsheet would read as a formula (OWASP "CSV injection"): it gets a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _with_csv(spec: dict[str, Any]) -> dict[str, Any]:
    ok = spec["responses"][200]
    ok["content"][CSV] = {"schema": {"type": "string", "description": "one row per violation, after a header row: "
                                     + ", ".join(COLUMNS)}}
    ok["headers"] = {NEXT_HEADER: {"description": "CSV only: the cursor of the next page; absent on the last",
                                   "schema": {"type": "string"}}}
    return spec


@router.get("/v1/reports/violations", operation_id="getViolationsReport", tags=["reports"],
            summary="Recorded attempts that would not have been allowed",
            description="Re-decides every attempt recorded for [from, to) at its occurred_at, for its channel, purpose, "
                        "brand and dialing, from the contact's facts before it, and lists each that would not have "
                        "been allowed, with the reasons and known_in_time (a lookup at that moment, knowing only what "
                        "was recorded by then, would already have said no). At most "
                        f"{violations.MAX_RANGE_DAYS} days. A page stops at limit violations or after "
                        "examining a bounded number of attempts: a page may hold fewer, even none; go on while next "
                        "is not null. Accept: text/csv answers CSV.",
            **requires(ADMIN), **_with_csv(answers({200: ("ViolationsReport", "a page of violations")}, 400, 503)))
@tracer.capture_method(capture_response=False)
def get_violations(
    from_: Annotated[str, Query(alias="from", max_length=64, description="start, inclusive (ISO 8601 with offset)")],
    to: Annotated[str, Query(max_length=64, description="end, exclusive; at most 93 days after from")],
    limit: Annotated[int | None, Query(ge=1, le=violations.MAX_LIMIT)] = None,
    cursor: Annotated[str | None, Query(max_length=1024, description="next, from the previous page")] = None,
):
    page = violations.report(parse_instant(from_, "from"), parse_instant(to, "to"), cursor, limit)
    logger.info("violations report page", extra={"examined": page.examined, "violations": len(page.violations),
                                                 "last_page": page.next is None})
    if _wants_csv():
        headers = {**NO_STORE, **({NEXT_HEADER: page.next} if page.next else {})}
        return Response(200, f"{CSV}; charset=utf-8", csv_text(page.violations), headers)
    return json_response(200, {"from": format_instant(page.start), "to": format_instant(page.end),
                               "violations": page.violations, "examined": page.examined, "next": page.next},
                         headers=NO_STORE)


def _accept() -> str:
    for key, value in (router.current_event.headers or {}).items():
        if key.lower() == "accept":
            return value or ""
    return ""


def _wants_csv() -> bool:
    """``Accept`` names text/csv (with a q above 0) and ranks it at least as high as JSON."""
    ranks: dict[str, float] = {}
    for part in _accept().split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranks[media.lower()] = max(q, ranks.get(media.lower(), 0.0))
    return ranks.get(CSV, 0.0) > 0 and ranks[CSV] >= ranks.get("application/json", 0.0)


def safe_cell(value: Any) -> str:
    """A cell as text; one that starts like a formula gets a leading ``'`` (``+1415...`` is ``'+1415...``)."""
    text = "" if value is None else "true" if value is True else "false" if value is False else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        reasons = row.get("reasons") or []
        cells = {**row, "reason_codes": " | ".join(r["code"] for r in reasons),
                 "reasons": " | ".join(r["message"] for r in reasons),
                 "rules": " | ".join(r.get("rule") or "" for r in reasons)}
        writer.writerow([safe_cell(cells.get(column)) for column in COLUMNS])
    return out.getvalue()
