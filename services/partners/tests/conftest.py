"""Fixtures for the partners tests: one app (real PostgreSQL + RabbitMQ) for the session with
an injected clock, a real HTTP receiver playing the partners, tokens, a superuser connection."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from services.partners.tests.receiver import Receiver, start

from common.testing.tokens import TokenIssuer
from partners.bootstrap import Wiring
from partners.entrypoints.api.app import create_app
from partners.service_layer.sender import Sender
from partners.settings import Settings

TIMEOUT_S = 1.0


class FakeClock:
    """The service's clock: starts at the real now, moves only when told."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    server = start(found)
    yield found
    server.shutdown()


@pytest.fixture(scope="session")
async def partners_app(
    test_database: Any, make_settings: Callable[..., Any], app_client: Any, clock: FakeClock
) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    await test_database.migrate("partners")
    settings = make_settings(
        Settings,
        sender_interval_s=0,  # the tests run the sender themselves, round by round
        postback_timeout_s=TIMEOUT_S,
        postback_backoff_base_s=10,
        postback_backoff_cap_s=60,
        postback_give_up_after_s=3600,
        consumer_max_attempts=3,
    )
    app = create_app(settings, clock=clock)
    async with app_client(app) as client:
        consumer = app.state.runtime.consumer

        async def consuming() -> bool:
            return consumer.queues is not None

        await eventually(consuming)  # its queue is bound: nothing published from now is lost
        yield app, client


@pytest.fixture(scope="session")
def api(partners_app: tuple[Any, httpx.AsyncClient]) -> httpx.AsyncClient:
    return partners_app[1]


@pytest.fixture(scope="session")
def wiring(partners_app: tuple[Any, httpx.AsyncClient]) -> Wiring:
    wired = partners_app[0].state.wiring
    assert isinstance(wired, Wiring)
    return wired


@pytest.fixture(scope="session")
def sender(wiring: Wiring) -> Sender:
    assert wiring.sender is not None
    wiring.sender.rand = lambda: 0.5  # a known point of the full-jitter range
    return wiring.sender


@pytest.fixture(scope="session")
def admin(token_issuer: TokenIssuer) -> dict[str, str]:
    token = token_issuer.issue(role="admin", user_id=uuid.uuid4(), ttl_s=3600)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def user(token_issuer: TokenIssuer) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_issuer.issue(role='user', ttl_s=3600)}"}


@pytest.fixture(scope="session")
async def pg(test_database: Any, partners_app: Any) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(test_database.admin_dsn)
    yield conn
    await conn.close()


async def eventually(
    check: Callable[[], Any], *, timeout_s: float = 15.0, interval_s: float = 0.1
) -> Any:
    """Poll an async check until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        found = await check()
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval_s)
