"""HTTP entry: `uvicorn auth.entrypoints.api.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from auth.bootstrap import build
from auth.settings import Settings
from common.app import create_app as create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(settings, build(settings), title="LOOSELINE auth")
