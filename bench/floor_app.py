"""The machine's floor: a bare FastAPI + asyncpg app, served as the services are (uvicorn, one
process, the same flags), loaded by the same load generator at the same concurrency.

- ``GET /hello`` → ``{}``: what one HTTP round trip through this stack costs;
- ``POST /tx`` → one transaction that locks an account row, debits it and inserts an entry:
  the least a money movement costs (the "1-tx floor").

Settings from the environment: ``FLOOR_DATABASE_URL`` (a ``postgresql://`` DSN),
``FLOOR_POOL_SIZE`` and ``FLOOR_MAX_OVERFLOW`` (the services' pool, so the pool is no
advantage), ``FLOOR_ACCOUNTS`` (rows the debits spread over, as users' wallets do).
"""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from fastapi import FastAPI

SCHEMA = "bench_floor"  # literal in the statements below (no SQL built from strings)


async def prepare(dsn: str, accounts: int) -> None:
    """The scratch tables, every account funded (idempotent; the bench calls it once)."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            f"CREATE SCHEMA IF NOT EXISTS {SCHEMA};"
            f" CREATE TABLE IF NOT EXISTS {SCHEMA}.account"
            " (id integer PRIMARY KEY, balance_minor bigint NOT NULL);"
            f" CREATE TABLE IF NOT EXISTS {SCHEMA}.entry (id bigserial PRIMARY KEY,"
            " account_id integer NOT NULL, amount_minor bigint NOT NULL,"
            " created_at timestamptz NOT NULL DEFAULT now());"
        )
        await conn.execute(
            "INSERT INTO bench_floor.account SELECT g, 1000000000 FROM generate_series(1, $1) g"
            " ON CONFLICT DO NOTHING",
            accounts,
        )
    finally:
        await conn.close()


def create_app() -> FastAPI:
    dsn = os.environ["FLOOR_DATABASE_URL"]
    size = int(os.environ.get("FLOOR_POOL_SIZE", "10"))
    overflow = int(os.environ.get("FLOOR_MAX_OVERFLOW", "10"))
    accounts = int(os.environ.get("FLOOR_ACCOUNTS", "1000"))
    state: dict[str, asyncpg.Pool] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        state["pool"] = await asyncpg.create_pool(dsn, min_size=size, max_size=size + overflow)
        yield
        await state["pool"].close()

    app = FastAPI(lifespan=lifespan, openapi_url=None)

    @app.get("/hello")
    async def hello() -> dict[str, Any]:
        return {}

    @app.get("/health/ready")
    async def ready() -> dict[str, Any]:
        return {"status": "ok"}

    @app.post("/tx")
    async def one_transaction() -> dict[str, Any]:
        account_id = random.randint(1, accounts)  # spreads the load over rows, as users' wallets do
        async with state["pool"].acquire() as conn, conn.transaction():
            await conn.fetchval(
                "SELECT balance_minor FROM bench_floor.account WHERE id = $1 FOR UPDATE", account_id
            )
            await conn.execute(
                "UPDATE bench_floor.account SET balance_minor = balance_minor - 1 WHERE id = $1",
                account_id,
            )
            await conn.execute(
                "INSERT INTO bench_floor.entry (account_id, amount_minor) VALUES ($1, -1)",
                account_id,
            )
        return {}

    return app
