"""Idempotency-Key store on real PostgreSQL: first answer replayed, mismatch, in progress,
race-safe claims, answers recorded atomically with the operation, leases and expiry."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse

from common.db import create_engine
from common.errors import Conflict
from common.idempotency import (
    Claim,
    IdempotencyInProgress,
    IdempotencyKeyInvalid,
    IdempotencyLost,
    IdempotencyMismatch,
    IdempotencyStore,
    Replay,
    create_idempotency_table_v1,
    drop_idempotency_table_v1,
    request_hash,
    run_once,
)
from common.testing.database import TestDatabase

BODY = {"amount": "100.00", "withdrawal_method_id": "m-1"}


@pytest.fixture
async def store_db(test_database: TestDatabase) -> AsyncIterator[tuple[str, AsyncEngine]]:
    """A scratch schema with the table made by the frozen migration step."""
    schema = f"idem_{uuid.uuid4().hex[:8]}"
    url = test_database.admin_dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    engine = create_engine(url, pool_size=12)

    def migrate(sync_conn: Connection) -> None:
        create_idempotency_table_v1(Operations(MigrationContext.configure(sync_conn)), schema)

    async with engine.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {schema}"))
        await conn.run_sync(migrate)
    yield schema, engine
    async with engine.begin() as conn:
        await conn.run_sync(
            lambda c: drop_idempotency_table_v1(Operations(MigrationContext.configure(c)), schema)
        )
        await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    await engine.dispose()


async def claim(store: IdempotencyStore, engine: AsyncEngine, **overrides: Any) -> Claim | Replay:
    values: dict[str, Any] = {"user_id": "u-1", "endpoint": "POST /w", "key": "k-1", "body": BODY}
    values.update(overrides)
    return await store.claim(engine, **values)


async def complete(store: IdempotencyStore, engine: AsyncEngine, c: Claim, body: Any) -> None:
    async with engine.begin() as conn:
        await store.record(conn, c, 201, body)


def test_the_hash_is_of_canonical_json() -> None:
    assert request_hash({"a": 1, "b": [1, 2]}) == request_hash({"b": [1, 2], "a": 1})
    assert request_hash({"a": 1}) != request_hash({"a": 2})
    assert request_hash({"a": "1"}) != request_hash({"a": 1})


@pytest.mark.parametrize("key", ["", " ", "a b", "x" * 256, "ключ", "tab\t"])
async def test_bad_keys_are_refused(store_db: tuple[str, AsyncEngine], key: str) -> None:
    schema, engine = store_db
    with pytest.raises(IdempotencyKeyInvalid):
        await claim(IdempotencyStore(schema), engine, key=key)


async def test_first_answer_is_replayed_and_a_different_body_is_a_mismatch(
    store_db: tuple[str, AsyncEngine],
) -> None:
    schema, engine = store_db
    store = IdempotencyStore(schema)
    first = await claim(store, engine)
    assert isinstance(first, Claim)
    with pytest.raises(IdempotencyInProgress):  # a retry while the first is in flight
        await claim(store, engine)
    await complete(store, engine, first, {"operation_id": "op-1"})
    replay = await claim(store, engine, body=dict(reversed(list(BODY.items()))))
    assert replay == Replay(201, {"operation_id": "op-1"})
    with pytest.raises(IdempotencyMismatch):
        await claim(store, engine, body={**BODY, "amount": "100.01"})
    # scoped to (user, endpoint, key)
    assert isinstance(await claim(store, engine, user_id="u-2"), Claim)
    assert isinstance(await claim(store, engine, endpoint="POST /other"), Claim)


async def test_parallel_claims_of_one_key_give_exactly_one_owner(
    store_db: tuple[str, AsyncEngine],
) -> None:
    schema, engine = store_db
    store = IdempotencyStore(schema)
    outcomes = await asyncio.gather(
        *(claim(store, engine, key="race") for _ in range(10)), return_exceptions=True
    )
    owners = [o for o in outcomes if isinstance(o, Claim)]
    assert len(owners) == 1
    assert all(isinstance(o, IdempotencyInProgress) for o in outcomes if o not in owners)


async def test_the_answer_commits_with_the_operation_or_not_at_all(
    store_db: tuple[str, AsyncEngine],
) -> None:
    schema, engine = store_db
    store = IdempotencyStore(schema, lease=timedelta(milliseconds=300))
    first = await claim(store, engine)
    assert isinstance(first, Claim)

    async def operation_that_fails_after_recording() -> None:
        async with engine.begin() as conn:
            await store.record(conn, first, 201, {"operation_id": "lost"})
            raise RuntimeError("the operation failed after recording")

    with pytest.raises(RuntimeError):
        await operation_that_fails_after_recording()
    with pytest.raises(IdempotencyInProgress):  # not completed: the record rolled back too
        await claim(store, engine)
    await asyncio.sleep(0.4)  # the first caller's lease runs out: it is presumed dead
    second = await claim(store, engine)
    assert isinstance(second, Claim)
    assert second.token != first.token
    with pytest.raises(IdempotencyLost):  # …so if it was alive after all, it cannot commit
        async with engine.begin() as conn:
            await store.record(conn, first, 201, {"operation_id": "late"})
    await complete(store, engine, second, {"operation_id": "op-2"})
    assert await claim(store, engine) == Replay(201, {"operation_id": "op-2"})
    # an abandoned key is taken over only by the same request, never by a different body
    other = await claim(store, engine, key="k-2")
    assert isinstance(other, Claim)
    await asyncio.sleep(0.4)
    with pytest.raises(IdempotencyMismatch):
        await claim(store, engine, key="k-2", body={"amount": "1.00"})


async def test_a_refusal_is_replayed_and_a_released_key_runs_again(
    store_db: tuple[str, AsyncEngine],
) -> None:
    schema, engine = store_db
    store = IdempotencyStore(schema)
    refused = await claim(store, engine, key="refused")
    assert isinstance(refused, Claim)
    error = {"error": {"code": "wallet.insufficient_funds", "message": "No.", "details": None}}
    await store.record_failure(engine, refused, 422, error)
    assert await claim(store, engine, key="refused") == Replay(422, error)

    crashed = await claim(store, engine, key="crashed")
    assert isinstance(crashed, Claim)
    await store.release(engine, crashed)
    assert isinstance(await claim(store, engine, key="crashed"), Claim)


async def test_expired_keys_are_reusable_and_purged(store_db: tuple[str, AsyncEngine]) -> None:
    schema, engine = store_db
    store = IdempotencyStore(schema, ttl=timedelta(hours=24))
    done = await claim(store, engine, key="old")
    assert isinstance(done, Claim)
    await complete(store, engine, done, {"n": 1})
    async with engine.begin() as conn:
        await conn.execute(
            text(f"UPDATE {schema}.idempotency_key SET created_at = now() - interval '25 hours'")
        )
    fresh = await claim(store, engine, key="old", body={"another": "body"})
    assert isinstance(fresh, Claim)  # past 24 h the key is new again, whatever the body
    await complete(store, engine, fresh, {"n": 2})
    async with engine.begin() as conn:
        await conn.execute(
            text(
                f"UPDATE {schema}.idempotency_key SET created_at = now() - interval '25 hours'"
                " WHERE key = 'old'"
            )
        )
    assert await store.purge_expired(engine) == 1
    assert isinstance(await claim(store, engine, key="old"), Claim)


def post(path: str, key: str | None) -> Request:
    headers = [(b"idempotency-key", key.encode())] if key is not None else []
    return Request({"type": "http", "method": "POST", "path": path, "headers": headers})


async def test_run_once_runs_a_keyed_request_once_and_replays_its_answer(
    store_db: tuple[str, AsyncEngine],
) -> None:
    """The one way a handler runs a mutating request: claim, run under the claim recording the
    answer in the operation's transaction, replay it to a retry; without a key, just run."""
    schema, engine = store_db
    store = IdempotencyStore(schema)
    runs: list[Claim | None] = []

    async def run(c: Claim | None) -> JSONResponse:
        runs.append(c)
        async with engine.begin() as conn:  # the operation's own transaction
            await conn.execute(text(f"CREATE TABLE IF NOT EXISTS {schema}.effect (n int)"))
            await conn.execute(text(f"INSERT INTO {schema}.effect VALUES (1)"))
            if c is not None:
                await store.record(conn, c, 201, {"done": True})
        return JSONResponse({"done": True}, status_code=201)

    kwargs: dict[str, Any] = {"user_id": "u-1", "body": BODY, "run": run}
    first = await run_once(store, engine, post("/w", "k-run"), **kwargs)
    retry = await run_once(store, engine, post("/w", "k-run"), **kwargs)
    unkeyed = await run_once(store, engine, post("/w", None), **kwargs)

    assert unkeyed.status_code == 201
    assert (first.status_code, first.body) == (201, b'{"done":true}')
    assert (retry.status_code, retry.body) == (201, b'{"done":true}')
    assert retry.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert isinstance(runs[0], Claim)
    assert runs[0].endpoint == "POST /w"
    assert runs[1:] == [None]  # the retry did not run; the unkeyed call did, without a claim
    async with engine.connect() as conn:
        assert await conn.scalar(text(f"SELECT count(*) FROM {schema}.effect")) == 2


async def test_run_once_replays_a_refusal_and_frees_the_key_after_a_crash(
    store_db: tuple[str, AsyncEngine],
) -> None:
    schema, engine = store_db
    store = IdempotencyStore(schema)

    async def refuse(_: Claim | None) -> JSONResponse:
        raise Conflict("Not now.")

    async def crash(_: Claim | None) -> JSONResponse:
        raise RuntimeError("the process died mid-operation")

    async def succeed(_: Claim | None) -> JSONResponse:
        return JSONResponse({"ran": True})

    with pytest.raises(Conflict):
        await run_once(store, engine, post("/w", "k-no"), user_id="u-1", body=BODY, run=refuse)
    replayed = await run_once(
        store, engine, post("/w", "k-no"), user_id="u-1", body=BODY, run=succeed
    )
    assert replayed.status_code == 409
    assert b"Not now." in replayed.body

    with pytest.raises(RuntimeError):
        await run_once(store, engine, post("/w", "k-crash"), user_id="u-1", body=BODY, run=crash)
    again = await run_once(
        store, engine, post("/w", "k-crash"), user_id="u-1", body=BODY, run=succeed
    )
    assert (again.status_code, again.body) == (200, b'{"ran":true}')
