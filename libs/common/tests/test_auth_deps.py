"""The HTTP edge: ``CurrentUser``/``AdminUser`` on an app built by ``create_app``, and the
runtime wiring every service gets from ``build_runtime``."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from fastapi import APIRouter, FastAPI

from common.app import create_app
from common.auth import (
    AdminUser,
    CurrentUser,
    StaticKeySource,
    TokenVerifier,
    VerificationUnavailable,
    VerifiedUser,
)
from common.runtime import build_runtime
from common.settings import CommonSettings, ServiceSettings
from common.testing.tokens import TokenIssuer

router = APIRouter()


@router.get("/me")
async def me(user: CurrentUser) -> dict[str, Any]:
    return {"user_id": str(user.user_id), "role": user.role}


@router.post("/admin/things")
async def admin_thing(admin: AdminUser) -> dict[str, Any]:
    return {"by": str(admin.user_id)}


@router.post("/stakes")
async def place_stake(user: VerifiedUser) -> dict[str, Any]:
    return {"by": str(user.user_id)}


class EdgeSettings(CommonSettings):
    service_name: ClassVar[str] = "edge"


class DomainProbeSettings(ServiceSettings):
    service_name: ClassVar[str] = "probe"


def edge_app(make_settings: Callable[..., Any], **overrides: Any) -> FastAPI:
    settings = make_settings(EdgeSettings, **overrides)
    return create_app(settings, build_runtime(settings), title="edge", routers=[router])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code


@pytest.mark.parametrize(
    "authorization",
    [None, "Basic x", "Bearer", "Bearer ", "Bearer a b", "Token abc", "Bearer not.a.jwt"],
)
async def test_missing_or_malformed_credentials_are_401(
    make_settings: Callable[..., Any], app_client: Any, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    async with app_client(edge_app(make_settings)) as client:
        response = await client.get("/me", headers=headers)
    assert_error(response, 401, "auth.invalid_token")


async def test_401_carries_a_bearer_challenge(
    make_settings: Callable[..., Any], app_client: Any
) -> None:
    async with app_client(edge_app(make_settings)) as client:
        response = await client.get("/me")
    assert response.headers.get("www-authenticate") == "Bearer"


async def test_valid_token_reaches_the_route(
    make_settings: Callable[..., Any], app_client: Any, token_issuer: TokenIssuer
) -> None:
    token = token_issuer.issue()
    async with app_client(edge_app(make_settings)) as client:
        response = await client.get("/me", headers=bearer(token))
        lower_case_scheme = await client.get("/me", headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200
    assert response.json()["role"] == "user"
    assert lower_case_scheme.status_code == 200


async def test_user_token_on_an_admin_route_is_403(
    make_settings: Callable[..., Any], app_client: Any, token_issuer: TokenIssuer
) -> None:
    async with app_client(edge_app(make_settings)) as client:
        response = await client.post("/admin/things", headers=bearer(token_issuer.issue()))
    assert_error(response, 403, "auth.admin_required")


async def test_admin_token_on_an_admin_route_is_200(
    make_settings: Callable[..., Any], app_client: Any, token_issuer: TokenIssuer
) -> None:
    token = token_issuer.issue(role="admin")
    async with app_client(edge_app(make_settings)) as client:
        response = await client.post("/admin/things", headers=bearer(token))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("claims", "status"),
    [({"email_verified": True}, 200), ({"email_verified": False}, 403), ({}, 403)],
)
async def test_money_routes_need_a_verified_email(
    make_settings: Callable[..., Any],
    app_client: Any,
    token_issuer: TokenIssuer,
    claims: dict[str, Any],
    status: int,
) -> None:
    omit = () if claims else ("email_verified",)
    token = token_issuer.issue(omit=omit, **claims)
    async with app_client(edge_app(make_settings)) as client:
        response = await client.post("/stakes", headers=bearer(token))
        reading = await client.get("/me", headers=bearer(token))
    assert reading.status_code == 200  # an unverified account may still read
    if status == 403:
        assert_error(response, 403, "account.unverified")
    else:
        assert response.status_code == 200


async def test_revoked_session_is_401_through_the_runtime_deny_list(
    make_settings: Callable[..., Any], app_client: Any, token_issuer: TokenIssuer
) -> None:
    app = edge_app(make_settings)
    token = token_issuer.issue(ttl_s=300)
    async with app_client(app) as client:
        principal = await app.state.runtime.token_verifier.verify(token)
        await app.state.runtime.revocations.revoke(principal.session_id, until=principal.expires_at)
        response = await client.get("/me", headers=bearer(token))
    assert_error(response, 401, "auth.session_revoked")


async def test_expired_and_foreign_tokens_are_401(
    make_settings: Callable[..., Any], app_client: Any, token_issuer: TokenIssuer
) -> None:
    stranger = TokenIssuer()  # not in this deployment's JWKS
    async with app_client(edge_app(make_settings)) as client:
        expired = await client.get("/me", headers=bearer(token_issuer.issue(ttl_s=-120)))
        foreign = await client.get("/me", headers=bearer(stranger.issue()))
    assert_error(expired, 401, "auth.invalid_token")
    assert_error(foreign, 401, "auth.invalid_token")


# runtime wiring ----------------------------------------------------------------------------
async def test_every_runtime_gets_redis_deny_list_and_verifier(
    make_settings: Callable[..., Any], test_database: Any, redis_prefix: str
) -> None:
    edge = build_runtime(make_settings(EdgeSettings))
    domain = build_runtime(
        make_settings(DomainProbeSettings, database_url=test_database.url_for("bets")),
        uses_broker=False,
    )
    for runtime in (edge, domain):
        assert isinstance(runtime.token_verifier, TokenVerifier)
        assert runtime.revocations is not None
        assert runtime.revocations.key(uuid.uuid4()).startswith(redis_prefix)
        assert runtime.redis is not None
        assert await runtime.redis.ping()
        await runtime.stop()


async def test_without_inline_jwks_the_runtime_fetches_the_jwks_url(
    make_settings: Callable[..., Any], token_issuer: TokenIssuer
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{closed.getsockname()[1]}/jwks.json"
    closed.close()
    runtime = build_runtime(make_settings(EdgeSettings, jwt_jwks=None, jwt_jwks_url=url))
    assert runtime.token_verifier is not None
    assert len(runtime.closers) == 1  # its pooled HTTP client, closed on stop

    with pytest.raises(VerificationUnavailable):  # fetched (and failed), not the inline keys
        await runtime.token_verifier.verify(token_issuer.issue())
    await runtime.stop()


async def test_a_service_may_bring_its_own_key_source(
    make_settings: Callable[..., Any], token_issuer: TokenIssuer
) -> None:
    own_issuer = TokenIssuer()
    runtime = build_runtime(
        make_settings(EdgeSettings), key_source=StaticKeySource(own_issuer.jwks)
    )
    assert runtime.token_verifier is not None
    principal = await runtime.token_verifier.verify(own_issuer.issue())
    assert principal.role == "user"
    await runtime.stop()


def test_settings_parse_the_algorithm_list(make_settings: Callable[..., Any]) -> None:
    settings = make_settings(EdgeSettings, jwt_algorithms=" EdDSA , RS256,")
    assert settings.jwt_algorithm_list == ("EdDSA", "RS256")
    assert json.loads(settings.jwt_jwks)["keys"]
