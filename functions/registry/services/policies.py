"""The policy book in force: the contract's default with brand overrides from configuration."""
from __future__ import annotations

from ..domain.policy import PolicyBook
from ..settings import derived

policy_book = derived(lambda settings: PolicyBook(settings.brand_policies))
