"""HTTP entry: `uvicorn wallet.entrypoints.api.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from common.app import create_app as create_service_app
from wallet.adapters.crypto import FieldCipher
from wallet.bootstrap import build, idempotency_store
from wallet.entrypoints.api import admin, deposits, reports, routes
from wallet.entrypoints.api.deps import WalletServices
from wallet.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    runtime = build(settings)
    app = create_service_app(
        settings,
        runtime,
        title="LOOSELINE wallet",
        routers=[routes.router, admin.router, deposits.router, reports.router],
    )
    services = WalletServices(
        settings=settings,
        cipher=FieldCipher(settings.data_encryption_key),
        idempotency=idempotency_store(settings),
    )
    if runtime.engine is not None and runtime.sessionmaker is not None:
        services.bind(runtime.engine, runtime.sessionmaker)
    app.state.wallet = services
    return app
