"""Packages over HTTP (issue 22): the catalogue, buying, balances, usage, the admin's views.

Every user call is scoped to the token's ``sub``. Mutating calls go through ``run_idempotent``
(``Idempotency-Key``); a card purchase's deposit operation id is derived from that key, as the
deposit routes do, so a retried request asks Stripe under the same key.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from common.auth.deps import AdminUser, CurrentUser, VerifiedUser
from common.errors import error_body
from common.idempotency import HEADER
from common.money import format_minor
from wallet.domain.audit import ClientInfo
from wallet.domain.packages import PackageKind
from wallet.entrypoints.api.deposits import (
    Provider,
    browser_confirms,
    deposit_limits,
    provider_errors,
)
from wallet.entrypoints.api.deps import Client, Services, run_idempotent
from wallet.entrypoints.api.package_schemas import (
    ActiveRequest,
    BuyRequest,
    PackageRequest,
    UsageRequest,
    holdings_json,
    order_json,
    package_json,
    purchase_json,
    totals_json,
    usage_json,
)
from wallet.entrypoints.api.schemas import pagination
from wallet.service_layer import packages
from wallet.service_layer.deposits import start
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.settings import Settings

router = APIRouter(tags=["packages"])
PACKAGES = "/api/wallet/packages"
ADMIN = "/api/wallet/admin/packages"
Limit = Query(50, ge=1, le=100)
Offset = Query(0, ge=0, le=1_000_000)


@router.get(PACKAGES)
async def packages_on_sale(principal: CurrentUser, services: Services) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        found = await uow.packages.list_packages(on_sale_only=True)
    return {"success": True, "packages": [package_json(p) for p in found]}


@router.get(PACKAGES + "/mine")
async def my_packages(principal: CurrentUser, services: Services) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        found = await packages.holdings(uow, principal.user_id)
    return holdings_json(found)


@router.get(PACKAGES + "/orders")
async def my_orders(
    principal: CurrentUser, services: Services, limit: int = Limit, offset: int = Offset
) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        found, total = await packages.list_orders(
            uow, user_id=principal.user_id, limit=limit, offset=offset
        )
    return {
        "success": True,
        "orders": [order_json(o) for o in found],
        "pagination": pagination(limit, offset, total),
    }


@router.post(PACKAGES + "/{package_id}/buy", status_code=201)
async def buy_package(
    package_id: uuid.UUID,
    body: BuyRequest,
    request: Request,
    principal: VerifiedUser,
    services: Services,
    provider: Provider,
    client: Client,
) -> JSONResponse:
    """``balance``: paid now (201). ``card``: a pending order and a card deposit of the price,
    Stripe Checkout (201 with ``confirmation_url``) or a saved card (``payment_method_id``);
    the units come when the deposit is credited (the webhook)."""
    settings = services.settings
    user_id = principal.user_id

    async def by_balance(uow: WalletUnitOfWork) -> tuple[int, Any]:
        bought = await packages.buy_with_balance(
            uow, user_id=user_id, package_id=package_id, client=client
        )
        return 201, {
            "success": True,
            "order": order_json(bought.order),
            "purchase": purchase_json(bought.purchase, bought.purchase.paid_at),
            "new_balance": format_minor(bought.available_after_minor),
        }

    async def by_card(uow: WalletUnitOfWork) -> tuple[int, Any]:
        card = _card_order(request, settings, user_id, body.payment_method_id, client)
        started = await packages.buy_by_card(uow, provider, package_id=package_id, card=card)
        if isinstance(started, packages.CheckoutStarted):
            return 201, {
                "success": True,
                "action": "redirect",
                "order": order_json(started.order),
                "confirmation_url": started.confirmation_url,
                "session_id": started.session_id,
                "operation_id": str(card.operation_id),
            }
        return _saved_card_answer(started, settings)

    operation = by_balance if body.method == "balance" else by_card
    async with provider_errors():
        return await run_idempotent(
            request, services, user_id=user_id, body=body, operation=operation
        )


def _card_order(
    request: Request,
    settings: Settings,
    user_id: uuid.UUID,
    method_id: uuid.UUID | None,
    client: ClientInfo,
) -> packages.CardOrder:
    return packages.CardOrder(
        user_id=user_id,
        operation_id=start.operation_id_for(user_id, request.headers.get(HEADER)),
        limits=deposit_limits(settings),
        client=client,
        method_id=method_id,
        success_url=settings.checkout_success_url,
        cancel_url=settings.checkout_cancel_url,
    )


def _saved_card_answer(charged: packages.SavedCardCharged, settings: Settings) -> tuple[int, Any]:
    outcome, order = charged.outcome, order_json(charged.order)
    deposit = outcome.deposit
    if isinstance(outcome, start.Credited):
        return 201, {
            "success": True,
            "order": order,
            "new_balance": format_minor(outcome.available_after_minor),
        }
    if isinstance(outcome, start.ActionRequired):
        return 200, {
            "success": False,
            "action": "requires_action",
            "order": order,
            "client_secret": outcome.client_secret,
            "intent_id": deposit.intent_id,
            "operation_id": str(deposit.operation_id),
            "next_action": outcome.next_action,
            "payment_method": outcome.payment_method,
            **browser_confirms(settings),
        }
    if isinstance(outcome, start.Declined):
        details = {"decline_code": deposit.decline_code, "order_id": order["order_id"]}
        return 402, error_body(outcome.error.code, outcome.error.message, details)
    return 202, {"success": True, "action": "processing", "order": order}


@router.post(PACKAGES + "/usage", status_code=201)
async def record_usage(
    body: UsageRequest, request: Request, principal: CurrentUser, services: Services
) -> JSONResponse:
    """Use units: 201 with the deductions; the same ``usage_id`` again answers 200 with the
    first result and moves nothing."""
    kind = PackageKind(body.kind)

    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        used = await packages.use(
            uow, user_id=principal.user_id, usage_id=body.usage_id, units=body.units, kind=kind
        )
        return 200 if used.usage.replayed else 201, {
            "success": True,
            "replayed": used.usage.replayed,
            "usage": usage_json(used.usage, kind, used.purchases),
        }

    return await run_idempotent(
        request, services, user_id=principal.user_id, body=body, operation=operation
    )


# --- admin -------------------------------------------------------------------------------------


def _as_admin(client: ClientInfo, admin_id: uuid.UUID) -> ClientInfo:
    return ClientInfo(ip_address=client.ip_address, user_agent=client.user_agent, actor_id=admin_id)


@router.get(ADMIN)
async def admin_packages(admin: AdminUser, services: Services) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        found = await uow.packages.list_packages(on_sale_only=False)
    return {"success": True, "packages": [package_json(p, admin=True) for p in found]}


@router.post(ADMIN, status_code=201)
async def create_package(
    body: PackageRequest, request: Request, admin: AdminUser, services: Services, client: Client
) -> JSONResponse:
    new = packages.NewPackage(
        name=body.name,
        description=body.description,
        kind=PackageKind(body.kind),
        units=body.units,
        price_minor=body.price,
        validity_days=body.validity_days,
        stake_minor=body.stake,
    )

    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        created = await packages.create_package(
            uow,
            new,
            currency=services.settings.currency,
            client=_as_admin(client, admin.user_id),
        )
        return 201, {"success": True, "package": package_json(created, admin=True)}

    return await run_idempotent(
        request, services, user_id=admin.user_id, body=body, operation=operation
    )


@router.post(ADMIN + "/{package_id}/active")
async def set_package_active(
    package_id: uuid.UUID,
    body: ActiveRequest,
    request: Request,
    admin: AdminUser,
    services: Services,
    client: Client,
) -> JSONResponse:
    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        changed = await packages.set_on_sale(
            uow, package_id, body.active, client=_as_admin(client, admin.user_id)
        )
        return 200, {"success": True, "package": package_json(changed, admin=True)}

    return await run_idempotent(
        request,
        services,
        user_id=admin.user_id,
        body={"package_id": str(package_id), "active": body.active},
        operation=operation,
    )


@router.get(ADMIN + "/purchases")
async def admin_purchases(
    admin: AdminUser,
    services: Services,
    user_id: uuid.UUID | None = None,
    limit: int = Limit,
    offset: int = Offset,
) -> dict[str, Any]:
    """Users' packages: every purchase (active, used up, expired), earliest expiry first."""
    async with WalletUnitOfWork(services.db) as uow:
        now, found, total = await packages.list_purchases(
            uow, user_id=user_id, limit=limit, offset=offset
        )
    return {
        "success": True,
        "purchases": [purchase_json(p, now, admin=True) for p in found],
        "pagination": pagination(limit, offset, total),
    }


@router.get(ADMIN + "/orders")
async def admin_orders(
    admin: AdminUser,
    services: Services,
    status: Literal["pending", "paid", "failed"] | None = None,
    user_id: uuid.UUID | None = None,
    limit: int = Limit,
    offset: int = Offset,
) -> dict[str, Any]:
    """The payment transaction log: every order, newest first."""
    async with WalletUnitOfWork(services.db) as uow:
        found, total = await packages.list_orders(
            uow, user_id=user_id, status=status, limit=limit, offset=offset
        )
    return {
        "success": True,
        "orders": [order_json(o, admin=True) for o in found],
        "pagination": pagination(limit, offset, total),
    }


@router.get(ADMIN + "/totals")
async def admin_totals(admin: AdminUser, services: Services) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        found = await packages.totals(uow)
    return totals_json(found, services.settings.currency)
