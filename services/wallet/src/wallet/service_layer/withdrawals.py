"""Withdrawals: requested by the user (money leaves available at once), then approved, rejected
or cancelled — each exactly once.

| step | ledger (payable = withdrawals_payable) | history | message |
|---|---|---|---|
| request | available → payable (conditional) | ``withdrawal -A pending`` | WithdrawalRequested |
| approve (the last needed) | payable → clearing | that row → ``completed`` | WithdrawalCompleted |
| reject | payable → available | row → ``rejected``, ``refund +A`` | WithdrawalRejected |
| cancel | payable → available | row → ``cancelled``, ``refund +A`` | WithdrawalCancelled |

A request locks the user's wallet row first: the daily sum (pending + completed of the UTC
day) and the debit are then decided by one request at a time per user, so parallel requests
cannot pass the daily limit together. The available balance itself is protected by the
conditional debit, whatever else (a bet reservation) races it.

Four eyes (issue 20): an admin never approves or rejects their own withdrawal. Above
``WALLET_WITHDRAWAL_SECOND_APPROVAL_ABOVE_MINOR`` a withdrawal needs the approvals of two
different admins: the first is recorded (``withdrawal_approval``, audited) and the withdrawal stays
pending; the second completes it. Every decision locks the withdrawal row first, so two admins
approving at the same moment decide one after the other: the money moves once, and the rule is
never skipped.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from common.contracts.wallet import (
    WithdrawalCancelled,
    WithdrawalCompleted,
    WithdrawalRejected,
    WithdrawalRequested,
)
from common.messaging.outbox import add_to_outbox
from common.money import format_minor
from wallet.adapters.audit import write_audit
from wallet.adapters.ledger import Ledger
from wallet.adapters.tables import (
    SCHEMA,
    audit_log,
    balance_transaction,
    withdrawal,
    withdrawal_approval,
    withdrawal_method,
)
from wallet.domain import ledger as rules
from wallet.domain.audit import AuditAction, AuditEntry, AuditStatus, ClientInfo
from wallet.domain.errors import (
    InsufficientFunds,
    WithdrawalCancelDisabled,
    WithdrawalMethodNotFound,
    WithdrawalMethodUnverified,
    WithdrawalNotFound,
)
from wallet.domain.history import HistoryLine, HistoryStatus, HistoryType
from wallet.domain.withdrawals import (
    COUNTED_TOWARD_DAILY_LIMIT,
    SuspicionThresholds,
    WithdrawalActivity,
    WithdrawalLimits,
    WithdrawalStatus,
    approvals_required,
    check_amount,
    check_daily_limit,
    check_new_approver,
    check_not_own,
    finish,
    suspicious_patterns,
    utc_day_bounds,
)
from wallet.service_layer import money_metrics
from wallet.service_layer.card_deposits import check_withdrawals_allowed
from wallet.service_layer.closure import settle_if_empty
from wallet.service_layer.money_metrics import MoneyKind
from wallet.service_layer.wallets import usable_wallet


@dataclass(frozen=True)
class Approval:
    admin_id: uuid.UUID
    approved_at: datetime


@dataclass(frozen=True)
class WithdrawalView:
    operation_id: uuid.UUID
    user_id: uuid.UUID
    amount_minor: int
    currency: str
    method_id: uuid.UUID
    status: str
    reason: str | None
    rejection_reason: str | None
    flags: list[str]
    created_at: datetime
    decided_at: datetime | None
    # Filled for the admin's views (``with_approvals``): who approved, how many are needed.
    approvals: tuple[Approval, ...] = ()
    approvals_required: int = 1


@dataclass(frozen=True)
class WithdrawalOutcome:
    withdrawal: WithdrawalView
    available_after_minor: int


def _view(row: Row[Any] | Any) -> WithdrawalView:
    return WithdrawalView(
        operation_id=row.operation_id,
        user_id=row.user_id,
        amount_minor=int(row.amount_minor),
        currency=row.currency,
        method_id=row.method_id,
        status=row.status,
        reason=row.reason,
        rejection_reason=row.rejection_reason,
        flags=list(row.flags),
        created_at=row.created_at,
        decided_at=row.decided_at,
    )


async def request_withdrawal(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    amount_minor: int,
    method_id: uuid.UUID,
    reason: str | None,
    limits: WithdrawalLimits,
    thresholds: SuspicionThresholds,
    client: ClientInfo,
) -> WithdrawalOutcome:
    check_amount(amount_minor, limits)
    # One request per user at a time; allowed while the account is being closed.
    found = await usable_wallet(session, user_id, for_update=True, money_leaves=True)
    await check_withdrawals_allowed(session, user_id)  # no open card dispute, no debt
    method = (
        await session.execute(
            select(withdrawal_method.c.is_verified, withdrawal_method.c.destination_masked).where(
                withdrawal_method.c.id == method_id,
                withdrawal_method.c.user_id == user_id,  # another user's method: not found
                withdrawal_method.c.is_active,
            )
        )
    ).one_or_none()
    if method is None:
        raise WithdrawalMethodNotFound()
    if not method.is_verified:
        raise WithdrawalMethodUnverified()

    now: datetime = await _now(session)  # the transaction's own clock
    start, end = utc_day_bounds(now)
    used_today = int(
        await session.scalar(
            select(func.coalesce(func.sum(withdrawal.c.amount_minor), 0)).where(
                withdrawal.c.user_id == user_id,
                withdrawal.c.status.in_([s.value for s in COUNTED_TOWARD_DAILY_LIMIT]),
                withdrawal.c.created_at >= start,
                withdrawal.c.created_at < end,
            )
        )
        or 0
    )
    check_daily_limit(amount_minor, used_today, limits)
    flags = suspicious_patterns(await _activity(session, user_id, now, thresholds), thresholds)

    operation_id = uuid.uuid4()
    line = HistoryLine(
        type=HistoryType.withdrawal,
        amount_minor=-amount_minor,
        status=HistoryStatus.pending,
        description=f"Withdrawal to {method.destination_masked}",
        reference=str(operation_id),
        metadata={"operation_id": str(operation_id), "method_id": str(method_id)},
    )
    ledger = Ledger(session)
    try:
        posted = await ledger.post(
            rules.request_withdrawal(user_id, operation_id, amount_minor), line
        )
    except InsufficientFunds:
        available = await ledger.lock_available(user_id)
        raise InsufficientFunds(
            details={
                "available_balance": format_minor(available),
                "requested_amount": format_minor(amount_minor),
            }
        ) from None
    assert posted.history_id is not None
    assert posted.available_after_minor is not None
    money_metrics.moved(session, MoneyKind.withdrawal_requested, amount_minor)
    row = (
        await session.execute(
            withdrawal.insert()
            .values(
                operation_id=operation_id,
                user_id=user_id,
                amount_minor=amount_minor,
                currency=found.currency,
                method_id=method_id,
                status=WithdrawalStatus.pending.value,
                reason=reason,
                history_id=posted.history_id,
                flags=[f.value for f in flags],
            )
            .returning(*withdrawal.c)
        )
    ).one()
    await add_to_outbox(
        session,
        SCHEMA,
        WithdrawalRequested(
            operation_id=operation_id,
            user_id=user_id,
            amount_minor=amount_minor,
            currency=found.currency,
        ),
    )
    entries = [
        AuditEntry(
            action=AuditAction.withdrawal_initiated,
            status=AuditStatus.pending,
            user_id=user_id,
            amount_minor=amount_minor,
            details={"operation_id": str(operation_id), "method_id": str(method_id)},
            client=client,
        )
    ]
    if flags:
        entries.append(
            AuditEntry(
                action=AuditAction.suspicious_activity,
                status=AuditStatus.flagged,
                user_id=user_id,
                amount_minor=amount_minor,
                details={"operation_id": str(operation_id), "flags": [f.value for f in flags]},
                client=client,
            )
        )
    await write_audit(session, *entries)
    return WithdrawalOutcome(_view(row), posted.available_after_minor)


async def _now(session: AsyncSession) -> datetime:
    now = await session.scalar(select(func.now()))
    assert isinstance(now, datetime)
    return now


async def _activity(
    session: AsyncSession, user_id: uuid.UUID, now: datetime, thresholds: SuspicionThresholds
) -> WithdrawalActivity:
    """One query: last deposit, bets since, failed withdrawals (24 h), recent requests."""
    last_deposit = (
        select(func.max(balance_transaction.c.created_at))
        .where(
            balance_transaction.c.user_id == user_id,
            balance_transaction.c.type == HistoryType.deposit.value,
        )
        .scalar_subquery()
    )
    row = (
        await session.execute(
            select(
                last_deposit.label("last_deposit_at"),
                select(func.count())
                .select_from(balance_transaction)
                .where(
                    balance_transaction.c.user_id == user_id,
                    balance_transaction.c.type == HistoryType.bet_placed.value,
                    balance_transaction.c.created_at >= last_deposit,
                )
                .scalar_subquery()
                .label("stakes_since"),
                select(func.count())
                .select_from(audit_log)
                .where(
                    audit_log.c.user_id == user_id,
                    audit_log.c.action == AuditAction.withdrawal_failed.value,
                    audit_log.c.created_at >= now - timedelta(hours=24),
                )
                .scalar_subquery()
                .label("failed"),
                select(func.count())
                .select_from(withdrawal)
                .where(
                    withdrawal.c.user_id == user_id,
                    withdrawal.c.created_at >= now - thresholds.velocity_window,
                )
                .scalar_subquery()
                .label("recent"),
            )
        )
    ).one()
    return WithdrawalActivity(
        now=now,
        last_deposit_at=row.last_deposit_at,
        bets_since_last_deposit=int(row.stakes_since),
        failed_withdrawals_24h=int(row.failed),
        requests_in_velocity_window=int(row.recent),
    )


async def record_failed_request(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    amount_minor: int | None,
    code: str,
    client: ClientInfo,
) -> None:
    """A refused request, audited in a transaction of its own (the request's rolled back)."""
    await write_audit(
        session,
        AuditEntry(
            action=AuditAction.withdrawal_failed,
            status=AuditStatus.failed,
            user_id=user_id,
            amount_minor=amount_minor,
            details={"code": code},
            client=client,
        ),
    )


async def _lock_withdrawal(
    session: AsyncSession, operation_id: uuid.UUID, *, user_id: uuid.UUID | None = None
) -> WithdrawalView:
    statement = select(*withdrawal.c).where(withdrawal.c.operation_id == operation_id)
    if user_id is not None:
        statement = statement.where(withdrawal.c.user_id == user_id)
    row = (await session.execute(statement.with_for_update())).one_or_none()
    if row is None:
        raise WithdrawalNotFound()
    return _view(row)


async def _close(
    session: AsyncSession,
    found: WithdrawalView,
    status: WithdrawalStatus,
    *,
    admin_id: uuid.UUID | None,
    rejection_reason: str | None = None,
) -> WithdrawalView:
    row = (
        await session.execute(
            update(withdrawal)
            .where(
                withdrawal.c.operation_id == found.operation_id,
                withdrawal.c.status == WithdrawalStatus.pending.value,
            )
            .values(
                status=status.value,
                decided_at=func.now(),
                decided_by=admin_id,
                rejection_reason=rejection_reason,
            )
            .returning(*withdrawal.c)
        )
    ).one()
    history_status = {
        WithdrawalStatus.completed: HistoryStatus.completed,
        WithdrawalStatus.rejected: HistoryStatus.rejected,
        WithdrawalStatus.cancelled: HistoryStatus.cancelled,
    }[status]
    await session.execute(
        update(balance_transaction)
        .where(balance_transaction.c.id == row.history_id)
        .values(status=history_status.value, updated_at=func.now())
    )
    return _view(row)


async def _give_back(ledger: Ledger, found: WithdrawalView, why: str) -> int:
    """payable → available with its ``refund +A`` row; the available balance after it."""
    posted = await ledger.post(
        rules.return_withdrawal(found.user_id, found.operation_id, found.amount_minor),
        HistoryLine(
            type=HistoryType.refund,
            amount_minor=found.amount_minor,
            description=f"Withdrawal {why}: amount returned",
            reference=str(found.operation_id),
            metadata={"operation_id": str(found.operation_id)},
        ),
    )
    assert posted.available_after_minor is not None
    return posted.available_after_minor


async def cancel_withdrawal(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    operation_id: uuid.UUID,
    allowed: bool,
    client: ClientInfo,
) -> WithdrawalOutcome:
    if not allowed:
        raise WithdrawalCancelDisabled()
    found = await _lock_withdrawal(session, operation_id, user_id=user_id)
    finish(WithdrawalStatus(found.status), WithdrawalStatus.cancelled)
    ledger = Ledger(session)
    await ledger.lock_available(user_id)
    available_after = await _give_back(ledger, found, "cancelled")
    money_metrics.moved(session, MoneyKind.withdrawal_cancelled, found.amount_minor)
    closed = await _close(session, found, WithdrawalStatus.cancelled, admin_id=None)
    await add_to_outbox(
        session,
        SCHEMA,
        WithdrawalCancelled(
            operation_id=found.operation_id,
            user_id=found.user_id,
            amount_minor=found.amount_minor,
            currency=found.currency,
        ),
    )
    await write_audit(
        session,
        AuditEntry(
            action=AuditAction.withdrawal_cancelled,
            status=AuditStatus.success,
            user_id=user_id,
            amount_minor=found.amount_minor,
            details={"operation_id": str(operation_id)},
            client=client,
        ),
    )
    return WithdrawalOutcome(closed, available_after)


async def approve_withdrawal(
    session: AsyncSession,
    *,
    operation_id: uuid.UUID,
    admin_id: uuid.UUID,
    client: ClientInfo,
    second_approval_above_minor: int,
) -> WithdrawalView:
    """Record this admin's approval; the last approval needed pays the withdrawal out."""
    found = await _lock_withdrawal(session, operation_id)  # approvers of one withdrawal queue here
    check_not_own(found.user_id, admin_id)
    finish(WithdrawalStatus(found.status), WithdrawalStatus.completed)
    required = approvals_required(found.amount_minor, second_approval_above_minor)
    check_new_approver([a.admin_id for a in await _approvals_of(session, operation_id)], admin_id)
    await session.execute(
        withdrawal_approval.insert().values(operation_id=operation_id, admin_id=admin_id)
    )
    approvals = await _approvals_of(session, operation_id)
    done = len(approvals) >= required
    await write_audit(
        session,
        AuditEntry(
            action=AuditAction.withdrawal_approved,
            status=AuditStatus.success if done else AuditStatus.pending,
            user_id=found.user_id,
            amount_minor=found.amount_minor,
            details={
                "operation_id": str(operation_id),
                "approvals": len(approvals),
                "approvals_required": required,
            },
            client=client,
        ),
    )
    if not done:
        return replace(found, approvals=approvals, approvals_required=required)
    closed = await _pay_out(session, found, admin_id=admin_id, client=client)
    return replace(closed, approvals=approvals, approvals_required=required)


async def _pay_out(
    session: AsyncSession, found: WithdrawalView, *, admin_id: uuid.UUID, client: ClientInfo
) -> WithdrawalView:
    operation_id = found.operation_id
    await Ledger(session).post(
        rules.pay_withdrawal(found.user_id, found.operation_id, found.amount_minor)
    )
    money_metrics.moved(session, MoneyKind.withdrawal_completed, found.amount_minor)
    closed = await _close(session, found, WithdrawalStatus.completed, admin_id=admin_id)
    await settle_if_empty(session, found.user_id)  # the last money out of a closing account
    await add_to_outbox(
        session,
        SCHEMA,
        WithdrawalCompleted(
            operation_id=found.operation_id,
            user_id=found.user_id,
            amount_minor=found.amount_minor,
            currency=found.currency,
        ),
    )
    await write_audit(
        session,
        AuditEntry(
            action=AuditAction.withdrawal_completed,
            status=AuditStatus.success,
            user_id=found.user_id,
            amount_minor=found.amount_minor,
            details={"operation_id": str(operation_id)},
            client=client,
        ),
    )
    return closed


async def reject_withdrawal(
    session: AsyncSession,
    *,
    operation_id: uuid.UUID,
    admin_id: uuid.UUID,
    reason: str,
    client: ClientInfo,
) -> WithdrawalView:
    found = await _lock_withdrawal(session, operation_id)
    check_not_own(found.user_id, admin_id)
    finish(WithdrawalStatus(found.status), WithdrawalStatus.rejected)
    ledger = Ledger(session)
    await ledger.lock_available(found.user_id)
    await _give_back(ledger, found, "rejected")
    money_metrics.moved(session, MoneyKind.withdrawal_rejected, found.amount_minor)
    closed = await _close(
        session, found, WithdrawalStatus.rejected, admin_id=admin_id, rejection_reason=reason
    )
    await add_to_outbox(
        session,
        SCHEMA,
        WithdrawalRejected(
            operation_id=found.operation_id,
            user_id=found.user_id,
            amount_minor=found.amount_minor,
            currency=found.currency,
            reason=reason,
        ),
    )
    await write_audit(
        session,
        AuditEntry(
            action=AuditAction.withdrawal_rejected,
            status=AuditStatus.success,
            user_id=found.user_id,
            amount_minor=found.amount_minor,
            details={"operation_id": str(operation_id), "reason": reason},
            client=client,
        ),
    )
    return closed


async def list_withdrawals(
    session: AsyncSession,
    *,
    status: WithdrawalStatus | None,
    user_id: uuid.UUID | None = None,
    limit: int,
    offset: int,
) -> tuple[list[WithdrawalView], int]:
    conditions = []
    if status is not None:
        conditions.append(withdrawal.c.status == status.value)
    if user_id is not None:
        conditions.append(withdrawal.c.user_id == user_id)
    rows = await session.execute(
        select(*withdrawal.c, func.count().over().label("total"))
        .where(*conditions)
        .order_by(withdrawal.c.created_at, withdrawal.c.operation_id)
        .limit(limit)
        .offset(offset)
    )
    found = list(rows)
    total = int(found[0].total) if found else 0
    if not found and offset:
        total = int(
            await session.scalar(select(func.count()).select_from(withdrawal).where(*conditions))
            or 0
        )
    return [_view(r) for r in found], total


async def _approvals_of(session: AsyncSession, operation_id: uuid.UUID) -> tuple[Approval, ...]:
    return (await _approvals_by_withdrawal(session, [operation_id])).get(operation_id, ())


async def _approvals_by_withdrawal(
    session: AsyncSession, operation_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[Approval, ...]]:
    rows = await session.execute(
        select(withdrawal_approval)
        .where(withdrawal_approval.c.operation_id.in_(operation_ids))
        .order_by(withdrawal_approval.c.approved_at, withdrawal_approval.c.admin_id)
    )
    found: dict[uuid.UUID, list[Approval]] = {}
    for r in rows:
        found.setdefault(r.operation_id, []).append(Approval(r.admin_id, r.approved_at))
    return {k: tuple(v) for k, v in found.items()}


async def with_approvals(
    session: AsyncSession, views: list[WithdrawalView], *, second_approval_above_minor: int
) -> list[WithdrawalView]:
    """The admin's view: each withdrawal with its approvals so far and how many it needs."""
    approvals = await _approvals_by_withdrawal(session, [v.operation_id for v in views])
    return [
        replace(
            v,
            approvals=approvals.get(v.operation_id, ()),
            approvals_required=approvals_required(v.amount_minor, second_approval_above_minor),
        )
        for v in views
    ]
