"""Shared gateway fixtures: a real events upstream served by uvicorn on a free local port."""

from __future__ import annotations

import asyncio
import functools
import socket
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from services.gateway.tests.live_stream import StreamGateway, running_gateway

from events.entrypoints.api.app import create_app as create_events_app
from events.settings import Settings as EventsSettings
from gateway.entrypoints.api.app import create_app as create_gateway_app
from gateway.settings import Settings as GatewaySettings

# Nothing listens on these ports: connecting is refused at once.
DOWN_AUTH = "http://127.0.0.1:1"
DOWN_BETS = "http://127.0.0.1:2"
DOWN_WALLET = "http://127.0.0.1:3"
DOWN_NOTIFICATIONS = "http://127.0.0.1:4"
DOWN_PARTNERS = "http://127.0.0.1:5"


@dataclass
class Upstream:
    url: str
    server: uvicorn.Server


@asynccontextmanager
async def serve(app: FastAPI) -> AsyncIterator[Upstream]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]), name=f"upstream-{port}")
    try:
        async with asyncio.timeout(10):
            while not server.started:
                assert not task.done(), "the upstream exited while starting"
                await asyncio.sleep(0.02)
        yield Upstream(f"http://127.0.0.1:{port}", server)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


@pytest.fixture(scope="session")
async def events_upstream(test_database: Any, make_settings: Any) -> AsyncIterator[Upstream]:
    """The real events app, with echo routes to see what arrives and a slow one."""
    await test_database.migrate("events")
    app = create_events_app(make_settings(EventsSettings))

    async def seen(request: Request) -> dict[str, Any]:
        return {
            "path": request.url.path,
            "method": request.method,
            "query": sorted(request.query_params.multi_items()),
            "request_id": request.headers.get("x-request-id"),
            "forwarded_for": request.headers.get("x-forwarded-for"),
            "real_ip": request.headers.get("x-real-ip"),
            "headers": dict(request.headers),
            "authorization": request.headers.get("authorization"),
            "body_length": len(await request.body()),
        }

    hidden: dict[str, Any] = {"include_in_schema": False}
    app.add_api_route("/api/events/_echo/{rest:path}", seen, methods=["GET", "POST"], **hidden)
    app.add_api_route("/api/events/admin/_echo", seen, methods=["GET", "POST"], **hidden)

    @app.delete("/api/events/_gone/now", status_code=204, include_in_schema=False)
    async def gone() -> None:
        return None

    @app.get("/api/events/_slow/{seconds}", include_in_schema=False)
    async def slow(seconds: float) -> dict[str, bool]:
        await asyncio.sleep(seconds)
        return {"slept": True}

    async with serve(app) as upstream:
        await app.state.runtime.broker.wait_connected(10)
        async with asyncio.timeout(10):  # consumers declared too: the upstream is fully ready
            while not all((await app.state.runtime.readiness()).values()):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        yield upstream


# auth's per-IP sign-in lock-out trips after this many failures (the client-address tests).
AUTH_IP_MAX_FAILURES = 3


@pytest.fixture(scope="session")
async def auth_upstream(test_database: Any, make_settings: Any) -> AsyncIterator[Upstream]:
    """The real auth app (cheap argon2), trusting the default gateway network (loopback)."""
    # Imported here: only the tests that go through to auth depend on it.
    from auth.entrypoints.api.app import create_app as create_auth_app
    from auth.settings import Settings as AuthSettings

    await test_database.migrate("auth")
    settings = make_settings(
        AuthSettings,
        argon2_time_cost=1,
        argon2_memory_kib=64,
        signin_ip_max_failures=AUTH_IP_MAX_FAILURES,
        signin_account_max_failures=100,
    )
    async with serve(create_auth_app(settings)) as upstream:
        yield upstream


@pytest.fixture(scope="session")
async def wallet_upstream(test_database: Any, make_settings: Any) -> AsyncIterator[Upstream]:
    """The real wallet app (no background workers), trusting the default gateway network."""
    from wallet.entrypoints.api.app import create_app as create_wallet_app
    from wallet.settings import Settings as WalletSettings

    await test_database.migrate("wallet")
    async with serve(create_wallet_app(make_settings(WalletSettings, run_workers=False))) as up:
        yield up


GatewayFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def gateway_factory(events_upstream: Upstream, make_settings: Any, app_client: Any) -> Any:
    """``async with gateway_factory(**settings) as client``: a gateway app over the upstreams."""

    @asynccontextmanager
    async def build(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        values: dict[str, Any] = {
            "auth_url": DOWN_AUTH,
            "events_url": events_upstream.url,
            "bets_url": DOWN_BETS,
            "wallet_url": DOWN_WALLET,
            "notifications_url": DOWN_NOTIFICATIONS,
            "partners_url": DOWN_PARTNERS,
            "upstream_timeout_s": 5.0,
            "metrics_port": 0,  # an ephemeral port of its own: gateways in one process coexist
            # The API alone, whether or not web/dist was built on this machine (test_web_app.py
            # gives its own build).
            "web_dist_dir": "/nonexistent/looseline-web-dist",
            **overrides,
        }
        app = create_gateway_app(make_settings(GatewaySettings, **values))
        async with app_client(app) as client:
            _METRICS_URLS[client] = f"http://127.0.0.1:{app.state.metrics.port}/metrics"
            yield client

    return build


# A gateway client → its app's metrics listener (its own port, not the public one).
_METRICS_URLS: weakref.WeakKeyDictionary[httpx.AsyncClient, str] = weakref.WeakKeyDictionary()


@pytest.fixture
def scrape() -> Callable[[httpx.AsyncClient], Awaitable[str]]:
    """``await scrape(gateway)``: the Prometheus text from that gateway's metrics port."""

    async def get(gateway: httpx.AsyncClient) -> str:
        async with httpx.AsyncClient() as http:
            answer = await http.get(_METRICS_URLS[gateway])
        assert answer.status_code == 200
        return answer.text

    return get


@pytest.fixture
async def gateway(gateway_factory: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with gateway_factory() as client:
        yield client


@pytest.fixture
def serve_app() -> Callable[[FastAPI], AbstractAsyncContextManager[Upstream]]:
    """``async with serve_app(app) as served``: the app on a free port over real HTTP."""
    return serve


@pytest.fixture
def stream_gateway(make_settings: Any, events_upstream: Upstream, serve_app: Any) -> StreamGateway:
    """``async with stream_gateway(**settings) as (http, hub)``: a gateway served over real
    HTTP, its live stream consuming the bus, and a client for it."""
    return functools.partial(running_gateway, make_settings, events_upstream, serve_app)
