"""Admin wallet API: the withdrawal queue, method verification, finance stats.

Four eyes on money out: an admin acting on their own withdrawal or method gets a 403
(``wallet.four_eyes_own_operation``, audited as ``four_eyes_refused``); above the configured
amount a withdrawal needs two different admins' approvals (the queue shows ``approvals`` and
``approvals_required``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth.deps import AdminUser
from common.errors import DomainError
from common.money import format_minor
from wallet.adapters.audit import write_audit_now
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.errors import FourEyesOwnOperation
from wallet.domain.stats import percent
from wallet.domain.withdrawals import WithdrawalStatus
from wallet.entrypoints.api.deps import Client, Services, run_idempotent
from wallet.entrypoints.api.schemas import Method, RejectRequest, Withdrawal
from wallet.service_layer import queries, withdrawal_methods, withdrawals

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
    async with services.db() as session:
        found, total = await withdrawals.list_withdrawals(
            session,
            status=WithdrawalStatus(status) if status else None,
            user_id=user_id,
            limit=limit,
            offset=offset,
        )
        found = await withdrawals.with_approvals(
            session,
            found,
            second_approval_above_minor=services.settings.withdrawal_second_approval_above_minor,
        )
    return {
        "success": True,
        "withdrawals": [Withdrawal.of(w, admin=True).model_dump(mode="json") for w in found],
        "pagination": {"limit": limit, "offset": offset, "total_items": total},
    }


@router.post("/withdrawals/{operation_id}/approve")
async def approve_withdrawal(
    operation_id: uuid.UUID,
    request: Request,
    admin: AdminUser,
    services: Services,
    client: Client,
) -> JSONResponse:
    """Approve; the answer's ``status`` stays ``pending`` while a second admin's is needed."""
    actor = _as_admin(client, admin.user_id)

    async def operation(session: AsyncSession) -> tuple[int, Any]:
        view = await withdrawals.approve_withdrawal(
            session,
            operation_id=operation_id,
            admin_id=admin.user_id,
            client=actor,
            second_approval_above_minor=services.settings.withdrawal_second_approval_above_minor,
        )
        return 200, {
            "success": True,
            "withdrawal": Withdrawal.of(view, admin=True).model_dump(mode="json"),
        }

    return await run_idempotent(
        request,
        services,
        user_id=str(admin.user_id),
        body={},
        operation=operation,
        on_refused=_audit_own_operation(services, actor, "approve_withdrawal", operation_id),
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
    actor = _as_admin(client, admin.user_id)

    async def operation(session: AsyncSession) -> tuple[int, Any]:
        view = await withdrawals.reject_withdrawal(
            session,
            operation_id=operation_id,
            admin_id=admin.user_id,
            reason=body.reason,
            client=actor,
        )
        return 200, {
            "success": True,
            "withdrawal": Withdrawal.of(view, admin=True).model_dump(mode="json"),
        }

    return await run_idempotent(
        request,
        services,
        user_id=str(admin.user_id),
        body=body.model_dump(mode="json"),
        operation=operation,
        on_refused=_audit_own_operation(services, actor, "reject_withdrawal", operation_id),
    )


@router.post("/withdrawal-methods/{method_id}/verify")
async def verify_withdrawal_method(
    method_id: uuid.UUID, admin: AdminUser, services: Services, client: Client
) -> dict[str, Any]:
    actor = _as_admin(client, admin.user_id)
    try:
        async with services.db.begin() as session:
            view = await withdrawal_methods.verify_method(
                session, method_id=method_id, admin_id=admin.user_id, client=actor
            )
    except FourEyesOwnOperation as exc:
        await _audit_own_operation(services, actor, "verify_withdrawal_method", method_id)(exc)
        raise
    return {
        "success": True,
        "method": {**Method.of(view).model_dump(mode="json"), "user_id": str(view.user_id)},
    }


@router.get("/stats")
async def finance_stats(admin: AdminUser, services: Services) -> dict[str, Any]:
    async with services.db() as session:
        found = await queries.admin_stats(
            session, failed_threshold=services.settings.suspicious_failed_withdrawals
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
        await write_audit_now(
            services.db_engine,
            AuditEntry(
                action=AuditAction.four_eyes_refused,
                status=AuditStatus.failed,
                user_id=actor.actor_id,
                details={"operation": operation, "target": str(target), "code": error.code},
                client=actor,
            ),
        )

    return audit
