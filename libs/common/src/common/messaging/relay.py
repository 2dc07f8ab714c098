"""Outbox relay: publishes committed outbox rows with publisher confirms.

Several replicas may run at once: each pass locks a batch with ``FOR UPDATE SKIP LOCKED``,
publishes it, waits for the broker's confirms and marks the rows sent in the same
transaction. A crash between publish and commit republishes the batch (at-least-once; the
consumers' inbox makes that harmless); a crash before publish loses nothing. The relay
sleeps on ``LISTEN <schema>_outbox`` (a trigger NOTIFYs on insert) with a polling fallback,
and backs off while the broker or the database is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import asyncpg
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from common.db import libpq_url
from common.logging import get_logger
from common.messaging import metrics
from common.messaging.broker import Broker
from common.messaging.tables import messaging_tables, notify_channel

log = get_logger(__name__)


class OutboxRelay:
    def __init__(
        self,
        *,
        service: str,
        schema: str,
        engine: AsyncEngine,
        broker: Broker,
        database_url: str,
        batch_size: int = 200,
        poll_interval_s: float = 2.0,
        max_backoff_s: float = 10.0,
    ) -> None:
        self.service = service
        self.schema = schema
        self.engine = engine
        self.broker = broker
        self._listen_dsn = libpq_url(database_url)
        self.batch_size = batch_size
        self.poll_interval_s = poll_interval_s
        self.max_backoff_s = max_backoff_s
        self._wakeup = asyncio.Event()
        self._outbox, _ = messaging_tables(schema)

    async def run(self) -> None:
        """Publish until cancelled."""
        await self.broker.wait_connected()
        listener = asyncio.create_task(self._listen(), name=f"{self.service}-outbox-listen")
        backoff = 0.2
        try:
            while True:
                try:
                    published = await self.publish_batch()
                    backoff = 0.2
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # broker or DB down: keep the rows, retry later
                    log.warning("outbox.publish_failed", error=repr(exc), retry_in_s=backoff)
                    await self._record_lag_if_possible()
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, self.max_backoff_s)
                    continue
                if published < self.batch_size:
                    await self._sleep_until_woken()
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)

    async def publish_batch(self) -> int:
        """One pass: lock up to ``batch_size`` unpublished rows, publish, mark. Returns count."""
        if not self.broker.is_ready():
            raise ConnectionError("broker not connected")
        outbox = self._outbox
        async with self.engine.begin() as conn:
            rows = (
                await conn.execute(
                    select(outbox.c.id, outbox.c.event_id, outbox.c.routing_key, outbox.c.body)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.id)
                    .limit(self.batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                metrics.outbox_lag.labels(self.service).set(0)
                metrics.outbox_pending.labels(self.service).set(0)
                return 0
            await self._record_lag(conn)
            await self.broker.publish(
                (row.routing_key, _encode(row.body), str(row.event_id), {}) for row in rows
            )
            await conn.execute(
                update(outbox)
                .where(outbox.c.id.in_([row.id for row in rows]))
                .values(published_at=func.now())
            )
        for row in rows:
            metrics.published.labels(self.service, row.routing_key).inc()
        return len(rows)

    async def _record_lag(self, conn: Any) -> None:
        outbox = self._outbox
        oldest, pending = (
            await conn.execute(
                select(
                    func.extract("epoch", func.now() - func.min(outbox.c.created_at)),
                    func.count(),
                ).where(outbox.c.published_at.is_(None))
            )
        ).one()
        metrics.outbox_lag.labels(self.service).set(float(oldest or 0))
        metrics.outbox_pending.labels(self.service).set(pending)

    async def _record_lag_if_possible(self) -> None:
        """While publishing fails the lag grows: keep the gauge honest for alerting."""
        with contextlib.suppress(Exception):
            async with self.engine.connect() as conn:
                await self._record_lag(conn)

    async def _sleep_until_woken(self) -> None:
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
        # races the wake-up, and the relay would then never stop.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.poll_interval_s):
                await self._wakeup.wait()
        self._wakeup.clear()

    async def _listen(self) -> None:
        """Hold a LISTEN connection; reconnect with backoff. Polling covers any gap."""
        channel = notify_channel(self.schema)
        backoff = 0.5
        while True:
            try:
                conn = await asyncpg.connect(self._listen_dsn, timeout=5)
            except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
                log.warning("outbox.listen_failed", error=repr(exc), retry_in_s=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff_s)
                continue
            backoff = 0.5
            lost = asyncio.Event()
            try:
                conn.add_termination_listener(lambda _c, lost=lost: lost.set())
                await conn.add_listener(channel, lambda *_a: self._wakeup.set())
                self._wakeup.set()  # catch up on anything committed before we listened
                await lost.wait()
            finally:
                with contextlib.suppress(Exception):
                    await conn.close(timeout=2)


def _encode(body: Any) -> bytes:
    # JSONB comes back as a dict; re-encode compactly (the envelope is plain JSON types).
    return json.dumps(body, separators=(",", ":")).encode()
