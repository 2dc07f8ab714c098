"""The gateway's side of back-pressure (issue 18): a full upstream pool is a 503 with
Retry-After (never a 504), an upstream's own 503 keeps its Retry-After, and the upstream
timeout outlasts the services' own waits (a slow bet is the service's answer, not a 504)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from common.errors import error_body
from gateway.settings import Settings

DEFAULT_BETS_WAIT_S = 2.0


def holding_upstream() -> tuple[FastAPI, asyncio.Event, asyncio.Event]:
    """An upstream whose /api/events/hold answers only once released (arrival is signalled)."""
    app = FastAPI()
    arrived, release = asyncio.Event(), asyncio.Event()

    @app.get("/api/events/hold")
    async def hold() -> dict[str, bool]:
        arrived.set()
        await release.wait()
        return {"held": True}

    @app.get("/api/events/busy")
    async def busy() -> JSONResponse:
        body = error_body("service_busy", "Busy, retry shortly.")
        return JSONResponse(body, status_code=503, headers={"Retry-After": "7"})

    return app, arrived, release


async def test_an_exhausted_upstream_pool_is_503_with_retry_after_not_504(
    gateway_factory: Any, serve_app: Any
) -> None:
    app, arrived, release = holding_upstream()
    async with (
        serve_app(app) as upstream,
        gateway_factory(
            events_url=upstream.url, upstream_max_connections=1, upstream_pool_wait_s=0.2
        ) as gateway,
    ):
        first = asyncio.create_task(gateway.get("/api/events/hold"))
        await asyncio.wait_for(arrived.wait(), 5)  # the one connection is now in use

        refused = await gateway.get("/api/events/hold")

        assert refused.status_code == 503
        assert refused.json()["error"]["code"] == "upstream_busy"
        assert refused.headers["retry-after"] == "1"
        release.set()
        answered = await first
        assert answered.status_code == 200
        assert answered.json() == {"held": True}
        # The connection is free again: the next request goes through.
        assert (await gateway.get("/api/events/hold")).status_code == 200


async def test_an_upstreams_503_is_passed_through_with_its_retry_after(
    gateway_factory: Any, serve_app: Any
) -> None:
    app, _, _ = holding_upstream()
    async with serve_app(app) as upstream, gateway_factory(events_url=upstream.url) as gateway:
        answer = await gateway.get("/api/events/busy")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "7"
    assert answer.json()["error"]["code"] == "service_busy"


async def test_an_upstream_slower_than_the_bets_wait_is_answered_within_the_default_timeout(
    gateway_factory: Any,
) -> None:
    default_timeout_s = Settings.model_fields["upstream_timeout_s"].default
    slower = DEFAULT_BETS_WAIT_S + 0.5
    async with gateway_factory(upstream_timeout_s=default_timeout_s) as gateway:
        answer = await gateway.get(f"/api/events/_slow/{slower}")
    assert answer.status_code == 200
    assert answer.json() == {"slept": True}


def told(**values: Any) -> dict[str, Any]:
    """Settings values as the environment gives them (the bets wait under its own name)."""
    return values


def test_an_upstream_timeout_shorter_than_the_bets_wait_is_refused() -> None:
    with pytest.raises(ValidationError, match="GATEWAY_UPSTREAM_TIMEOUT_S"):
        Settings(**told(upstream_timeout_s=10, BETS_PLACEMENT_WAIT_S=10))
    allowed = Settings(**told(upstream_timeout_s=11, BETS_PLACEMENT_WAIT_S=10))
    assert allowed.upstream_timeout_s == 11


def test_production_refuses_an_upstream_timeout_inside_the_longest_bets_wait() -> None:
    production: dict[str, Any] = {
        "environment": "production",
        "rabbitmq_url": "amqps://gateway:s3cret-broker@mq:5671/",
        "redis_url": "rediss://:s3cret-redis@redis:6380/0",
        "jwt_jwks_url": "http://auth:8000/api/auth/.well-known/jwks.json",
        "trusted_proxies": "10.0.0.0/8",
        "metrics_port": 9090,
    }
    with pytest.raises(ValidationError, match="GATEWAY_UPSTREAM_TIMEOUT_S"):
        Settings(**production, upstream_timeout_s=10)
    assert Settings(**production).weak_secrets() == []
