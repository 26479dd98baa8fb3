"""The one spelling of a path (handlers/routing.py): decoded once, canonical, literal rules."""
import pytest

from registry.handlers.routing import NotCanonical, check_canonical, compile_rule, decode_once


@pytest.mark.parametrize("raw, decoded", [
    ("/%761/consents", "/v1/consents"),
    ("/v1/contacts/pct%2541%40example.com", "/v1/contacts/pct%41@example.com"),  # once, not twice
    ("/v1/contacts/a%2Fb%40example.com", "/v1/contacts/a/b@example.com"),
    ("/v1/contacts/%2B14155550123", "/v1/contacts/+14155550123"),
    ("/v1/contacts/+14155550123", "/v1/contacts/+14155550123"),  # '+' is not a space in a path
    ("/v1/contacts/b%C3%BCcher%40example.com", "/v1/contacts/bücher@example.com"),
])
def test_a_path_is_decoded_once(raw, decoded):
    assert decode_once(raw.encode()) == decoded


def test_a_path_that_is_not_utf8_is_refused():
    with pytest.raises(NotCanonical):
        decode_once(b"/v1/contacts/%FF%40example.com")


@pytest.mark.parametrize("path", ["//v1/consents", "/v1//consents", "/v1/consents/", "/v1/./consents",
                                  "/v1/x/../consents", "/v1/consents/.", "/v1/consents/..", "/./v1/consents",
                                  "/v1/consents\x00", "/v1/con\nsents", "v1/consents", "", "/v1/\x7f"])
def test_non_canonical_paths_are_refused(path):
    with pytest.raises(NotCanonical):
        check_canonical(path)


@pytest.mark.parametrize("path", ["/", "/v1/consents", "/v1/contacts/a/b@example.com", "/v1/contacts/pct%41@x.com",
                                  "/v1/contacts/x..y@example.com", "/p/abc.def"])
def test_canonical_paths_pass(path):
    assert check_canonical(path) == path


def test_rules_are_literal_text():
    rule = compile_rule("/v1/openapi.json")
    assert rule.match("/v1/openapi.json") and not rule.match("/v1/openapiXjson")
    assert not compile_rule("/v1/opt-outs").match("/v1/opt-outsX")


@pytest.mark.parametrize("path, address", [
    ("/v1/contacts/+14155550123", "+14155550123"),
    ("/v1/contacts/a/b@example.com", "a/b@example.com"),
    ("/v1/contacts/a/b/c@example.com", "a/b/c@example.com"),
    ("/v1/contacts/x/history@example.com", "x/history@example.com"),
    ("/v1/contacts/pct%41@example.com", "pct%41@example.com"),
])
def test_an_address_may_hold_a_slash_before_its_at(path, address):
    profile = compile_rule("/v1/contacts/<address>")
    history = compile_rule("/v1/contacts/<address>/history")
    assert profile.match(path)["address"] == address
    assert history.match(path + "/history")["address"] == address
    assert not profile.match(path + "/history")  # a history path is never a profile
    assert not history.match(path)


def test_other_parameters_are_one_segment():
    rule = compile_rule("/v1/suppression-lists/<name>/entries")
    assert rule.match("/v1/suppression-lists/dnc/entries")["name"] == "dnc"
    assert not rule.match("/v1/suppression-lists/a/b/entries")
    assert not compile_rule("/p/<token>").match("/p/a/unsubscribe")
