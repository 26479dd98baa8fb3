"""State telemarketing rules: the pack (state_rules.json, data a compliance officer reviews) and its pure reader.

The pack lists, for each US state whose calling rules are stricter than the federal ones (47 CFR 64.1200(c)(1):
08:00-21:00 local time), its calling hours by weekday, the holidays with no telemarketing calls (named as the
`holidays` library's US calendar for that state names them; read from a table made from that library,
`state_holidays`), its cap per 24 hours on the same subject, and its do-not-call list's exemptions; each with its
citation, its source and the date it was checked. docs/state-rules.md says which states were checked and how to
change a rule.

The pack a decision applies is the one the policy version in force at its `at` names (`Policy.state_pack`), read
through `pack_named`: state_rules.json is the first pack; a later one is a file beside it, usually `based_on` the
pack before it and listing only the states it changes (docs/state-rules.md, "A new state pack version"). Each pack
is read and checked once per process.

Decisions ask `applicable` (the rules binding a marketing call or text to the number's area-code state and the
`state` on file), `shut_at` and `binding` (which of them shut a local moment, and which bind more than the federal
window: the reason names them), `openings_on` (when their windows open, for next_allowed_at), `cap_for` (the
smallest cap per 24 hours) and `ebr_lifts_list` (a state list's exemption). `describe` renders the pack for
GET /v1/policy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import Any

from . import state_holidays

PACK_PATH = Path(__file__).with_name("state_rules.json")  # the first pack; the others are files beside it
PACK_DIR = PACK_PATH.parent
_PACK_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*\.json")

FEDERAL = "US"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
APPLIES_TO = ("all", "automated")
CAP_CHANNELS = ("call", "sms")
OBSERVED = " (observed)"
_TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
_STATE = re.compile(r"[A-Z]{2}")

Hours = tuple[str, str]


class StatePackError(ValueError):
    """The pack is not well-formed; the message names the state and the field."""


@dataclass(frozen=True)
class Cited:
    citation: str
    checked: date
    source: str


@dataclass(frozen=True)
class Cap:
    per_24h: int
    channels: tuple[str, ...]
    same_subject: bool
    cited: Cited


@dataclass(frozen=True)
class Dnc:
    list: str
    ebr_accepted: bool | None
    exemptions: tuple[str, ...]
    cited: Cited


@dataclass(frozen=True)
class StateRule:
    state: str
    name: str
    applies_to: str
    days: tuple[Hours | None, ...]
    hours_cited: Cited
    closed_holidays: frozenset[str]
    holidays_cited: Cited | None
    cap: Cap | None
    dnc: Dnc | None
    notes: str

    def holiday(self, day: date) -> str | None:
        """The name of a holiday on `day` with no calls in this state, or None."""
        return closed_holiday(self, day)

    def hours(self, day: date) -> Hours | None:
        """This state's window on `day` (local date), or None when no calls at all that day."""
        return hours_on(self, day)


@dataclass(frozen=True)
class Pack:
    federal: Hours
    federal_citation: str
    states: Mapping[str, StateRule]


@dataclass(frozen=True)
class Window:
    """The strictest window of a day, and who set each end: state codes, or "US" for the federal rule."""

    start: str
    end: str
    start_set_by: tuple[str, ...]
    end_set_by: tuple[str, ...]

    def pair(self) -> Hours:
        return (self.start, self.end)


@dataclass(frozen=True)
class Closure:
    """Why a state has no calls on a day: `why` is "Sunday" and the like, or the holiday's name."""

    state: str
    why: str
    citation: str


@dataclass(frozen=True)
class CapLimit:
    per_24h: int
    set_by: tuple[str, ...]
    citations: tuple[str, ...]


# ---- reading the pack -------------------------------------------------------------------------------------------


@cache
def load_pack() -> Pack:
    """The first pack (state_rules.json), read and checked once per process."""
    return parse_pack(json.loads(PACK_PATH.read_text(encoding="utf-8")), date.today())


def pack_named(name: str) -> Pack:
    """The pack a policy version names (``Policy.state_pack``): the one way a decision, a replay, a violation's
    review and GET /v1/policy read state rules. The first pack is ``load_pack()``; each other one is a file beside
    it, read and checked once per process."""
    if name == PACK_PATH.name:
        return load_pack()
    return _named(PACK_DIR, name)


@cache
def _named(directory: Path, name: str) -> Pack:
    return read_pack(directory, name, date.today())


def read_pack(directory: Path, name: str, today: date, chain: tuple[str, ...] = ()) -> Pack:
    """The pack in the file ``name`` of ``directory``. A pack ``based_on`` another one lists only the states it
    changes: each entry replaces that state's whole entry, ``null`` takes the state out; the rest is the base's."""
    if not isinstance(name, str) or not _PACK_NAME.fullmatch(name):
        raise StatePackError(f"{name!r}: a pack is a .json file beside state_rules.json")
    if name in chain:
        raise StatePackError(f"{name}: based_on goes round in a circle ({' -> '.join((*chain, name))})")
    try:
        data = json.loads((directory / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StatePackError(f"{name}: no such pack") from None
    except ValueError as err:
        raise StatePackError(f"{name}: not JSON ({err})") from None
    based_on = data.get("based_on") if isinstance(data, dict) else None
    if based_on is None:
        base = None
    elif based_on == PACK_PATH.name:
        base = load_pack()
    else:
        base = read_pack(directory, based_on, today, (*chain, name))
    try:
        return parse_pack(data, today, base)
    except StatePackError as err:
        raise StatePackError(f"{name}: {err}") from None


def parse_pack(data: Any, today: date, base: Pack | None = None) -> Pack:
    """A pack from its JSON; with ``base``, a pack ``based_on`` it (``federal`` may be left out: the base's)."""
    if not isinstance(data, dict):
        raise StatePackError("the pack must be an object")
    if base is None and "based_on" in data:
        raise StatePackError("based_on: the pack it is based on was not read")
    federal = data.get("federal")
    if base is not None and federal is None:
        window, citation = base.federal, base.federal_citation
    else:
        window, citation = _federal(federal)
    states = data.get("states")
    if not isinstance(states, dict):
        raise StatePackError("states: must be an object")
    if base is None:
        return Pack(federal=window, federal_citation=citation,
                    states={code: parse_state(code, raw, today) for code, raw in states.items()})
    rules = dict(base.states)
    for code, raw in states.items():
        if raw is not None:
            rules[code] = parse_state(code, raw, today)
        elif code in rules:
            del rules[code]
        else:
            raise StatePackError(f"{code}: null takes a state out, and the pack it is based on has none")
    return Pack(federal=window, federal_citation=citation, states=rules)


def _federal(federal: Any) -> tuple[Hours, str]:
    if not isinstance(federal, dict):
        raise StatePackError("federal: must be an object")
    window = _window(federal.get("hours"), "federal.hours")
    if window is None:
        raise StatePackError("federal.hours: must be a window")
    return window, _text(federal.get("citation"), "federal.citation")


def parse_state(code: Any, raw: Any, today: date) -> StateRule:
    if not isinstance(code, str) or not _STATE.fullmatch(code) or code not in state_holidays.subdivisions():
        raise StatePackError(f"{code!r}: not a US state code")
    if not isinstance(raw, dict):
        raise StatePackError(f"{code}: must be an object")
    applies_to = raw.get("applies_to")
    if applies_to not in APPLIES_TO:
        raise StatePackError(f"{code}.applies_to: one of {', '.join(APPLIES_TO)}")
    hours = raw.get("hours")
    if not isinstance(hours, dict):
        raise StatePackError(f"{code}.hours: must be an object")
    closed, holidays_cited = _holidays(code, raw.get("holidays"), today)
    notes = raw.get("notes", "")
    if not isinstance(notes, str):
        raise StatePackError(f"{code}.notes: must be text")
    return StateRule(
        state=code,
        name=_text(raw.get("name"), f"{code}.name"),
        applies_to=applies_to,
        days=_days(hours.get("days"), f"{code}.hours.days"),
        hours_cited=_cited(hours, f"{code}.hours", today),
        closed_holidays=closed,
        holidays_cited=holidays_cited,
        cap=_cap(raw.get("cap"), f"{code}.cap", today),
        dnc=_dnc(raw.get("dnc"), f"{code}.dnc", today),
        notes=notes,
    )


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise StatePackError(f"{where}: must be non-empty text")
    return value


def _cited(raw: dict[str, Any], where: str, today: date) -> Cited:
    checked = raw.get("checked")
    try:
        day = date.fromisoformat(checked) if isinstance(checked, str) else None
    except ValueError:
        day = None
    if day is None:
        raise StatePackError(f"{where}.checked: must be a date (YYYY-MM-DD)")
    if day > today:
        raise StatePackError(f"{where}.checked: {checked} is in the future")
    return Cited(
        citation=_text(raw.get("citation"), f"{where}.citation"),
        checked=day,
        source=_text(raw.get("source"), f"{where}.source"),
    )


def _window(raw: Any, where: str) -> Hours | None:
    if raw is None:
        return None
    if not isinstance(raw, list) or len(raw) != 2 or not all(isinstance(t, str) and _TIME.fullmatch(t) for t in raw):
        raise StatePackError(f"{where}: must be null or [\"HH:MM\", \"HH:MM\"]")
    start, end = raw
    if start >= end:
        raise StatePackError(f"{where}: {start} is not before {end}")
    return (start, end)


def _days(raw: Any, where: str) -> tuple[Hours | None, ...]:
    if not isinstance(raw, dict) or set(raw) != set(DAYS):
        raise StatePackError(f"{where}: must name exactly {', '.join(DAYS)}")
    return tuple(_window(raw[day], f"{where}.{day}") for day in DAYS)


def _holidays(code: str, raw: Any, today: date) -> tuple[frozenset[str], Cited | None]:
    if raw is None:
        return frozenset(), None
    where = f"{code}.holidays"
    if not isinstance(raw, dict):
        raise StatePackError(f"{where}: must be null or an object")
    names = raw.get("closed")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise StatePackError(f"{where}.closed: must be a list of holiday names")
    known = known_holiday_names(code, today.year)
    unknown = sorted(set(names) - known)
    if unknown:
        raise StatePackError(f"{where}.closed: not in the holidays library's US-{code} calendar: {', '.join(unknown)}")
    return frozenset(names), _cited(raw, where, today)


def _cap(raw: Any, where: str, today: date) -> Cap | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise StatePackError(f"{where}: must be null or an object")
    per_24h = raw.get("per_24h")
    if type(per_24h) is not int or per_24h < 1:
        raise StatePackError(f"{where}.per_24h: must be a whole number of at least 1")
    channels = raw.get("channels")
    if not isinstance(channels, list) or not channels or not set(channels) <= set(CAP_CHANNELS):
        raise StatePackError(f"{where}.channels: a non-empty list of {', '.join(CAP_CHANNELS)}")
    same_subject = raw.get("same_subject")
    if not isinstance(same_subject, bool):
        raise StatePackError(f"{where}.same_subject: must be true or false")
    return Cap(per_24h=per_24h, channels=tuple(channels), same_subject=same_subject, cited=_cited(raw, where, today))


def _dnc(raw: Any, where: str, today: date) -> Dnc | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise StatePackError(f"{where}: must be null or an object")
    ebr = raw.get("ebr_accepted")
    if ebr is not None and not isinstance(ebr, bool):
        raise StatePackError(f"{where}.ebr_accepted: must be true, false or null (not checked)")
    exemptions = raw.get("exemptions")
    if not isinstance(exemptions, list) or not all(isinstance(e, str) and e.strip() for e in exemptions):
        raise StatePackError(f"{where}.exemptions: must be a list of non-empty texts")
    return Dnc(
        list=_text(raw.get("list"), f"{where}.list"),
        ebr_accepted=ebr,
        exemptions=tuple(exemptions),
        cited=_cited(raw, where, today),
    )


# ---- holidays ---------------------------------------------------------------------------------------------------


def known_holiday_names(code: str, year: int) -> frozenset[str]:
    """Every name the state's calendar gives a holiday in the years around `year` ("(observed)" taken off)."""
    return frozenset(base_name(name) for name in state_holidays.names_in(code, range(year - 2, year + 3)))


def base_name(name: str) -> str:
    return name.removesuffix(OBSERVED)


def closed_holiday(rule: StateRule, day: date) -> str | None:
    """A holiday of the state's calendar on `day` (or the day it is observed) on which the state has no calls."""
    for name in state_holidays.holidays_on(rule.state, day):
        if base_name(name) in rule.closed_holidays:
            return name
    return None


# ---- the rules of a day -----------------------------------------------------------------------------------------


def hours_on(rule: StateRule, day: date) -> Hours | None:
    if closed_holiday(rule, day) is not None:
        return None
    return rule.days[day.weekday()]


def closure(rule: StateRule, day: date) -> Closure | None:
    """Why `rule`'s state has no calls at all on `day`, or None when it has a window."""
    holiday = closed_holiday(rule, day)
    if holiday is not None and rule.holidays_cited is not None:
        return Closure(rule.state, holiday, rule.holidays_cited.citation)
    if rule.days[day.weekday()] is None:
        return Closure(rule.state, day.strftime("%A"), rule.hours_cited.citation)
    return None


def rules_for(states: Iterable[str | None], automated: bool = True, pack: Pack | None = None) -> list[StateRule]:
    """The rules of the named states (codes like "FL"; unknown or empty ones have no stricter rule), by code.

    `automated`: whether the contact is autodialed or prerecorded; rules written only for automated calls (applies_to
    "automated") apply then. The default counts them, which is the stricter answer.
    """
    pack = pack or load_pack()
    codes = {s.strip().upper() for s in states if s}
    rules = [pack.states[c] for c in sorted(codes) if c in pack.states]
    return [r for r in rules if automated or r.applies_to == "all"]


def strictest_window(rules: Iterable[StateRule], local_date: date, federal: Hours | None = None) -> Window | None:
    """The intersection of the federal window and every rule's window on `local_date`; None when closed all day.

    Each end names who set it: every party ("US" or a state code) whose own limit is the one that binds.
    """
    limits: list[tuple[str, Hours | None]] = [(FEDERAL, federal or load_pack().federal)]
    limits += [(rule.state, hours_on(rule, local_date)) for rule in rules]
    windows = [(who, hours) for who, hours in limits if hours is not None]
    if len(windows) < len(limits):
        return None
    start = max(hours[0] for _, hours in windows)
    end = min(hours[1] for _, hours in windows)
    if start >= end:
        return None
    return Window(
        start=start,
        end=end,
        start_set_by=tuple(who for who, hours in windows if hours[0] == start),
        end_set_by=tuple(who for who, hours in windows if hours[1] == end),
    )


def closures(rules: Iterable[StateRule], local_date: date) -> list[Closure]:
    """Every state among `rules` that has no calls at all on `local_date`, and why."""
    found = [closure(rule, local_date) for rule in rules]
    return [c for c in found if c is not None]


def cap_for(rules: Iterable[StateRule], channel: str | None = None) -> CapLimit | None:
    """The smallest cap per 24 hours among `rules` (for `channel`, when given), naming every state that sets it."""
    caps = [(rule.state, rule.cap) for rule in rules if rule.cap is not None]
    caps = [(state, cap) for state, cap in caps if channel is None or channel in cap.channels]
    if not caps:
        return None
    smallest = min(cap.per_24h for _, cap in caps)
    binding = [(state, cap) for state, cap in caps if cap.per_24h == smallest]
    return CapLimit(
        per_24h=smallest,
        set_by=tuple(state for state, _ in binding),
        citations=tuple(cap.cited.citation for _, cap in binding),
    )


# ---- the pack in words (GET /v1/policy) -------------------------------------------------------------------------

_DAY_WORDS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _span_words(first: int, last: int) -> str:
    if first == last:
        return _DAY_WORDS[first]
    return f"{_DAY_WORDS[first]}-{_DAY_WORDS[last]}"


def days_text(days: tuple[Hours | None, ...]) -> str:
    """A week's windows in words, runs of days with the same window together: "09:00-21:00 Mon-Sat; 12:00-21:00 Sun"."""
    kinds = set(days)
    if len(kinds) == 1 and None not in kinds:
        (hours,) = kinds
        assert hours is not None
        return f"{hours[0]}-{hours[1]} every day"
    parts: list[str] = []
    for window, run in groupby(enumerate(days), key=lambda day: day[1]):
        indices = [i for i, _ in run]
        words = "no calls" if window is None else f"{window[0]}-{window[1]}"
        parts.append(f"{words} {_span_words(indices[0], indices[-1])}")
    return "; ".join(parts)


def _cited_fields(cited: Cited) -> dict[str, Any]:
    return {"citation": cited.citation, "checked": cited.checked.isoformat(), "source": cited.source}


def _scope_words(rule: StateRule) -> str:
    return "autodialed or prerecorded telemarketing calls and texts" if rule.applies_to == "automated" else \
        "telemarketing calls and texts"


def describe_state(rule: StateRule) -> list[dict[str, Any]]:
    """One state's rules, each a dict with the id of its place in the pack ("FL.hours"), its citation and words."""
    base = {"state": rule.state, "name": rule.name, "applies_to": rule.applies_to}
    scope = _scope_words(rule)
    out: list[dict[str, Any]] = [{
        "id": f"{rule.state}.hours", "kind": "hours", **base, **_cited_fields(rule.hours_cited),
        "text": f"{rule.name}: {scope} only {days_text(rule.days)}, local time at the called person",
        "days": {DAYS[i]: (None if hours is None else list(hours)) for i, hours in enumerate(rule.days)},
    }]
    if rule.holidays_cited is not None:
        closed = sorted(rule.closed_holidays)
        words = ", ".join(closed) if closed else "none (checked: no holiday ban)"
        out.append({
            "id": f"{rule.state}.holidays", "kind": "holidays", **base, **_cited_fields(rule.holidays_cited),
            "text": f"{rule.name}: no {scope} on these holidays (and the days they are observed): {words}",
            "closed": closed,
        })
    if rule.cap is not None:
        cap = rule.cap
        plural = "" if cap.per_24h == 1 else "s"
        channels = " and ".join(("call" if c == "call" else "text") + plural for c in cap.channels)
        subject = " on the same subject" if cap.same_subject else ""
        out.append({
            "id": f"{rule.state}.cap", "kind": "cap", **base, **_cited_fields(cap.cited),
            "text": f"{rule.name}: at most {cap.per_24h} {channels} counted together{subject} to a person in any "
                    "24 hours",
            "per_24h": cap.per_24h, "channels": list(cap.channels), "same_subject": cap.same_subject,
        })
    if rule.dnc is not None:
        dnc = rule.dnc
        ebr = {True: "an established business relationship lifts it", False: "only written consent lifts it",
               None: "whether an established business relationship lifts it was not checked: only written consent "
                     "or an EBR does (the contract's default)"}[dnc.ebr_accepted]
        out.append({
            "id": f"{rule.state}.dnc", "kind": "dnc", **base, **_cited_fields(dnc.cited),
            "text": f"{rule.name}: {dnc.list}; {ebr}",
            "list": dnc.list, "ebr_accepted": dnc.ebr_accepted, "exemptions": list(dnc.exemptions),
        })
    if rule.notes:
        out[0]["notes"] = rule.notes
    return out


def describe(pack: Pack) -> list[dict[str, Any]]:
    """Every state rule of the pack as a list of plain dicts (for GET /v1/policy), states in code order.

    Each: `id` (where it is in the pack: "FL.hours", "FL.holidays", "FL.cap", "FL.dnc"), `kind`, `state`, `name`,
    `applies_to`, `citation`, `checked`, `source`, `text` (the rule in words), and the rule's numbers (`days`,
    `closed`, `per_24h` and `channels`, `list` and `ebr_accepted` and `exemptions`).
    """
    return [entry for code in sorted(pack.states) for entry in describe_state(pack.states[code])]


# ---- in a decision: which rules apply, and which of them shut a moment ------------------------------------------

STATE_CHANNELS = ("call", "sms")  # email never: the statutes are about telephone solicitation
STATE_PURPOSE = "marketing"  # informational contact is not a solicitation
_ROBO = ("autodialed", "prerecorded", "artificial_voice")


def applicable(states: Iterable[str | None], channel: str, purpose: str, dialing: str | None = None,
               pack: Pack | None = None) -> list[StateRule]:
    """The rules of `states` that bind this contact: marketing calls and texts only (a text counts as autodialed,
    so a rule for automated calls only, like Alabama's, binds every text); none for email or informational contact."""
    if purpose != STATE_PURPOSE or channel not in STATE_CHANNELS:
        return []
    automated = channel == "sms" or dialing in _ROBO
    return rules_for(states, automated=automated, pack=pack)


def _at(hhmm: str) -> time:
    return time(int(hhmm[:2]), int(hhmm[3:]))


@dataclass(frozen=True)
class Shut:
    """A state rule that shuts a local moment: its whole day (`window` None; `why` the weekday or the holiday) or
    the time of day (`window` the state's window that day)."""

    rule: StateRule
    window: Hours | None
    why: str
    citation: str


def shut_at(rule: StateRule, local: datetime) -> Shut | None:
    """Whether `rule` shuts the local wall time `local` (its day closed, or the time outside [start, end))."""
    closed = closure(rule, local.date())
    if closed is not None:
        return Shut(rule, None, closed.why, closed.citation)
    hours = rule.days[local.weekday()]
    assert hours is not None  # a day without hours is a closure
    if _at(hours[0]) <= local.time() < _at(hours[1]):
        return None
    return Shut(rule, hours, local.strftime("%A"), rule.hours_cited.citation)


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


def _closes_first(shut: Shut) -> tuple[int, int, int, str]:
    if shut.window is None:
        return (0, 0, 0, shut.rule.state)
    return (1, _minutes(shut.window[1]), -_minutes(shut.window[0]), shut.rule.state)


def binding(rules: Iterable[StateRule], local: datetime, federal: tuple[time, time] | None) -> list[Shut]:
    """The states whose rules bind at the local moment `local`, the one whose window closes first first (a closed
    day, then the earliest end, then the latest start, then the code); [] when no state shuts it or when the
    federal window (`federal`: its [start, end) when it is shut too, None when open) binds at least as much.

    Both shut: a closed day binds over the federal hours; before the federal start, a state whose own start is
    later binds; at or after the federal end, a state whose own end is earlier binds."""
    shuts = sorted((s for s in (shut_at(rule, local) for rule in rules) if s is not None), key=_closes_first)
    if federal is None:
        return shuts
    start, end = federal
    t = local.time()
    out = []
    for shut in shuts:
        if shut.window is None:
            out.append(shut)
        elif t < start and _at(shut.window[0]) > start:
            out.append(shut)
        elif t >= end and _at(shut.window[1]) < end:
            out.append(shut)
    return out


def shut_words(shut: Shut, noun: str) -> str:
    """E.g. "Florida allows calls 08:00-20:00", "Texas allows calls 12:00-21:00 on Sunday", "Louisiana allows no
    calls on Mardi Gras"."""
    rule = shut.rule
    if shut.window is None:
        return f"{rule.name} allows no {noun} on {shut.why}"
    day = f" on {shut.why}" if len(set(rule.days)) > 1 else ""
    return f"{rule.name} allows {noun} {shut.window[0]}-{shut.window[1]}{day}"


def citations(shuts: Iterable[Shut]) -> str:
    """The binding rules' citations, in order, each once."""
    return "; ".join(dict.fromkeys(shut.citation for shut in shuts))


def openings_on(rules: Iterable[StateRule], day: date) -> list[time]:
    """The times the rules' windows open on the local date `day` (none on a closed day)."""
    return [_at(hours[0]) for hours in (hours_on(rule, day) for rule in rules) if hours is not None]


# ---- a state do-not-call list's exemptions ----------------------------------------------------------------------


def ebr_lifts_list(state: str | None, pack: Pack | None = None) -> bool:
    """Whether an established business relationship lifts a `state` list's entry for marketing: not when the pack
    says the state's statute takes none (`ebr_accepted: false`: only a written consent does); otherwise (true, not
    checked, no entry, no state) the contract's default, under which an EBR lifts it."""
    rule = (pack or load_pack()).states.get((state or "").upper())
    return rule is None or rule.dnc is None or rule.dnc.ebr_accepted is not False


def list_citation(state: str | None, pack: Pack | None = None) -> str | None:
    """The citation of a `state` list's own statute, from the pack; None when the pack has none for it."""
    rule = (pack or load_pack()).states.get((state or "").upper())
    return None if rule is None or rule.dnc is None else rule.dnc.cited.citation
