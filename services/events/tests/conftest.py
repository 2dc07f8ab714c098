"""Fixtures for the events tests: one app (real PostgreSQL + RabbitMQ) for the session, a tap
on the test exchange, tokens, a superuser connection for assertions."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import httpx
import pytest
from services.events.tests.builders import Catalogue, make_catalogue

from common.testing.bus import BusTap
from common.testing.tokens import TokenIssuer
from events.entrypoints.api.app import create_app
from events.settings import Settings

FEED_SECRET = "test-feed-secret-0123456789abcdef0123456789"


Tap = BusTap


@pytest.fixture(scope="session")
def tap(bus_tap: BusTap) -> BusTap:
    return bus_tap


@pytest.fixture(scope="session")
async def events_app(
    test_database: Any, make_settings: Callable[..., Any], app_client: Any, tap: Tap
) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    await test_database.migrate("events")
    # The shared app renders every page (the queries and views under test); the listing cache
    # in front of them has an app of its own (test_listing_cache.py).
    app = create_app(make_settings(Settings, feed_secret=FEED_SECRET, listing_cache_s=0))
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


@pytest.fixture(scope="module")
async def catalogue(api: httpx.AsyncClient, admin: dict[str, str]) -> Catalogue:
    """A sport and a league of its own for each test module."""
    return (await make_catalogue(api, admin))[0]
