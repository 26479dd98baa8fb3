"""Policy versions (contract rev. 2, "Jurisdiction and time"): the policy as a series of versions,
each in force from its ``effective_from`` on.

Three things are versioned, and a decision names the three together (``policy_version``):
- the federal policy: ``policy_versions.json``, data a compliance officer reviews; each version
  applies on top of the one before it (rules added or dropped, settings changed, ``revoke_all``);
- the state rules pack each version names (``state_pack``: a file beside this one, read through
  ``state_rules.pack_named``; a version that brings only a new pack is named ``state-YYYY-MM-DD``);
- each brand's overrides (``PUT /v1/brands/{brand}`` adds a version; ``BrandVersion``).

The version in force at a moment is the one with the latest ``effective_from`` at or before it (on
a tie the later one). Before the first federal version the first one answers (the registry holds no
older rules); before a brand's first version the brand has no overrides. A version that has taken
effect is never edited: a correction is a new version, from now or later (docs/policy-versions.md).

A revocation's reach is read with the version in force when it was *made* (its ``occurred_at``), not
at the moment asked about: a STOP sent on 2027-01-30 keeps its narrow scope for good, one sent on
2027-02-01 revokes every robocall and text of the brand (FCC DA 26-12; docs/decisions.md).

Pure: the JSON is read once per process, like the state rules pack.
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from .errors import Conflict, InvalidRequest
from .facts import OptOut
from .policy import DEFAULT_POLICY, RULES, Policy, RuleId, with_overrides
from .timeutil import format_instant, parse_instant
from .vocabulary import EVERY_BRAND, ROBO_DIALING, Channel, Source

VERSIONS_PATH = Path(__file__).with_name("policy_versions.json")
DEFAULT_STATE_PACK = "state_rules.json"
# Replies to a brand's message: an SMS reply (a keyword or words, through the API, an event or Twilio's
# webhook) is recorded with this source. An email unsubscribe is not a robocall's or a text's revocation.
REPLY_SOURCES = frozenset({Source.SMS_KEYWORD})
# The channels the revoke-all rule reaches: calls placed by a robot, and every text.
ROBO_CHANNELS = frozenset({Channel.CALL, Channel.SMS})
# A brand's versions live in its one item (400 KB): each is a few hundred bytes.
MAX_BRAND_VERSIONS = 200


class VersionsError(ValueError):
    """policy_versions.json is not well-formed; the message names the version and the field."""


@dataclass(frozen=True)
class FederalVersion:
    name: str
    effective_from: datetime
    summary: str
    citation: str
    revoke_all: bool
    state_pack: str
    policy: Policy  # the version's policy, with its name and rules

    def to_document(self) -> dict[str, Any]:
        return {"name": self.name, "effective_from": format_instant(self.effective_from), "summary": self.summary,
                "citation": self.citation, "revoke_all": self.revoke_all, "state_pack": self.state_pack}


@dataclass(frozen=True)
class BrandVersion:
    """One version of a brand's overrides (``number`` counts from 1; 0 is configuration's seed).
    ``effective_from`` None: from the beginning (a seed, or overrides stored before versions were)."""

    number: int
    effective_from: datetime | None
    overrides: Mapping[str, Any] = field(default_factory=dict)
    recorded_at: datetime | None = None

    def to_document(self) -> dict[str, Any]:
        return {"number": self.number, "effective_from": format_instant(self.effective_from),
                "overrides": dict(self.overrides), "recorded_at": format_instant(self.recorded_at)}


# --- choosing the version in force ---------------------------------------------------------------

def in_force_index(starts: Sequence[datetime | None], at: datetime) -> int | None:
    """The index of the version in force at ``at``: the last whose start is at or before it (None: from
    the beginning). ``starts`` is in order (never decreasing); on a tie the later version wins. None
    when every version starts after ``at``."""
    found = None
    for index, start in enumerate(starts):
        if start is None or start <= at:
            found = index
    return found


def federal_at(at: datetime, history: Sequence[FederalVersion] | None = None) -> FederalVersion:
    """The federal version in force at ``at`` (before the first one: the first one)."""
    versions = history if history is not None else federal_versions()
    index = in_force_index([v.effective_from for v in versions], at)
    return versions[index if index is not None else 0]


def brand_version_at(versions: Sequence[BrandVersion], at: datetime) -> BrandVersion | None:
    """The brand's version in force at ``at``; None before its first one (no overrides)."""
    index = in_force_index([v.effective_from for v in versions], at)
    return versions[index] if index is not None else None


def version_name(federal: FederalVersion, brand: str, version: BrandVersion | None) -> str:
    """``federal-2027-01-31``, or with the brand's version ``federal-2027-01-31+brand-acme-3``."""
    return federal.name if version is None else f"{federal.name}+brand-{brand}-{version.number}"


def policy_at(brand: str, versions: Sequence[BrandVersion], at: datetime,
              history: Sequence[FederalVersion] | None = None) -> Policy:
    """The policy in force for a brand at ``at``: the federal version then, with the brand's version
    then on top; named, and since when (the later of the two starts)."""
    federal = federal_at(at, history)
    own = brand_version_at(versions, at)
    if own is None:
        return federal.policy
    starts = [federal.effective_from] + ([own.effective_from] if own.effective_from is not None else [])
    return replace(with_overrides(federal.policy, own.overrides), version=version_name(federal, brand, own),
                   effective_from=max(starts))


def next_change(brand_versions: Sequence[BrandVersion], at: datetime,
                history: Sequence[FederalVersion] | None = None) -> datetime | None:
    """When the policy in force at ``at`` next changes (a scheduled federal or brand version), or None."""
    versions = history if history is not None else federal_versions()
    starts = [v.effective_from for v in versions] + [v.effective_from for v in brand_versions
                                                     if v.effective_from is not None]
    return min((s for s in starts if s > at), default=None)


# --- the revoke-all rule (FCC DA 26-12) ---------------------------------------------------------

def reply_revokes_all(occurred_at: datetime, history: Sequence[FederalVersion] | None = None) -> bool:
    """Whether a reply made at ``occurred_at`` revokes every robocall and text of its brand: the rule of
    the version in force when the person replied."""
    return federal_at(occurred_at, history).revoke_all


def revokes_all(opt_out: OptOut, channel: str, brand: str, dialing: str | None,
                history: Sequence[FederalVersion] | None = None) -> bool:
    """Whether this opt-out, a reply made under the revoke-all rule, reaches a contact by ``channel``
    placed as ``dialing`` (``vocabulary.dialing_of``: every sms is autodialed) for ``brand``, whatever
    its purpose and whatever channel or purpose the opt-out itself named."""
    return (opt_out.source in REPLY_SOURCES
            and channel in ROBO_CHANNELS and dialing in ROBO_DIALING
            and (opt_out.brand == brand or opt_out.brand == EVERY_BRAND)
            and reply_revokes_all(opt_out.occurred_at, history))


# --- a brand's versions: adding one, storing them ----------------------------------------------

def add_brand_version(versions: Sequence[BrandVersion], overrides: Mapping[str, Any], now: datetime,
                      effective_from: datetime | None = None) -> tuple[BrandVersion, ...]:
    """The brand's versions with one more: ``overrides`` from ``effective_from`` (default: ``now``).

    Never in the past (history is not rewritten: 400), never before a version already scheduled (409:
    to replace a scheduled version, send its ``effective_from`` or a later one). The same overrides as
    the newest version, sent with no ``effective_from``, add nothing (a client that sends back what it
    read changes nothing)."""
    latest = versions[-1] if versions else None
    if effective_from is None:
        if latest is not None and dict(latest.overrides) == dict(overrides):
            return tuple(versions)
        effective_from = now
    elif effective_from < now:
        raise InvalidRequest("policy_effective_from is in the past: a version takes effect now or later, "
                             "and the policy in force before now is never rewritten", "policy_effective_from")
    if latest is not None and latest.effective_from is not None and effective_from < latest.effective_from:
        raise Conflict(f"version {latest.number} of this brand's policy takes effect at "
                       f"{format_instant(latest.effective_from)}; a new version takes effect at or after it (send "
                       "that time to replace it)", "policy_effective_from")
    if len(versions) >= MAX_BRAND_VERSIONS:
        raise Conflict(f"a brand keeps at most {MAX_BRAND_VERSIONS} policy versions", "policy")
    number = latest.number + 1 if latest is not None else 1
    return (*versions, BrandVersion(number, effective_from, dict(overrides), now))


def brand_versions_document(versions: Sequence[BrandVersion]) -> list[dict[str, Any]]:
    return [v.to_document() for v in versions]


def parse_brand_versions(raw: Any) -> tuple[BrandVersion, ...]:
    """A brand's versions as stored (``brand_versions_document``); TypeError or ValueError (or the
    registry's InvalidRequest) when they are not what this code writes."""
    if not isinstance(raw, list):
        raise TypeError("policy_versions is not a list")
    out: list[BrandVersion] = []
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("overrides"), dict):
            raise TypeError("a policy version is not an object with overrides")
        number = entry.get("number")
        if not isinstance(number, int) or isinstance(number, bool):
            raise TypeError("a policy version has no number")
        start = entry.get("effective_from")
        recorded = entry.get("recorded_at")
        out.append(BrandVersion(number, parse_instant(start, "effective_from") if start is not None else None,
                                entry["overrides"],
                                parse_instant(recorded, "recorded_at") if recorded is not None else None))
    return tuple(out)


# --- the federal versions, read from their file ----------------------------------------------------

@cache
def federal_versions() -> tuple[FederalVersion, ...]:
    """The federal versions, read and checked once per process."""
    return parse_versions(json.loads(VERSIONS_PATH.read_text(encoding="utf-8")))


def parse_versions(data: Any, base: Policy = DEFAULT_POLICY) -> tuple[FederalVersion, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("versions"), list) or not data["versions"]:
        raise VersionsError("versions: must be a non-empty list")
    out: list[FederalVersion] = []
    policy = base
    for index, raw in enumerate(data["versions"]):
        where = f"versions[{index}]"
        if not isinstance(raw, dict):
            raise VersionsError(f"{where}: must be an object")
        name = _text(raw.get("name"), f"{where}.name")
        if any(v.name == name for v in out):
            raise VersionsError(f"{where}.name: {name} is taken")
        start = _instant(raw.get("effective_from"), f"{where}.effective_from")
        if out and start <= out[-1].effective_from:
            raise VersionsError(f"{where}.effective_from: must be after the version before it")
        revoke_all = raw.get("revoke_all", out[-1].revoke_all if out else False)
        if not isinstance(revoke_all, bool):
            raise VersionsError(f"{where}.revoke_all: must be true or false")
        state_pack = raw.get("state_pack", out[-1].state_pack if out else DEFAULT_STATE_PACK)
        if not isinstance(state_pack, str) or "/" in state_pack or not state_pack.endswith(".json"):
            raise VersionsError(f"{where}.state_pack: a .json file beside policy_versions.json")
        rules = _rules(policy.rules, raw, where)
        try:
            policy = with_overrides(policy, raw.get("settings") or {})
        except InvalidRequest as err:
            raise VersionsError(f"{where}.settings: {err.message}") from None
        policy = replace(policy, rules=rules, version=name, effective_from=start, revoke_all=revoke_all,
                         state_pack=state_pack)
        out.append(FederalVersion(name, start, _text(raw.get("summary"), f"{where}.summary"),
                                  _text(raw.get("citation"), f"{where}.citation"), revoke_all, state_pack, policy))
    return tuple(out)


def _rules(before: Sequence[Any], raw: Mapping[str, Any], where: str) -> tuple[Any, ...]:
    """The rules of the version before, less those it drops, then those it adds (at the end, once)."""
    dropped, added = _rule_ids(raw, "drop_rules", where), _rule_ids(raw, "add_rules", where)
    ids = [rule.id for rule in before if rule.id not in dropped]
    ids += [rule for rule in dict.fromkeys(added) if rule not in ids]
    return tuple(RULES[rule] for rule in ids)


def _rule_ids(raw: Mapping[str, Any], key: str, where: str) -> list[RuleId]:
    named = raw.get(key, [])
    if not isinstance(named, list):
        raise VersionsError(f"{where}.{key}: must be a list of rule ids")
    unknown = [value for value in named if value not in set(RuleId)]
    if unknown:
        raise VersionsError(f"{where}.{key}: {unknown[0]!r} is no rule")
    return [RuleId(value) for value in named]


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise VersionsError(f"{where}: must be non-empty text")
    return value


def _instant(value: Any, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.utcoffset() is None:
        raise VersionsError(f"{where}: must be an instant with its offset (2027-01-31T00:00:00-05:00)")
    return moment
