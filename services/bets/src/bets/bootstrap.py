"""Composition root of the bets service: ``build`` is the runtime (database, broker, relay,
consumers, periodic jobs: all a worker process needs); ``wire`` is the whole API process, the
runtime and what its routes receive (as in events' ``wire``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bets.adapters.decisions import DecisionListener
from bets.entrypoints.api.deps import BetsServices
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


@dataclass(frozen=True)
class Wiring:
    runtime: ServiceRuntime
    services: BetsServices


def wire(settings: Settings) -> Wiring:
    runtime = build(settings)
    decisions = DecisionListener(settings.database_url, max_waiters=settings.placement_max_waiters)
    services = BetsServices(
        settings=settings,
        idempotency=idempotency_store(settings),
        decisions=decisions,
        engine=runtime.engine,
        sessionmaker=runtime.sessionmaker,
    )
    return Wiring(runtime, services)
