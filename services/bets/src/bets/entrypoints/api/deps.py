"""What routes need, wired once by the app factory (``Depends`` only at the HTTP edge)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bets.adapters.decisions import DecisionListener
from bets.settings import Settings
from common.db import DatabaseHandles
from common.idempotency import IdempotencyStore


@dataclass
class BetsServices(DatabaseHandles):
    settings: Settings
    idempotency: IdempotencyStore
    decisions: DecisionListener
    engine: AsyncEngine | None = None
    sessionmaker: async_sessionmaker[AsyncSession] | None = None


def bets_services(request: Request) -> BetsServices:
    services = request.app.state.bets
    assert isinstance(services, BetsServices)
    return services


Services = Annotated[BetsServices, Depends(bets_services)]
