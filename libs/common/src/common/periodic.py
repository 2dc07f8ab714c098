"""Periodic jobs with one runner across replicas.

Each replica tries ``pg_try_advisory_lock`` on a dedicated connection; the one that holds it
is the leader and runs the job every interval, the others retry the lock each interval. If
the leader dies its connection closes, PostgreSQL frees the lock and another replica takes
over at its next try.
"""

from __future__ import annotations

import asyncio
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


class PeriodicJob:
    def __init__(self, *, name: str, interval_s: float, job: Job, engine: AsyncEngine) -> None:
        self.name = name
        self.interval_s = interval_s
        self.job = job
        self.engine = engine
        self.key = advisory_key(name)
        self.is_leader = False
        self.runs = 0

    async def run(self) -> None:
        """Run until cancelled."""
        while True:
            try:
                async with self.engine.connect() as lock_conn:
                    await self._lead_while_possible(lock_conn)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # DB gone: step down, try again later
                log.warning("periodic.error", job=self.name, error=repr(exc))
            self.is_leader = False
            await asyncio.sleep(self.interval_s)

    async def _lead_while_possible(self, lock_conn: AsyncConnection) -> None:
        while not self.is_leader:
            got = await lock_conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.key})
            await lock_conn.commit()
            if got:
                self.is_leader = True
                log.info("periodic.leader", job=self.name)
                break
            await asyncio.sleep(self.interval_s)
        try:
            while True:
                await self.job(self.engine)
                self.runs += 1
                await asyncio.sleep(self.interval_s)
                # Still holding the lock? (a dropped connection would have released it)
                await lock_conn.scalar(text("SELECT 1"))
        finally:
            self.is_leader = False
            if not lock_conn.closed:
                await lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.key})
                await lock_conn.commit()
