"""Composition root of the bets service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bets.entrypoints.worker import SUBSCRIPTIONS
from bets.service_layer.watchdog import watch_pending
from bets.settings import Settings
from common.db import create_sessionmaker
from common.idempotency import IdempotencyStore
from common.runtime import PeriodicSpec, ServiceRuntime, build_runtime


def idempotency_store(settings: Settings) -> IdempotencyStore:
    return IdempotencyStore("bets", ttl=timedelta(hours=settings.idempotency_ttl_h))


def build(settings: Settings) -> ServiceRuntime:
    store = idempotency_store(settings)

    async def purge_idempotency_keys(engine: AsyncEngine) -> None:
        await store.purge_expired(engine)

    async def watch_pending_bets(engine: AsyncEngine) -> None:
        await watch_pending(create_sessionmaker(engine), settings.watchdog, now=datetime.now(UTC))

    return build_runtime(
        settings,
        subscriptions=SUBSCRIPTIONS,
        periodic=[
            PeriodicSpec("idempotency-purge", 600, purge_idempotency_keys),
            PeriodicSpec("bets-pending-watchdog", settings.watchdog_interval_s, watch_pending_bets),
        ],
    )
