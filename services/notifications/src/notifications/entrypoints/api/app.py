"""HTTP entry: `uvicorn notifications.entrypoints.api.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from common.app import create_app as create_service_app
from notifications.bootstrap import Clock, utc_now, wire
from notifications.entrypoints.api import admin, user
from notifications.settings import Settings


def create_app(settings: Settings | None = None, *, clock: Clock = utc_now) -> FastAPI:
    settings = settings or Settings()
    wiring = wire(settings, clock=clock)
    app = create_service_app(
        settings,
        wiring.runtime,
        title="LOOSELINE notifications",
        routers=[user.router, admin.router],
    )
    app.state.wiring = wiring
    return app
