"""The policy in force for a brand: the contract's default, the brand's overrides and stop words.

Brands are stored with ``PUT /v1/brands/{brand}`` (``services.brands``, which also keeps them for
a few seconds so a lookup pays no read for its brand); configuration (``REGISTRY_BRAND_POLICIES``)
only seeds a brand that was never stored. ``policy_book`` is those seeds as a ``PolicyBook``.
"""
from __future__ import annotations

from ..domain.policy import Policy, PolicyBook
from ..settings import derived
from . import brands

policy_book = derived(lambda settings: PolicyBook(settings.brand_policies))


def policy_for(brand: str) -> Policy:
    """RegistryUnavailable when the brand cannot be read: the caller fails closed."""
    return brands.policy_for(brand)
