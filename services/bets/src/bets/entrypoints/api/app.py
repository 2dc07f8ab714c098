"""HTTP entry: `uvicorn bets.entrypoints.api.app:create_app --factory`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bets.adapters.decisions import DecisionListener
from bets.bootstrap import wire
from bets.entrypoints.api import admin, limits, routes
from bets.settings import Settings
from common.app import create_app as create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    wiring = wire(settings)
    app = create_service_app(
        settings,
        wiring.runtime,
        title="LOOSELINE bets",
        # limits before routes: /api/bets/limits is not a bet id.
        routers=[admin.router, limits.router, routes.router],
    )
    app.state.bets = wiring.services
    _listen_while_serving(app, wiring.services.decisions)
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
