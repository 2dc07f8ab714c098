"""Admin bets API: volume, payout rate and open liabilities; every user's bets with filters."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from bets.entrypoints.api.deps import Services
from bets.entrypoints.api.schemas import ResultFilter, StatusFilter
from bets.service_layer.admin import admin_stats
from bets.service_layer.responsible_gambling import admin_limits
from bets.service_layer.unit_of_work import BetsUnitOfWork
from bets.service_layer.views import admin_bets
from common.auth.deps import AdminUser

router = APIRouter(prefix="/api/bets/admin", tags=["bets admin"])


@router.get("/stats")
async def stats(
    _admin: AdminUser,
    services: Services,
    date_from: Annotated[AwareDatetime | None, Query()] = None,
    date_to: Annotated[AwareDatetime | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:
    """Volume and payout rate of bets placed in ``[date_from, date_to)``; the open liabilities
    now, per event and per selection (the ``limit`` largest)."""
    async with BetsUnitOfWork(services.db) as uow:
        found = await admin_stats(uow, date_from=date_from, date_to=date_to, limit=limit)
    return {"success": True, "stats": found}


@router.get("/bets")
async def bets(
    _admin: AdminUser,
    services: Services,
    user_id: Annotated[uuid.UUID | None, Query()] = None,
    event_id: Annotated[uuid.UUID | None, Query()] = None,
    status: Annotated[StatusFilter | None, Query()] = None,
    result: Annotated[ResultFilter | None, Query()] = None,
    date_from: Annotated[AwareDatetime | None, Query()] = None,
    date_to: Annotated[AwareDatetime | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """Every user's bets, newest first; ``date_from`` inclusive, ``date_to`` exclusive."""
    async with BetsUnitOfWork(services.db) as uow:
        found, total = await admin_bets(
            uow,
            user_id=user_id,
            event_id=event_id,
            status=status,
            result=result,
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
        )
    return {
        "success": True,
        "bets": found,
        "pagination": {"total": total, "limit": limit, "offset": offset},
    }


@router.get("/users/{user_id}/limits")
async def user_limits(_admin: AdminUser, services: Services, user_id: uuid.UUID) -> dict[str, Any]:
    """A user's loss limits in force, pending changes and loss so far per period, the
    time-out or self-exclusion in force, and every change of a limit (newest first). Read
    only: an admin changes none of them."""
    async with BetsUnitOfWork(services.db) as uow:
        found = await admin_limits(uow, user_id, datetime.now(UTC))
    return {"success": True, **found}
