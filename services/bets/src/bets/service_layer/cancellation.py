"""A user cancels an open bet whose events have not started (ARCHITECTURE.md §3.6).

The bet becomes ``cancelled``; ``ReleaseStake`` (the wallet voids the hold, once per bet) and
``BetCancelled`` go to the outbox in the same transaction. Cancelling a cancelled bet again
changes nothing and answers the bet as it is.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update

from bets.adapters.tables import bet, bet_leg, event
from bets.domain.errors import BetNotCancellable, BetNotFound, EventStarted
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
    if row.status == "cancelled":
        return
    if row.status != "open":
        raise BetNotCancellable(details={"status": row.status})
    started = await session.scalar(
        select(event.c.id)
        .join(bet_leg, bet_leg.c.event_id == event.c.id)
        .where(bet_leg.c.bet_id == bet_id)
        .where(
            (event.c.status.not_in(["scheduled", "postponed"]))
            | (event.c.starts_at <= now)
            | (bet_leg.c.outcome.is_not(None))
        )
        .limit(1)
    )
    if started is not None:
        raise EventStarted("A leg's event has started.", details={"event_id": str(started)})
    await session.execute(
        update(bet).where(bet.c.id == bet_id).values(status="cancelled", settled_at=now)
    )
    metrics.bet_cancelled(session, REASON)
    labels = contract_legs(await bet_legs(session, bet_id))
    await uow.emit(
        ReleaseStake(bet_id=bet_id, user_id=user_id, reason=REASON, legs=labels),
        BetCancelled(bet_id=bet_id, user_id=user_id, reason=REASON, legs=labels),
    )
