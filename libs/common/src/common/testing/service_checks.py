"""Assertions every service's boot test shares: health, readiness, metrics, own role and schema.

Use from a service's ``tests/test_boot.py`` after ``await test_database.migrate("<svc>")``::

    app = create_app(make_settings(Settings))
    await assert_service_boots(app, app_client, service="bets")
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx
from fastapi import FastAPI
from sqlalchemy import Column, MetaData, String, Table, select, text
from sqlalchemy.engine import make_url

from common.runtime import ServiceRuntime
from common.settings import ServiceSettings

AppClient = Callable[[FastAPI], AbstractAsyncContextManager[httpx.AsyncClient]]

LATENCY_METRIC = "looseline_http_request_duration_seconds"


async def assert_service_boots(app: FastAPI, app_client: AppClient, *, service: str) -> None:
    """Run ``app`` with its lifespan and check it is live, ready and wired to its own role."""
    runtime = app.state.runtime
    assert isinstance(runtime, ServiceRuntime), f"{service}: app.state.runtime is {runtime!r}"
    async with app_client(app) as client:
        assert runtime.broker is not None, f"{service}: runtime has no broker"
        await runtime.broker.wait_connected(10)
        # Consumers declare their queues just after the connection: wait for them as well.
        async with asyncio.timeout(10):
            while not all((await runtime.readiness()).values()):  # noqa: ASYNC110
                await asyncio.sleep(0.05)

        live = await client.get("/health/live")
        assert live.status_code == 200, (service, live.status_code, live.text)
        assert live.json() == {"status": "ok"}

        ready = await client.get("/health/ready")
        assert ready.status_code == 200, (service, ready.status_code, ready.text)
        body = ready.json()
        assert body["status"] == "ready", (service, body)
        assert body["checks"]["database"] is True, (service, body)
        assert body["checks"]["broker"] is True, (service, body)
        assert all(body["checks"].values()), (service, body)

        metrics = await client.get("/metrics")
        assert metrics.status_code == 200, (service, metrics.status_code)
        assert LATENCY_METRIC in metrics.text, f"{service}: /metrics lacks {LATENCY_METRIC}"
        # The requests above were observed under this service's label.
        assert f'service="{service}"' in metrics.text, f"{service}: no samples for the service"

        assert runtime.engine is not None, f"{service}: runtime has no engine"
        version_table = Table(
            "alembic_version", MetaData(schema=service), Column("version_num", String)
        )
        async with runtime.engine.connect() as conn:
            who = (await conn.execute(text("SELECT current_user, current_schema()"))).one()
            assert isinstance(runtime.settings, ServiceSettings)
            role = make_url(runtime.settings.database_url).username
            assert tuple(who) == (role, service), (service, tuple(who))

            # Unqualified, the name resolves through the role's search_path to its own schema.
            home = await conn.scalar(
                text(
                    "SELECT c.relnamespace::regnamespace::text FROM pg_class c "
                    "WHERE c.oid = to_regclass('alembic_version')"
                )
            )
            assert home == service, f"{service}: alembic_version lives in {home!r}"
            in_public = await conn.scalar(
                text(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public' AND c.relname = 'alembic_version'"
                )
            )
            assert in_public == 0, f"{service}: an alembic_version table exists in public"
            versions = (await conn.execute(select(version_table.c.version_num))).scalars().all()
            assert len(versions) == 1, f"{service}: alembic_version rows {versions!r}"
