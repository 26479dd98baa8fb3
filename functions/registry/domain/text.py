"""Text that names someone or something must look like what it is: no invisible characters.

A zero-width space, a soft hyphen, a bidi override, a control character or a no-break space
makes two spellings that look the same name two different people (or brands): an opt-out
recorded under one would not cover the other. Such characters are refused where addresses and
brands enter, never silently dropped (dropping them would hide a client bug or an attack).
"""
from __future__ import annotations

import unicodedata

# Control, format (zero-width, bidi, soft hyphen), surrogate, private use, unassigned; every
# separator but the plain space (no-break, ideographic and en spaces; line/paragraph separators).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})


def invisible_character(text: str, allow_space: bool = False) -> str | None:
    """The first refused character of ``text`` as ``U+XXXX``; None when there is none.
    ``allow_space``: the plain ASCII space is fine (phone numbers are written with spaces)."""
    for char in text:
        if char == " " and allow_space:
            continue
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            return f"U+{ord(char):04X}"
    return None


def fold(text: str) -> str:
    """Compatibility-normalised, case-folded (NFKC_Casefold): 'Ａｃｍｅ', 'ACME' and 'acme' are one."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
