"""Brands: one spelling for one seller, wherever a brand enters.

A brand is free text, but ``Acme``, ``acme `` and ``ＡＣＭＥ`` are the same seller, and an
opt-out given to one must hold for the others. Every entry point (query ``brand=``, request
bodies, events, preference links, policy overrides from config) goes through
``normalise_brand``: trimmed, inner runs of spaces made one, compatibility-normalised and
case-folded; invisible characters are refused, since a brand that only looks like another
would dodge its opt-outs.
"""
from __future__ import annotations

from .errors import InvalidRequest, UnreadableRecord
from .text import fold, invisible_character
from .vocabulary import EVERY_BRAND

MAX_BRAND_LENGTH = 128


def normalise_brand(raw: object, field: str = "brand") -> str:
    """The canonical spelling of a brand (``*`` stays ``*``); InvalidRequest when it has none."""
    if not isinstance(raw, str):
        raise InvalidRequest("brand must be a string", field)
    bad = invisible_character(raw.strip(), allow_space=True)
    if bad is not None:
        raise InvalidRequest(f"brand contains an invisible or control character ({bad})", field)
    brand = _spelling(raw)
    if not brand:
        raise InvalidRequest("brand must not be empty", field)
    if len(brand) > MAX_BRAND_LENGTH:
        raise InvalidRequest(f"brand is longer than {MAX_BRAND_LENGTH} characters", field)
    return brand


def stored_brand(raw: object) -> str:
    """A brand as stored. Records written before brands were normalised (``Acme``) are read in
    the canonical spelling, so their opt-outs keep counting; nothing needs rewriting."""
    if not isinstance(raw, str):
        raise UnreadableRecord("a stored record could not be read")
    if raw == EVERY_BRAND:
        return raw
    return _spelling(raw) or raw


def _spelling(raw: str) -> str:
    """Trimmed of every kind of white space around it (a tab or a line break too: issue 14 found
    ``"\\tacme"`` kept as a brand of its own), folded, inner runs of spaces made one."""
    return " ".join(part for part in fold(raw.strip()).split(" ") if part)
