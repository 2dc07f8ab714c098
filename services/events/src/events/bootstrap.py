"""Composition root of the events service: runtime (DB, broker, relay, consumer), units of
work and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from common.runtime import ServiceRuntime, build_runtime
from events.adapters.listing_cache import ListingCache
from events.entrypoints.worker import SUBSCRIPTIONS
from events.service_layer.unit_of_work import UnitOfWork, UnitOfWorkFactory
from events.settings import Settings

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def build(settings: Settings) -> ServiceRuntime:
    return build_runtime(settings, subscriptions=SUBSCRIPTIONS)


@dataclass(frozen=True)
class Wiring:
    """What the HTTP edge needs: the runtime, a unit-of-work factory, settings and a clock."""

    settings: Settings
    runtime: ServiceRuntime
    uow: UnitOfWorkFactory
    clock: Clock
    listing: ListingCache


def wire(settings: Settings, *, clock: Clock = utc_now) -> Wiring:
    runtime = build(settings)
    sessionmaker = runtime.sessionmaker
    assert sessionmaker is not None, "events needs its database"
    listing = ListingCache(
        runtime.redis, prefix=settings.redis_prefix, ttl_s=settings.listing_cache_s
    )
    return Wiring(
        settings=settings,
        runtime=runtime,
        uow=lambda: UnitOfWork(sessionmaker, listing=listing),
        clock=clock,
        listing=listing,
    )
