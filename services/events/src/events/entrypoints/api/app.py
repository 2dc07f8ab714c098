"""HTTP entry: `uvicorn events.entrypoints.api.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from common.app import create_app as create_service_app
from events.bootstrap import Clock, utc_now, wire
from events.entrypoints.api import admin, public, webhook
from events.settings import Settings


def create_app(settings: Settings | None = None, *, clock: Clock = utc_now) -> FastAPI:
    settings = settings or Settings()
    wiring = wire(settings, clock=clock)
    app = create_service_app(
        settings,
        wiring.runtime,
        title="LOOSELINE events",
        # Public reads first: their fixed paths (/live, /sports…) win over /{event_id}.
        routers=[public.router, admin.router, webhook.router],
    )
    app.state.wiring = wiring
    return app
