"""The withdrawals' rows (``withdrawal``, ``withdrawal_approval``) and the reads a request is
decided on: the UTC day's total and the activity the suspicion rules look at."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from wallet.adapters.tables import audit_log, balance_transaction, withdrawal, withdrawal_approval
from wallet.domain.audit import AuditAction
from wallet.domain.history import HistoryStatus, HistoryType
from wallet.domain.withdrawals import (
    COUNTED_TOWARD_DAILY_LIMIT,
    WithdrawalActivity,
    WithdrawalStatus,
)


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


# A closed withdrawal's history row takes the same word.
_HISTORY_STATUS = {
    WithdrawalStatus.completed: HistoryStatus.completed,
    WithdrawalStatus.rejected: HistoryStatus.rejected,
    WithdrawalStatus.cancelled: HistoryStatus.cancelled,
}


class Withdrawals:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def now(self) -> datetime:
        """The transaction's own clock (the day's bounds and windows are counted on it)."""
        now = await self.session.scalar(select(func.now()))
        assert isinstance(now, datetime)
        return now

    async def total_of_day(self, user_id: uuid.UUID, start: datetime, end: datetime) -> int:
        """Pending and completed withdrawals created in ``[start, end)``."""
        found = await self.session.scalar(
            select(func.coalesce(func.sum(withdrawal.c.amount_minor), 0)).where(
                withdrawal.c.user_id == user_id,
                withdrawal.c.status.in_([s.value for s in COUNTED_TOWARD_DAILY_LIMIT]),
                withdrawal.c.created_at >= start,
                withdrawal.c.created_at < end,
            )
        )
        return int(found or 0)

    async def activity(
        self, user_id: uuid.UUID, now: datetime, velocity_window: timedelta
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
            await self.session.execute(
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
                        withdrawal.c.created_at >= now - velocity_window,
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

    async def add(
        self,
        *,
        operation_id: uuid.UUID,
        user_id: uuid.UUID,
        amount_minor: int,
        currency: str,
        method_id: uuid.UUID,
        reason: str | None,
        history_id: int,
        flags: Sequence[str],
    ) -> WithdrawalView:
        row = (
            await self.session.execute(
                withdrawal.insert()
                .values(
                    operation_id=operation_id,
                    user_id=user_id,
                    amount_minor=amount_minor,
                    currency=currency,
                    method_id=method_id,
                    status=WithdrawalStatus.pending.value,
                    reason=reason,
                    history_id=history_id,
                    flags=list(flags),
                )
                .returning(*withdrawal.c)
            )
        ).one()
        return _view(row)

    async def lock(
        self, operation_id: uuid.UUID, *, user_id: uuid.UUID | None = None
    ) -> WithdrawalView | None:
        """The withdrawal, locked (decisions on one withdrawal queue here); ``user_id``: only
        if it is that user's."""
        statement = select(*withdrawal.c).where(withdrawal.c.operation_id == operation_id)
        if user_id is not None:
            statement = statement.where(withdrawal.c.user_id == user_id)
        row = (await self.session.execute(statement.with_for_update())).one_or_none()
        return None if row is None else _view(row)

    async def close(
        self,
        operation_id: uuid.UUID,
        status: WithdrawalStatus,
        *,
        admin_id: uuid.UUID | None,
        rejection_reason: str | None = None,
    ) -> WithdrawalView:
        """The pending withdrawal and its history row take their final status."""
        row = (
            await self.session.execute(
                update(withdrawal)
                .where(
                    withdrawal.c.operation_id == operation_id,
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
        await self.session.execute(
            update(balance_transaction)
            .where(balance_transaction.c.id == row.history_id)
            .values(status=_HISTORY_STATUS[status].value, updated_at=func.now())
        )
        return _view(row)

    async def add_approval(self, operation_id: uuid.UUID, admin_id: uuid.UUID) -> None:
        await self.session.execute(
            withdrawal_approval.insert().values(operation_id=operation_id, admin_id=admin_id)
        )

    async def approvals_by_withdrawal(
        self, operation_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[Approval, ...]]:
        rows = await self.session.execute(
            select(withdrawal_approval)
            .where(withdrawal_approval.c.operation_id.in_(operation_ids))
            .order_by(withdrawal_approval.c.approved_at, withdrawal_approval.c.admin_id)
        )
        found: dict[uuid.UUID, list[Approval]] = {}
        for r in rows:
            found.setdefault(r.operation_id, []).append(Approval(r.admin_id, r.approved_at))
        return {k: tuple(v) for k, v in found.items()}

    async def approvals_of(self, operation_id: uuid.UUID) -> tuple[Approval, ...]:
        return (await self.approvals_by_withdrawal([operation_id])).get(operation_id, ())

    async def page(
        self,
        *,
        status: WithdrawalStatus | None,
        user_id: uuid.UUID | None,
        limit: int,
        offset: int,
    ) -> tuple[list[WithdrawalView], int]:
        """Oldest first, with the total of all that match."""
        conditions = []
        if status is not None:
            conditions.append(withdrawal.c.status == status.value)
        if user_id is not None:
            conditions.append(withdrawal.c.user_id == user_id)
        rows = await self.session.execute(
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
                await self.session.scalar(
                    select(func.count()).select_from(withdrawal).where(*conditions)
                )
                or 0
            )
        return [_view(r) for r in found], total
