"""The wallet's side of account closure: the ``wallet`` row's closure stamps and what the
settlement check reads (the user's balances, their pending withdrawals)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from wallet.adapters.tables import account, wallet, withdrawal
from wallet.domain.closure import ClosureCheck
from wallet.domain.ledger import AccountKind
from wallet.domain.withdrawals import WithdrawalStatus

_WAITING = (wallet.c.closure_requested_at.is_not(None), wallet.c.closure_settled_at.is_(None))


async def waiting_wallets(conn: AsyncConnection, *, limit: int) -> list[uuid.UUID]:
    """Wallets asked to close and not yet emptied, the oldest request first."""
    found = await conn.scalars(
        select(wallet.c.user_id)
        .where(*_WAITING)
        .order_by(wallet.c.closure_requested_at)
        .limit(limit)
    )
    return list(found)


class Closures:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def mark_requested(self, user_id: uuid.UUID, at: datetime) -> None:
        """The first request stands (a redelivery changes nothing)."""
        await self.session.execute(
            update(wallet)
            .where(wallet.c.user_id == user_id, wallet.c.closure_requested_at.is_(None))
            .values(closure_requested_at=at, updated_at=func.now())
        )

    async def lock_waiting(self, user_id: uuid.UUID) -> bool:
        """Whether the wallet is closing and not yet announced (its row locked if so)."""
        found = await self.session.scalar(
            select(wallet.c.user_id).where(wallet.c.user_id == user_id, *_WAITING).with_for_update()
        )
        return found is not None

    async def check(self, user_id: uuid.UUID) -> ClosureCheck:
        """The user's balances, with the available and held rows locked (the ledger's lock
        order): no transfer can move the user's money between this check and the commit."""
        rows = (
            await self.session.execute(
                select(account.c.kind, account.c.balance_minor)
                .where(
                    account.c.user_id == user_id,
                    account.c.kind.in_([AccountKind.available.value, AccountKind.held.value]),
                )
                .order_by(account.c.kind)  # "available" < "held": the ledger's order
                .with_for_update()
            )
        ).all()
        balances = {row.kind: int(row.balance_minor) for row in rows}
        pending = await self.session.scalar(
            select(func.count())
            .select_from(withdrawal)
            .where(
                withdrawal.c.user_id == user_id,
                withdrawal.c.status == WithdrawalStatus.pending.value,
            )
        )
        return ClosureCheck(
            available_minor=balances.get(AccountKind.available.value, 0),
            held_minor=balances.get(AccountKind.held.value, 0),
            pending_withdrawals=int(pending or 0),
        )

    async def mark_settled(self, user_id: uuid.UUID) -> None:
        await self.session.execute(
            update(wallet)
            .where(wallet.c.user_id == user_id)
            .values(closure_settled_at=func.now(), updated_at=func.now())
        )
