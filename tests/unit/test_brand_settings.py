"""A brand as a resource (contract rev. 2, "Brands"; domain/brand_settings.py): the rules in force
for it are the default policy with its overrides and its stop words; a brand nobody stored is the
defaults; what a PUT may set is checked, and a refusal says why and names the field at fault."""
from __future__ import annotations

import pytest

from registry.domain.brand_settings import (
    DEFAULT_CONFIRMATION_TEXT,
    DEFAULT_HELP_TEXT,
    Brand,
    check_policy,
    check_stop_words,
    names_one_brand,
    unnamed,
)
from registry.domain.errors import InvalidRequest
from registry.domain.policy import DEFAULT_POLICY, FrequencyCap, with_overrides
from registry.domain.sms_replies import ReplyKind, read

# --- the rules in force for a brand ---------------------------------------------------------------


def test_a_brand_without_overrides_or_stop_words_follows_the_default_policy():
    assert Brand(name="acme").rules() == DEFAULT_POLICY
    stricter = with_overrides(DEFAULT_POLICY, {"quiet_hours_end": "20:00"})
    assert Brand(name="acme").rules(stricter) == stricter  # the default it is given, whatever it is


def test_a_brands_overrides_replace_the_defaults_settings():
    rules = Brand(name="acme", policy={"basis": {"email:marketing": "consent"}}).rules()
    assert rules.basis_for("email", "marketing") == "consent"
    assert rules.basis_for("call", "marketing") == DEFAULT_POLICY.basis_for("call", "marketing")  # the rest stays


def test_a_brands_overrides_apply_to_the_default_it_is_given():
    stricter = with_overrides(DEFAULT_POLICY, {"frequency_caps": {"email:marketing": {"attempts": 1,
                                                                                      "window_days": 1}}})
    rules = Brand(name="acme", policy={"quiet_hours_end": "20:00"}).rules(stricter)
    assert rules.cap_for("email", "marketing") == FrequencyCap(1, 1) and rules.quiet_hours_end.hour == 20


def test_a_brands_stop_words_opt_out_besides_the_policys():
    rules = Brand(name="acme", stop_words=("basta", "no thanks")).rules()
    assert read("basta", rules.sms_replies).kind is ReplyKind.OPT_OUT
    assert read("No thanks!", rules.sms_replies).kind is ReplyKind.OPT_OUT
    assert read("stop", rules.sms_replies).kind is ReplyKind.OPT_OUT  # the policy's words stay
    assert rules.basis == DEFAULT_POLICY.basis  # nothing else changes


def test_stop_words_and_overrides_together():
    rules = Brand(name="acme", stop_words=("basta",), policy={"hot_days": 3}).rules()
    assert rules.hot_days == 3 and read("basta", rules.sms_replies).opts_out


# --- a brand the registry holds nothing for ---------------------------------------------------------


def test_a_brand_nobody_stored_is_the_defaults_and_not_stored():
    brand = unnamed("acme")
    assert brand == Brand(name="acme", stored=False)
    assert brand.help_reply == DEFAULT_HELP_TEXT and brand.confirmation == DEFAULT_CONFIRMATION_TEXT
    assert brand.rules() == DEFAULT_POLICY


# --- what a PUT may set ---------------------------------------------------------------------------


def test_stop_words_are_kept_in_order_each_once():
    assert check_stop_words(["basta", "No thanks!", "basta", "enough"]) == ("basta", "No thanks!", "enough")
    assert check_stop_words([]) == ()


@pytest.mark.parametrize("entries, field", [
    (["!!!"], "stop_words[0]"),
    (["ok", "🛑"], "stop_words[1]"),
    (["ok", "basta", "  "], "stop_words[2]"),
])
def test_a_stop_word_that_reads_as_no_word_is_refused_naming_it(entries, field):
    """A reply is read as words (punctuation and emoji dropped): such an entry could never match."""
    with pytest.raises(InvalidRequest) as err:
        check_stop_words(entries)
    assert (err.value.code, err.value.field) == ("invalid_request", field)
    assert err.value.message == ("a stop word must hold a letter or a digit (punctuation and emoji are ignored "
                                 "when a reply is read)")


def test_policy_overrides_the_policy_can_apply_are_kept_as_sent():
    overrides = {"basis": {"email:marketing": "consent"}, "frequency_caps": {"sms:marketing": None}}
    assert check_policy(overrides) == overrides
    assert check_policy({}) == {}


@pytest.mark.parametrize("overrides, message, field", [
    ({"basis": {"email:marketing": "maybe"}}, "unknown basis 'maybe' for email:marketing", "policy.basis"),
    ({"colour": "blue"}, "unknown policy setting 'colour'", "policy.colour"),
    ({"": "blue"}, "unknown policy setting ''", "policy"),  # a setting with no name: the policy itself
])
def test_a_policy_override_the_policy_refuses_names_the_setting(overrides, message, field):
    with pytest.raises(InvalidRequest) as err:
        check_policy(overrides)
    assert (err.value.code, err.value.message, err.value.field) == ("invalid_request", message, field)


@pytest.mark.parametrize("overrides", [
    {"frequency_caps": {"sms:marketing": {"attempts": "x"}}},  # not a number
    {"frequency_caps": {"sms:marketing": {"attempts": 3}}},  # no window
    {"quiet_hours_start": "8 o'clock"},
    {"ebr_months": ["inquiry"]},
    {"basis": "consent"},
])
def test_an_override_of_the_wrong_shape_is_refused_as_the_policys(overrides):
    with pytest.raises(InvalidRequest) as err:
        check_policy(overrides)
    assert (err.value.code, err.value.field) == ("invalid_request", "policy")
    assert err.value.message == ("a policy override could not be read (see GET /v1/policy for the settings and "
                                 "their shapes)")


def test_a_brand_resource_names_one_seller():
    """``*`` (every brand) is only for an opt-out; a brand resource is one seller."""
    assert names_one_brand("acme") and names_one_brand("default")
    assert not names_one_brand("*")
