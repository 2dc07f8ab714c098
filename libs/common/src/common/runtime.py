"""What a service process runs besides HTTP: DB pool, broker, outbox relay, consumers, jobs.

Built by each service's ``bootstrap.py`` (its composition root) and started/stopped by the
app lifespan or the worker entrypoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from redis.asyncio import Redis
from sqlalchemy import delete, func, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from common.auth.revocation import RevocationList
from common.auth.tokens import JwksKeySource, KeySource, StaticKeySource, TokenVerifier
from common.db import create_engine, create_sessionmaker
from common.logging import get_logger
from common.messaging.broker import Broker
from common.messaging.consumer import Consumer, Subscriptions
from common.messaging.relay import OutboxRelay
from common.messaging.tables import messaging_tables
from common.periodic import LeaderLocks, PeriodicJob
from common.settings import CommonSettings, ServiceSettings

log = get_logger(__name__)

ReadinessCheck = Callable[[], Awaitable[bool]]
# Besides one per consumer lane: the relay, the leader locks' connection, a periodic job.
WORKER_CONNECTIONS = 3
# A verifier waits no longer than this on Redis or the JWKS endpoint before failing closed.
AUTH_IO_TIMEOUT_S = 2.0


@dataclass
class PeriodicSpec:
    name: str
    interval_s: float
    job: Callable[[AsyncEngine], Awaitable[None]]


@dataclass
class ServiceRuntime:
    settings: CommonSettings
    engine: AsyncEngine | None = None  # the API's pool: short checkout wait, then 503
    sessionmaker: async_sessionmaker[AsyncSession] | None = None
    # The relay's, consumers' and jobs' own pool: a burst of requests cannot starve the work
    # that decides them, and a busy API pool never fails (and so retries) a message.
    worker_engine: AsyncEngine | None = None
    broker: Broker | None = None
    relay: OutboxRelay | None = None
    consumer: Consumer | None = None
    periodic: list[PeriodicJob] = field(default_factory=list)
    redis: Redis | None = None
    revocations: RevocationList | None = None
    token_verifier: TokenVerifier | None = None
    # Extra resources to close on stop (e.g. the gateway's pooled HTTP client).
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    # readiness ----------------------------------------------------------------------------
    async def readiness(self) -> dict[str, bool]:
        checks: dict[str, bool] = {}
        timeout = self.settings.ready_timeout_s
        if self.engine is not None:
            checks["database"] = await _within(timeout, self._database_answers())
        if self.broker is not None:
            checks["broker"] = self.broker.is_ready()
        if self.consumer is not None:
            checks["consumer"] = self.consumer.queues is not None
        return checks

    async def _database_answers(self) -> bool:
        assert self.engine is not None
        async with self.engine.connect() as conn:
            return bool(await conn.scalar(text("SELECT 1")))

    # lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        if self.broker is not None:
            if self.consumer is not None:
                self.broker.on_connect(self.consumer.start)
            await self.broker.start()
        if self.revocations is not None:  # the deny-list's local cache, kept honest by pub/sub
            listen = self.revocations.listen()
            self._tasks.append(asyncio.create_task(listen, name="revocations-listen"))
        if self.relay is not None:
            self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        for job in self.periodic:
            self._tasks.append(asyncio.create_task(job.run(), name=f"periodic-{job.name}"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self.consumer is not None:
            with contextlib.suppress(Exception):
                await self.consumer.stop()
        if self.broker is not None:
            await self.broker.stop()
        for close in self.closers:  # before the engine goes: a closer may hold a connection
            await close()
        for engine in (self.worker_engine, self.engine):
            if engine is not None:
                await engine.dispose()
        if self.redis is not None:
            await self.redis.aclose()


async def _within(timeout_s: float, check: Awaitable[bool]) -> bool:
    try:
        async with asyncio.timeout(timeout_s):
            return await check
    except Exception:  # unreachable, refused, timed out: not ready
        return False


def build_runtime(
    settings: CommonSettings,
    *,
    subscriptions: Subscriptions | None = None,
    periodic: list[PeriodicSpec] | None = None,
    uses_database: bool = True,
    uses_broker: bool = True,
    key_source: KeySource | None = None,
) -> ServiceRuntime:
    """The standard wiring: pooled engine, broker, relay, inbox consumer, housekeeping jobs.

    ``uses_database``/``uses_broker`` apply to ``ServiceSettings``; a plain ``CommonSettings``
    (the gateway) gets a runtime with neither. Every runtime gets Redis, the session deny-list
    and the token verifier; ``key_source`` replaces the JWKS (auth verifies with its own keys).
    """
    runtime = ServiceRuntime(settings=settings)
    _wire_tokens(runtime, key_source)
    service = settings.service_name
    if not isinstance(settings, ServiceSettings):
        return runtime  # e.g. the gateway: no database, no broker of its own
    if uses_database:
        runtime.engine = create_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout_s=settings.db_pool_timeout_s,
            application_name=service,
        )
        runtime.sessionmaker = create_sessionmaker(runtime.engine)
    if uses_broker:
        runtime.broker = Broker(settings.rabbitmq_url, exchange_name=settings.exchange_name)
    if not settings.run_workers or runtime.engine is None or runtime.broker is None:
        return runtime

    runtime.worker_engine = create_engine(
        settings.database_url,
        pool_size=settings.consumer_concurrency + WORKER_CONNECTIONS,
        max_overflow=WORKER_CONNECTIONS,
        application_name=f"{service}-worker",
    )
    worker_sessions = create_sessionmaker(runtime.worker_engine)
    runtime.relay = OutboxRelay(
        service=service,
        schema=settings.db_schema,
        engine=runtime.worker_engine,
        broker=runtime.broker,
        database_url=settings.database_url,
        batch_size=settings.outbox_batch_size,
        poll_interval_s=settings.outbox_poll_interval_s,
    )
    if subscriptions:
        runtime.consumer = Consumer(
            service=service,
            schema=settings.db_schema,
            broker=runtime.broker,
            sessionmaker=worker_sessions,
            subscriptions=subscriptions,
            queue_prefix=settings.queue_prefix,
            prefetch=settings.consumer_prefetch,
            max_attempts=settings.consumer_max_attempts,
            batch_size=settings.consumer_batch_size,
            concurrency=settings.consumer_concurrency,
            retry_delay_ms=settings.consumer_retry_delay_ms,
            wait_for_earlier_s=settings.consumer_wait_for_earlier_s,
        )
    specs = [_outbox_cleanup(settings), *(periodic or [])]
    # One connection holds the leader locks of all this process's jobs (not one per job).
    locks = LeaderLocks(runtime.worker_engine)
    runtime.periodic = [
        PeriodicJob(
            name=f"{service}.{s.name}",
            interval_s=s.interval_s,
            job=s.job,
            engine=runtime.worker_engine,
            locks=locks,
        )
        for s in specs
    ]
    runtime.closers.append(locks.close)
    return runtime


def _wire_tokens(runtime: ServiceRuntime, key_source: KeySource | None) -> None:
    settings = runtime.settings
    # Connects lazily: a process that never verifies a token never opens a connection.
    runtime.redis = Redis.from_url(
        settings.redis_url,
        socket_timeout=AUTH_IO_TIMEOUT_S,
        socket_connect_timeout=AUTH_IO_TIMEOUT_S,
    )
    # Entries outlive a token by the leeway, during which an expired token still passes.
    runtime.revocations = RevocationList(
        runtime.redis, prefix=settings.redis_prefix, grace_s=settings.jwt_leeway_s
    )
    runtime.token_verifier = TokenVerifier(
        keys=key_source if key_source is not None else _key_source(runtime),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        algorithms=settings.jwt_algorithm_list,
        leeway_s=settings.jwt_leeway_s,
        revocations=runtime.revocations,
    )


def _key_source(runtime: ServiceRuntime) -> KeySource:
    settings = runtime.settings
    if settings.jwt_jwks:
        return StaticKeySource(json.loads(settings.jwt_jwks))
    client = httpx.AsyncClient(timeout=AUTH_IO_TIMEOUT_S, follow_redirects=False)
    runtime.closers.append(client.aclose)
    return JwksKeySource(
        settings.jwt_jwks_url, client=client, cache_ttl_s=settings.jwt_jwks_cache_s
    )


def _outbox_cleanup(settings: ServiceSettings) -> PeriodicSpec:
    outbox, _ = messaging_tables(settings.db_schema)
    retention = timedelta(hours=settings.outbox_retention_h)

    async def delete_published(engine: AsyncEngine) -> None:
        async with engine.begin() as conn:
            await conn.execute(
                delete(outbox).where(
                    outbox.c.published_at.is_not(None),
                    outbox.c.published_at < func.now() - retention,
                )
            )

    return PeriodicSpec(name="outbox-cleanup", interval_s=600, job=delete_published)
