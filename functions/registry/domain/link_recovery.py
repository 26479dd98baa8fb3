"""Asking for a new preference link (issue 13, "no dead ends"): the rules, pure.

A person whose link expired (or was tampered with) enters an address on a public form; the
registry puts ``preference_link.requested`` on the bus for the brand's own sender to deliver,
but only if it knows the address, and it answers the same either way. What is pure here:

- ``client_key``: who a request counts against. API Gateway's source IP (never a header the
  client writes): an IPv4 address as it is, an IPv6 address by its /64 network (one subscriber
  holds a whole /64 and could rotate through it), anything else as one shared ``unknown``.
- ``window_of``: the fixed window (epoch seconds) a moment falls in, and when its counter may go.
- ``requested_detail``: the event's detail.

The counters themselves are storage's (``storage.rate_limits``); the flow is the service's
(``services.link_recovery``).
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .timeutil import format_instant

DETAIL_TYPE = "preference_link.requested"
UNKNOWN_CLIENT = "unknown"
IPV6_NETWORK_BITS = 64
# A counter item outlives its window by this much before the table's TTL may delete it (TTL
# deletes within a day or two anyway; an old window's item is never read again: its key names it).
COUNTER_GRACE_SECONDS = 3600


def client_key(source_ip: str | None) -> str:
    """The text a client's requests are counted under: ``4:<IPv4>``, ``6:<IPv6 /64 network>``,
    or ``unknown`` when there is no readable source IP (then every such request shares one count)."""
    if not source_ip:
        return UNKNOWN_CLIENT
    try:
        ip = ipaddress.ip_address(source_ip.strip())
    except ValueError:
        return UNKNOWN_CLIENT
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped
        if mapped is not None:  # ::ffff:198.51.100.7 is the IPv4 client 198.51.100.7
            return f"4:{mapped}"
        network = ipaddress.IPv6Interface(f"{ip}/{IPV6_NETWORK_BITS}").network
        return f"6:{network}"
    return f"4:{ip}"


@dataclass(frozen=True)
class Window:
    start: int  # epoch seconds: names the counter
    expires_at_epoch: int  # the counter item's TTL


def window_of(epoch_seconds: int, length_seconds: int) -> Window:
    """The fixed window of ``length_seconds`` that ``epoch_seconds`` falls in."""
    if length_seconds < 1:
        raise ValueError("a window lasts at least a second")
    start = epoch_seconds - epoch_seconds % length_seconds
    return Window(start, start + length_seconds + COUNTER_GRACE_SECONDS)


def requested_detail(address: str, brand: str, url: str, unsubscribe_url: str, expires_at: datetime,
                     requested_at: datetime) -> dict[str, Any]:
    """The detail of ``preference_link.requested``: where to send the new link, for which brand."""
    return {"address": address, "brand": brand, "url": url, "unsubscribe_url": unsubscribe_url,
            "expires_at": format_instant(expires_at), "requested_at": format_instant(requested_at)}
