"""A user cancels an open bet whose events have not started (ARCHITECTURE.md §3.6).

The bet becomes ``cancelled``; ``ReleaseStake`` (the wallet voids the hold, once per bet) and
``BetCancelled`` go to the outbox in the same transaction. Cancelling a cancelled bet again
changes nothing and answers the bet as it is.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from bets.domain.bet import BetStatus, cancel_changes_bet, check_no_leg_started
from bets.domain.errors import BetNotFound
from bets.service_layer import metrics
from bets.service_layer.messages import contract_legs
from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.contracts.bets import BetCancelled, ReleaseStake

REASON = "bet.cancelled_by_user"


async def cancel_bet(
    uow: BetsUnitOfWork, *, bet_id: uuid.UUID, user_id: uuid.UUID, now: datetime
) -> None:
    row = await uow.bets.lock_users_bet(bet_id, user_id)
    if row is None:
        raise BetNotFound()
    if not cancel_changes_bet(BetStatus(row.status)):
        return
    check_no_leg_started(await uow.bets.leg_clocks(bet_id), now)
    await uow.bets.cancel(bet_id, now)
    metrics.bet_cancelled(uow, REASON)
    labels = contract_legs(await uow.bets.legs(bet_id))
    await uow.emit(
        ReleaseStake(bet_id=bet_id, user_id=user_id, reason=REASON, legs=labels),
        BetCancelled(bet_id=bet_id, user_id=user_id, reason=REASON, legs=labels),
    )
