"""Subscriptions over HTTP (issue 22): plans, the user's subscription, the admin's plans.

Mutating routes go through ``run_idempotent``: an ``Idempotency-Key`` retry replays the first
answer and moves nothing again. docs/subscriptions.md has the calls with examples.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from common.auth.deps import AdminUser, CurrentUser, VerifiedUser
from wallet.domain.audit import ClientInfo
from wallet.entrypoints.api.deps import Client, Services, WalletServices, run_idempotent
from wallet.entrypoints.api.schemas import pagination
from wallet.entrypoints.api.subscription_schemas import (
    PlanChoice,
    PlanRequest,
    payment_json,
    plan_json,
    stats_json,
    subscription_json,
)
from wallet.service_layer import subscriptions
from wallet.service_layer.subscriptions import SubscriptionView
from wallet.service_layer.unit_of_work import WalletUnitOfWork

router = APIRouter(tags=["subscriptions"])

USER = "/api/wallet/subscription"
ADMIN = "/api/wallet/admin"


def _lead(services: WalletServices) -> timedelta:
    return timedelta(seconds=services.settings.subscription_renewal_lead_s)


def _answer(view: SubscriptionView) -> dict[str, Any]:
    return {"success": True, "subscription": subscription_json(view)}


# --- the user's ------------------------------------------------------------------------------


@router.get("/api/wallet/plans")
async def list_plans(principal: CurrentUser, services: Services) -> dict[str, Any]:
    """The plans on sale (retired ones are not)."""
    async with WalletUnitOfWork(services.db) as uow:
        found = await subscriptions.list_plans(uow)
    return {"success": True, "plans": [plan_json(p) for p in found]}


@router.get(USER)
async def get_subscription(principal: CurrentUser, services: Services) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        view = await subscriptions.current_subscription(
            uow, user_id=principal.user_id, lead=_lead(services)
        )
    return _answer(view)


@router.post(USER, status_code=201)
async def subscribe(
    body: PlanChoice, request: Request, principal: VerifiedUser, services: Services
) -> JSONResponse:
    """The first period charged now (or a cancelled one on this plan resumed)."""

    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        view = await subscriptions.subscribe_to_plan(
            uow, user_id=principal.user_id, plan_id=body.plan_id, lead=_lead(services)
        )
        return 201, _answer(view)

    return await run_idempotent(
        request, services, user_id=principal.user_id, body=body, operation=operation
    )


@router.post(USER + "/plan")
async def change_plan(
    body: PlanChoice, request: Request, principal: VerifiedUser, services: Services
) -> JSONResponse:
    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        view = await subscriptions.change_subscription_plan(
            uow, user_id=principal.user_id, plan_id=body.plan_id, lead=_lead(services)
        )
        return 200, _answer(view)

    return await run_idempotent(
        request, services, user_id=principal.user_id, body=body, operation=operation
    )


@router.post(USER + "/cancel")
async def cancel(request: Request, principal: CurrentUser, services: Services) -> JSONResponse:
    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        view = await subscriptions.cancel_subscription(
            uow, user_id=principal.user_id, lead=_lead(services)
        )
        return 200, _answer(view)

    return await run_idempotent(
        request, services, user_id=principal.user_id, body={"do": "cancel"}, operation=operation
    )


@router.post(USER + "/resume")
async def resume(request: Request, principal: VerifiedUser, services: Services) -> JSONResponse:
    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        view = await subscriptions.resume_subscription(
            uow, user_id=principal.user_id, lead=_lead(services)
        )
        return 200, _answer(view)

    return await run_idempotent(
        request, services, user_id=principal.user_id, body={"do": "resume"}, operation=operation
    )


@router.get(USER + "/charges")
async def list_charges(
    principal: CurrentUser,
    services: Services,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> dict[str, Any]:
    """The payment log: each period charged and each plan change's refund, newest first."""
    async with WalletUnitOfWork(services.db) as uow:
        found, total = await subscriptions.payments(
            uow, user_id=principal.user_id, limit=limit, offset=offset
        )
    return {
        "success": True,
        "charges": [payment_json(p) for p in found],
        "pagination": pagination(limit, offset, total),
    }


# --- the admin's -----------------------------------------------------------------------------


def _as_admin(client: ClientInfo, admin_id: uuid.UUID) -> ClientInfo:
    """The admin acts: the audit row names them (as admin.py does)."""
    return ClientInfo(ip_address=client.ip_address, user_agent=client.user_agent, actor_id=admin_id)


@router.get(ADMIN + "/plans")
async def admin_list_plans(admin: AdminUser, services: Services) -> dict[str, Any]:
    """Every plan, retired ones too."""
    async with WalletUnitOfWork(services.db) as uow:
        found = await subscriptions.list_plans(uow, include_retired=True)
    return {"success": True, "plans": [plan_json(p, admin=True) for p in found]}


@router.post(ADMIN + "/plans", status_code=201)
async def admin_create_plan(
    body: PlanRequest, request: Request, admin: AdminUser, services: Services, client: Client
) -> JSONResponse:
    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        view = await subscriptions.create_plan(
            uow,
            name=body.name,
            description=body.description,
            price_minor=body.amount_minor,
            period=timedelta(seconds=body.period_seconds),
            features=frozenset(body.features),
            currency=services.settings.currency,
            client=_as_admin(client, admin.user_id),
        )
        return 201, {"success": True, "plan": plan_json(view, admin=True)}

    return await run_idempotent(
        request, services, user_id=admin.user_id, body=body, operation=operation
    )


@router.post(ADMIN + "/plans/{plan_id}/retire")
async def admin_retire_plan(
    plan_id: uuid.UUID, request: Request, admin: AdminUser, services: Services, client: Client
) -> JSONResponse:
    """No new subscribers; current ones renew on it unchanged."""

    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        view = await subscriptions.retire_plan(
            uow, plan_id=plan_id, client=_as_admin(client, admin.user_id)
        )
        return 200, {"success": True, "plan": plan_json(view, admin=True)}

    return await run_idempotent(
        request,
        services,
        user_id=admin.user_id,
        body={"retire": str(plan_id)},
        operation=operation,
    )


@router.get(ADMIN + "/subscriptions/stats")
async def admin_subscription_stats(admin: AdminUser, services: Services) -> dict[str, Any]:
    """Subscribers by status and recurring revenue, to the cent."""
    async with WalletUnitOfWork(services.db) as uow:
        figures = await subscriptions.figures(uow)
    return {"success": True, "stats": stats_json(figures, services.settings.currency)}
