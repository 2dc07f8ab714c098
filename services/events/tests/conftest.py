"""Fixtures for the events tests: one app (real PostgreSQL + RabbitMQ) for the session, a tap
on the test exchange, tokens, a superuser connection for assertions."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import aio_pika
import asyncpg
import httpx
import pytest

from common.messaging.envelope import Envelope
from common.testing.broker import BrokerNamespace
from common.testing.tokens import TokenIssuer
from events.entrypoints.api.app import create_app
from events.settings import Settings

FEED_SECRET = "test-feed-secret-0123456789abcdef0123456789"


class Tap:
    """Every message the relay publishes on the test exchange (a queue bound to ``#``)."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    def of(self, type_: str, **payload: Any) -> list[Envelope]:
        return [
            e
            for e in self.envelopes
            if e.type == type_ and all(e.payload.get(k) == v for k, v in payload.items())
        ]

    async def wait_for(
        self, type_: str, count: int = 1, timeout_s: float = 10.0, **payload: Any
    ) -> list[Envelope]:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while len(found := self.of(type_, **payload)) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{count} x {type_} {payload} not published: {found}")
            await asyncio.sleep(0.05)
        return found


@pytest.fixture(scope="session")
async def tap(broker_namespace: BrokerNamespace) -> AsyncIterator[Tap]:
    connection = await aio_pika.connect(broker_namespace.url)
    channel = await connection.channel()
    exchange = await channel.declare_exchange(
        broker_namespace.exchange_name, aio_pika.ExchangeType.TOPIC, durable=True
    )
    name = f"{broker_namespace.queue_prefix}events-tap.{uuid.uuid4().hex[:6]}"
    broker_namespace.track(name)
    queue = await channel.declare_queue(name, auto_delete=True)
    await queue.bind(exchange, routing_key="#")
    result = Tap()

    async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        result.envelopes.append(Envelope.model_validate_json(message.body))
        await message.ack()

    await queue.consume(on_message)
    yield result
    await connection.close()


@pytest.fixture(scope="session")
async def events_app(
    test_database: Any, make_settings: Callable[..., Any], app_client: Any, tap: Tap
) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    await test_database.migrate("events")
    app = create_app(make_settings(Settings, feed_secret=FEED_SECRET))
    async with app_client(app) as client:
        yield app, client


@pytest.fixture(scope="session")
def api(events_app: tuple[Any, httpx.AsyncClient]) -> httpx.AsyncClient:
    return events_app[1]


@pytest.fixture(scope="session")
def admin_id() -> uuid.UUID:
    return uuid.uuid4()


@pytest.fixture(scope="session")
def admin(token_issuer: TokenIssuer, admin_id: uuid.UUID) -> dict[str, str]:
    token = token_issuer.issue(role="admin", user_id=admin_id, ttl_s=3600)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def user(token_issuer: TokenIssuer) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_issuer.issue(role='user', ttl_s=3600)}"}


@pytest.fixture(scope="session")
async def pg(test_database: Any, events_app: Any) -> AsyncIterator[asyncpg.Connection]:
    """Superuser connection on the test database, for assertions on the events schema."""
    conn = await asyncpg.connect(test_database.admin_dsn)
    yield conn
    await conn.close()
