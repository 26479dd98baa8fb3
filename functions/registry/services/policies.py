"""The policy book in force: the contract's default with brand overrides from configuration."""
from __future__ import annotations

from functools import lru_cache

from ..domain.policy import PolicyBook
from ..settings import get_settings


@lru_cache(maxsize=1)
def policy_book() -> PolicyBook:
    return PolicyBook(get_settings().brand_policies)
