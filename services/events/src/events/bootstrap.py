"""Composition root of the events service: runtime (DB, broker, relay, consumer, periodic jobs),
units of work, the admin's Idempotency-Key store and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from common.idempotency import IdempotencyStore
from common.runtime import PeriodicSpec, ServiceRuntime, build_runtime
from events.adapters.listing_cache import ListingCache
from events.entrypoints.worker import SUBSCRIPTIONS
from events.service_layer.unit_of_work import SCHEMA, UnitOfWork, UnitOfWorkFactory
from events.settings import Settings

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def idempotency_store() -> IdempotencyStore:
    """The admin writes' keys, kept the common 24 h (as bets' and wallet's defaults)."""
    return IdempotencyStore(SCHEMA)


def build(settings: Settings) -> ServiceRuntime:
    store = idempotency_store()

    async def purge_idempotency_keys(engine: AsyncEngine) -> None:
        await store.purge_expired(engine)

    return build_runtime(
        settings,
        subscriptions=SUBSCRIPTIONS,
        periodic=[PeriodicSpec("idempotency-purge", 600, purge_idempotency_keys)],
    )


@dataclass(frozen=True)
class Wiring:
    """What the HTTP edge needs: the runtime, a unit-of-work factory, the Idempotency-Key
    store, settings and a clock."""

    settings: Settings
    runtime: ServiceRuntime
    uow: UnitOfWorkFactory
    clock: Clock
    listing: ListingCache
    idempotency: IdempotencyStore
    engine: AsyncEngine


def wire(settings: Settings, *, clock: Clock = utc_now) -> Wiring:
    runtime = build(settings)
    sessionmaker, engine = runtime.sessionmaker, runtime.engine
    assert sessionmaker is not None, "events needs its database"
    assert engine is not None, "events needs its database"
    listing = ListingCache(
        runtime.redis, prefix=settings.redis_prefix, ttl_s=settings.listing_cache_s
    )
    return Wiring(
        settings=settings,
        runtime=runtime,
        uow=lambda: UnitOfWork(sessionmaker, listing=listing),
        clock=clock,
        listing=listing,
        idempotency=idempotency_store(),
        engine=engine,
    )
