"""Secrets the registry keys things with (the reader lives in ``registry.keyed``, below storage)."""
from __future__ import annotations

from ..keyed import read_secret

__all__ = ["read_secret"]
