"""JWT at the edge: public routes open, everything else verified; admin routes need admin."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from redis.asyncio import Redis

from common.auth.revocation import RevocationList
from common.testing.tokens import TokenIssuer, forge_token
from gateway.access import is_admin_route, is_public

PROTECTED = "/api/events/_echo/private"


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_valid_token_is_forwarded_with_request_id(
    gateway: httpx.AsyncClient, token_issuer: TokenIssuer
) -> None:
    token = token_issuer.issue()
    answer = await gateway.post(
        PROTECTED, json={"a": 1}, headers={**bearer(token), "x-request-id": "gw-access-1"}
    )
    assert answer.status_code == 200, answer.text
    seen = answer.json()
    assert seen["authorization"] == f"Bearer {token}"  # the original token, unchanged
    assert seen["request_id"] == "gw-access-1"
    assert seen["method"] == "POST"


def _bad_tokens(issuer: TokenIssuer) -> dict[str, str | None]:
    other = TokenIssuer()
    return {
        "missing": None,
        "garbage": "not-a-jwt",
        "expired": issuer.issue(ttl_s=-3600),
        "wrong_audience": issuer.issue(audience="someone-else"),
        "wrong_issuer": issuer.issue(issuer="someone-else"),
        "unknown_key": other.issue(),
        "tampered": issuer.issue()[:-4] + "AAAA",
    }


@pytest.mark.parametrize(
    "case",
    ["missing", "garbage", "expired", "wrong_audience", "wrong_issuer", "unknown_key", "tampered"],
)
async def test_bad_tokens_are_401_in_error_shape(
    gateway: httpx.AsyncClient, token_issuer: TokenIssuer, case: str
) -> None:
    token = _bad_tokens(token_issuer)[case]
    answer = await gateway.post(PROTECTED, headers=bearer(token) if token else {})
    assert answer.status_code == 401, answer.text
    assert answer.json()["error"]["code"] == "auth.invalid_token"
    assert answer.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("kind", ["none", "hmac_with_public_key"])
async def test_forged_algorithms_are_401(
    gateway: httpx.AsyncClient, token_issuer: TokenIssuer, kind: str
) -> None:
    claims = token_issuer.claims()
    if kind == "none":
        token = forge_token(claims, alg="none", kid=token_issuer.kid)
    else:
        token = forge_token(
            claims, alg="HS256", kid=token_issuer.kid, secret=token_issuer.public_key_pem
        )
    answer = await gateway.post(PROTECTED, headers=bearer(token))
    assert answer.status_code == 401


async def test_user_token_on_admin_route_is_403_admin_passes(
    gateway: httpx.AsyncClient, token_issuer: TokenIssuer
) -> None:
    user = await gateway.get("/api/events/admin/_echo", headers=bearer(token_issuer.issue()))
    assert user.status_code == 403
    assert user.json()["error"]["code"] == "auth.admin_required"
    admin = await gateway.get(
        "/api/events/admin/_echo", headers=bearer(token_issuer.issue(role="admin"))
    )
    assert admin.status_code == 200, admin.text


async def test_public_event_reads_need_no_token(gateway: httpx.AsyncClient) -> None:
    answer = await gateway.get("/api/events/_echo/x")
    assert answer.status_code == 200
    assert (await gateway.get("/api/events/sports")).status_code == 200


async def test_the_bet_slip_calculation_passes_without_a_token_and_stays_rate_limited(
    gateway_factory: Any, serve_app: Any
) -> None:
    """Issue #25: an anonymous visitor's slip reaches bets (a stand-in that echoes what arrives);
    no other bets route does, and the per-IP limit counts it like any public route."""
    bets = FastAPI()

    @bets.get("/api/bets/calculate")
    async def calculate(request: Request) -> dict[str, Any]:
        return {
            "query": str(request.url.query),
            "authorization": request.headers.get("authorization"),
        }

    ip = {"x-forwarded-for": f"192.0.2.{uuid.uuid4().int % 250 + 1}"}
    limits = {"rate_limit_per_ip": 2, "rate_limit_window_s": 30.0, "trusted_proxies": "127.0.0.1"}
    async with serve_app(bets) as upstream, gateway_factory(bets_url=upstream.url, **limits) as gw:
        query = "bet_amount=100&coefficient=1.85&coefficient=2.10"
        answer = await gw.get(f"/api/bets/calculate?{query}", headers=ip)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"query": query, "authorization": None}
        # The second of two per window; the third is refused at the edge.
        assert (await gw.get(f"/api/bets/calculate?{query}", headers=ip)).status_code == 200
        refused = await gw.get(f"/api/bets/calculate?{query}", headers=ip)
        assert (refused.status_code, refused.json()["error"]["code"]) == (429, "rate_limited")
        other_ip = {"x-forwarded-for": "198.51.100.7"}
        for method, path in (("POST", "/api/bets/calculate"), ("GET", "/api/bets/history")):
            closed = await gw.request(method, path, headers=other_ip)
            assert (closed.status_code, closed.json()["error"]["code"]) == (
                401,
                "auth.invalid_token",
            )


def test_public_route_table() -> None:
    assert is_public("POST", "/api/auth/sign-in")
    assert is_public("POST", "/api/auth/verify-email/resend")
    assert is_public("GET", "/api/auth/google/callback")
    assert is_public("GET", "/api/auth/.well-known/jwks.json")
    assert is_public("GET", "/api/events")
    assert is_public("GET", "/api/events/by-sport/football")
    assert is_public("POST", "/api/webhook/stripe")
    assert is_public("GET", "/api/bets/calculate")
    assert not is_public("POST", "/api/bets/calculate")
    assert not is_public("GET", "/api/bets/calculate/x")
    assert not is_public("GET", "/api/bets/history")
    assert not is_public("GET", "/api/bets/admin/bets")
    assert not is_public("POST", "/api/auth/sign-out")
    assert not is_public("GET", "/api/auth/session")
    assert not is_public("POST", "/api/events")  # event admin writes
    assert not is_public("GET", "/api/events/admin/x")
    assert not is_public("GET", "/api/wallet/balance")
    assert is_admin_route("/api/wallet/admin/withdrawals")
    assert not is_admin_route("/api/wallet/balance")


def test_the_second_step_of_a_sign_in_and_avatars_need_no_bearer() -> None:
    # A provider sign-in with 2-FA has no token yet; an <img> cannot send one.
    assert is_public("POST", "/api/auth/2fa/verify")
    assert not is_public("POST", "/api/auth/2fa/setup")
    assert not is_public("POST", "/api/auth/2fa/disable")
    assert is_public("GET", "/api/auth/avatars/5f0c7a1e/3b1d.webp")
    assert not is_public("PUT", "/api/auth/avatars/5f0c7a1e/3b1d.webp")
    assert not is_public("GET", "/api/auth/avatars/5f0c7a1e/a/b")


def test_report_downloads_pass_without_a_bearer_and_nothing_else_of_reports_does() -> None:
    download = "/api/wallet/reports/5f0c7a1e-4d7e-4a63-9d36-1f4c2b7d9e10/download"
    assert is_public("GET", download)
    assert is_public("HEAD", download)
    assert not is_public("POST", download)
    assert not is_public("GET", "/api/wallet/reports")
    assert not is_public("GET", "/api/wallet/reports/5f0c7a1e-4d7e-4a63-9d36-1f4c2b7d9e10")
    assert not is_public("GET", "/api/wallet/reports/a/b/download")
    assert not is_public("POST", "/api/wallet/export")
    assert not is_public("GET", "/api/wallet/statements/2026/11")


async def test_signed_out_session_is_401_within_a_second_on_every_instance(
    gateway_factory: Any, token_issuer: TokenIssuer, infrastructure: Any, redis_prefix: str
) -> None:
    session_id = uuid.uuid4()
    token = token_issuer.issue(session_id=session_id)
    async with gateway_factory() as first, gateway_factory() as second:
        for instance in (first, second):
            assert (await instance.post(PROTECTED, headers=bearer(token))).status_code == 200
        # Sign-out as auth does it: the sid goes onto the shared deny-list in Redis.
        redis = Redis.from_url(infrastructure.redis_url)
        try:
            revocations = RevocationList(redis, prefix=redis_prefix, grace_s=30)
            await revocations.revoke(session_id, until=datetime.now(UTC) + timedelta(minutes=15))
        finally:
            await redis.aclose()
        signed_out_at = time.monotonic()
        for instance in (first, second):
            while True:
                answer = await instance.post(PROTECTED, headers=bearer(token))
                if answer.status_code == 401 or time.monotonic() - signed_out_at > 1:
                    break
                await asyncio.sleep(0.05)
            assert answer.status_code == 401
            assert answer.json()["error"]["code"] == "auth.session_revoked"
        assert time.monotonic() - signed_out_at < 1


def test_partner_postbacks_pass_without_a_bearer_and_the_partners_admin_does_not() -> None:
    # A partner's server signs its postback (HMAC, checked by the partners service); it has no
    # user's token. Everything else of partners and notifications needs one.
    assert is_public("POST", "/api/postback/1win")
    assert is_public("GET", "/api/postback/health")
    assert not is_public("GET", "/api/postback/1win")
    assert not is_public("POST", "/api/postback/1win/extra")
    assert not is_public("POST", "/api/postback/" + "x" * 65)
    assert not is_public("GET", "/api/partners/admin/partners")
    assert not is_public("POST", "/api/partners/admin/partners/1win/test-postback")
    assert is_admin_route("/api/partners/admin/partners")
    assert not is_public("GET", "/api/notifications/preferences")
    assert is_admin_route("/api/notifications/admin/deliveries")
