"""The policy in force for a brand: the contract's default, the brand's overrides and stop words.

Brands are stored with ``PUT /v1/brands/{brand}`` (``services.brands``, which also keeps them for
a few seconds so a lookup pays no read for its brand); configuration (``REGISTRY_BRAND_POLICIES``)
only seeds a brand that was never stored. ``policy_book`` is those seeds as a ``PolicyBook``.

rev. 2: the policy is a series of versions (``domain.policy_versions``): ``policy_for(brand, at)``
is the version in force at ``at``; ``policy_answer`` is ``GET /v1/policy?at=``: that version, named,
with every rule and its citation (federal, the state pack's, the brand's overrides).
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..domain import policy_versions, state_rules
from ..domain.policy import Policy, PolicyBook
from ..domain.policy_versions import brand_version_at, federal_at, next_change
from ..domain.timeutil import format_instant
from ..settings import derived
from . import brands

policy_book = derived(lambda settings: PolicyBook(settings.brand_policies))


def policy_for(brand: str, at: datetime | None = None) -> Policy:
    """The version in force at ``at`` (default: now). RegistryUnavailable when the brand cannot be
    read: the caller fails closed."""
    return brands.policy_for(brand, at)


# --- GET /v1/policy ----------------------------------------------------------------------------

def policy_answer(brand: str, at: datetime) -> dict[str, Any]:
    """``GET /v1/policy?at=``: the version in force at ``at`` for the brand, and every rule with its
    citation. Keeps what it answered before versions (``brand``, ``policy``, ``brands_with_overrides``)."""
    found = brands.find(brand)
    policy = brands.policy_for(brand, at)
    federal = federal_at(at)
    own = brand_version_at(found.versions, at)
    document = policy.to_document()
    document["sms_replies"]["added_by_brand"] = list(found.stop_words)
    upcoming = next_change(found.versions, at)
    return {
        "brand": brand, "at": format_instant(at),
        "policy_version": policy.version, "effective_from": format_instant(policy.effective_from),
        "next_version_from": format_instant(upcoming),
        "revoke_all": policy.revoke_all,
        "policy": document,
        "rules": federal_rules(policy) + state_rules_of(state_rules.pack_named(policy.state_pack))
        + brand_rules(brand, own.overrides if own is not None else {}),
        "federal_version": federal.to_document(),
        "brand_version": own.to_document() if own is not None else None,
        "versions": {"federal": [v.to_document() for v in policy_versions.federal_versions()],
                     "brand": [v.to_document() for v in found.versions]},
        "brands_with_overrides": brands.brands_with_overrides(),
    }


def federal_rules(policy: Policy) -> list[dict[str, Any]]:
    return [{**rule.to_document(), "scope": "federal"} for rule in policy.rules]


def state_rules_of(pack: state_rules.Pack) -> list[dict[str, Any]]:
    """Each state's rules in the pack as the domain words them (``state_rules.describe``: one rule, one
    place), named in the policy's own id space ("state.FL.hours") beside the federal ones."""
    return [{**entry, "id": f"state.{entry['id']}", "scope": "state"} for entry in state_rules.describe(pack)]



def brand_rules(brand: str, overrides: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The brand's overrides in force, one entry per setting: the brand's own policy (no citation)."""
    return [{"id": f"brand.{setting}", "scope": "brand", "brand": brand, "citation": None,
             "text": f"{brand} sets {setting} to {json.dumps(value, sort_keys=True)}"}
            for setting, value in sorted(overrides.items())]
