"""HTTP entry: ``uvicorn gateway.entrypoints.api.app:create_app --factory``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from common.app import create_app as create_service_app
from gateway import security
from gateway.bootstrap import build
from gateway.metrics import MetricsListener, public_metrics_route
from gateway.openapi import MergedOpenApi, docs_router
from gateway.proxy import gateway_health_router, proxy_router
from gateway.settings import Settings
from gateway.stream import stream_router
from gateway.web import web_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    gateway = build(settings)
    assert gateway.runtime.revocations is not None
    merged = MergedOpenApi(gateway.upstreams, lambda: app.openapi())
    app = create_service_app(
        settings,
        gateway.runtime,
        title="LOOSELINE",
        routers=[
            gateway_health_router(gateway.upstreams),
            # Before the proxy's catch-all /api/{path}.
            docs_router(merged),
            stream_router(
                gateway.hub,
                gateway.tickets,
                gateway.verifier,
                gateway.runtime.revocations,
                settings,
            ),
            proxy_router(gateway.upstreams, settings, gateway.verifier, gateway.limiter),
        ],
    )
    app.state.stream_hub = gateway.hub
    metrics = app.state.metrics = MetricsListener(settings.metrics_host, settings.metrics_port)
    # The one public docs page is /api/docs (merged); FastAPI's gateway-only page is dropped.
    app.router.routes[:] = [
        r
        for r in app.router.routes
        if getattr(r, "path", None) not in ("/docs", "/docs/oauth2-redirect")
    ]
    # Metrics are served on their own port only (gateway.metrics): here /metrics is a 404.
    app.router.routes.insert(0, public_metrics_route())
    service_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The stream's broker connects in the background: the proxy works while it is down.
        async with service_lifespan(app):
            metrics.start()
            try:
                await gateway.hub.start()
                try:
                    yield
                finally:
                    await gateway.hub.stop()
            finally:
                metrics.stop()

    app.router.lifespan_context = lifespan
    spa = web_app(settings.web_dist_dir)
    if spa is not None:  # last: every API, health and metrics route matches before the app
        app.mount("/", spa, name="web")
    security.install(app, settings, gateway.upstreams.is_trusted)
    return app
