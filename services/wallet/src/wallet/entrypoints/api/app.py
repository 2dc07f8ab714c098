"""HTTP entry: `uvicorn wallet.entrypoints.api.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from common.app import create_app as create_service_app
from wallet.bootstrap import build
from wallet.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(settings, build(settings), title="LOOSELINE wallet")
