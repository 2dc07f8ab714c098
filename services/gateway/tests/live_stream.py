"""Reading the live stream over real HTTP: a served gateway, tickets, frames (the tests of
test_stream.py and test_stream_reality_check.py; the ``stream_gateway`` fixture opens one)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx

from common.messaging.envelope import Envelope
from gateway.entrypoints.api.app import create_app as create_gateway_app
from gateway.settings import Settings as GatewaySettings
from gateway.stream import StreamHub

Frame = dict[str, Any]
HEARTBEAT = ": heartbeat"
StreamGateway = Callable[..., AbstractAsyncContextManager[tuple[httpx.AsyncClient, StreamHub]]]


def envelope(producer: Any, type_: str, **payload: Any) -> Envelope:
    return Envelope(type=type_, version=1, producer=producer, payload=payload)


def odds_changed(event_id: uuid.UUID, coefficient: str = "1.95") -> Envelope:
    return envelope(
        "events",
        "OddsChanged",
        event_id=str(event_id),
        market_id=str(uuid.uuid4()),
        odds_id=str(uuid.uuid4()),
        market="match_winner",
        selection="home",
        old_coefficient="1.90",
        new_coefficient=coefficient,
        odds_version=2,
    )


@asynccontextmanager
async def running_gateway(
    make_settings: Any, events_upstream: Any, serve_app: Any, **overrides: Any
) -> AsyncIterator[tuple[httpx.AsyncClient, StreamHub]]:
    """A gateway served over real HTTP, its stream consuming the bus; a client for it."""
    settings = make_settings(GatewaySettings, events_url=events_upstream.url, **overrides)
    app = create_gateway_app(settings)
    async with serve_app(app) as served, httpx.AsyncClient(base_url=served.url) as http:
        hub: StreamHub = app.state.stream_hub
        await asyncio.wait_for(hub.ready.wait(), 10)
        yield http, hub


async def ticket_for(http: httpx.AsyncClient, token: str) -> str:
    issued = await http.post("/api/stream/ticket", headers={"authorization": f"Bearer {token}"})
    assert issued.status_code == 200, issued.text
    return str(issued.json()["ticket"])


@asynccontextmanager
async def private_stream(
    http: httpx.AsyncClient, token: str, **params: str
) -> AsyncIterator[httpx.Response]:
    """The user's own stream: a ticket for ``token``, then ``GET /api/stream`` with it."""
    ticket = await ticket_for(http, token)
    async with http.stream("GET", "/api/stream", params={"ticket": ticket, **params}) as response:
        yield response


async def subscribed(hub: StreamHub, count: int) -> None:
    """Wait until ``count`` clients are subscribed (their streams are open)."""
    async with asyncio.timeout(5):
        while hub.subscriber_count < count:  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def frames(response: httpx.Response, *, heartbeats: bool = False) -> AsyncIterator[Frame]:
    """Every frame; with ``heartbeats``, a heartbeat comment too, as ``{"event": HEARTBEAT}``."""
    frame: Frame = {}
    async for line in response.aiter_lines():
        if line == HEARTBEAT:
            if heartbeats:
                yield {"event": line}
        elif not line:
            if "event" in frame:
                yield frame
            frame = {}
        elif line.startswith("id: "):
            frame["id"] = line[4:]
        elif line.startswith("event: "):
            frame["event"] = line[7:]
        elif line.startswith("data: "):
            frame["data"] = json.loads(line[6:])


async def collect(
    response: httpx.Response,
    done: Callable[[list[Frame]], bool],
    *,
    heartbeats: bool = False,
    timeout_s: float = 10,
) -> list[Frame]:
    """The frames read until ``done(frames so far)``; an AssertionError if the stream ends first."""
    seen: list[Frame] = []
    async with asyncio.timeout(timeout_s):
        async for frame in frames(response, heartbeats=heartbeats):
            seen.append(frame)
            if done(seen):
                return seen
    raise AssertionError(f"the stream ended early: {seen}")


def counted(event: str, count: int) -> Callable[[list[Frame]], bool]:
    """For :func:`collect`: done once ``count`` frames of ``event`` came."""
    return lambda seen: sum(frame["event"] == event for frame in seen) >= count


async def read_until(response: httpx.Response, marker: str) -> list[Frame]:
    """The frames up to and with the one whose id is ``marker``."""
    return await collect(response, lambda seen: seen[-1].get("id") == marker)
