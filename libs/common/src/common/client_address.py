"""Who sent a request: the client's address as the gateway vouches for it, and its user agent.

The gateway alone resolves the client's address (from its trusted proxies) and sends it to the
services as ``X-Real-IP`` (ARCHITECTURE.md §9). A service believes that header only when the
TCP peer is in ``TRUSTED_GATEWAY_NETWORKS``; from anyone else it is the caller's own claim and
the peer itself is the client. ``X-Forwarded-For`` is never read here: anyone can write it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from starlette.requests import HTTPConnection

REAL_IP_HEADER = "x-real-ip"

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network


@lru_cache(maxsize=64)
def parse_networks(spec: str) -> tuple[IPNetwork, ...]:
    """``"10.0.0.0/8, 192.0.2.7"`` → networks (a bare address is a /32 or /128).

    Raises ``ValueError`` naming the first entry that is neither an address nor a network.
    """
    networks = []
    for entry in (part.strip() for part in spec.split(",")):
        if not entry:
            continue
        try:
            networks.append(ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return tuple(networks)


def parse_address(value: str) -> IPAddress | None:
    """The address in ``value``, IPv4-mapped IPv6 (``::ffff:10.0.0.1``) as IPv4; else None."""
    try:
        address = ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def in_networks(host: str | IPAddress, networks: Iterable[IPNetwork]) -> bool:
    address = parse_address(host) if isinstance(host, str) else host
    return address is not None and any(address in network for network in networks)


def client_address(request: HTTPConnection) -> str | None:
    """The client's IP: the gateway's ``X-Real-IP`` when the peer is a trusted gateway network,
    else the peer (``None`` when the peer is not an IP address).

    The networks are the app's ``settings.trusted_gateway_networks`` (every service's app
    factory keeps its settings on ``app.state.settings``); without them nobody is trusted.
    """
    peer = parse_address(request.client.host) if request.client else None
    if peer is None:
        return None
    settings = getattr(request.app.state, "settings", None)
    trusted = parse_networks(getattr(settings, "trusted_gateway_networks", ""))
    if in_networks(peer, trusted):
        # A gateway request without a usable header (a probe, the OpenAPI fetch) is its own.
        vouched = parse_address(request.headers.get(REAL_IP_HEADER, ""))
        if vouched is not None:
            return str(vouched)
    return str(peer)


def user_agent(request: HTTPConnection) -> str | None:
    """The client's ``User-Agent`` (the gateway forwards it unchanged); callers trim it."""
    return request.headers.get("user-agent")
