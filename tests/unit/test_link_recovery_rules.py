"""domain/link_recovery.py: who a request counts against, its window, the event's detail."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from registry.domain import link_recovery as rules


@pytest.mark.parametrize("ip, key", [
    ("198.51.100.7", "4:198.51.100.7"),
    (" 198.51.100.7 ", "4:198.51.100.7"),
    ("::ffff:198.51.100.7", "4:198.51.100.7"),  # an IPv4 client seen over IPv6
    ("2001:db8:1:2:3:4:5:6", "6:2001:db8:1:2::/64"),
    ("2001:db8:1:2::", "6:2001:db8:1:2::/64"),
    ("2001:DB8:1:2:ffff:ffff:ffff:ffff", "6:2001:db8:1:2::/64"),
    ("2001:db8:1:3::1", "6:2001:db8:1:3::/64"),
    ("", "unknown"),
    (None, "unknown"),
    ("203.0.113.9, 10.0.0.1", "unknown"),  # a forwarding header's list is no source IP
    ("evil.example", "unknown"),
])
def test_client_key(ip, key):
    assert rules.client_key(ip) == key


def test_every_address_of_one_64_is_one_client_and_the_next_64_another():
    assert rules.client_key("2001:db8:0:1::1") == rules.client_key("2001:db8:0:1:ffff::2")
    assert rules.client_key("2001:db8:0:1::1") != rules.client_key("2001:db8:0:2::1")
    assert rules.IPV6_NETWORK_BITS == 64


@pytest.mark.parametrize("at, start", [(7200, 7200), (7201, 7200), (10799, 7200), (10800, 10800)])
def test_window_of_an_hour(at, start):
    window = rules.window_of(at, 3600)
    assert window.start == start
    assert window.expires_at_epoch == start + 3600 + rules.COUNTER_GRACE_SECONDS
    assert rules.COUNTER_GRACE_SECONDS == 3600


def test_a_window_of_one_second_is_allowed_and_of_none_is_not():
    assert rules.window_of(5, 1).start == 5
    with pytest.raises(ValueError, match="^a window lasts at least a second$"):
        rules.window_of(5, 0)


def test_the_detail_names_everything_the_sender_needs():
    requested = datetime(2026, 12, 3, 6, 0, 0, 250000, tzinfo=UTC)
    expires = datetime(2027, 1, 2, 6, 0, 0, tzinfo=UTC)
    assert rules.requested_detail("pat@example.com", "acme", "https://p/x", "https://p/x/unsubscribe",
                                  expires, requested) == {
        "address": "pat@example.com", "brand": "acme", "url": "https://p/x",
        "unsubscribe_url": "https://p/x/unsubscribe", "expires_at": "2027-01-02T06:00:00Z",
        "requested_at": "2026-12-03T06:00:00.250000Z"}
    assert rules.DETAIL_TYPE == "preference_link.requested"
