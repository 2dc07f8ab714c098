"""Shared gateway fixtures: a real events upstream served by uvicorn on a free local port."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request

from events.entrypoints.api.app import create_app as create_events_app
from events.settings import Settings as EventsSettings
from gateway.entrypoints.api.app import create_app as create_gateway_app
from gateway.settings import Settings as GatewaySettings

# Nothing listens on these ports: connecting is refused at once.
DOWN_AUTH = "http://127.0.0.1:1"
DOWN_BETS = "http://127.0.0.1:2"
DOWN_WALLET = "http://127.0.0.1:3"


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
            "upstream_timeout_s": 5.0,
            **overrides,
        }
        async with app_client(create_gateway_app(make_settings(GatewaySettings, **values))) as c:
            yield c

    return build


@pytest.fixture
async def gateway(gateway_factory: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with gateway_factory() as client:
        yield client


@pytest.fixture
def serve_app() -> Callable[[FastAPI], AbstractAsyncContextManager[Upstream]]:
    """``async with serve_app(app) as served``: the app on a free port over real HTTP."""
    return serve
