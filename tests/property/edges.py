"""Which of the rules' edges a generated case reaches: a tie, an interleaving, a cap reached, an
expiry at the very moment asked about, a quiet-hours boundary.

The strategies exist to reach these; ``test_strategies_reach_the_edges`` holds them to doing so
and ``python tests/property/measure_edges.py`` prints how often. Only the facts' own fields are
read (no rule of the domain), so a bug in the domain cannot hide an edge from the count.
"""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from contract import EBR_MONTHS, covers, months_later

from registry.domain.facts import ContactFacts

WEEK = timedelta(days=7)
EDGES = ("tie", "interleaved", "cap_reached", "consent_expires_at_at", "ebr_ends_at_at", "attempt_ages_out_at_at",
         "snooze_ends_at_at", "window_boundary_at_at")


def edges(question, facts: ContactFacts, zones: tuple[str, ...] = ()) -> set[str]:
    """The edges this case reaches, for the question's scope (``zones``: the contact's, for the window)."""
    ch, p, b, at = question.channel, question.purpose, question.brand, question.at
    said = sorted([(o.occurred_at, 0, "opt_out") for o in facts.opt_outs
                   if covers(o, ch, p, b, "opt_out") and o.occurred_at <= at]
                  + [(c.occurred_at, 1, "consent") for c in facts.consents
                     if covers(c, ch, p, b, "consent") and c.occurred_at <= at])
    found = set()
    opt_times = {t for t, _, kind in said if kind == "opt_out"}
    if any(t in opt_times for t, _, kind in said if kind == "consent"):
        found.add("tie")
    runs = [kind for i, (_, _, kind) in enumerate(said) if i == 0 or said[i - 1][2] != kind]
    if len(runs) >= 3:  # opt-out, consent, opt-out (or the other way round) in one scope
        found.add("interleaved")
    in_scope = [a for a in facts.attempts if (a.channel, a.purpose, a.brand) == (ch, p, b)]
    if (p == "marketing" and ch in ("call", "sms")
            and sum(1 for a in in_scope if a.occurred_at <= at and at - a.occurred_at < WEEK) >= 3):
        found.add("cap_reached")
    if any(a.occurred_at + WEEK == at for a in in_scope):
        found.add("attempt_ages_out_at_at")
    if any(covers(c, ch, p, b, "consent") and c.expires_at == at and c.occurred_at <= at for c in facts.consents):
        found.add("consent_expires_at_at")
    if any(r.brand == b and months_later(r.occurred_at, EBR_MONTHS[r.kind]) == at for r in facts.relationships):
        found.add("ebr_ends_at_at")
    if facts.preferences.snooze_until == at:
        found.add("snooze_ends_at_at")
    for zone in zones:
        local = at.astimezone(ZoneInfo(zone))
        if (local.hour, local.minute, local.second, local.microsecond) in ((8, 0, 0, 0), (21, 0, 0, 0)):
            found.add("window_boundary_at_at")
    return found
