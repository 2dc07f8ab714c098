"""HTTP entry: `uvicorn bets.entrypoints.api.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

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
    app.state.bets = BetsServices(
        settings=settings,
        idempotency=idempotency_store(settings),
        engine=runtime.engine,
        sessionmaker=runtime.sessionmaker,
    )
    return app
