"""CORS for configured origins only; security headers on every answer; HSTS behind TLS."""

from __future__ import annotations

from typing import Any

ALLOWED = "https://app.looseline.test"


async def test_preflight_allowed_for_configured_origin_refused_for_another(
    gateway_factory: Any,
) -> None:
    async with gateway_factory(cors_origins=ALLOWED) as gateway:
        preflight = {
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        }
        ok = await gateway.options("/api/bets/place", headers={"origin": ALLOWED, **preflight})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == ALLOWED
        assert "authorization" in ok.headers["access-control-allow-headers"].lower()

        evil = await gateway.options(
            "/api/bets/place", headers={"origin": "https://evil.test", **preflight}
        )
        assert evil.status_code == 400
        assert "access-control-allow-origin" not in evil.headers

        simple = await gateway.get("/api/events/_echo/c", headers={"origin": ALLOWED})
        assert simple.headers["access-control-allow-origin"] == ALLOWED
        other = await gateway.get("/api/events/_echo/c", headers={"origin": "https://evil.test"})
        assert "access-control-allow-origin" not in other.headers


async def test_no_cors_without_configured_origins(gateway: Any) -> None:
    answer = await gateway.get("/api/events/_echo/c", headers={"origin": ALLOWED})
    assert "access-control-allow-origin" not in answer.headers


async def test_security_headers_on_every_answer(gateway: Any) -> None:
    for path in ("/api/events/_echo/h", "/api/nothing", "/health/live"):
        answer = await gateway.get(path)
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert "strict-transport-security" not in answer.headers


async def test_hsts_only_when_a_trusted_proxy_says_https(gateway_factory: Any) -> None:
    async with gateway_factory(trusted_proxies="127.0.0.1") as trusting:
        answer = await trusting.get("/health/live", headers={"x-forwarded-proto": "https"})
        assert answer.headers["strict-transport-security"].startswith("max-age=")
    async with gateway_factory() as untrusting:
        answer = await untrusting.get("/health/live", headers={"x-forwarded-proto": "https"})
        assert "strict-transport-security" not in answer.headers
