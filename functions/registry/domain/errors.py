"""Errors the domain raises; handlers turn them into the contract's JSON error shape."""
from __future__ import annotations


class RegistryError(Exception):
    """A failure with a contract error code and HTTP status."""

    status = 400
    code = "invalid_request"

    def __init__(self, message: str, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidRequest(RegistryError):
    status, code = 400, "invalid_request"


class InvalidAddress(RegistryError):
    status, code = 400, "invalid_address"


class ChannelAddressMismatch(RegistryError):
    status, code = 400, "channel_address_mismatch"


class TooLarge(RegistryError):
    status, code = 413, "payload_too_large"


class NotFound(RegistryError):
    status, code = 404, "not_found"


class Conflict(RegistryError):
    status, code = 409, "conflict"


class ContactErased(RegistryError):
    """A fact about an erased contact, dated before its erasure: recording it would bring back
    what the erasure removed (a replayed consent would even lift the deny erasure left)."""

    status, code = 409, "contact_erased"


class Unauthorized(RegistryError):
    status, code = 401, "unauthorized"


class Forbidden(RegistryError):
    status, code = 403, "forbidden"


class Gone(RegistryError):
    """Something that existed and no longer does: an expired or revoked preference link."""

    status, code = 410, "gone"


class RegistryUnavailable(RegistryError):
    """The registry could not be read or written: callers must not contact (fail closed)."""

    status, code = 503, "registry_unavailable"


class UnreadableRecord(RegistryUnavailable):
    """A stored record that cannot be read (corrupt, or written by a bug): the registry cannot
    answer for that address, so it fails closed for it alone (503 deny), never a 400."""
