"""Rate limits (Redis sliding window, shared by replicas) and the request body size limit."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from common.testing.tokens import TokenIssuer


def client_ip() -> dict[str, str]:
    """A client address of the test's own, as the trusted proxy (127.0.0.1) reports it."""
    a, b, c = uuid.uuid4().bytes[:3]
    # The rightmost hop that is not a trusted proxy is the client.
    return {"x-forwarded-for": f"192.0.2.99, 198.{a}.{b}.{c}"}


async def test_ip_limit_hits_429_with_retry_after_and_recovers(
    gateway_factory: Any, scrape: Any
) -> None:
    ip = client_ip()
    settings = {"rate_limit_per_ip": 3, "rate_limit_window_s": 1.0, "trusted_proxies": "127.0.0.1"}
    async with gateway_factory(**settings) as gateway:
        for _ in range(3):
            assert (await gateway.get("/api/events/_echo/rl", headers=ip)).status_code == 200
        refused = await gateway.get("/api/events/_echo/rl", headers=ip)
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused.headers["retry-after"] == "1"
        metrics = await scrape(gateway)
        assert 'looseline_gateway_rate_limited_total{bucket="ip"}' in metrics
        # another client is not affected
        assert (await gateway.get("/api/events/_echo/rl", headers=client_ip())).status_code == 200
        await asyncio.sleep(1.1)
        assert (await gateway.get("/api/events/_echo/rl", headers=ip)).status_code == 200


async def test_limit_holds_across_replicas(gateway_factory: Any, token_issuer: TokenIssuer) -> None:
    token = token_issuer.issue()
    headers = {"authorization": f"Bearer {token}"}
    limits = {"rate_limit_per_user": 2, "rate_limit_window_s": 5.0}
    async with gateway_factory(**limits) as first, gateway_factory(**limits) as second:
        assert (await first.post("/api/events/_echo/u", headers=headers)).status_code == 200
        assert (await second.post("/api/events/_echo/u", headers=headers)).status_code == 200
        third = await first.post("/api/events/_echo/u", headers=headers)
        assert third.status_code == 429
        assert 1 <= int(third.headers["retry-after"]) <= 5
        # Another user is not affected by this user's bucket.
        other = {"authorization": f"Bearer {token_issuer.issue()}"}
        assert (await second.post("/api/events/_echo/u", headers=other)).status_code == 200


async def test_sign_in_has_a_stricter_bucket(gateway_factory: Any) -> None:
    ip = client_ip()
    settings = {
        "rate_limit_strict": 2,
        "rate_limit_strict_window_s": 5.0,
        "trusted_proxies": "127.0.0.1",
    }
    async with gateway_factory(**settings) as gateway:
        # auth is down in these tests: admitted requests get 503, refused ones 429.
        codes = [
            (await gateway.post("/api/auth/sign-in", json={}, headers=ip)).status_code
            for _ in range(3)
        ]
        assert codes == [503, 503, 429]
        # other routes still pass for the same client
        assert (await gateway.get("/api/events/_echo/ok", headers=ip)).status_code == 200


@pytest.mark.parametrize(
    "route", ["reset-password", "verify-email", "verify-email/resend", "2fa/verify"]
)
async def test_emailed_code_routes_have_the_stricter_bucket(
    gateway_factory: Any, route: str
) -> None:
    ip = client_ip()
    settings = {
        "rate_limit_strict": 2,
        "rate_limit_strict_window_s": 5.0,
        "trusted_proxies": "127.0.0.1",
    }
    async with gateway_factory(**settings) as gateway:
        codes = [
            (await gateway.post(f"/api/auth/{route}", json={}, headers=ip)).status_code
            for _ in range(3)
        ]
    assert codes == [503, 503, 429]  # a 6-digit code is not guessed 10 a minute per address


async def test_oversized_body_is_413(gateway_factory: Any, token_issuer: TokenIssuer) -> None:
    headers = {"authorization": f"Bearer {token_issuer.issue()}"}
    async with gateway_factory(max_body_bytes=1000) as gateway:
        ok = await gateway.post("/api/events/_echo/b", content=b"x" * 1000, headers=headers)
        assert ok.status_code == 200
        assert ok.json()["body_length"] == 1000
        big = await gateway.post("/api/events/_echo/b", content=b"x" * 1001, headers=headers)
        assert big.status_code == 413
        assert big.json()["error"]["code"] == "payload_too_large"

        async def chunks() -> Any:  # no Content-Length: counted while streaming
            for _ in range(3):
                yield b"y" * 500

        streamed = await gateway.post("/api/events/_echo/b", content=chunks(), headers=headers)
        assert streamed.status_code == 413
