"""Text that names someone must look like what it is (domain/text.py): the first invisible or
control character is named, wherever it is; a plain space only passes where it is allowed."""
from __future__ import annotations

from registry.domain.text import invisible_character


def test_a_plain_space_is_refused_unless_allowed():
    assert invisible_character("a b") == "U+0020"
    assert invisible_character("a b", allow_space=True) is None


def test_a_character_after_an_allowed_space_is_still_found():
    assert invisible_character("+1 415\u200b555 0123", allow_space=True) == "U+200B"
    assert invisible_character("acme corp\u00a0", allow_space=True) == "U+00A0"
