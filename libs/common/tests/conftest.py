"""Fixtures for common's own tests: a scratch schema with outbox/inbox and an effects table."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from common.db import create_engine, create_sessionmaker
from common.messaging.tables import create_messaging_tables_v1
from common.testing.database import TestDatabase


@dataclass
class Scratch:
    schema: str
    url: str
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]

    async def effects(self) -> list[tuple[str, str]]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                text(f"SELECT event_id::text, note FROM {self.schema}.effect ORDER BY id")
            )
            return [(r[0], r[1]) for r in rows]


@pytest.fixture
async def scratch(test_database: TestDatabase) -> AsyncIterator[Scratch]:
    """A schema of its own per test (real migration step), dropped afterwards."""
    schema = f"bus_{uuid.uuid4().hex[:8]}"
    url = test_database.admin_dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    engine = create_engine(url, pool_size=10)

    def migrate(sync_conn: Connection) -> None:
        create_messaging_tables_v1(Operations(MigrationContext.configure(sync_conn)), schema)

    async with engine.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {schema}"))
        await conn.run_sync(migrate)
        await conn.execute(
            text(
                f"CREATE TABLE {schema}.effect (id bigserial primary key, event_id uuid, note text)"
            )
        )
    yield Scratch(schema, url, engine, create_sessionmaker(engine))
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    await engine.dispose()
