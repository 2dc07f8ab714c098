"""Admin wallet API: the withdrawal queue, method verification, finance stats, and (read-only)
the methods awaiting verification and one user's wallet as the admin sees it (issue 25).

Four eyes on money out: an admin acting on their own withdrawal or method gets a 403
(``wallet.four_eyes_own_operation``, audited as ``four_eyes_refused``); above the configured
amount a withdrawal needs two different admins' approvals (the queue shows ``approvals`` and
``approvals_required``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from functools import partial
from typing import Annotated, Any, Literal, Protocol

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from common.auth.deps import AdminUser
from common.errors import DomainError
from common.money import format_minor
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.errors import FourEyesOwnOperation
from wallet.domain.stats import percent
from wallet.domain.withdrawals import WithdrawalStatus
from wallet.entrypoints.api.deposits import deposit_json
from wallet.entrypoints.api.deps import Client, Services, run_idempotent
from wallet.entrypoints.api.routes import HistoryTypeParam, StatusParam
from wallet.entrypoints.api.schemas import (
    Balance,
    Method,
    RejectRequest,
    Withdrawal,
    history_body,
    money,
    pagination,
    withdrawals_body,
)
from wallet.service_layer import admin_views, queries, withdrawal_methods, withdrawals
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.service_layer.withdrawals import WithdrawalView

router = APIRouter(prefix="/api/wallet/admin", tags=["wallet admin"])


@router.get("/withdrawals")
async def list_withdrawals(
    admin: AdminUser,
    services: Services,
    status: Literal["pending", "completed", "rejected", "cancelled"] | None = None,
    user_id: uuid.UUID | None = None,
    limit: int = Query(50, ge=1, le=100),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        found, total = await withdrawals.list_withdrawals(
            uow,
            status=WithdrawalStatus(status) if status else None,
            user_id=user_id,
            limit=limit,
            offset=offset,
        )
        found = await withdrawals.with_approvals(
            uow,
            found,
            second_approval_above_minor=services.settings.withdrawal_second_approval_above_minor,
        )
    return withdrawals_body(found, total, limit=limit, offset=offset, admin=True)


@router.post("/withdrawals/{operation_id}/approve")
async def approve_withdrawal(
    operation_id: uuid.UUID,
    request: Request,
    admin: AdminUser,
    services: Services,
    client: Client,
) -> JSONResponse:
    """Approve; the answer's ``status`` stays ``pending`` while a second admin's is needed."""
    approve = partial(
        withdrawals.approve_withdrawal,
        second_approval_above_minor=services.settings.withdrawal_second_approval_above_minor,
    )
    actor = _as_admin(client, admin.user_id)
    return await _decide_withdrawal(
        request, services, actor, "approve_withdrawal", operation_id, {}, approve
    )


@router.post("/withdrawals/{operation_id}/reject")
async def reject_withdrawal(
    operation_id: uuid.UUID,
    body: RejectRequest,
    request: Request,
    admin: AdminUser,
    services: Services,
    client: Client,
) -> JSONResponse:
    reject = partial(withdrawals.reject_withdrawal, reason=body.reason)
    actor = _as_admin(client, admin.user_id)
    return await _decide_withdrawal(
        request, services, actor, "reject_withdrawal", operation_id, body, reject
    )


class _Decision(Protocol):
    """An admin's decision on a withdrawal (``withdrawals.approve_withdrawal`` or
    ``reject_withdrawal`` with their own arguments bound)."""

    def __call__(
        self,
        uow: WalletUnitOfWork,
        *,
        operation_id: uuid.UUID,
        admin_id: uuid.UUID,
        client: ClientInfo,
    ) -> Awaitable[WithdrawalView]: ...


async def _decide_withdrawal(
    request: Request,
    services: Services,
    actor: ClientInfo,
    action: str,
    operation_id: uuid.UUID,
    body: RejectRequest | dict[str, Any],
    decide: _Decision,
) -> JSONResponse:
    """An admin's decision on a withdrawal, once per Idempotency-Key, answered with the
    withdrawal as the admin sees it; acting on their own is refused and audited
    (``_audit_own_operation``)."""
    admin_id = actor.actor_id
    assert admin_id is not None, "_as_admin names the admin"

    async def operation(uow: WalletUnitOfWork) -> tuple[int, Any]:
        view = await decide(uow, operation_id=operation_id, admin_id=admin_id, client=actor)
        return 200, {
            "success": True,
            "withdrawal": Withdrawal.of(view, admin=True).model_dump(mode="json"),
        }

    return await run_idempotent(
        request,
        services,
        user_id=admin_id,
        body=body,
        operation=operation,
        on_refused=_audit_own_operation(services, actor, action, operation_id),
    )


@router.post("/withdrawal-methods/{method_id}/verify")
async def verify_withdrawal_method(
    method_id: uuid.UUID, admin: AdminUser, services: Services, client: Client
) -> dict[str, Any]:
    actor = _as_admin(client, admin.user_id)
    try:
        async with WalletUnitOfWork(services.db) as uow:
            view = await withdrawal_methods.verify_method(
                uow, method_id=method_id, admin_id=admin.user_id, client=actor
            )
            await uow.commit()
    except FourEyesOwnOperation as exc:
        await _audit_own_operation(services, actor, "verify_withdrawal_method", method_id)(exc)
        raise
    return {
        "success": True,
        "method": {**Method.of(view).model_dump(mode="json"), "user_id": str(view.user_id)},
    }


Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


@router.get("/withdrawal-methods")
async def list_withdrawal_methods(
    admin: AdminUser,
    services: Services,
    status: Literal["unverified", "verified"] = "unverified",
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Active methods awaiting verification (or verified ones), oldest first, masked."""
    async with WalletUnitOfWork(services.db) as uow:
        found, total = await admin_views.list_methods(
            uow, verified=status == "verified", limit=limit, offset=offset
        )
    return {
        "success": True,
        "methods": [
            {**Method.of(m).model_dump(mode="json"), "user_id": str(m.user_id)} for m in found
        ],
        "pagination": pagination(limit, offset, total),
    }


# --- one user's wallet, read-only ----------------------------------------------------------------

USER_WALLET = "/users/{user_id}/wallet"


@router.get(USER_WALLET)
async def user_wallet(user_id: uuid.UUID, admin: AdminUser, services: Services) -> dict[str, Any]:
    """The user's balances as they see them, their debt and what flags the wallet; the lists are
    sub-resources (``/history``, ``/holds``, ``/withdrawals``, ``/deposits``, ``/disputes``,
    ``/audit``)."""
    async with WalletUnitOfWork(services.db) as uow:
        view = await queries.get_balance(uow.db, user_id)
        found = await admin_views.flags(uow, user_id)
    return {
        "success": True,
        "user_id": str(user_id),
        "balance": Balance.of(view).model_dump(mode="json"),
        "debt": money(view.debt_minor),
        "flags": {**found, "in_debt": view.debt_minor > 0},
    }


@router.get(USER_WALLET + "/history")
async def user_wallet_history(
    user_id: uuid.UUID,
    admin: AdminUser,
    services: Services,
    limit: Limit = 50,
    offset: Offset = 0,
    type: HistoryTypeParam | None = None,
    status: StatusParam | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> dict[str, Any]:
    """The user's ``GET /api/wallet/history``, as the user sees it."""
    filters = queries.HistoryFilters(
        type=type, status=status, result=None, date_from=date_from, date_to=date_to
    )
    async with WalletUnitOfWork(services.db) as uow:
        await admin_views.check_wallet(uow, user_id)
        page = await queries.get_history(uow, user_id, filters, limit=limit, offset=offset)
    return history_body(page, limit=limit, offset=offset)


@router.get(USER_WALLET + "/holds")
async def user_wallet_holds(
    user_id: uuid.UUID, admin: AdminUser, services: Services, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        await admin_views.check_wallet(uow, user_id)
        page = await admin_views.holds(uow, user_id, limit=limit, offset=offset)
    return {
        "success": True,
        "holds": [
            {
                "hold_id": str(h.id),
                "bet_id": str(h.bet_id),
                "amount": money(int(h.amount_minor)),
                "currency": h.currency,
                "status": h.status,
                "max_payout": None if h.max_payout_minor is None else money(h.max_payout_minor),
                "paid": money(int(h.paid_minor)),
                "created_at": h.created_at.isoformat(),
                "finished_at": None if h.finished_at is None else h.finished_at.isoformat(),
            }
            for h in page.rows
        ],
        "pagination": pagination(limit, offset, page.total),
    }


@router.get(USER_WALLET + "/withdrawals")
async def user_wallet_withdrawals(
    user_id: uuid.UUID, admin: AdminUser, services: Services, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        await admin_views.check_wallet(uow, user_id)
        found, total = await withdrawals.list_withdrawals(
            uow, status=None, user_id=user_id, limit=limit, offset=offset
        )
    return withdrawals_body(found, total, limit=limit, offset=offset, admin=True)


@router.get(USER_WALLET + "/deposits")
async def user_wallet_deposits(
    user_id: uuid.UUID, admin: AdminUser, services: Services, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    """Card deposits, every status (failed ones with Stripe's decline code), newest first."""
    async with WalletUnitOfWork(services.db) as uow:
        await admin_views.check_wallet(uow, user_id)
        found, total = await admin_views.deposits(uow, user_id, limit=limit, offset=offset)
    return {
        "success": True,
        "deposits": [{**deposit_json(d), "failure_message": d.failure_message} for d in found],
        "pagination": pagination(limit, offset, total),
    }


@router.get(USER_WALLET + "/disputes")
async def user_wallet_disputes(
    user_id: uuid.UUID, admin: AdminUser, services: Services, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        await admin_views.check_wallet(uow, user_id)
        page = await admin_views.disputes(uow, user_id, limit=limit, offset=offset)
    return {
        "success": True,
        "disputes": [
            {
                "dispute_id": d.dispute_id,
                "operation_id": None if d.operation_id is None else str(d.operation_id),
                "charge_id": d.charge_id,
                "amount": money(int(d.amount_minor)),
                "currency": d.currency,
                "status": d.status,
                "stripe_status": d.stripe_status,
                "reason": d.reason,
                "created_at": d.created_at.isoformat(),
                "closed_at": None if d.closed_at is None else d.closed_at.isoformat(),
            }
            for d in page.rows
        ],
        "pagination": pagination(limit, offset, page.total),
    }


@router.get(USER_WALLET + "/audit")
async def user_wallet_audit(
    user_id: uuid.UUID,
    admin: AdminUser,
    services: Services,
    limit: Limit = 50,
    offset: Offset = 0,
    action: Annotated[list[str] | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    """The wallet's audit trail about the user (or acted by them as an admin), newest first,
    with the IP address and user agent of each request."""
    async with WalletUnitOfWork(services.db) as uow:
        await admin_views.check_wallet(uow, user_id)
        page = await admin_views.audit_trail(
            uow, user_id, actions=action or (), limit=limit, offset=offset
        )
    return {
        "success": True,
        "audit": [
            {
                "id": a.id,
                "user_id": None if a.user_id is None else str(a.user_id),
                "actor_id": None if a.actor_id is None else str(a.actor_id),
                "action": a.action,
                "status": a.status,
                "amount": None if a.amount_minor is None else money(int(a.amount_minor)),
                "ip_address": None if a.ip_address is None else str(a.ip_address),
                "user_agent": a.user_agent,
                "details": a.details,
                "created_at": a.created_at.isoformat(),
            }
            for a in page.rows
        ],
        "pagination": pagination(limit, offset, page.total),
    }


@router.get("/stats")
async def finance_stats(admin: AdminUser, services: Services) -> dict[str, Any]:
    async with WalletUnitOfWork(services.db) as uow:
        found = await queries.admin_stats(
            uow, failed_threshold=services.settings.suspicious_failed_withdrawals
        )
    r = found["row"]
    return {
        "success": True,
        "stats": {
            "currency": services.settings.currency,
            "wallets": {
                "total": r.wallets,
                "blocked": r.blocked_wallets,
                "new_last_7_days": r.new_wallets_7d,
                "active_last_30_days": r.active_users_30d,
                "in_debt_count": found["in_debt_count"],
                "in_debt": [
                    {
                        "user_id": str(d["user_id"]),
                        "available_balance": format_minor(d["available_minor"]),
                    }
                    for d in found["in_debt"]
                ],
            },
            "balances": {
                "users_available": format_minor(int(r.users_available)),
                "users_locked_in_bets": format_minor(int(r.users_held)),
                # house: stakes captured minus payouts (positive = the house is up)
                "house": format_minor(int(r.house)),
                "clearing": format_minor(int(r.clearing)),
                "withdrawals_payable": format_minor(int(r.payable)),
            },
            "deposits": {"count": r.deposits, "total": format_minor(int(r.deposited))},
            "withdrawals": {
                "pending_count": r.w_pending,
                "pending_total": format_minor(int(r.w_pending_minor)),
                "completed_count": r.w_completed,
                "completed_total": format_minor(int(r.w_completed_minor)),
                "rejected_count": r.w_rejected,
                "cancelled_count": r.w_cancelled,
            },
            "bets": {
                "bettors": r.bettors,
                "open_count": r.open_bets,
                "open_stakes": format_minor(int(r.open_stakes)),
                "settled_count": r.settled_bets,
                "total_staked": format_minor(int(r.staked)),
                "total_paid_out": format_minor(int(r.paid_out)),
                "payout_rate_percent": float(percent(int(r.paid_out), int(r.staked))),
            },
            "suspicious": [
                {
                    "user_id": str(s["user_id"]),
                    "flags": s["flags"],
                    "occurrences": s["occurrences"],
                    "last_at": s["last_at"].isoformat(),
                }
                for s in found["suspicious"]
            ],
        },
    }


def _as_admin(client: ClientInfo, admin_id: uuid.UUID) -> ClientInfo:
    return ClientInfo(ip_address=client.ip_address, user_agent=client.user_agent, actor_id=admin_id)


def _audit_own_operation(
    services: Services, actor: ClientInfo, operation: str, target: uuid.UUID
) -> Callable[[DomainError], Awaitable[None]]:
    """An audit row, in a transaction of its own, when an admin tried to act on their own money
    out (the refused operation's transaction rolled back)."""

    async def audit(error: DomainError) -> None:
        if not isinstance(error, FourEyesOwnOperation):
            return
        async with WalletUnitOfWork(services.db) as uow:
            await uow.audit.add(
                AuditEntry(
                    action=AuditAction.four_eyes_refused,
                    status=AuditStatus.failed,
                    user_id=actor.actor_id,
                    details={"operation": operation, "target": str(target), "code": error.code},
                    client=actor,
                ),
            )
            await uow.commit()

    return audit
