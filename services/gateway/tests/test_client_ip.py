"""The client's address: resolved once by the gateway from its trusted proxies, sent upstream as
``X-Real-IP`` only, and the one address auth and wallet record and throttle (ARCHITECTURE.md §9).
"""

from __future__ import annotations

import uuid
from typing import Any

from services.wallet.tests.support.ledger import method_body
from sqlalchemy import text

from common.db import create_engine
from common.testing.tokens import TokenIssuer

# services/gateway/tests/conftest.py: auth_upstream's per-IP lock-out threshold.
AUTH_IP_MAX_FAILURES = 3


def new_ip() -> str:
    """A client address of the test's own (198.18.0.0/15, the benchmarking range)."""
    a, b = uuid.uuid4().bytes[:2]
    return f"198.{18 + a % 2}.{b}.{a % 254 + 1}"


# Headers a client may send to pass itself off as someone else.
FORGED = {
    "x-real-ip": "6.6.6.6",
    "forwarded": "for=6.6.6.6;proto=https",
    "true-client-ip": "6.6.6.6",
    "x-client-ip": "6.6.6.6",
    "cf-connecting-ip": "6.6.6.6",
    "x-forwarded-host": "evil.example",
    "x-forwarded-proto": "https",
}


# --- the gateway ------------------------------------------------------------------------------


async def test_only_the_resolved_address_reaches_the_upstream(gateway_factory: Any) -> None:
    real = new_ip()
    async with gateway_factory(trusted_proxies="127.0.0.1") as gateway:
        headers = {**FORGED, "x-forwarded-for": f"1.2.3.4, {real}"}
        answer = await gateway.get("/api/events/_echo/ip", headers=headers)
    assert answer.status_code == 200, answer.text
    seen = answer.json()
    assert seen["real_ip"] == real
    assert seen["forwarded_for"] is None  # services read X-Real-IP alone
    leaked = {k: v for k, v in seen["headers"].items() if "6.6.6.6" in v or "1.2.3.4" in v}
    assert leaked == {}
    assert "forwarded" not in seen["headers"]
    assert "x-forwarded-proto" not in seen["headers"]


async def test_an_untrusted_peer_is_the_client_and_its_chain_is_ignored(
    gateway_factory: Any,
) -> None:
    async with gateway_factory() as gateway:  # no trusted proxy: the test client is the peer
        headers = {**FORGED, "x-forwarded-for": "1.2.3.4"}
        seen = (await gateway.get("/api/events/_echo/ip", headers=headers)).json()
    assert seen["real_ip"] == "127.0.0.1"


async def test_forged_left_entries_do_not_open_a_fresh_bucket(gateway_factory: Any) -> None:
    real = new_ip()
    limits = {"rate_limit_per_ip": 3, "rate_limit_window_s": 30.0}
    async with gateway_factory(trusted_proxies="127.0.0.1", **limits) as gateway:
        codes = [
            (
                await gateway.get(
                    "/api/events/_echo/rl", headers={"x-forwarded-for": f"1.2.3.{i}, {real}"}
                )
            ).status_code
            for i in range(1, 5)
        ]
    assert codes == [200, 200, 200, 429]


async def test_two_clients_behind_a_trusted_ingress_get_their_own_buckets(
    gateway_factory: Any,
) -> None:
    # The ingress (a CIDR: any of its pods) appends the client; the test client is the ingress.
    first, second = new_ip(), new_ip()
    settings = {
        "trusted_proxies": "127.0.0.0/8, 10.0.0.0/8",
        "rate_limit_strict": 2,
        "rate_limit_strict_window_s": 30.0,
    }

    def via_ingress(client: str) -> dict[str, str]:
        return {"x-forwarded-for": f"{client}, 10.1.2.3"}

    async with gateway_factory(**settings) as gateway:
        # auth is down in these tests: admitted requests get 503, refused ones 429.
        codes = [
            (await gateway.post("/api/auth/sign-in", json={}, headers=via_ingress(first)))
            for _ in range(3)
        ]
        assert [c.status_code for c in codes] == [503, 503, 429]
        other = await gateway.post("/api/auth/sign-in", json={}, headers=via_ingress(second))
        assert other.status_code == 503  # not locked out by the first client


# --- through the gateway to auth and wallet ----------------------------------------------------


async def audited_ips(test_database: Any, service: str, sql: str, **params: Any) -> list[str]:
    engine = create_engine(test_database.url_for(service), pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as conn:
            return [str(row[0]) for row in await conn.execute(text(sql), params)]
    finally:
        await engine.dispose()


async def test_auth_records_and_throttles_the_resolved_address_not_the_forged_one(
    gateway_factory: Any, auth_upstream: Any, test_database: Any
) -> None:
    real, neighbour = new_ip(), new_ip()
    settings = {"trusted_proxies": "127.0.0.1", "auth_url": auth_upstream.url}

    async def failed_sign_in(client: str, forged: str) -> int:
        answer = await gateway.post(
            "/api/auth/sign-in",
            json={"email": f"nobody-{uuid.uuid4().hex[:8]}@example.com", "password": "wrong-pw-1"},
            headers={**FORGED, "x-forwarded-for": f"{forged}, {client}"},
        )
        return answer.status_code

    async with gateway_factory(**settings) as gateway:
        # A fresh forged entry per request, each for another account: one real client.
        codes = [await failed_sign_in(real, f"1.2.3.{i}") for i in range(AUTH_IP_MAX_FAILURES + 1)]
        assert codes[: AUTH_IP_MAX_FAILURES - 1] == [401] * (AUTH_IP_MAX_FAILURES - 1)
        assert codes[-1] == 429  # auth's per-IP lock-out holds on the resolved address
        assert await failed_sign_in(neighbour, "1.2.3.1") == 401  # another client is not locked
    recorded = await audited_ips(
        test_database,
        "auth",
        "SELECT DISTINCT ip FROM auth.audit_event"
        " WHERE ip IN (:real, '1.2.3.1', '1.2.3.2', '1.2.3.3', '1.2.3.4', '6.6.6.6')",
        real=real,
    )
    assert recorded == [real]


async def test_wallet_audits_the_resolved_address_not_the_forged_one(
    gateway_factory: Any,
    wallet_upstream: Any,
    test_database: Any,
    token_issuer: TokenIssuer,
) -> None:
    real, user = new_ip(), uuid.uuid4()
    async with gateway_factory(trusted_proxies="127.0.0.1", wallet_url=wallet_upstream.url) as gw:
        added = await gw.post(
            "/api/wallet/withdrawal-methods",
            json=method_body(),
            headers={
                **FORGED,
                "x-forwarded-for": f"1.2.3.4, {real}",
                "authorization": f"Bearer {token_issuer.issue(user_id=user)}",
            },
        )
    assert added.status_code == 201, added.text
    recorded = await audited_ips(
        test_database,
        "wallet",
        "SELECT host(ip_address) FROM wallet.audit_log WHERE user_id = :user",
        user=user,
    )
    assert recorded == [real]
