"""The client address attempts and requests are counted under."""

from __future__ import annotations

import ipaddress

# The block an IPv6 subscriber is given at the smallest (RFC 6177): whoever holds one address
# in it may use any of its 2^64, so counting per address would multiply their allowance.
IPV6_COUNTED_PREFIX = 64


def counted_address(client: str) -> str:
    """An IPv4 address as it is, an IPv6 address as its /64 network (an IPv4-mapped one as
    the IPv4 address), and anything that is no IP address (a proxy's name, "testclient")
    unchanged."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv4Address):
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.IPv6Network((address, IPV6_COUNTED_PREFIX), strict=False))
