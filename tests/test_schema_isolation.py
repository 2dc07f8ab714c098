"""Each service's role is walled into its own schema: no reads, writes or DDL elsewhere."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest

from common.db import libpq_url
from common.db.bootstrap import DEFAULT_SERVICES
from common.testing.database import TestDatabase

PAIRS = list(itertools.permutations(DEFAULT_SERVICES, 2))


@pytest.fixture(scope="module")
async def migrated(test_database: Any) -> Any:
    for service in DEFAULT_SERVICES:
        await test_database.migrate(service)
    return test_database


async def _connect_as(database: Any, service: str) -> asyncpg.Connection:
    return await asyncpg.connect(libpq_url(database.url_for(service)))


@pytest.fixture
async def connect_as(migrated: Any) -> AsyncIterator[Any]:
    opened: list[asyncpg.Connection] = []

    async def connect(service: str) -> asyncpg.Connection:
        conn = await _connect_as(migrated, service)
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        await conn.close()


@pytest.mark.parametrize(("own", "other"), PAIRS, ids=[f"{a}-on-{b}" for a, b in PAIRS])
async def test_role_cannot_read_write_or_create_in_another_schema(
    connect_as: Any, own: str, other: str
) -> None:
    conn = await connect_as(own)
    assert await conn.fetchval("SELECT current_user") == TestDatabase.role_for(own)

    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        await conn.fetch(f"SELECT * FROM {other}.outbox")
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        await conn.execute(
            f"INSERT INTO {other}.inbox (consumer, event_id, message_type) VALUES ($1, $2, $3)",
            own,
            uuid.uuid4(),
            "Intrusion",
        )
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        await conn.execute(f"CREATE TABLE {other}.intruder (x int)")


@pytest.mark.parametrize("service", DEFAULT_SERVICES)
async def test_role_reads_and_writes_its_own_outbox(connect_as: Any, service: str) -> None:
    conn = await connect_as(service)
    event_id = uuid.uuid4()
    tx = conn.transaction()
    await tx.start()
    try:
        # Unqualified names resolve to the role's own schema (search_path), qualified ones too.
        await conn.execute(
            "INSERT INTO outbox (event_id, routing_key, body) VALUES ($1, $2, '{}'::jsonb)",
            event_id,
            f"{service}.Probe",
        )
        routing_key = await conn.fetchval(
            f"SELECT routing_key FROM {service}.outbox WHERE event_id = $1", event_id
        )
        assert routing_key == f"{service}.Probe"
        updated = await conn.execute(
            f"UPDATE {service}.outbox SET published_at = now() WHERE event_id = $1", event_id
        )
        assert updated == "UPDATE 1"
        deleted = await conn.execute(f"DELETE FROM {service}.outbox WHERE event_id = $1", event_id)
        assert deleted == "DELETE 1"
    finally:
        # Rolled back: no relay running elsewhere in the session ever sees the probe row.
        await tx.rollback()


@pytest.mark.parametrize("service", DEFAULT_SERVICES)
async def test_role_cannot_create_objects_in_public(connect_as: Any, service: str) -> None:
    conn = await connect_as(service)
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        await conn.execute(f"CREATE TABLE public.intruder_{service} (x int)")
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        await conn.execute(f"CREATE VIEW public.intruder_view_{service} AS SELECT 1 AS x")
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        await conn.execute(
            f"CREATE FUNCTION public.intruder_fn_{service}() RETURNS int LANGUAGE sql AS 'SELECT 1'"
        )


@pytest.mark.parametrize("service", DEFAULT_SERVICES)
async def test_role_cannot_create_schemas(connect_as: Any, service: str) -> None:
    conn = await connect_as(service)
    with pytest.raises(asyncpg.exceptions.InsufficientPrivilegeError):
        await conn.execute(f"CREATE SCHEMA intruder_{service}")
