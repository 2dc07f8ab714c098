"""Repositories of responsible gambling (issue 23), inside the caller's transaction:

- ``RestrictionReadModel``: auth's time-outs and self-exclusions, the latest ``until`` per user;
- ``LossLimitRepository``: a user's loss limits (locked by placement), their changes, and the
  loss in a window that the limits are checked against.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bets.adapters.tables import bet, limit_change, loss_limit, restriction
from bets.domain.bet import SETTLED, BetStatus
from bets.domain.loss_limits import LimitChange, LossLimit, Period

# Bets whose stake never left (or came back to) the user: they count in no loss.
_NOT_STAKED = (BetStatus.REJECTED, BetStatus.CANCELLED)


class RestrictionReadModel:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def extend(self, user_id: uuid.UUID, until: datetime) -> None:
        """Keep the latest ``until``: a repeated or older message changes nothing."""
        stmt = insert(restriction).values(user_id=user_id, until=until)
        await self.db.execute(
            stmt.on_conflict_do_update(
                index_elements=[restriction.c.user_id],
                set_={"until": stmt.excluded.until, "updated_at": func.now()},
                where=restriction.c.until < stmt.excluded.until,
            )
        )

    async def until(self, user_id: uuid.UUID) -> datetime | None:
        found: datetime | None = await self.db.scalar(
            select(restriction.c.until).where(restriction.c.user_id == user_id)
        )
        return found


def _limit(row: Row[Any]) -> LossLimit:
    return LossLimit(
        period=Period(row.period),
        amount_minor=row.amount_minor,
        pending_amount_minor=row.pending_amount_minor,
        pending_effective_at=row.pending_effective_at,
    )


class LossLimitRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def of_user(self, user_id: uuid.UUID, *, lock: bool = False) -> dict[Period, LossLimit]:
        """The user's limits by period; ``lock``: ``FOR UPDATE``, so one user's placements and
        changes are judged one after the other (a user without limits locks nothing)."""
        query = select(loss_limit).where(loss_limit.c.user_id == user_id)
        if lock:
            query = query.order_by(loss_limit.c.period).with_for_update()
        return {limit.period: limit for limit in map(_limit, await self.db.execute(query))}

    async def save(self, user_id: uuid.UUID, done: LimitChange, now: datetime) -> None:
        """Store the period's limit and the change in its history."""
        limit = done.limit
        values = {
            "amount_minor": limit.amount_minor,
            "pending_amount_minor": limit.pending_amount_minor,
            "pending_effective_at": limit.pending_effective_at,
        }
        stmt = insert(loss_limit).values(user_id=user_id, period=limit.period.value, **values)
        await self.db.execute(
            stmt.on_conflict_do_update(
                index_elements=[loss_limit.c.user_id, loss_limit.c.period],
                set_={**values, "updated_at": now},
            )
        )
        await self.db.execute(
            limit_change.insert().values(
                user_id=user_id,
                period=limit.period.value,
                old_amount_minor=done.old_amount_minor,
                new_amount_minor=done.new_amount_minor,
                effective_at=done.effective_at,
                created_at=now,
            )
        )

    async def history(self, user_id: uuid.UUID, *, limit: int = 200) -> list[Row[Any]]:
        """The user's changes, newest first."""
        rows = await self.db.execute(
            select(limit_change)
            .where(limit_change.c.user_id == user_id)
            .order_by(limit_change.c.created_at.desc(), limit_change.c.id.desc())
            .limit(limit)
        )
        return list(rows)

    async def losses(
        self, user_id: uuid.UUID, since: Mapping[Period, datetime]
    ) -> dict[Period, int]:
        """Per period, the loss since its window's start: stakes of the bets placed since then
        (rejected and cancelled aside) minus payouts of the bets settled since then; free bets
        count in neither (they stake none of the user's money)."""
        if not since:
            return {}
        earliest = min(since.values())
        own = (bet.c.user_id == user_id) & bet.c.free_bet.is_(False)
        staked = [
            func.coalesce(
                func.sum(bet.c.stake_minor).filter(
                    bet.c.created_at >= at, bet.c.status.not_in(_NOT_STAKED)
                ),
                0,
            )
            for at in since.values()
        ]
        paid = [
            func.coalesce(func.sum(bet.c.payout_minor).filter(bet.c.settled_at >= at), 0)
            for at in since.values()
        ]
        # Two range reads, each on its own index: placed (user_id, created_at) and settled
        # (user_id, settled_at).
        stakes = (
            await self.db.execute(select(*staked).where(own, bet.c.created_at >= earliest))
        ).one()
        payouts = (
            await self.db.execute(
                select(*paid).where(own, bet.c.settled_at >= earliest, bet.c.status.in_(SETTLED))
            )
        ).one()
        return {period: int(stakes[i]) - int(payouts[i]) for i, period in enumerate(since.keys())}
