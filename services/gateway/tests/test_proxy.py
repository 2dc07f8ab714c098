"""The gateway over real HTTP: a real events upstream served by uvicorn, down upstreams refused."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import Request

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


@pytest.fixture(scope="module")
async def events_upstream(test_database: Any, make_settings: Any) -> AsyncIterator[Upstream]:
    """The real events app on a free 127.0.0.1 port, with one echo route to see what arrives."""
    await test_database.migrate("events")
    app = create_events_app(make_settings(EventsSettings))

    @app.get("/api/events/_echo/{rest:path}")
    async def echo(request: Request, rest: str) -> dict[str, Any]:
        return {
            "path": request.url.path,
            "query": sorted(request.query_params.multi_items()),
            "request_id": request.headers.get("x-request-id"),
            "forwarded_for": request.headers.get("x-forwarded-for"),
        }

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve(sockets=[sock]), name="events-upstream")
    try:
        async with asyncio.timeout(10):
            while not server.started:
                assert not task.done(), "the events upstream exited while starting"
                await asyncio.sleep(0.02)
        await app.state.runtime.broker.wait_connected(10)
        async with asyncio.timeout(10):  # consumers declared too: the upstream is fully ready
            while not all((await app.state.runtime.readiness()).values()):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        yield Upstream(f"http://127.0.0.1:{port}", server)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        sock.close()


@pytest.fixture
async def gateway(
    events_upstream: Upstream, make_settings: Any, app_client: Any
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        GatewaySettings,
        auth_url=DOWN_AUTH,
        events_url=events_upstream.url,
        bets_url=DOWN_BETS,
        wallet_url=DOWN_WALLET,
        upstream_timeout_s=5.0,
    )
    async with app_client(create_gateway_app(settings)) as client:
        yield client


async def test_upstream_404_reaches_client_in_error_shape_with_request_id(
    gateway: httpx.AsyncClient,
) -> None:
    request_id = f"gw-test-{uuid.uuid4().hex}"
    answer = await gateway.get("/api/events/no/such/thing", headers={"x-request-id": request_id})
    assert answer.status_code == 404
    # The upstream's own 404 ("Not Found"), not the gateway's "No such API path."
    assert answer.json() == {
        "error": {"code": "not_found", "message": "Not Found", "details": None}
    }
    assert answer.headers["x-request-id"] == request_id


async def test_path_query_and_request_id_are_forwarded_to_upstream(
    gateway: httpx.AsyncClient,
) -> None:
    request_id = f"gw-test-{uuid.uuid4().hex}"
    answer = await gateway.get(
        "/api/events/_echo/a/b",
        params=[("sport", "football"), ("sport", "tennis"), ("live", "1")],
        headers={"x-request-id": request_id},
    )
    assert answer.status_code == 200, answer.text
    seen = answer.json()
    assert seen["path"] == "/api/events/_echo/a/b"
    assert seen["query"] == [["live", "1"], ["sport", "football"], ["sport", "tennis"]]
    assert seen["request_id"] == request_id
    assert seen["forwarded_for"]  # the gateway names the client it saw
    assert answer.headers["x-request-id"] == request_id


async def test_health_is_503_with_upstreams_map_when_some_are_down(
    gateway: httpx.AsyncClient, events_upstream: Upstream
) -> None:
    answer = await gateway.get("/health")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "degraded"
    # keyed by service name: internal addresses are not published
    assert body["upstreams"] == {"auth": False, "bets": False, "events": True, "wallet": False}


async def test_unknown_api_prefix_is_404_in_error_shape(gateway: httpx.AsyncClient) -> None:
    answer = await gateway.get("/api/nothing/here")
    assert answer.status_code == 404
    assert answer.json() == {
        "error": {"code": "not_found", "message": "No such API path.", "details": None}
    }


async def test_down_upstream_is_503_upstream_unavailable(gateway: httpx.AsyncClient) -> None:
    answer = await gateway.post("/api/bets/place", json={"stake": "10.00"})
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "upstream_unavailable"


async def test_gateway_ready_without_database_or_broker(gateway: httpx.AsyncClient) -> None:
    answer = await gateway.get("/health/ready")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "checks": {}}


@pytest.mark.parametrize(
    "path",
    [
        "/api/events/..%2F..%2Fapi%2Fwallet%2Fx",
        "/api/events/%2e%2e/wallet/x",
        "/api/events/a%5Cb",
    ],
)
async def test_encoded_slashes_and_dot_segments_are_refused(
    gateway: httpx.AsyncClient, path: str
) -> None:
    # httpx would normalise a literal "/../" itself, so send the raw target as the client did.
    request = gateway.build_request("GET", "http://test")
    request.url = request.url.copy_with(raw_path=path.encode())
    answer = await gateway.send(request)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "bad_request"
