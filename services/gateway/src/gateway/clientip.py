"""The client's address, resolved once per request from the proxies we trust.

Behind a load balancer or an ingress every connection comes from the proxy; the proxy appends
the address it saw to ``X-Forwarded-For``. Everything left of what our own proxies appended was
written by the client and proves nothing. So: if the peer is not a trusted proxy, the peer is
the client and the header is ignored; otherwise walk the header from the right, skipping
trusted proxies, and the first other address is the client. That one value is the gateway's
rate-limit subject and the ``X-Real-IP`` the services record (ARCHITECTURE.md §9).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from common.client_address import IPAddress, IPNetwork, in_networks, parse_address, parse_networks

# GATEWAY_TRUSTED_PROXIES=none: clients connect straight to the gateway, no proxy in front.
NO_PROXY = "none"


@dataclass(frozen=True)
class TrustedProxies:
    networks: tuple[IPNetwork, ...]

    @classmethod
    def parse(cls, spec: str) -> TrustedProxies:
        """Comma-separated IPs and CIDRs, or ``none``; ``ValueError`` names a bad entry."""
        if spec.strip().lower() == NO_PROXY:
            return cls(())
        return cls(parse_networks(spec))

    def __contains__(self, host: str | IPAddress) -> bool:
        return in_networks(host, self.networks)

    def client_address(self, peer: str, forwarded_for: Iterable[str]) -> str:
        """The client: ``peer`` (the TCP peer's host) unless it is a trusted proxy, then the
        first untrusted ``X-Forwarded-For`` hop from the right (``forwarded_for``: the header's
        lines, in order)."""
        nearest = parse_address(peer)
        if nearest is None:
            return peer
        if nearest not in self:
            return str(nearest)
        hops = [hop for line in forwarded_for for hop in line.split(",") if hop.strip()]
        for hop in reversed(hops):
            address = _hop_address(hop)
            if address is None:
                # Not an address where the client should be: only what we verified stands.
                break
            nearest = address
            if address not in self:
                break
        return str(nearest)


def _hop_address(hop: str) -> IPAddress | None:
    """A hop as proxies write it: ``192.0.2.1``, ``192.0.2.1:5123``, ``2001:db8::1``,
    ``[2001:db8::1]:443``."""
    hop = hop.strip()
    if hop.startswith("["):
        return parse_address(hop[1 : hop.find("]")]) if "]" in hop else None
    if hop.count(":") == 1:
        hop = hop.split(":", 1)[0]
    return parse_address(hop)
