"""The webhook address guard: its decision for many addresses, asserted without connecting.

Nothing here opens a connection: literal addresses are resolved by the standard library without
asking a name server, and names with several addresses go straight to the decision."""

from __future__ import annotations

import pytest

from caredesk.integrations.services import Refused, _public_address, choose_address

REFUSED_UNLESS_ALLOWED = [
    "10.1.2.3",  # private
    "172.16.0.9",
    "192.168.1.20",
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "100.127.255.254",
    "127.0.0.1",  # loopback
    "127.8.8.8",
    "169.254.169.254",  # link-local: cloud metadata services
    "0.1.2.3",  # "this network"
    "192.0.0.8",  # IETF protocol assignments
    "192.0.2.10",  # documentation
    "198.18.0.1",  # benchmarking
    "198.51.100.7",
    "203.0.113.7",
    "240.0.0.1",  # reserved
    "255.255.255.255",
    "::1",
    "fc00::1",  # unique local
    "fd12:3456::1",
    "fe80::1",  # link-local
    "fec0::1",  # site-local (deprecated, still routed inside some networks)
    "feff:ffff::1",
    "2001:db8::1",  # documentation
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "::ffff:100.64.0.1",
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "2002:6440:1::1",  # 6to4 of 100.64.0.1
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
    "100::1",  # discard-only
]

ALWAYS_REFUSED = ["0.0.0.0", "::", "224.0.0.1", "239.255.255.250", "ff02::1", "ff0e::1"]  # noqa: S104

ALLOWED = [
    "93.184.215.14",
    "8.8.8.8",
    "100.63.255.255",  # just below the shared address space
    "100.128.0.0",  # just above it
    "172.32.0.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:93.184.215.14",  # IPv4-mapped global address
    "2002:5db8:d70e::1",  # 6to4 of 93.184.215.14
]


@pytest.mark.parametrize("address", REFUSED_UNLESS_ALLOWED)
def test_a_non_global_address_is_refused_unless_the_endpoint_allows_private_ones(address):
    with pytest.raises(Refused, match="not allowed"):
        _public_address(address, 443, False)
    assert _public_address(address, 443, True) == address


@pytest.mark.parametrize("address", ALWAYS_REFUSED)
def test_multicast_and_unspecified_addresses_are_refused_even_when_private_ones_are_allowed(
    address,
):
    for allow_private in (False, True):
        with pytest.raises(Refused, match="not a unicast address"):
            _public_address(address, 443, allow_private)


@pytest.mark.parametrize("address", ALLOWED)
def test_a_global_address_is_allowed(address):
    assert _public_address(address, 443, False) == address


def test_every_address_a_name_resolves_to_is_checked_not_only_the_first():
    assert choose_address("hooks.example", ["93.184.215.14", "8.8.8.8"], False) == "93.184.215.14"
    for internal in ("100.64.3.3", "fec0::5", "127.0.0.1", "::ffff:192.168.0.1"):
        with pytest.raises(Refused, match=internal.split(":")[-1]):
            choose_address("hooks.example", ["93.184.215.14", internal], False)
    assert choose_address("hooks.example", ["93.184.215.14", "100.64.3.3"], True) == (
        "93.184.215.14"
    )
    with pytest.raises(Refused, match="cannot resolve"):
        choose_address("hooks.example", [], True)


def test_localhost_is_refused_by_default_and_reached_only_when_allowed():
    with pytest.raises(Refused, match="internal address"):
        _public_address("localhost", 8080, False)
    assert _public_address("localhost", 8080, True) in ("127.0.0.1", "::1")
