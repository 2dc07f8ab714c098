"""The address auth records and throttles: X-Real-IP only from the gateway's network, else the
TCP peer; X-Forwarded-For never (ARCHITECTURE.md §9)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import text


async def failed_sign_in(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    answer = await client.post(
        "/api/auth/sign-in",
        json={"email": f"nobody-{uuid.uuid4().hex[:8]}@example.com", "password": "wrong-pw-1"},
        headers=headers,
    )
    assert answer.status_code == 401, answer.text


async def recorded(api: Any, *candidates: str) -> list[str]:
    async with api.runtime.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT DISTINCT ip FROM auth.audit_event WHERE ip = ANY(:ips)"),
            {"ips": list(candidates)},
        )
        return [str(row.ip) for row in rows]


async def test_a_direct_caller_is_recorded_by_its_peer_not_by_what_it_claims(api: Any) -> None:
    peer = f"203.0.113.{uuid.uuid4().bytes[0] % 254 + 1}"
    transport = httpx.ASGITransport(app=api.app, client=(peer, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as direct:
        await failed_sign_in(direct, {"x-real-ip": "6.6.6.6", "x-forwarded-for": "6.6.6.6"})
    assert await recorded(api, peer, "6.6.6.6") == [peer]


async def test_the_gateway_s_x_real_ip_is_recorded_never_x_forwarded_for(api: Any) -> None:
    # The test client connects from 127.0.0.1: the default gateway network.
    real = f"198.18.{uuid.uuid4().bytes[0]}.{uuid.uuid4().bytes[0] % 254 + 1}"
    await failed_sign_in(api.client, {"x-real-ip": real, "x-forwarded-for": "7.7.7.7"})
    assert await recorded(api, real, "7.7.7.7") == [real]
