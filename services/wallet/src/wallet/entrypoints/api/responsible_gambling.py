"""Responsible gambling: the user's deposit limits, and an admin's read-only view of them
(issue 23; docs/wallet.md "Responsible gambling").

The user's routes act on the token's ``sub`` only. The admin's view changes nothing: an admin
can neither set a user's limits nor lift a time-out or self-exclusion (those are auth's, and
the wallet only hears them).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from common.auth.deps import AdminUser, CurrentUser
from common.money import AmountMinor
from wallet.adapters.responsible_gambling import LimitChangeView
from wallet.domain.responsible_gambling import LimitPeriod, Restriction
from wallet.entrypoints.api.deps import Client, Services, run_idempotent
from wallet.entrypoints.api.schemas import Request as RequestBody
from wallet.entrypoints.api.schemas import money, pagination
from wallet.service_layer import admin_views
from wallet.service_layer import responsible_gambling as service
from wallet.service_layer.unit_of_work import WalletUnitOfWork

router = APIRouter(tags=["responsible gambling"])

Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


class DepositLimitRequest(RequestBody):
    period: LimitPeriod
    # Required, and null removes the period's limit (after the cooling-off).
    amount: AmountMinor | None


def _period_json(found: service.PeriodView) -> dict[str, Any]:
    limit = found.limit
    pending = limit.pending
    return {
        "period": limit.period.value,
        "amount": money(limit.amount_minor),
        "pending": None
        if pending is None
        else {
            "amount": money(pending.amount_minor),
            "effective_at": pending.effective_at.isoformat(),
        },
        "used": money(found.used_minor),
        "remaining": None
        if limit.amount_minor is None
        else money(max(limit.amount_minor - found.used_minor, 0)),
    }


def _restriction_json(found: Restriction | None, view: service.LimitsView) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "kind": found.kind.value,
        "until": found.until.isoformat(),
        "active": found.active(view.now),
    }


def _limits_json(view: service.LimitsView) -> dict[str, Any]:
    return {
        "deposit_limits": [_period_json(p) for p in view.periods],
        "restriction": _restriction_json(view.restriction, view),
    }


def _change_json(found: LimitChangeView) -> dict[str, Any]:
    return {
        "period": found.period.value,
        "previous_amount": money(found.previous_minor),
        "requested_amount": money(found.requested_minor),
        "outcome": found.outcome,
        "effective_at": found.effective_at.isoformat(),
        "created_at": found.created_at.isoformat(),
    }


@router.get("/api/wallet/limits")
async def get_limits(principal: CurrentUser, services: Services) -> dict[str, Any]:
    """Each period's limit in force (a pending change whose time has come is in force), the
    pending change if any, what the rolling window used, and the restriction on file."""
    async with WalletUnitOfWork(services.db) as uow:
        view = await service.limits_view(uow, principal.user_id)
    return {"success": True, **_limits_json(view)}


@router.put("/api/wallet/limits/deposit")
async def set_deposit_limit(
    body: DepositLimitRequest,
    request: Request,
    principal: CurrentUser,
    services: Services,
    client: Client,
) -> JSONResponse:
    """A first limit or a decrease applies at once; an increase or a removal after 24 hours."""

    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        change, view = await service.set_deposit_limit(
            uow,
            user_id=principal.user_id,
            period=body.period,
            amount_minor=body.amount,
            currency=services.settings.currency,
            client=client,
        )
        return 200, {
            "success": True,
            "change": {
                "period": body.period.value,
                "outcome": change.outcome.value,
                "effective_at": change.effective_at.isoformat(),
            },
            **_limits_json(view),
        }

    return await run_idempotent(
        request, services, user_id=principal.user_id, body=body, operation=operation
    )


@router.get("/api/wallet/admin/users/{user_id}/limits")
async def user_limits(
    user_id: uuid.UUID,
    admin: AdminUser,
    services: Services,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Read only: the user's limits as they see them, the history of their changes (newest
    first) and the time-out or self-exclusion on file."""
    async with WalletUnitOfWork(services.db) as uow:
        await admin_views.check_wallet(uow, user_id)
        found = await service.admin_limits_view(uow, user_id, limit=limit, offset=offset)
    return {
        "success": True,
        "user_id": str(user_id),
        **_limits_json(found.limits),
        "history": [_change_json(c) for c in found.history],
        "pagination": pagination(limit, offset, found.history_total),
    }
