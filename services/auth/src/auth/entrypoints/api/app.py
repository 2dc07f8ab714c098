"""HTTP entry: `uvicorn auth.entrypoints.api.app:create_app --factory`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from auth.bootstrap import wire
from auth.domain.errors import SignInLocked
from auth.entrypoints.api.routes import (
    accounts,
    admin,
    closure,
    keys,
    oauth,
    responsible_gambling,
    sessions,
    two_factor,
)
from auth.service_layer.startup import on_startup
from auth.settings import Settings
from common.app import create_app as create_service_app
from common.errors import error_body


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    process = wire(settings)
    app = create_service_app(
        settings,
        process.runtime,
        title="LOOSELINE auth",
        # Provider routes last: their /{provider}/… paths must not shadow the fixed ones.
        routers=[
            keys.router,
            accounts.router,
            closure.router,
            responsible_gambling.router,
            sessions.router,
            two_factor.router,
            admin.router,
            oauth.router,
        ],
    )
    app.state.auth = process.services

    async def too_many(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, SignInLocked)
        return JSONResponse(
            error_body(exc.code, exc.message, exc.details),
            status_code=exc.status_code,
            headers={"Retry-After": str(exc.retry_after_s)},
        )

    app.add_exception_handler(SignInLocked, too_many)

    runtime_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with runtime_lifespan(app):
            await on_startup(process.services)
            try:
                yield
            finally:
                await process.mailer.drain()

    app.router.lifespan_context = lifespan
    return app
