"""Periodic jobs of the Stripe deposits (issue 8): reconciliation with Stripe, expiry.

Both run on one replica at a time (``PeriodicSpec`` jobs hold a PostgreSQL advisory lock) and
settle each deposit in a transaction of its own, through the same code as the webhook and the
re-check (the deposit row locked, the credit keyed by operation id): whatever races them, a
deposit is credited once.

- ``recheck``: deposits still pending after ``WALLET_DEPOSIT_RECHECK_AFTER_MIN`` are compared
  with Stripe (a webhook lost or not configured) and settled.
- ``expire``: deposits still pending at ``expires_at`` (24 h) are cancelled at Stripe and marked
  ``expired`` — unless Stripe says they were paid after all, then they are credited.
- ``setup recheck``: unfinished card SetupIntents (a ``setup_intent.succeeded`` webhook may be
  lost) are asked about at most once per ``WALLET_CARD_SETUP_RECHECK_AFTER_MIN`` each, while
  younger than ``WALLET_CARD_SETUP_PENDING_WINDOW_MIN``; a succeeded one's card is saved. Listing
  the cards never asks Stripe (issue 20): this job and the webhook are the only re-checks.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from common.db import create_sessionmaker
from common.logging import get_logger
from common.runtime import PeriodicSpec
from wallet.adapters.stripe_payments import StripePayments
from wallet.adapters.stripe_tables import card_deposit
from wallet.domain.card_payments import DepositStatus
from wallet.service_layer import payment_methods
from wallet.service_layer.deposits import recheck
from wallet.service_layer.unit_of_work import WalletUnitOfWork
from wallet.settings import Settings

log = get_logger(__name__)
BATCH = 100
_Key = TypeVar("_Key", uuid.UUID, str)  # a deposit's operation id, a SetupIntent's id


def stripe_periodic_jobs(settings: Settings) -> list[PeriodicSpec]:
    async def recheck(engine: AsyncEngine) -> None:
        await recheck_pending_deposits(engine, settings)

    async def expire(engine: AsyncEngine) -> None:
        await expire_stale_deposits(engine, settings)

    async def recheck_setups(engine: AsyncEngine) -> None:
        await recheck_pending_setups(engine, settings)

    interval = settings.deposit_recheck_interval_s
    return [
        PeriodicSpec("stripe-deposit-recheck", interval, recheck),
        PeriodicSpec("stripe-deposit-expiry", interval, expire),
        PeriodicSpec("stripe-setup-recheck", interval, recheck_setups),
    ]


async def _pending(
    engine: AsyncEngine, *, older_than: timedelta | None, expired: bool
) -> list[uuid.UUID]:
    """Pending deposits: past their expiry, or (not yet expired) older than ``older_than``."""
    statement = select(card_deposit.c.operation_id).where(
        card_deposit.c.status == DepositStatus.pending.value
    )
    if expired:
        statement = statement.where(card_deposit.c.expires_at <= func.now())
    else:
        statement = statement.where(card_deposit.c.expires_at > func.now())
    if older_than is not None:
        statement = statement.where(card_deposit.c.created_at < func.now() - older_than)
    async with engine.connect() as conn:
        rows = await conn.scalars(statement.order_by(card_deposit.c.created_at).limit(BATCH))
        return list(rows)


async def recheck_pending_deposits(engine: AsyncEngine, settings: Settings) -> int:
    """Settle pending deposits older than the re-check age; returns how many were credited."""
    found = await _pending(
        engine, older_than=timedelta(minutes=settings.deposit_recheck_after_min), expired=False
    )
    return await _each(engine, settings, found, expire=False)


async def expire_stale_deposits(engine: AsyncEngine, settings: Settings) -> int:
    found = await _pending(engine, older_than=None, expired=True)
    return await _each(engine, settings, found, expire=True)


async def _each(
    engine: AsyncEngine, settings: Settings, operation_ids: list[uuid.UUID], *, expire: bool
) -> int:
    async def settle(uow: WalletUnitOfWork, provider: StripePayments, key: uuid.UUID) -> bool:
        return await recheck.reconcile_with_stripe(uow, provider, key, expire=expire)

    return await _one_at_a_time(
        create_sessionmaker(engine),
        settings,
        operation_ids,
        settle,
        failure="stripe reconciliation failed",
        key_name="operation_id",
    )


async def _one_at_a_time(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    keys: Sequence[_Key],
    settle: Callable[[WalletUnitOfWork, StripePayments, _Key], Awaitable[bool]],
    *,
    failure: str,
    key_name: str,
) -> int:
    """Ask Stripe about each key in a transaction of its own; how many it settled. One that
    fails must not stop the others: it is logged and asked about again on the next run."""
    if not keys:
        return 0
    provider = StripePayments(settings)
    settled = 0
    try:
        for key in keys:
            try:
                async with WalletUnitOfWork(sessions) as uow:
                    done = await settle(uow, provider, key)
                    await uow.commit()
                settled += done
            except Exception:
                log.exception(failure, **{key_name: str(key)})
    finally:
        await provider.close()
    return settled


async def recheck_pending_setups(engine: AsyncEngine, settings: Settings) -> int:
    """Ask Stripe about due SetupIntents, one transaction each; how many cards were saved."""
    caps = payment_methods.SetupCaps.of(settings)
    sessions = create_sessionmaker(engine)
    async with WalletUnitOfWork(sessions) as reading:
        due = await payment_methods.setups_due(reading, caps, limit=BATCH)

    async def save_card(uow: WalletUnitOfWork, provider: StripePayments, key: str) -> bool:
        return await payment_methods.recheck_setup(uow, provider, key, caps) is not None

    return await _one_at_a_time(
        sessions,
        settings,
        due,
        save_card,
        failure="stripe setup re-check failed",
        key_name="setup_intent_id",
    )
