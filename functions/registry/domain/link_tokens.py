"""Signed tokens for preference-center links: ``<payload>.<mac>``, both base64url without padding.

The payload is a version byte, a random 16-byte link id and the expiry (epoch seconds); it names
no person: the address sits in the table under the link id. The MAC is HMAC-SHA-256 over a
purpose tag ("page" or "unsubscribe") and the payload *as sent*, so a page token does not open
the unsubscribe endpoint (nor the other way round), and changing any character of either part
fails verification. Pure: the key and the clock are passed in.

The expiry is the page's (contract rev. 2): an unsubscribe token is verified without it
(``verify(..., check_expiry=False)``), so one-click unsubscribe works however old the link is, for as
long as the link's record exists (a genuine MAC still proves the registry issued it).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
from dataclasses import dataclass
from datetime import UTC, datetime

PAGE = "page"
UNSUBSCRIBE = "unsubscribe"
PURPOSES = (PAGE, UNSUBSCRIBE)
VERSION = 1
ID_BYTES = 16
_LAYOUT = struct.Struct(f">B{ID_BYTES}sQ")  # version, link id, expiry epoch seconds
_MAC_CHARS = 43  # SHA-256, base64url without padding
_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


class InvalidToken(Exception):
    """Not a token this registry signed (malformed, tampered, other purpose or key)."""


class ExpiredToken(Exception):
    """A genuine token whose expiry has passed."""


@dataclass(frozen=True)
class LinkClaims:
    link_id: str  # base64url of the 16 random bytes
    expires_at: datetime  # aware, UTC, whole seconds


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidToken("not base64url") from None


def _mac(key: bytes, purpose: str, payload: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return b64(hmac.new(key, f"{purpose}.{payload}".encode("ascii"), hashlib.sha256).digest())


def sign(key: bytes, link_id: bytes, expires_at: datetime, purpose: str) -> str:
    if len(link_id) != ID_BYTES:
        raise ValueError(f"a link id is {ID_BYTES} bytes")
    payload = b64(_LAYOUT.pack(VERSION, link_id, int(expires_at.timestamp())))
    return f"{payload}.{_mac(key, purpose, payload)}"


def verify(key: bytes, token: str, purpose: str, now: datetime, check_expiry: bool = True) -> LinkClaims:
    """The claims of a genuine, unexpired token; InvalidToken or ExpiredToken otherwise.
    ``check_expiry`` False: a genuine token is accepted past its expiry (the unsubscribe URL).

    The MAC is checked before anything in the payload is read, so a forged token learns nothing.
    """
    payload, dot, mac = token.partition(".")
    if not dot or not payload or len(mac) != _MAC_CHARS or len(token) > 256 \
            or not _ALPHABET.issuperset(payload) or not _ALPHABET.issuperset(mac):
        raise InvalidToken("malformed")
    if not hmac.compare_digest(mac.encode("ascii"), _mac(key, purpose, payload).encode("ascii")):
        raise InvalidToken("bad signature")
    raw = _unb64(payload)
    if len(raw) != _LAYOUT.size:
        raise InvalidToken("bad payload")
    version, link_id, expires = _LAYOUT.unpack(raw)
    if version != VERSION:
        raise InvalidToken("unknown version")
    try:
        expires_at = datetime.fromtimestamp(expires, UTC)
    except (OverflowError, OSError, ValueError):
        raise InvalidToken("bad expiry") from None
    if check_expiry and now >= expires_at:
        raise ExpiredToken(b64(link_id))
    return LinkClaims(b64(link_id), expires_at)
