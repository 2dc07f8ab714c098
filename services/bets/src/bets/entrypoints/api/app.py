"""HTTP entry: `uvicorn bets.entrypoints.api.app:create_app --factory`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bets.adapters.decisions import DecisionListener
from bets.bootstrap import build, idempotency_store
from bets.entrypoints.api import admin, routes
from bets.entrypoints.api.deps import BetsServices
from bets.settings import Settings
from common.app import create_app as create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = build(settings)
    app = create_service_app(
        settings, runtime, title="LOOSELINE bets", routers=[admin.router, routes.router]
    )
    decisions = DecisionListener(settings.database_url, max_waiters=settings.placement_max_waiters)
    app.state.bets = BetsServices(
        settings=settings,
        idempotency=idempotency_store(settings),
        decisions=decisions,
        engine=runtime.engine,
        sessionmaker=runtime.sessionmaker,
    )
    _listen_while_serving(app, decisions)
    return app


def _listen_while_serving(app: FastAPI, decisions: DecisionListener) -> None:
    """Only the HTTP process waits for decisions (the worker entrypoint needs no listener):
    it listens inside the runtime's lifespan and stops listening before the runtime stops."""
    runtime_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime_lifespan(app):
            await decisions.start()
            try:
                yield
            finally:
                await decisions.stop()

    app.router.lifespan_context = lifespan
