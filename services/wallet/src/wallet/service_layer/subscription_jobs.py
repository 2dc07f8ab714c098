"""The subscriptions' periodic jobs (issue 22): renewal, under ADR 0004's advisory lock.

Every ``WALLET_SUBSCRIPTION_RENEWAL_INTERVAL_S`` one replica (``PeriodicSpec`` jobs hold a
PostgreSQL advisory lock, ``common.periodic``) walks the active subscriptions whose paid time ends
within ``WALLET_SUBSCRIPTION_RENEWAL_LEAD_S`` of the database's now, by id in pages, and decides
each in a short transaction of its own (``subscriptions.renew``: the user's locks, then
``decide_renewal`` at the database's now). Overlaps are harmless all the same: two replicas, or a
tick racing a user's plan change, decide on rows read under the same locks, and a stale decision
is refused by the conditional write and the ledger's unique reference — it rolls back and moves
nothing. A job down for hours finds each subscription due once: one period, starting at its tick.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from common.db import create_sessionmaker
from common.logging import get_logger
from common.runtime import PeriodicSpec
from wallet.adapters.subscriptions import due_subscriptions
from wallet.domain.subscriptions import Charge, Suspend
from wallet.service_layer.subscriptions import ChargedElsewhere, renew
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.settings import Settings

log = get_logger(__name__)
BATCH = 100


@dataclass
class RenewalTick:
    charged: int = 0
    suspended: int = 0
    lost: int = 0  # decided by another writer first: nothing moved here


def subscription_periodic_jobs(settings: Settings) -> list[PeriodicSpec]:
    lead = timedelta(seconds=settings.subscription_renewal_lead_s)

    async def renewal(engine: AsyncEngine) -> None:
        await renew_due_subscriptions(engine, lead=lead)

    return [PeriodicSpec("subscription-renewal", settings.subscription_renewal_interval_s, renewal)]


async def renew_due_subscriptions(
    engine: AsyncEngine, *, lead: timedelta, batch: int = BATCH
) -> RenewalTick:
    """One tick: every due subscription decided once, each in its own transaction."""
    sessions = create_sessionmaker(engine)
    tick = RenewalTick()
    after: uuid.UUID | None = None
    while True:
        async with engine.connect() as conn:
            due = await due_subscriptions(conn, lead=lead, after=after, limit=batch)
        for subscription_id in due:
            await _renew_one(sessions, subscription_id, lead, tick)
        if len(due) < batch:
            break
        after = due[-1]
    if tick.charged or tick.suspended or tick.lost:
        log.info(
            "subscriptions.renewed",
            charged=tick.charged,
            suspended=tick.suspended,
            lost=tick.lost,
        )
    return tick


async def _renew_one(
    sessions: async_sessionmaker[AsyncSession],
    subscription_id: uuid.UUID,
    lead: timedelta,
    tick: RenewalTick,
) -> None:
    try:
        async with WalletUnitOfWork(sessions) as uow:
            decision = await renew(uow, subscription_id=subscription_id, lead=lead)
            await uow.commit()
    except ChargedElsewhere:
        # Another replica (or the user) decided this period first: our transaction rolled back.
        tick.lost += 1
        return
    except Exception:
        # One subscription's failure must not stop the others' renewals; the next tick retries.
        log.exception("subscriptions.renewal_failed", subscription_id=str(subscription_id))
        return
    if isinstance(decision, Charge):
        tick.charged += 1
    elif isinstance(decision, Suspend):
        tick.suspended += 1
