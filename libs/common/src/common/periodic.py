"""Periodic jobs with one runner across replicas.

Each replica tries ``pg_try_advisory_lock`` for the job; the one that holds it is the leader
and runs the job every interval, the others retry the lock each interval. If the leader dies
its connection closes, PostgreSQL frees the lock and another replica takes over at its next
try. A process holds the locks of all the jobs it leads on ONE connection (``LeaderLocks``):
a connection per job would take a pool slot per job for good and starve the requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from common.logging import get_logger

log = get_logger(__name__)

Job = Callable[[AsyncEngine], Awaitable[None]]


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for a job name (same in every replica and release)."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


class LeaderLocks:
    """The one connection of a process that holds the advisory locks of the jobs it leads.

    ``generation`` changes whenever the connection is replaced: a lock taken on an earlier
    connection died with it.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.generation = 0
        self._conn: AsyncConnection | None = None
        self._mutex = asyncio.Lock()  # one statement at a time on the shared connection

    async def _connection(self) -> AsyncConnection:
        if self._conn is None or self._conn.closed:
            self._conn = await self.engine.connect()
            self.generation += 1
        return self._conn

    async def try_acquire(self, key: int) -> int | None:
        """The generation the lock was taken on, or ``None`` if another session holds it."""
        async with self._mutex:
            try:
                conn = await self._connection()
                got = await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})
                await conn.commit()
            except Exception:
                await self._drop()
                raise
            return self.generation if got else None

    async def still_held(self, generation: int) -> bool:
        async with self._mutex:
            if self._conn is None or self._conn.closed or generation != self.generation:
                return False
            try:
                await self._conn.scalar(text("SELECT 1"))
                await self._conn.commit()
            except Exception:  # the connection is gone, and every lock it held with it
                await self._drop()
                return False
            return True

    async def release(self, key: int, generation: int) -> None:
        async with self._mutex:
            if self._conn is None or self._conn.closed or generation != self.generation:
                return
            try:
                await self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                await self._conn.commit()
            except Exception:
                await self._drop()

    async def close(self) -> None:
        async with self._mutex:
            await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()


class PeriodicJob:
    def __init__(
        self,
        *,
        name: str,
        interval_s: float,
        job: Job,
        engine: AsyncEngine,
        locks: LeaderLocks | None = None,
    ) -> None:
        self.name = name
        self.interval_s = interval_s
        self.job = job
        self.engine = engine
        self._owns_locks = locks is None  # a job on its own closes its lock connection itself
        self.locks = locks or LeaderLocks(engine)
        self.key = advisory_key(name)
        self.is_leader = False
        self.runs = 0

    async def run(self) -> None:
        """Run until cancelled."""
        try:
            while True:
                try:
                    generation = await self.locks.try_acquire(self.key)
                    if generation is not None:
                        await self._lead(generation)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # DB gone or the job failed: step down, retry later
                    log.warning("periodic.error", job=self.name, error=repr(exc))
                self.is_leader = False
                await asyncio.sleep(self.interval_s)
        finally:
            if self._owns_locks:
                await self.locks.close()

    async def _lead(self, generation: int) -> None:
        self.is_leader = True
        log.info("periodic.leader", job=self.name)
        try:
            while True:
                await self.job(self.engine)
                self.runs += 1
                await asyncio.sleep(self.interval_s)
                # Still holding the lock? (a dropped connection would have released it)
                if not await self.locks.still_held(generation):
                    return
        finally:
            self.is_leader = False
            await self.locks.release(self.key, generation)
