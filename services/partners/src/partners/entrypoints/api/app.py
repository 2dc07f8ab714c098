"""HTTP entry: `uvicorn partners.entrypoints.api.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from common.app import create_app as create_service_app
from partners.bootstrap import Clock, utc_now, wire
from partners.entrypoints.api import admin, postback
from partners.settings import Settings


def create_app(settings: Settings | None = None, *, clock: Clock = utc_now) -> FastAPI:
    settings = settings or Settings()
    wiring = wire(settings, clock=clock)
    app = create_service_app(
        settings,
        wiring.runtime,
        title="LOOSELINE partners",
        # /api/postback/health before /api/postback/{partner_id} (a GET; the other is POST).
        routers=[postback.router, admin.router],
    )
    app.state.wiring = wiring
    return app
