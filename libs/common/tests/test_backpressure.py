"""A busy pool answers 503 ``service_busy`` with Retry-After, through the shared app factory, on
a real PostgreSQL pool of one connection that the test holds."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any, ClassVar

import asyncpg
from fastapi import APIRouter, Request
from sqlalchemy import text
from sqlalchemy.engine import make_url

from common.app import create_app
from common.backpressure import RETRY_AFTER_S
from common.db import libpq_url
from common.runtime import build_runtime
from common.settings import ServiceSettings


class ProbeSettings(ServiceSettings):
    service_name: ClassVar[str] = "probe"


router = APIRouter()


@router.get("/answer")
async def answer(request: Request) -> dict[str, int]:
    async with request.app.state.runtime.engine.connect() as conn:
        return {"answer": int(await conn.scalar(text("SELECT 42")))}


def tiny_pool_app(
    make_settings: Callable[..., Any], test_database: Any, url: str | None = None
) -> Any:
    settings = make_settings(
        ProbeSettings,
        # Any service's role reaches the test database.
        database_url=url or test_database.url_for("bets"),
        db_pool_size=1,
        db_max_overflow=0,
        db_pool_timeout_s=0.2,
        run_workers=False,
    )
    runtime = build_runtime(settings, uses_broker=False)
    return create_app(settings, runtime, title="probe", routers=[router])


async def test_a_pool_with_no_free_connection_answers_503_with_retry_after(
    make_settings: Callable[..., Any], test_database: Any, app_client: Any
) -> None:
    app = tiny_pool_app(make_settings, test_database)
    async with app_client(app) as http:
        engine = app.state.runtime.engine
        async with engine.connect() as held:  # the pool's only connection
            await held.scalar(text("SELECT 1"))
            busy = await http.get("/answer")
        assert busy.status_code == 503, busy.text
        assert busy.headers["retry-after"] == str(RETRY_AFTER_S)
        assert busy.json() == {
            "error": {
                "code": "service_busy",
                "message": "The service is busy. Try again shortly.",
                "details": {"retry_after_s": RETRY_AFTER_S},
            }
        }
        again = await http.get("/answer")  # the connection is back: served
        assert again.status_code == 200
        assert again.json() == {"answer": 42}


async def test_the_pool_timeout_setting_reaches_the_engine(
    make_settings: Callable[..., Any], test_database: Any
) -> None:
    app = tiny_pool_app(make_settings, test_database)
    assert app.state.runtime.engine.pool.timeout() == 0.2
    await app.state.runtime.engine.dispose()


async def test_every_operation_documents_the_503(
    make_settings: Callable[..., Any], test_database: Any
) -> None:
    app = tiny_pool_app(make_settings, test_database)
    responses = app.openapi()["paths"]["/answer"]["get"]["responses"]
    busy = responses["503"]
    assert "Retry-After" in busy["headers"]
    assert busy["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }
    await app.state.runtime.engine.dispose()


@router.get("/backend")
async def backend(request: Request) -> dict[str, int]:
    async with request.app.state.runtime.engine.connect() as conn:
        return {"pid": int(await conn.scalar(text("SELECT pg_backend_pid()")))}


async def test_a_connection_the_server_dropped_answers_503_then_a_fresh_one_serves(
    make_settings: Callable[..., Any], test_database: Any, app_client: Any
) -> None:
    """No ping on checkout: the dead connection's first statement fails, the client is told to
    retry (nothing was done), and the retry gets a new connection."""
    app = tiny_pool_app(make_settings, test_database)
    async with app_client(app) as http:
        first = await http.get("/backend")
        assert first.status_code == 200, first.text
        pid = first.json()["pid"]
        killer = await asyncpg.connect(libpq_url(test_database.admin_url))
        try:
            assert await killer.fetchval("SELECT pg_terminate_backend($1)", pid)
        finally:
            await killer.close()
        lost = await http.get("/backend")
        assert lost.status_code == 503, lost.text
        assert lost.headers["retry-after"] == str(RETRY_AFTER_S)
        assert lost.json()["error"]["code"] == "service_busy"
        again = await http.get("/backend")
        assert again.status_code == 200, again.text
        assert again.json()["pid"] != pid


async def _hang_up(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.transport.abort()  # a reset, as a proxy refusing for a partition does


async def test_a_database_that_cannot_be_reached_answers_503_not_500(
    make_settings: Callable[..., Any], test_database: Any, app_client: Any
) -> None:
    """A new connection refused, reset or timed out while connecting (the database restarting,
    a partition, a proxy refusing) means nothing was done: the client is told to retry. Found by
    the chaos run (seed 534436): bets answered 75 requests with 500 during a proxy partition."""
    hang_up = await asyncio.start_server(_hang_up, "127.0.0.1", 0)
    reset_port = hang_up.sockets[0].getsockname()[1]
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    refused_port = closed.getsockname()[1]  # bound, never listening: refused
    try:
        for port in (reset_port, refused_port):
            url = make_url(test_database.url_for("bets")).set(host="127.0.0.1", port=port)
            app = tiny_pool_app(
                make_settings, test_database, url=url.render_as_string(hide_password=False)
            )
            async with app_client(app) as http:
                unreachable = await http.get("/answer")
            assert unreachable.status_code == 503, unreachable.text
            assert unreachable.headers["retry-after"] == str(RETRY_AFTER_S)
            assert unreachable.json()["error"]["code"] == "service_busy"
    finally:
        hang_up.close()
        closed.close()
