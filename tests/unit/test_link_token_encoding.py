"""A link id and a token are base64url without padding, and read back as the same bytes whatever
characters they end with (domain/link_tokens.py)."""
from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from registry.domain import link_tokens
from registry.domain.link_tokens import PAGE, InvalidToken, sign, verify

KEY = b"unit-test-link-key"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _ids_ending_in_every_character():
    """16-byte ids whose base64url text ends in each of the 64 characters (and so in X, =-like, ...)."""
    seen = {}
    for last in range(256):
        for first in range(256):
            raw = bytes([first]) + bytes(14) + bytes([last])
            seen.setdefault(link_tokens.b64(raw)[-1], raw)
        if len(seen) == 4:  # the last of 22 characters holds 2 bits: four endings
            break
    return list(seen.values())


def test_every_link_id_reads_back_as_its_bytes():
    ids = _ids_ending_in_every_character()
    assert len(ids) == 4 and {link_tokens.b64(i)[-1] for i in ids} == {"A", "Q", "g", "w"}
    for link_id in ids + [bytes([0x5f] * 16), bytes([0xff] * 16), bytes(16)]:
        text = link_tokens.b64(link_id)
        assert "=" not in text and len(text) == 22
        assert base64.urlsafe_b64decode(text + "==") == link_id
        claims = verify(KEY, sign(KEY, link_id, NOW + timedelta(days=1), PAGE), PAGE, NOW)
        assert claims.link_id == text


def test_bytes_whose_text_ends_in_x_keep_it():
    data = base64.urlsafe_b64decode("AAAX")  # three bytes whose text is AAAX
    assert link_tokens.b64(data) == "AAAX"
    assert link_tokens.b64(b"\x00") == "AA"  # the padding goes, nothing else


@pytest.mark.parametrize("payload", ["ééé", "AA\u200bA", "A/A+", "AAA="])
def test_a_payload_outside_base64url_is_an_invalid_token_not_an_error(payload):
    """Refused as malformed before its MAC is computed (which would need it in ASCII)."""
    with pytest.raises(InvalidToken):
        verify(KEY, f"{payload}." + "A" * 43, PAGE, NOW)
