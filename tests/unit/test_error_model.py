"""One error model: the domain says what went wrong, storage raises its own errors through one
context manager, the services say what those mean, and only the handlers know HTTP statuses."""
from __future__ import annotations

import inspect

import pytest
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from pynamodb.exceptions import DoesNotExist, GetError

from registry.domain import errors
from registry.domain.errors import (
    ChannelAddressMismatch,
    Conflict,
    ContactErased,
    Forbidden,
    Gone,
    InvalidAddress,
    InvalidRequest,
    NotFound,
    NotVerified,
    RegistryError,
    RegistryUnavailable,
    TooLarge,
    TooManyRequests,
    Unauthorized,
    UnreadableRecord,
)
from registry.handlers.errors import http_status
from registry.services.failures import storage_failures
from registry.storage.errors import ConditionFailed, CorruptItem, StorageError, StorageUnavailable, dynamodb

EXPECTED = {
    InvalidRequest: 400, InvalidAddress: 400, ChannelAddressMismatch: 400, Unauthorized: 401, Forbidden: 403,
    NotFound: 404, Conflict: 409, ContactErased: 409, Gone: 410, TooLarge: 413, TooManyRequests: 429, RegistryUnavailable: 503,
    UnreadableRecord: 503, RegistryError: 400, NotVerified: 403,
}


def _every_module() -> None:
    """Import every module of the registry, so a kind declared anywhere is seen whatever ran before."""
    import importlib
    import pkgutil

    import registry

    for module in pkgutil.walk_packages(registry.__path__, "registry."):
        importlib.import_module(module.name)


def _kinds(base: type) -> set[type]:
    if base is RegistryError:
        _every_module()
    found = {base}
    for sub in base.__subclasses__():
        found |= _kinds(sub)
    return found


def test_the_domain_errors_know_nothing_of_http():
    for _, kind in inspect.getmembers(errors, inspect.isclass):
        assert not hasattr(kind, "status"), kind
        assert isinstance(kind.code, str)


def test_the_handlers_give_every_kind_its_status():
    assert {kind: http_status(kind("m")) for kind in EXPECTED} == EXPECTED
    assert _kinds(RegistryError) <= set(EXPECTED)  # a new kind gets a test (and a status) here


def test_the_contract_codes_are_unchanged():
    assert {kind: kind.code for kind in EXPECTED} == {
        InvalidRequest: "invalid_request", InvalidAddress: "invalid_address",
        ChannelAddressMismatch: "channel_address_mismatch", Unauthorized: "unauthorized", Forbidden: "forbidden",
        NotFound: "not_found", Conflict: "conflict", ContactErased: "contact_erased", Gone: "gone",
        TooLarge: "payload_too_large", TooManyRequests: "rate_limited", RegistryUnavailable: "registry_unavailable",
        UnreadableRecord: "registry_unavailable", RegistryError: "invalid_request", NotVerified: "forbidden"}
    assert Gone("expired", code="link_expired").code == "link_expired"  # a code of its own, same status
    assert http_status(Gone("expired", code="link_expired")) == 410


@pytest.mark.parametrize("failure", [
    GetError("boom", ReadTimeoutError(endpoint_url="http://x")),
    EndpointConnectionError(endpoint_url="http://x"),
    ConnectionResetError("reset"),
])
def test_every_dynamodb_failure_becomes_storage_unavailable_with_its_cause(failure):
    with pytest.raises(StorageUnavailable) as caught:
        with dynamodb("read a thing"):
            raise failure
    assert caught.value.__cause__ is failure
    assert str(caught.value).startswith("could not read a thing")


def test_what_storage_means_passes_and_unreadable_items_are_named():
    with pytest.raises(ConditionFailed):
        with dynamodb("write"):
            raise ConditionFailed("stale")
    with pytest.raises(CorruptItem) as caught:
        with dynamodb("read", reading="C#abc"):
            raise ValueError("not JSON")
    assert caught.value.key == "C#abc"
    with pytest.raises(ValueError):  # without a key being read, a ValueError is a bug, not a bad item
        with dynamodb("write"):
            raise ValueError("bug")
    with pytest.raises(StorageUnavailable):  # PynamoDB's "no item" is read inside the block, or fails closed
        with dynamodb("read"):
            raise DoesNotExist()
    assert not issubclass(StorageError, DoesNotExist)


def test_the_services_say_what_a_storage_error_means():
    with pytest.raises(RegistryUnavailable) as caught:
        with storage_failures("the registry could not be read"):
            raise StorageUnavailable("could not read a contact: ReadTimeoutError")
    assert caught.value.message == "the registry could not be read"
    assert isinstance(caught.value.__cause__, StorageUnavailable)  # the CLI names the real cause from here
    with pytest.raises(UnreadableRecord):
        with storage_failures("unavailable"):
            raise CorruptItem("C#abc")
    with pytest.raises(RegistryUnavailable):  # a condition the service did not read: fail closed
        with storage_failures("unavailable"):
            raise ConditionFailed("unexpected")
    with pytest.raises(NotFound):  # the registry's own errors pass through
        with storage_failures("unavailable"):
            raise NotFound("no such thing")


def test_a_refused_webhook_keeps_its_reason_for_the_log_and_none_by_default():
    """The 403's words are one for every cause; the reason is what the log says (services read it)."""
    assert NotVerified("refused", "the signature does not match").reason == "the signature does not match"
    assert NotVerified("refused").reason == ""
    assert str(NotVerified("refused", "why")) == "refused"
