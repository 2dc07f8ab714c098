"""HTTP entry: `uvicorn bets.entrypoints.api.app:create_app --factory`."""

from __future__ import annotations

from fastapi import FastAPI

from bets.bootstrap import build
from bets.settings import Settings
from common.app import create_app as create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    return create_service_app(settings, build(settings), title="LOOSELINE bets")
