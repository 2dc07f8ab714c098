"""The user's wallet API: every query scoped to the token's ``sub`` (another user's id is a 404)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, timedelta
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from common.auth.deps import CurrentUser, VerifiedUser
from common.errors import DomainError
from wallet.domain.history import HistoryType
from wallet.entrypoints.api.deps import Client, Services, run_idempotent
from wallet.entrypoints.api.schemas import (
    Balance,
    Method,
    Withdrawal,
    WithdrawalLimitsAnswer,
    WithdrawalMethodRequest,
    WithdrawRequest,
    history_body,
    money,
    withdrawals_body,
)
from wallet.service_layer import queries, withdrawal_methods, withdrawals
from wallet.service_layer.unit_of_work import WalletUnitOfWork

router = APIRouter(prefix="/api/wallet", tags=["wallet"])

HistoryTypeParam = Literal[
    "deposit",
    "withdrawal",
    "bet_placed",
    "bet_won",
    "bet_lost",
    "bet_cancelled",
    "coupon_won",
    "coupon_lost",
    "bonus_added",
    "fee_charged",
    "refund",
    "bet_resettled",
    "subscription",
    "subscription_refund",
    "package_purchase",
    "free_bet_won",
]
StatusParam = Literal[
    "open", "won", "lost", "void", "cancelled", "resolved", "settled",
    "completed", "pending", "failed", "rejected",
]  # fmt: skip
assert set(HistoryTypeParam.__args__) == {t.value for t in HistoryType}  # type: ignore[attr-defined]

ESTIMATED_PAYOUT = timedelta(days=2)


@router.get("/balance")
async def get_balance(principal: CurrentUser, services: Services) -> dict[str, Any]:
    # The hottest read: one statement on an autocommit connection, no BEGIN/ROLLBACK round
    # trips around it (one statement is one snapshot).
    async with services.db_engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        view = await queries.get_balance(conn, principal.user_id)
    return {"success": True, "balance": Balance.of(view).model_dump(mode="json")}


@router.get("/history")
async def get_history(
    principal: CurrentUser,
    services: Services,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=1_000_000),
    type: HistoryTypeParam | None = None,
    status: StatusParam | None = None,
    result: Literal["win", "loss", "void"] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> dict[str, Any]:
    filters = queries.HistoryFilters(
        type=type, status=status, result=result, date_from=date_from, date_to=date_to
    )
    async with WalletUnitOfWork(services.db) as uow:
        page = await queries.get_history(
            uow, principal.user_id, filters, limit=limit, offset=offset
        )
    return history_body(page, limit=limit, offset=offset)


# --- withdrawal methods --------------------------------------------------------------------


@router.get("/withdrawal-methods")
async def list_withdrawal_methods(principal: CurrentUser, services: Services) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        found = await withdrawal_methods.list_methods(uow, principal.user_id)
    return {"success": True, "methods": [Method.of(m).model_dump(mode="json") for m in found]}


@router.post("/withdrawal-methods", status_code=201)
async def add_withdrawal_method(
    body: WithdrawalMethodRequest,
    request: Request,
    principal: CurrentUser,
    services: Services,
    client: Client,
) -> JSONResponse:
    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        view = await withdrawal_methods.add_method(
            uow,
            services.cipher,
            user_id=principal.user_id,
            destination=body.destination(),
            account_holder_name=body.account_holder_name,
            bank_name=body.bank_name,
            client=client,
        )
        return 201, {"success": True, "method": Method.of(view).model_dump(mode="json")}

    return await run_idempotent(
        request, services, user_id=principal.user_id, body=body, operation=operation
    )


@router.delete("/withdrawal-methods/{method_id}")
async def delete_withdrawal_method(
    method_id: uuid.UUID, principal: CurrentUser, services: Services, client: Client
) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        await withdrawal_methods.delete_method(
            uow, user_id=principal.user_id, method_id=method_id, client=client
        )
        await uow.commit()
    return {"success": True}


@router.post("/withdrawal-methods/{method_id}/default")
async def make_default_withdrawal_method(
    method_id: uuid.UUID, principal: CurrentUser, services: Services
) -> dict[str, Any]:
    """The user's verified method becomes the one a withdrawal naming none goes to."""
    async with WalletUnitOfWork(services.db) as uow:
        found = await withdrawal_methods.make_default(
            uow, user_id=principal.user_id, method_id=method_id
        )
        await uow.commit()
    return {"success": True, "methods": [Method.of(m).model_dump(mode="json") for m in found]}


# --- withdrawals ---------------------------------------------------------------------------


@router.post("/withdraw", status_code=201)
async def withdraw(
    body: WithdrawRequest,
    request: Request,
    principal: VerifiedUser,
    services: Services,
    client: Client,
) -> JSONResponse:
    settings = services.settings

    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        method_id = body.withdrawal_method_id or await withdrawal_methods.default_method_id(
            uow, principal.user_id
        )
        outcome = await withdrawals.request_withdrawal(
            uow,
            user_id=principal.user_id,
            amount_minor=body.amount,
            method_id=method_id,
            reason=body.reason,
            limits=settings.withdrawal_limits,
            thresholds=settings.suspicion_thresholds,
            client=client,
        )
        answer = Withdrawal.of(outcome.withdrawal).user_json()
        answer["estimated_completion"] = (
            (outcome.withdrawal.created_at + ESTIMATED_PAYOUT).astimezone(UTC).isoformat()
        )
        return 201, {
            "success": True,
            "message": "Withdrawal request created",
            "withdrawal": answer,
            "new_balance": money(outcome.available_after_minor),
        }

    async def refused(error: DomainError) -> None:
        async with WalletUnitOfWork(services.db) as uow:
            await withdrawals.record_failed_request(
                uow,
                user_id=principal.user_id,
                amount_minor=body.amount,
                code=error.code,
                client=client,
            )
            await uow.commit()

    return await run_idempotent(
        request,
        services,
        user_id=principal.user_id,
        body=body,
        operation=operation,
        on_refused=refused,
    )


@router.get("/withdrawal-limits")
async def get_withdrawal_limits(
    principal: CurrentUser, services: Services
) -> WithdrawalLimitsAnswer:
    """The limits a withdrawal is checked against and today's use of the daily one (the same
    sum the request checks), so the form can say them before any refusal."""
    settings = services.settings
    async with WalletUnitOfWork(services.db) as uow:
        view = await withdrawals.withdrawal_limits(
            uow,
            user_id=principal.user_id,
            limits=settings.withdrawal_limits,
            currency=settings.currency,
        )
    return WithdrawalLimitsAnswer.of(view)


@router.get("/withdrawals")
async def list_my_withdrawals(
    principal: CurrentUser,
    services: Services,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        found, total = await withdrawals.list_withdrawals(
            uow, status=None, user_id=principal.user_id, limit=limit, offset=offset
        )
    return withdrawals_body(found, total, limit=limit, offset=offset)


@router.post("/withdrawals/{operation_id}/cancel")
async def cancel_withdrawal(
    operation_id: uuid.UUID,
    request: Request,
    principal: CurrentUser,
    services: Services,
    client: Client,
) -> JSONResponse:
    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        outcome = await withdrawals.cancel_withdrawal(
            uow,
            user_id=principal.user_id,
            operation_id=operation_id,
            allowed=services.settings.withdrawal_user_cancel,
            client=client,
        )
        return 200, {
            "success": True,
            "withdrawal": Withdrawal.of(outcome.withdrawal).user_json(),
            "new_balance": money(outcome.available_after_minor),
        }

    return await run_idempotent(
        request,
        services,
        user_id=principal.user_id,
        body={"operation_id": str(operation_id)},
        operation=operation,
    )
