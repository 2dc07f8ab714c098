"""The pending-bet watchdog: a bet never stays ``pending`` forever (ARCHITECTURE.md §3).

A bet still ``pending`` ``timeout`` after its last ``ReserveStake`` went out (the wallet's
answer or the command itself was lost, the wallet was down) gets the same ``ReserveStake``
again, with the same bet id: the wallet answers one bet once, so a re-send never holds twice.
After ``max_resends`` re-sends it is rejected (``bet.reservation_timeout``) with ``ReleaseStake``
(a hold the wallet makes from a late command is voided) and ``BetRejected``. Every re-send and
rejection is counted in ``bets_pending_watchdog_total{action}``.

One pass works in batches of ``batch_size`` bets locked ``FOR UPDATE SKIP LOCKED`` (a wallet
reply being handled at the same time keeps its bet), one transaction per batch; it runs as a
periodic job with one runner across replicas (advisory lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prometheus_client import Counter
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bets.domain.bet import BetStatus
from bets.domain.watchdog import WatchdogPolicy
from bets.service_layer import metrics
from bets.service_layer.messages import RESERVATION_TIMEOUT, contract_legs
from bets.service_layer.unit_of_work import BetsUnitOfWork
from common.contracts.bets import BetRejected, ReleaseStake, ReserveStake
from common.logging import get_logger

log = get_logger(__name__)

REASON = RESERVATION_TIMEOUT

WATCHDOG_ACTIONS = Counter(
    "bets_pending_watchdog_total",
    "Pending bets the watchdog re-sent ReserveStake for, or rejected after the last re-send",
    ["action"],  # resent | rejected
)


@dataclass
class WatchdogPass:
    resent: int = 0
    rejected: int = 0


async def _resend(
    uow: BetsUnitOfWork, bets: list[Row[Any]], legs: dict[Any, Any], now: datetime
) -> None:
    await uow.bets.reserve_sent_again([b.id for b in bets], now)
    await uow.emit(
        *(
            ReserveStake(
                bet_id=b.id,
                user_id=b.user_id,
                amount_minor=b.stake_minor,
                currency=b.currency,
                legs=contract_legs(legs[b.id]),
                potential_win_minor=b.potential_win_minor,
                free_bet=b.free_bet,
            )
            for b in bets
        )
    )


async def _reject(
    uow: BetsUnitOfWork, bets: list[Row[Any]], legs: dict[Any, Any], now: datetime
) -> None:
    await uow.bets.reject_all([b.id for b in bets], REASON, now)
    for b in bets:
        await uow.bets.notify_decided([b.id])
    metrics.decided(uow, "timeout", REASON, len(bets))
    messages: list[ReleaseStake | BetRejected] = []
    for b in bets:
        labels = contract_legs(legs[b.id])
        messages.append(ReleaseStake(bet_id=b.id, user_id=b.user_id, reason=REASON, legs=labels))
        messages.append(BetRejected(bet_id=b.id, user_id=b.user_id, reason=REASON, legs=labels))
    await uow.emit(*messages)


async def watch_pending(
    sessionmaker: async_sessionmaker[AsyncSession], policy: WatchdogPolicy, *, now: datetime
) -> WatchdogPass:
    """One pass over the overdue pending bets: re-send or reject each, batch by batch."""
    done = WatchdogPass()
    while True:
        async with BetsUnitOfWork(sessionmaker) as uow:
            overdue = await uow.bets.lock_overdue_pending(policy, now)
            if not overdue:
                return done
            legs = await uow.bets.legs_by_bet([b.id for b in overdue])
            resend = [b for b in overdue if b.reserve_attempts < policy.max_resends]
            give_up = [b for b in overdue if b.reserve_attempts >= policy.max_resends]
            if resend:
                await _resend(uow, resend, legs, now)
            if give_up:
                await _reject(uow, give_up, legs, now)
            await uow.commit()
        WATCHDOG_ACTIONS.labels(action="resent").inc(len(resend))
        WATCHDOG_ACTIONS.labels(action=BetStatus.REJECTED).inc(len(give_up))
        done.resent += len(resend)
        done.rejected += len(give_up)
        if resend or give_up:
            log.warning("bets.watchdog", resent=len(resend), rejected=len(give_up))
        if len(overdue) < policy.batch_size:
            return done
