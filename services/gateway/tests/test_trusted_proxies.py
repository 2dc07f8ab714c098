"""Resolving the client's address from the peer and X-Forwarded-For (pure: no I/O)."""

from __future__ import annotations

import pytest

from gateway.clientip import TrustedProxies


@pytest.mark.parametrize(
    ("peer", "chain", "client"),
    [
        # The peer is not a trusted proxy: it is the client, whatever it claims.
        ("203.0.113.9", ["1.2.3.4"], "203.0.113.9"),
        # Trusted peer: the first untrusted address from the right.
        ("10.0.0.2", ["1.2.3.4, 198.51.100.7"], "198.51.100.7"),
        ("10.0.0.2", ["1.2.3.4, 198.51.100.7, 10.0.9.9"], "198.51.100.7"),
        # Several header lines are one list, in order.
        ("10.0.0.2", ["1.2.3.4", "198.51.100.7, 10.0.0.3"], "198.51.100.7"),
        # Ports and IPv6, as some proxies write them.
        ("10.0.0.2", ["198.51.100.7:5123"], "198.51.100.7"),
        ("10.0.0.2", ["[2001:db8::9]:443"], "2001:db8::9"),
        ("10.0.0.2", ["2001:DB8::9"], "2001:db8::9"),
        # Garbage where the client should be: the last hop we could verify stands.
        ("10.0.0.2", ["not-an-ip, 10.0.0.5"], "10.0.0.5"),
        ("10.0.0.2", ["1.2.3.4, bogus"], "10.0.0.2"),
        # Nothing forwarded, or only proxies: the leftmost proxy is the client.
        ("10.0.0.2", [], "10.0.0.2"),
        ("10.0.0.2", ["10.0.0.7"], "10.0.0.7"),
        # An IPv4-mapped peer is the IPv4 proxy.
        ("::ffff:10.0.0.2", ["198.51.100.7"], "198.51.100.7"),
    ],
)
def test_the_client_is_the_first_untrusted_hop_from_the_right(
    peer: str, chain: list[str], client: str
) -> None:
    trusted = TrustedProxies.parse("10.0.0.0/8")
    assert trusted.client_address(peer, chain) == client


def test_none_states_there_is_no_proxy_in_front() -> None:
    assert not TrustedProxies.parse("none").networks
    assert TrustedProxies.parse("none").client_address("10.0.0.2", ["1.2.3.4"]) == "10.0.0.2"
    with pytest.raises(ValueError, match="not-an-address"):
        TrustedProxies.parse("10.0.0.0/8, not-an-address")
