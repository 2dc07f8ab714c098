"""The bets HTTP API: place a single or a coupon, look at a bet, calculate a potential win."""

from __future__ import annotations

import contextlib
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime

from bets.domain.bet import BetStatus
from bets.domain.odds import OddsPolicy, combined_coefficient, payout_minor
from bets.entrypoints.api.deps import BetsServices, Services
from bets.entrypoints.api.schemas import (
    Coefficient,
    PlaceBetRequest,
    PlaceCouponRequest,
    ResultFilter,
    StatusFilter,
)
from bets.service_layer.cancellation import cancel_bet
from bets.service_layer.placement import LegRequest, place_pending_bet
from bets.service_layer.unit_of_work import BetsUnitOfWork
from bets.service_layer.views import bet_history, bet_view, user_stats, wait_until_decided
from common.auth.deps import CurrentUser, VerifiedUser
from common.errors import error_body
from common.idempotency import Claim, Replay, replay_response, run_once
from common.money import AmountMinor, format_minor

router = APIRouter(prefix="/api/bets", tags=["bets"])

# ``settled`` (and the seed's other word for it, ``resolved``): won, lost or void.
HistoryStatus = Literal[StatusFilter, "settled", "resolved"]


def page_of(*, total: int, limit: int, offset: int) -> dict[str, int]:
    """The seed's pagination shape, as the wallet's history answers it (``current_page`` from 1,
    ``total_pages`` 0 when nothing matches), plus ``limit``/``offset``/``total`` as before."""
    return {
        "total": total,
        "limit": limit,
        "offset": offset,
        "total_items": total,
        "items_per_page": limit,
        "current_page": offset // limit + 1,
        "total_pages": (total + limit - 1) // limit,
    }


def _answer(view: dict[str, Any], *, replayed: bool = False) -> JSONResponse:
    """The saga's outcome: 201 open, 409 rejected (the reason), 202 still pending."""
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    if view["status"] == BetStatus.REJECTED:
        body = error_body(view["reason"] or "bet.rejected", "The bet was rejected.", {"bet": view})
        return JSONResponse(body, status_code=409, headers=headers)
    status_code = 202 if view["status"] == BetStatus.PENDING else 201
    return JSONResponse({"success": True, "bet": view}, status_code=status_code, headers=headers)


async def _replay_pending(
    services: BetsServices, bet_id: uuid.UUID, user_id: uuid.UUID
) -> JSONResponse:
    """A retry of a placement first answered 202: wait (bounded) again for its decision."""
    with services.decisions.waiting(bet_id) as waiter:
        view = await wait_until_decided(
            services.db,
            waiter,
            bet_id,
            user_id=user_id,
            timeout_s=services.settings.placement_wait_s,
        )
    return _answer(view, replayed=True)


async def _place(
    request: Request,
    services: BetsServices,
    *,
    user_id: uuid.UUID,
    body: Any,
    legs: list[LegRequest],
    stake_minor: int,
    is_coupon: bool,
    policy: OddsPolicy,
    free_bet: bool,
) -> JSONResponse:
    """Run a placement once per ``Idempotency-Key``: a retry answers with the bet as it is now
    (the first call's refusal, 4xx, is replayed as it was)."""

    async def replay(found: Replay) -> JSONResponse:
        if found.status_code == 202 and isinstance(found.body, dict):
            return await _replay_pending(services, uuid.UUID(found.body["bet"]["bet_id"]), user_id)
        return replay_response(found)

    async def run(claim: Claim | None) -> JSONResponse:
        with contextlib.ExitStack() as waiting:
            async with BetsUnitOfWork(services.db) as uow:
                placed = await place_pending_bet(
                    uow,
                    user_id=user_id,
                    legs=legs,
                    stake_minor=stake_minor,
                    is_coupon=is_coupon,
                    policy=policy,
                    limits=services.settings.limits,
                    currency=services.settings.currency,
                    now=datetime.now(UTC),
                    free_bet=free_bet,
                )
                bet_id = placed.bet_id
                # Registered before the commit: the decision can only follow it, so none is missed.
                waiter = waiting.enter_context(services.decisions.waiting(bet_id))
                if claim is not None:
                    await services.idempotency.record(
                        uow.db, claim, 202, {"bet": {"bet_id": str(bet_id)}}
                    )
                await uow.commit()
            view = await wait_until_decided(
                services.db,
                waiter,
                bet_id,
                user_id=user_id,
                timeout_s=services.settings.placement_wait_s,
                seen=placed.view(),  # pending: nobody can decide it before the commit
            )
        return _answer(view)

    return await run_once(
        services.idempotency,
        services.db_engine,
        request,
        user_id=str(user_id),
        body=body,
        run=run,
        replay=replay,
    )


@router.post("/place", status_code=201)
async def place(
    body: PlaceBetRequest, request: Request, principal: VerifiedUser, services: Services
) -> JSONResponse:
    return await _place(
        request,
        services,
        user_id=principal.user_id,
        body=body.model_dump(mode="json"),
        legs=[LegRequest(body.event_id, body.odds_id, body.expected_coefficient)],
        stake_minor=body.bet_amount,
        is_coupon=False,
        policy=body.accept_odds_change,
        free_bet=body.use_free_bet,
    )


@router.post("/place-coupon", status_code=201)
async def place_coupon(
    body: PlaceCouponRequest, request: Request, principal: VerifiedUser, services: Services
) -> JSONResponse:
    return await _place(
        request,
        services,
        user_id=principal.user_id,
        body=body.model_dump(mode="json"),
        legs=[LegRequest(b.event_id, b.odds_id, b.expected_coefficient) for b in body.bets],
        stake_minor=body.bet_amount,
        is_coupon=True,
        policy=body.accept_odds_change,
        free_bet=body.use_free_bet,
    )


@router.get("/calculate")
async def calculate(
    bet_amount: Annotated[AmountMinor, Query()],
    coefficient: Annotated[list[Coefficient], Query(min_length=1, max_length=15)],
) -> dict[str, Any]:
    """The potential win of a single (one coefficient) or a coupon (several), as placement
    computes it: a coupon's combined odds rounded half-up to 2 decimals, the payout rounded down.

    Public (an anonymous visitor's bet slip): pure arithmetic on the query, nothing of anyone's;
    a bearer token, if sent, is ignored (neither verified nor refused)."""
    is_coupon = len(coefficient) > 1
    total = combined_coefficient(coefficient) if is_coupon else Decimal(coefficient[0])
    return {
        "success": True,
        "bet_type": "coupon" if is_coupon else "single",
        "bet_amount": format_minor(bet_amount),
        "total_coefficient": str(total),
        "potential_win": format_minor(payout_minor(bet_amount, total)),
    }


@router.get("/history")
async def history(
    principal: CurrentUser,
    services: Services,
    status: Annotated[HistoryStatus | None, Query()] = None,
    result: Annotated[ResultFilter | None, Query()] = None,
    date_from: Annotated[AwareDatetime | None, Query()] = None,
    date_to: Annotated[AwareDatetime | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """The user's bets, newest first; ``date_from`` inclusive, ``date_to`` exclusive;
    ``status=settled`` is won, lost or void."""
    async with BetsUnitOfWork(services.db) as uow:
        bets, total = await bet_history(
            uow,
            user_id=principal.user_id,
            status=status,
            result=result,
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
        )
    return {
        "success": True,
        "bets": bets,
        "pagination": page_of(total=total, limit=limit, offset=offset),
    }


@router.get("/stats")
async def stats(principal: CurrentUser, services: Services) -> dict[str, Any]:
    """Total, wins, losses, win rate, ROI, net profit, average stake, biggest win/loss, streaks."""
    async with BetsUnitOfWork(services.db) as uow:
        return {"success": True, "stats": await user_stats(uow, user_id=principal.user_id)}


@router.get("/{bet_id}")
async def get_bet(
    bet_id: uuid.UUID,
    principal: CurrentUser,
    services: Services,
    wait_s: Annotated[float, Query(ge=0, le=10)] = 0,
) -> dict[str, Any]:
    """The user's bet. ``wait_s``: a pending bet is answered once decided or after that many
    seconds (a long poll on the process's one LISTEN, holding no database connection), so a
    client that got 202 asks again without polling in a tight loop."""
    if wait_s <= 0:
        async with BetsUnitOfWork(services.db) as uow:
            view = await bet_view(uow, bet_id, user_id=principal.user_id)
        return {"success": True, "bet": view}
    with services.decisions.waiting(bet_id) as waiter:  # before the first read: none missed
        view = await wait_until_decided(
            services.db, waiter, bet_id, user_id=principal.user_id, timeout_s=wait_s
        )
    return {"success": True, "bet": view}


@router.post("/{bet_id}/cancel")
async def cancel(bet_id: uuid.UUID, principal: CurrentUser, services: Services) -> dict[str, Any]:
    """Cancel an open bet whose events have not started; the stake is released once."""
    async with BetsUnitOfWork(services.db) as uow:
        await cancel_bet(uow, bet_id=bet_id, user_id=principal.user_id, now=datetime.now(UTC))
        await uow.commit()
    async with BetsUnitOfWork(services.db) as uow:
        view = await bet_view(uow, bet_id, user_id=principal.user_id)
    return {"success": True, "bet": view}
