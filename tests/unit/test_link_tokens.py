"""The preference-link token signer: round trip, every tampered character, purpose, key, expiry."""
from __future__ import annotations

import base64
import hashlib
import hmac
import struct
from datetime import UTC, datetime, timedelta

import pytest

from registry.domain import link_tokens
from registry.domain.link_tokens import PAGE, UNSUBSCRIBE, ExpiredToken, InvalidToken, sign, verify

KEY = b"unit-test-link-key"
LINK_ID = bytes(range(16))
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
EXPIRES = NOW + timedelta(days=30)
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _other(char: str) -> str:
    return "A" if char != "A" else "B"


def test_round_trip():
    token = sign(KEY, LINK_ID, EXPIRES, PAGE)
    claims = verify(KEY, token, PAGE, NOW)
    assert claims.link_id == base64.urlsafe_b64encode(LINK_ID).decode().rstrip("=")
    assert claims.expires_at == EXPIRES
    assert set(token) <= set(ALPHABET + ".") and "=" not in token


def test_the_token_names_no_person_and_the_purposes_differ_only_in_the_mac():
    page = sign(KEY, LINK_ID, EXPIRES, PAGE)
    unsubscribe = sign(KEY, LINK_ID, EXPIRES, UNSUBSCRIBE)
    assert page.split(".")[0] == unsubscribe.split(".")[0]
    assert page.split(".")[1] != unsubscribe.split(".")[1]
    raw = base64.urlsafe_b64decode(page.split(".")[0] + "==")
    assert raw == struct.pack(">B16sQ", 1, LINK_ID, int(EXPIRES.timestamp()))


@pytest.mark.parametrize("part", ["payload", "mac"])
def test_every_tampered_character_is_refused(part):
    token = sign(KEY, LINK_ID, EXPIRES, PAGE)
    payload, mac = token.split(".")
    text = payload if part == "payload" else mac
    for index, char in enumerate(text):
        changed = text[:index] + _other(char) + text[index + 1:]
        forged = f"{changed}.{mac}" if part == "payload" else f"{payload}.{changed}"
        with pytest.raises(InvalidToken):
            verify(KEY, forged, PAGE, NOW)


def test_the_last_mac_character_counts_in_full():
    """43 base64 characters carry 258 bits: the 2 spare bits of the last one must not be ignored."""
    token = sign(KEY, LINK_ID, EXPIRES, PAGE)
    payload, mac = token.split(".")
    decoded = base64.urlsafe_b64decode(mac + "=")
    for char in ALPHABET:
        if char == mac[-1]:
            continue
        forged_mac = mac[:-1] + char
        if base64.urlsafe_b64decode(forged_mac + "=") == decoded:  # same bytes, other text
            with pytest.raises(InvalidToken):
                verify(KEY, f"{payload}.{forged_mac}", PAGE, NOW)


def test_a_token_for_one_purpose_does_not_open_the_other():
    with pytest.raises(InvalidToken):
        verify(KEY, sign(KEY, LINK_ID, EXPIRES, PAGE), UNSUBSCRIBE, NOW)
    with pytest.raises(InvalidToken):
        verify(KEY, sign(KEY, LINK_ID, EXPIRES, UNSUBSCRIBE), PAGE, NOW)


def test_another_key_is_refused():
    with pytest.raises(InvalidToken):
        verify(b"another-key", sign(KEY, LINK_ID, EXPIRES, PAGE), PAGE, NOW)


def test_a_later_expiry_cannot_be_written_in():
    token = sign(KEY, LINK_ID, EXPIRES, PAGE)
    mac = token.split(".")[1]
    longer = link_tokens.b64(struct.pack(">B16sQ", 1, LINK_ID, int((EXPIRES + timedelta(days=365)).timestamp())))
    with pytest.raises(InvalidToken):
        verify(KEY, f"{longer}.{mac}", PAGE, NOW)


def test_expiry():
    token = sign(KEY, LINK_ID, EXPIRES, PAGE)
    assert verify(KEY, token, PAGE, EXPIRES - timedelta(seconds=1)).expires_at == EXPIRES
    with pytest.raises(ExpiredToken):
        verify(KEY, token, PAGE, EXPIRES)
    with pytest.raises(ExpiredToken):
        verify(KEY, token, PAGE, EXPIRES + timedelta(days=1))


def test_the_unsubscribe_token_is_verified_without_the_pages_expiry():
    """rev. 2: the expiry is the page's; the unsubscribe URL works however old it is."""
    token = sign(KEY, LINK_ID, EXPIRES, UNSUBSCRIBE)
    late = EXPIRES + timedelta(days=3650)
    assert verify(KEY, token, UNSUBSCRIBE, late, check_expiry=False).expires_at == EXPIRES
    with pytest.raises(ExpiredToken):
        verify(KEY, token, UNSUBSCRIBE, late)
    with pytest.raises(InvalidToken):  # still only a genuine token, of its own purpose
        verify(KEY, token[:-1] + ("A" if token[-1] != "A" else "B"), UNSUBSCRIBE, late, check_expiry=False)
    with pytest.raises(InvalidToken):
        verify(KEY, sign(KEY, LINK_ID, EXPIRES, PAGE), UNSUBSCRIBE, late, check_expiry=False)


def test_a_forged_expired_token_is_invalid_not_expired():
    """The MAC is checked first: an expired token with a bad MAC says nothing about its expiry."""
    token = sign(KEY, LINK_ID, NOW - timedelta(days=1), PAGE)
    payload, mac = token.split(".")
    with pytest.raises(InvalidToken):
        verify(KEY, f"{payload}.{_other(mac[0])}{mac[1:]}", PAGE, NOW)


def _signed(payload_bytes: bytes, purpose: str = PAGE) -> str:
    payload = link_tokens.b64(payload_bytes)
    mac = link_tokens.b64(hmac.new(KEY, f"{purpose}.{payload}".encode(), hashlib.sha256).digest())
    return f"{payload}.{mac}"


def test_a_signed_payload_of_another_version_or_size_is_refused():
    with pytest.raises(InvalidToken):
        verify(KEY, _signed(struct.pack(">B16sQ", 2, LINK_ID, int(EXPIRES.timestamp()))), PAGE, NOW)
    with pytest.raises(InvalidToken):
        verify(KEY, _signed(b"short"), PAGE, NOW)


@pytest.mark.parametrize("token", [
    "", ".", "abc", "abc.", ".abc", "a.b.c", "x" * 300,
    "AAAA." + "é" * 43, "AA=A." + "A" * 43, "AAAA." + "A" * 42, "AAAA." + "A" * 44, "AA AA." + "A" * 43,
])
def test_malformed_tokens_are_invalid(token):
    with pytest.raises(InvalidToken):
        verify(KEY, token, PAGE, NOW)


def test_signing_checks_its_input():
    with pytest.raises(ValueError):
        sign(KEY, b"short", EXPIRES, PAGE)
    with pytest.raises(ValueError):
        sign(KEY, LINK_ID, EXPIRES, "other")
