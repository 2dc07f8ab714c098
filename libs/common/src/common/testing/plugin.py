"""pytest plugin with the fixtures every service's tests reuse.

Loaded for the whole workspace by ``-p common.testing.plugin`` (root pyproject addopts).

- ``infrastructure``: real PostgreSQL/RabbitMQ/Redis URLs (see ``common.testing.infra``);
- ``test_database``: a fresh database for the session, every service's role and schema
  bootstrapped; ``await test_database.migrate("bets")`` applies that service's migrations;
- ``broker_namespace``: a RabbitMQ virtual host of the session's own, provisioned as a
  deployment is (exchanges, one user per service), deleted at the end; its ``publish()`` sends
  envelopes as their producers;
- ``token_issuer``: signs test access tokens; ``redis_prefix``: this session's Redis key prefix;
- ``make_settings(Settings, **overrides)``: a service's settings pointed at all of these (its
  verifier trusts ``token_issuer``'s key; it logs in to the bus as its own user);
- ``app_client(app)``: an httpx client over the ASGI app with its lifespan running.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, TypeVar

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis

from common.settings import CommonSettings
from common.testing.broker import BrokerNamespace
from common.testing.bus import BusTap, open_bus_tap
from common.testing.database import TestDatabase
from common.testing.infra import Infrastructure, InfrastructureMissing, discover
from common.testing.tokens import TokenIssuer

S = TypeVar("S", bound=CommonSettings)


@pytest.fixture(scope="session")
async def infrastructure() -> AsyncIterator[Infrastructure]:
    try:
        infra = await discover()
    except InfrastructureMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    yield infra
    infra.stop()


@pytest.fixture(scope="session")
async def test_database(infrastructure: Infrastructure) -> AsyncIterator[TestDatabase]:
    database = TestDatabase(infrastructure.postgres_admin_url)
    await database.create()
    yield database
    if not os.environ.get("KEEP_TEST_DATABASE"):
        await database.drop()


@pytest.fixture(scope="session")
async def broker_namespace(infrastructure: Infrastructure) -> AsyncIterator[BrokerNamespace]:
    namespace = BrokerNamespace(infrastructure.rabbitmq_url, infrastructure.rabbitmq_admin_url)
    await namespace.create()
    yield namespace
    await namespace.cleanup()


@pytest.fixture(scope="session")
def token_issuer() -> TokenIssuer:
    return TokenIssuer()


@pytest.fixture(scope="session")
async def redis_prefix(infrastructure: Infrastructure) -> AsyncIterator[str]:
    """A key prefix of this session's own, so tests never touch a dev deployment's keys."""
    prefix = f"looseline_test_{uuid.uuid4().hex[:12]}:"
    yield prefix
    await forget_redis_keys(infrastructure.redis_url, prefix)


async def forget_redis_keys(url: str, prefix: str) -> None:
    """Delete every key under ``prefix`` (a test run's own)."""
    client = Redis.from_url(url)
    try:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*", count=500)]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture(scope="session")
def make_settings(
    infrastructure: Infrastructure,
    test_database: TestDatabase,
    broker_namespace: BrokerNamespace,
    token_issuer: TokenIssuer,
    redis_prefix: str,
) -> Callable[..., Any]:
    def build(settings_class: type[S], **overrides: Any) -> S:
        service = settings_class.service_name
        broker_namespace.queue_names(service)
        values: dict[str, Any] = {
            "environment": "test",
            "log_json": True,
            "redis_url": infrastructure.redis_url,
            "redis_prefix": redis_prefix,
            "jwt_jwks": json.dumps(token_issuer.jwks),
            "exchange_name": broker_namespace.exchange_name,
            "queue_prefix": broker_namespace.queue_prefix,
            "outbox_poll_interval_s": 0.5,
            "consumer_retry_delay_ms": 200,
            "db_pool_size": 5,
        }
        if service in test_database.services:
            values["database_url"] = test_database.url_for(service)
        # Each service as its own broker user; a settings class of no real service (a probe in
        # common's tests) gets the administrator's login.
        values["rabbitmq_url"] = (
            broker_namespace.url_for(service)
            if service in broker_namespace.users
            else broker_namespace.url
        )
        values.update(overrides)
        return settings_class(**values)

    return build


@pytest.fixture(scope="session")
def app_client() -> Callable[[FastAPI], AbstractAsyncContextManager[httpx.AsyncClient]]:
    @asynccontextmanager
    async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
        async with app.router.lifespan_context(app):
            # Unhandled errors come back as the app's 500 answer, as a real client sees them.
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                yield http

    return client


@pytest.fixture(scope="session")
async def bus_tap(broker_namespace: BrokerNamespace) -> AsyncIterator[BusTap]:
    """Every message published on the session's test exchange (filter by type/payload)."""
    async with open_bus_tap(broker_namespace) as tap:
        yield tap
