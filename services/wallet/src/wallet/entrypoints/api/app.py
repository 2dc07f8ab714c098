"""HTTP entry: `uvicorn wallet.entrypoints.api.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from common.app import create_app as create_service_app
from wallet.bootstrap import wire
from wallet.entrypoints.api import (
    admin,
    deposits,
    packages,
    reports,
    responsible_gambling,
    routes,
    subscriptions,
)
from wallet.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    wiring = wire(settings)
    app = create_service_app(
        settings,
        wiring.runtime,
        title="LOOSELINE wallet",
        routers=[
            routes.router,
            admin.router,
            deposits.router,
            reports.router,
            subscriptions.router,
            packages.router,
            responsible_gambling.router,
        ],
    )
    app.state.wallet = wiring.services
    return app
