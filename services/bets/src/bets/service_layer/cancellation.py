"""A user cancels an open bet whose events have not started (ARCHITECTURE.md §3.6).

The bet becomes ``cancelled``; ``ReleaseStake`` (the wallet voids the hold, once per bet) and
``BetCancelled`` go to the outbox in the same transaction. Cancelling a cancelled bet again
changes nothing and answers the bet as it is.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bets.adapters.tables import bet, bet_leg, event
from bets.domain.bet import BetStatus, LegClock, cancel_changes_bet, check_no_leg_started
from bets.domain.errors import BetNotFound
from bets.service_layer import metrics
from bets.service_layer.saga import bet_legs, contract_legs
from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.contracts.bets import BetCancelled, ReleaseStake

REASON = "bet.cancelled_by_user"


async def cancel_bet(
    uow: BetsUnitOfWork, *, bet_id: uuid.UUID, user_id: uuid.UUID, now: datetime
) -> None:
    session = uow.db
    row = (
        await session.execute(
            select(bet).where(bet.c.id == bet_id, bet.c.user_id == user_id).with_for_update()
        )
    ).one_or_none()
    if row is None:
        raise BetNotFound()
    if not cancel_changes_bet(BetStatus(row.status)):
        return
    check_no_leg_started(await _leg_clocks(session, bet_id), now)
    await session.execute(
        update(bet).where(bet.c.id == bet_id).values(status=BetStatus.CANCELLED, settled_at=now)
    )
    metrics.bet_cancelled(session, REASON)
    labels = contract_legs(await bet_legs(session, bet_id))
    await uow.emit(
        ReleaseStake(bet_id=bet_id, user_id=user_id, reason=REASON, legs=labels),
        BetCancelled(bet_id=bet_id, user_id=user_id, reason=REASON, legs=labels),
    )


async def _leg_clocks(session: AsyncSession, bet_id: uuid.UUID) -> list[LegClock]:
    """The bet's legs, in order, with their events as the read model has them (a leg whose
    event the read model has never seen has nothing to say)."""
    rows = await session.execute(
        select(event.c.id, event.c.status, event.c.starts_at, bet_leg.c.outcome)
        .join(bet_leg, bet_leg.c.event_id == event.c.id)
        .where(bet_leg.c.bet_id == bet_id)
        .order_by(bet_leg.c.position)
    )
    return [LegClock(r.id, r.status, r.starts_at, r.outcome) for r in rows]
