"""Time-out and self-exclusion, taken by the signed-in user (service_layer/responsible_gambling).

The two POSTs honour ``Idempotency-Key`` (common.idempotency): a retry with the same key answers
the first call's answer and takes nothing twice (a second request without a key would be a new
restriction, ending a little later).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from auth.entrypoints.api.deps import Origin, Services
from auth.entrypoints.api.schemas import (
    ResponsibleGamblingResponse,
    SelfExclusionRequest,
    TimeOutRequest,
)
from auth.service_layer import responsible_gambling as rg
from auth.service_layer.services import AuthServices
from auth.service_layer.unit_of_work import UnitOfWork
from common.auth.deps import CurrentUser
from common.auth.tokens import Principal
from common.idempotency import Claim, run_once

router = APIRouter(prefix="/api/auth/responsible-gambling", tags=["auth: responsible gambling"])

Take = Callable[[rg.BeforeCommit], Awaitable[rg.Overview]]


def _json(found: rg.Overview) -> object:
    return ResponsibleGamblingResponse.of(found).model_dump(mode="json")


async def _once(
    request: Request, services: AuthServices, principal: Principal, body: BaseModel, take: Take
) -> JSONResponse:
    """Take the restriction once per ``Idempotency-Key``: the answer is recorded in the
    restriction's own transaction, so both commit or neither."""

    async def run(claim: Claim | None) -> JSONResponse:
        async def record(uow: UnitOfWork, found: rg.Overview) -> None:
            if claim is not None:
                await services.idempotency.record(
                    uow.db, claim, status.HTTP_201_CREATED, _json(found)
                )

        return JSONResponse(_json(await take(record)), status_code=status.HTTP_201_CREATED)

    assert services.engine is not None, "the composition root sets the engine"
    return await run_once(
        services.idempotency,
        services.engine,
        request,
        user_id=str(principal.user_id),
        body=body.model_dump(mode="json"),
        run=run,
    )


@router.get("")
async def restrictions(principal: CurrentUser, services: Services) -> ResponsibleGamblingResponse:
    """The time-out or self-exclusion in force (null: none) and every one taken."""
    return ResponsibleGamblingResponse.of(await rg.overview(services, principal))


@router.post(
    "/time-out",
    status_code=status.HTTP_201_CREATED,
    response_model=ResponsibleGamblingResponse,
)
async def time_out(
    body: TimeOutRequest,
    request: Request,
    principal: CurrentUser,
    services: Services,
    origin: Origin,
) -> JSONResponse:
    """No bets, deposits or marketing for ``days`` (1 to 42) from now; open bets stay and
    settle, withdrawals stay possible. 409 ``auth.restriction_shorter`` if it would end before
    the restriction in force."""
    return await _once(
        request,
        services,
        principal,
        body,
        lambda record: rg.take_time_out(
            services, principal, days=body.days, origin=origin, before_commit=record
        ),
    )


@router.post(
    "/self-exclusion",
    status_code=status.HTTP_201_CREATED,
    response_model=ResponsibleGamblingResponse,
)
async def self_exclusion(
    body: SelfExclusionRequest,
    request: Request,
    principal: CurrentUser,
    services: Services,
    origin: Origin,
) -> JSONResponse:
    """As a time-out, for ``months`` (6 to 60 calendar months) from now; never reversible
    early. 409 ``auth.restriction_shorter`` if it would end before the restriction in force."""
    return await _once(
        request,
        services,
        principal,
        body,
        lambda record: rg.self_exclude(
            services, principal, months=body.months, origin=origin, before_commit=record
        ),
    )
