"""The client's address in a service: ``X-Real-IP`` only from a trusted gateway network, else the
TCP peer; ``X-Forwarded-For`` never (ARCHITECTURE.md §9)."""

from __future__ import annotations

from typing import Any, ClassVar

import httpx
import pytest
from fastapi import FastAPI, Request
from pydantic import ValidationError

from common.client_address import client_address, in_networks, parse_networks, user_agent
from common.settings import CommonSettings


class ProbeSettings(CommonSettings):
    service_name: ClassVar[str] = "probe"


def probe_app(**settings: Any) -> FastAPI:
    app = FastAPI()
    app.state.settings = ProbeSettings(**settings)

    @app.get("/whoami")
    async def whoami(request: Request) -> dict[str, str | None]:
        return {"ip": client_address(request), "agent": user_agent(request)}

    return app


async def whoami(app: FastAPI, peer: str, headers: dict[str, str]) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as http:
        answer = await http.get("/whoami", headers=headers)
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


FORGED = {"x-real-ip": "6.6.6.6", "x-forwarded-for": "6.6.6.6", "user-agent": "probe/1"}


async def test_a_direct_caller_gets_its_peer_recorded_not_the_address_it_claims() -> None:
    seen = await whoami(probe_app(), "203.0.113.50", FORGED)
    assert seen == {"ip": "203.0.113.50", "agent": "probe/1"}


async def test_the_gateway_network_is_believed_for_x_real_ip_only() -> None:
    app = probe_app(trusted_gateway_networks="10.42.0.0/16")
    assert (await whoami(app, "10.42.7.9", FORGED))["ip"] == "6.6.6.6"
    # From the gateway, X-Forwarded-For alone is not an address: the peer stands.
    assert (await whoami(app, "10.42.7.9", {"x-forwarded-for": "6.6.6.6"}))["ip"] == "10.42.7.9"
    # Outside the network the header is the caller's own claim.
    assert (await whoami(app, "10.43.0.1", FORGED))["ip"] == "10.43.0.1"


async def test_loopback_is_the_default_gateway_network() -> None:
    app = probe_app()
    assert (await whoami(app, "127.0.0.1", {"x-real-ip": "198.51.100.4"}))["ip"] == "198.51.100.4"
    assert (await whoami(app, "::1", {"x-real-ip": "2001:db8::7"}))["ip"] == "2001:db8::7"


@pytest.mark.parametrize("header", ["not-an-ip", "1.2.3.4, 5.6.7.8", "", "999.1.1.1"])
async def test_a_malformed_x_real_ip_from_the_gateway_falls_back_to_the_peer(header: str) -> None:
    seen = await whoami(probe_app(), "127.0.0.1", {"x-real-ip": header})
    assert seen["ip"] == "127.0.0.1"


async def test_addresses_are_canonical_and_ipv4_mapped_peers_match_ipv4_networks() -> None:
    app = probe_app(trusted_gateway_networks="10.42.0.0/16")
    seen = await whoami(app, "::ffff:10.42.0.8", {"x-real-ip": "2001:DB8:0:0::1"})
    assert seen["ip"] == "2001:db8::1"
    assert (await whoami(app, "::ffff:192.0.2.1", FORGED))["ip"] == "192.0.2.1"


async def test_a_peer_that_is_not_an_ip_address_records_none() -> None:
    assert (await whoami(probe_app(), "testclient", FORGED))["ip"] is None


def test_networks_parse_addresses_and_cidrs() -> None:
    networks = parse_networks(" 10.0.0.0/8 , 192.0.2.7,2001:db8::/32 ")
    assert in_networks("10.200.1.1", networks)
    assert in_networks("192.0.2.7", networks)
    assert not in_networks("192.0.2.8", networks)
    assert in_networks("2001:db8:1::5", networks)
    assert not in_networks("garbage", networks)
    assert parse_networks("") == ()


def test_a_bad_trusted_gateway_network_refuses_to_start() -> None:
    with pytest.raises(ValidationError, match="TRUSTED_GATEWAY_NETWORKS"):
        ProbeSettings(trusted_gateway_networks="10.0.0.0/8,not-a-network")
