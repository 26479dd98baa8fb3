"""The registry's errors: what went wrong, in the contract's words (a code, a message, the field).

They say nothing about HTTP: the handlers map each kind to a status (``handlers.errors``), the
CLI prints it as JSON, an event's result carries its code. ``code`` is the contract's error code.
"""
from __future__ import annotations


class RegistryError(Exception):
    """A failure with a contract error code, a message for the caller and, maybe, the field at fault."""

    code = "invalid_request"

    def __init__(self, message: str, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidRequest(RegistryError):
    code = "invalid_request"


class InvalidAddress(RegistryError):
    code = "invalid_address"


class ChannelAddressMismatch(RegistryError):
    code = "channel_address_mismatch"


class TooLarge(RegistryError):
    """A body or a list over its limit."""

    code = "payload_too_large"


class NotFound(RegistryError):
    code = "not_found"


class Conflict(RegistryError):
    code = "conflict"


class ContactErased(Conflict):
    """A fact about an erased contact, dated before its erasure: recording it would bring back
    what the erasure removed (a replayed consent would even lift the deny erasure left)."""

    code = "contact_erased"


class Unauthorized(RegistryError):
    code = "unauthorized"


class Forbidden(RegistryError):
    code = "forbidden"


class NotVerified(Forbidden):
    """A provider's webhook (Twilio, SNS) whose signature or sender did not verify: 403 with one
    message whatever the cause; ``reason`` says which, for the log only."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


class Gone(RegistryError):
    """Something that existed and no longer does: an expired or revoked preference link."""

    code = "gone"


class TooManyRequests(RegistryError):
    """Over a rate limit (asking for a new preference link: per address and per client)."""

    code = "rate_limited"


class RegistryUnavailable(RegistryError):
    """The registry could not be read or written: callers must not contact (fail closed)."""

    code = "registry_unavailable"


class UnreadableRecord(RegistryUnavailable):
    """A stored record that cannot be read (corrupt, or written by a bug): the registry cannot
    answer for that address, so it fails closed for it alone (a deny, never a bad request)."""
