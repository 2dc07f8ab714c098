"""Composition root of the partners service: runtime (DB, broker, inbox consumer, the outbound
sender and housekeeping as periodic jobs), units of work, the HTTP client and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from common.db import create_sessionmaker
from common.idempotency import IdempotencyStore
from common.runtime import PeriodicSpec, ServiceRuntime, build_runtime
from partners.entrypoints.worker import subscriptions_for
from partners.service_layer.sender import Sender
from partners.service_layer.unit_of_work import SCHEMA, UnitOfWork, UnitOfWorkFactory
from partners.settings import Settings

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def idempotency_store() -> IdempotencyStore:
    return IdempotencyStore(SCHEMA)


def http_client(settings: Settings) -> httpx.AsyncClient:
    """Outbound postbacks: no redirects (the signed URL is the one called), bounded waits."""
    return httpx.AsyncClient(
        timeout=settings.postback_timeout_s,
        follow_redirects=False,
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
    )


@dataclass
class Built:
    runtime: ServiceRuntime
    client: httpx.AsyncClient
    sender: Sender | None


def build_all(settings: Settings, *, clock: Clock = utc_now) -> Built:
    store = idempotency_store()
    client = http_client(settings)
    holder: dict[str, Sender] = {}

    async def purge_idempotency_keys(engine: AsyncEngine) -> None:
        await store.purge_expired(engine)

    async def send_due(engine: AsyncEngine) -> None:
        await holder["sender"].job(engine)

    periodic = [PeriodicSpec("idempotency-purge", 600, purge_idempotency_keys)]
    if settings.sender_interval_s > 0:
        periodic.append(PeriodicSpec("postback-sender", settings.sender_interval_s, send_due))
    runtime = build_runtime(
        settings,
        subscriptions=subscriptions_for(clock, timedelta(seconds=settings.win_window_s)),
        periodic=periodic,
    )
    runtime.closers.append(client.aclose)
    sender: Sender | None = None
    engine = runtime.worker_engine or runtime.engine
    if engine is not None:
        sender = Sender(
            sessionmaker=create_sessionmaker(engine), client=client, settings=settings, clock=clock
        )
        holder["sender"] = sender
    return Built(runtime=runtime, client=client, sender=sender)


def build(settings: Settings) -> ServiceRuntime:
    return build_all(settings).runtime


@dataclass(frozen=True)
class Wiring:
    """What the HTTP edge needs: settings, runtime, units of work, the outbound client (the
    admin's test postback), the sender, the Idempotency-Key store and the clock."""

    settings: Settings
    runtime: ServiceRuntime
    uow: UnitOfWorkFactory
    clock: Clock
    client: httpx.AsyncClient
    sender: Sender | None
    idempotency: IdempotencyStore
    engine: AsyncEngine


def wire(settings: Settings, *, clock: Clock = utc_now) -> Wiring:
    built = build_all(settings, clock=clock)
    runtime = built.runtime
    sessionmaker, engine = runtime.sessionmaker, runtime.engine
    assert sessionmaker is not None, "partners needs its database"
    assert engine is not None, "partners needs its database"
    return Wiring(
        settings=settings,
        runtime=runtime,
        uow=lambda: UnitOfWork(sessionmaker),
        clock=clock,
        client=built.client,
        sender=built.sender,
        idempotency=idempotency_store(),
        engine=engine,
    )
