"""Repositories over the ``bets`` tables: the SQL of placement, the saga, the watchdog and
cancellation, each a method inside the caller's transaction (same statements, same locks).

- ``BetRepository``: bets and their legs — insert, lock, move a status, read the legs;
- ``EventReadModel``: the bets service's copy of events, markets and odds (what offers check).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Result, Row, Text, bindparam, column, func, select, text, update, values
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncSession

from bets.adapters.decisions import DECIDED_CHANNEL
from bets.adapters.tables import bet, bet_leg, event, market, selection
from bets.domain.bet import BetStatus, LegClock
from bets.domain.watchdog import WatchdogPolicy


class BetRepository:
    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    # --- placement ---------------------------------------------------------------------------

    async def add(self, row: dict[str, Any], legs: list[dict[str, Any]]) -> None:
        """Insert a bet and its legs (``legs`` carry the bet's id and their position)."""
        await self.db.execute(bet.insert().values(**row))
        await self.db.execute(bet_leg.insert(), legs)

    # --- locking -----------------------------------------------------------------------------

    async def lock(self, bet_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Row[Any]]:
        """These bets locked ``FOR UPDATE`` in id order (the lock order every batch shares)."""
        locked = await self.db.execute(
            select(bet).where(bet.c.id.in_(sorted(bet_ids))).order_by(bet.c.id).with_for_update()
        )
        return {row.id: row for row in locked}

    async def lock_users_bet(self, bet_id: uuid.UUID, user_id: uuid.UUID) -> Row[Any] | None:
        """The user's own bet locked ``FOR UPDATE``; another user's bet is None."""
        return (
            await self.db.execute(
                select(bet).where(bet.c.id == bet_id, bet.c.user_id == user_id).with_for_update()
            )
        ).one_or_none()

    async def lock_overdue_pending(self, policy: WatchdogPolicy, now: datetime) -> list[Row[Any]]:
        """Up to a batch of bets pending ``policy.timeout`` since their last ``ReserveStake``,
        oldest first, locked ``SKIP LOCKED`` (a reply being handled keeps its bet)."""
        last_sent = func.coalesce(bet.c.reserve_sent_at, bet.c.created_at)
        return list(
            (
                await self.db.execute(
                    select(bet)
                    .where(bet.c.status == BetStatus.PENDING, last_sent <= now - policy.timeout)
                    .order_by(bet.c.created_at)
                    .limit(policy.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
        )

    # --- legs --------------------------------------------------------------------------------

    async def legs_by_bet(self, bet_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Row[Any]]]:
        """Each bet's legs in their order, for many bets in one query."""
        found: dict[uuid.UUID, list[Row[Any]]] = {b: [] for b in bet_ids}
        if not found:
            return found
        for leg in await self.db.execute(
            select(bet_leg)
            .where(bet_leg.c.bet_id.in_(list(found)))
            .order_by(bet_leg.c.bet_id, bet_leg.c.position)
        ):
            found[leg.bet_id].append(leg)
        return found

    async def legs(self, bet_id: uuid.UUID) -> list[Row[Any]]:
        return (await self.legs_by_bet([bet_id]))[bet_id]

    async def leg_clocks(self, bet_id: uuid.UUID) -> list[LegClock]:
        """The bet's legs, in order, with their events as the read model has them (a leg whose
        event the read model has never seen has nothing to say)."""
        rows = await self.db.execute(
            select(event.c.id, event.c.status, event.c.starts_at, bet_leg.c.outcome)
            .join(bet_leg, bet_leg.c.event_id == event.c.id)
            .where(bet_leg.c.bet_id == bet_id)
            .order_by(bet_leg.c.position)
        )
        return [LegClock(r.id, r.status, r.starts_at, r.outcome) for r in rows]

    # --- status moves ------------------------------------------------------------------------

    async def open(self, bet_ids: Sequence[uuid.UUID], decided_at: datetime) -> None:
        if bet_ids:
            await self.db.execute(
                update(bet)
                .where(bet.c.id.in_(bet_ids))
                .values(status=BetStatus.OPEN, decided_at=decided_at)
            )

    async def reject(self, decided: Sequence[tuple[uuid.UUID, str]]) -> None:
        """Reject each ``(bet id, reason)`` in one UPDATE, decided at the transaction's time."""
        if not decided:
            return
        reasons = values(
            column("id", UUID(as_uuid=True)), column("reason", Text), name="decided"
        ).data(list(decided))
        await self.db.execute(
            update(bet)
            .where(bet.c.id == reasons.c.id)
            .values(status=BetStatus.REJECTED, reason=reasons.c.reason, decided_at=func.now())
        )

    async def reject_all(self, bet_ids: Sequence[uuid.UUID], reason: str, now: datetime) -> None:
        """Reject these bets for one reason, decided at ``now``."""
        await self.db.execute(
            update(bet)
            .where(bet.c.id.in_(list(bet_ids)))
            .values(status=BetStatus.REJECTED, reason=reason, decided_at=now)
        )

    async def cancel(self, bet_id: uuid.UUID, now: datetime) -> None:
        await self.db.execute(
            update(bet).where(bet.c.id == bet_id).values(status=BetStatus.CANCELLED, settled_at=now)
        )

    async def reserve_sent_again(self, bet_ids: Sequence[uuid.UUID], now: datetime) -> None:
        """Count one more ``ReserveStake`` sent at ``now`` for each of these bets."""
        await self.db.execute(
            update(bet)
            .where(bet.c.id == bindparam("b_id"))
            .values(reserve_attempts=bet.c.reserve_attempts + 1, reserve_sent_at=now),
            [{"b_id": b} for b in bet_ids],
        )

    async def notify_decided(self, bet_ids: Sequence[uuid.UUID]) -> None:
        """Wake whoever waits for any of these bets, once the transaction commits (one
        statement)."""
        if not bet_ids:
            return
        await self.db.execute(
            text("SELECT pg_notify(:channel, id) FROM unnest(CAST(:bet_ids AS text[])) AS id"),
            {"channel": DECIDED_CHANNEL, "bet_ids": [str(b) for b in bet_ids]},
        )


class EventReadModel:
    """The events service's events, markets and odds as this service last heard of them."""

    def __init__(self, db: AsyncSession) -> None:
        self.db = db

    async def selections(self, odds_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Row[Any]]:
        """Each known selection by its odds id, with its market's and event's state."""
        if not odds_ids:
            return {}
        rows: Result[Any] = await self.db.execute(
            select(
                selection.c.odds_id,
                selection.c.event_id,
                selection.c.market_id,
                selection.c.market,
                selection.c.selection,
                selection.c.coefficient,
                market.c.status.label("market_status"),
                market.c.live_betting,
                event.c.event_name,
                event.c.status.label("event_status"),
                event.c.starts_at,
            )
            .join(market, market.c.id == selection.c.market_id)
            .join(event, event.c.id == selection.c.event_id)
            .where(selection.c.odds_id.in_(set(odds_ids)))
        )
        return {row.odds_id: row for row in rows}
