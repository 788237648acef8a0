"""Which address a client's attempts and requests count under: an IPv6 client's /64."""

from __future__ import annotations

import pytest

from domain.accounts.limits import login_address_key, login_throttle_key
from domain.addresses import counted_address


@pytest.mark.parametrize(
    ("client", "counted"),
    [
        ("203.0.113.10", "203.0.113.10"),
        ("2001:db8:7:1::10", "2001:db8:7:1::/64"),
        ("2001:db8:7:1:ffff:ffff:ffff:ffff", "2001:db8:7:1::/64"),
        ("2001:0DB8:0007:0001:0000:0000:0000:0010", "2001:db8:7:1::/64"),  # spelled out
        ("::ffff:203.0.113.10", "203.0.113.10"),  # IPv4 seen through an IPv6 socket
        ("::1", "::/64"),
        ("testclient", "testclient"),  # not an address: as it came
        ("2001:db8::1/64", "2001:db8::1/64"),
    ],
)
def test_a_client_counts_as_its_address_or_its_ipv6_network(client: str, counted: str) -> None:
    assert counted_address(client) == counted


def test_every_address_of_one_ipv6_network_shares_the_login_keys() -> None:
    one, other = "2001:db8:7:1::10", "2001:db8:7:1:abcd::99"
    neighbour = "2001:db8:7:2::10"

    assert login_address_key(one) == login_address_key(other) != login_address_key(neighbour)
    assert login_throttle_key("Ana@X.com ", one) == login_throttle_key("ana@x.com", other)
    assert login_throttle_key("ana@x.com", None) == "ana@x.com|-"
