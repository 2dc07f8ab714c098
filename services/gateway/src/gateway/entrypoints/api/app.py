"""HTTP entry: ``uvicorn gateway.entrypoints.api.app:create_app --factory``."""

from __future__ import annotations

from fastapi import FastAPI

from common.app import create_app as create_service_app
from gateway.bootstrap import build
from gateway.proxy import gateway_health_router, proxy_router
from gateway.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime, upstreams = build(settings)
    return create_service_app(
        settings,
        runtime,
        title="LOOSELINE",
        routers=[gateway_health_router(upstreams), proxy_router(upstreams)],
    )
