"""HTTP entry: `uvicorn events.entrypoints.api.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from common.app import create_app as create_service_app
from events.bootstrap import build
from events.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(settings, build(settings), title="LOOSELINE events")
