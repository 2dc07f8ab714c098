"""The user's loss limits (service_layer/responsible_gambling.py). Its own router, included
before the bets routes: ``GET /api/bets/limits`` must not be read as ``GET /api/bets/{bet_id}``.

Signed in is enough (a verified email is not needed to limit oneself). ``PUT`` honours
``Idempotency-Key`` as placement does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bets.entrypoints.api.deps import Services
from bets.entrypoints.api.schemas import LossLimitRequest
from bets.service_layer.responsible_gambling import limits_view, set_loss_limit
from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.auth.deps import CurrentUser
from common.idempotency import Claim, run_once

router = APIRouter(prefix="/api/bets/limits", tags=["bets: responsible gambling"])


@router.get("")
async def limits(principal: CurrentUser, services: Services) -> dict[str, Any]:
    """Per period (day, week, month): the loss limit in force (null: none), the pending change
    (an increase or removal and when it takes effect), the loss so far in the rolling window;
    and the time-out or self-exclusion in force, if any."""
    async with BetsUnitOfWork(services.db) as uow:
        view = await limits_view(uow, principal.user_id, datetime.now(UTC))
    return {"success": True, **view.render()}


@router.put("/loss")
async def set_loss(
    body: LossLimitRequest, request: Request, principal: CurrentUser, services: Services
) -> JSONResponse:
    """A first limit or a decrease applies at once; an increase or a removal (``amount``:
    null) only after 24 hours of cooling-off. Answers as ``GET /api/bets/limits``."""

    async def run(claim: Claim | None) -> JSONResponse:
        async with BetsUnitOfWork(services.db) as uow:
            view = await set_loss_limit(
                uow,
                user_id=principal.user_id,
                period=body.period,
                amount_minor=body.amount,
                currency=services.settings.currency,
                now=datetime.now(UTC),
            )
            answer = {"success": True, **view.render()}
            if claim is not None:
                await services.idempotency.record(uow.db, claim, 200, answer)
            await uow.commit()
        return JSONResponse(answer)

    return await run_once(
        services.idempotency,
        services.db_engine,
        request,
        user_id=str(principal.user_id),
        body=body.model_dump(mode="json"),
        run=run,
    )
