"""The one ``LISTEN bet_decided`` connection of a process, waking the placements that wait.

Whichever replica decides a bet ``NOTIFY``s ``bet_decided`` with the bet id when its
transaction commits (``saga.notify_decided``); PostgreSQL delivers it to every listening
process. Here ONE dedicated asyncpg connection (outside the SQLAlchemy pool) listens for the
whole process and wakes the requests registered for that bet id, so a waiting request holds no
database connection at all: it registers, reads the bet with a short pooled query, then waits
on memory.

A lost connection is reconnected with back-off; once it listens again every waiter is woken to
read its bet again, since a decision may have been announced while nobody listened. While it is
down, waiters simply time out into the pending (202) answer. At most ``max_waiters`` requests
wait per process: past that ``waiting`` yields ``None`` and the caller answers at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Iterator

import asyncpg

from common.aio import being_cancelled
from common.db import libpq_url
from common.logging import get_logger

log = get_logger(__name__)

# The payload is the bet id alone: the answer renders the whole bet, read once after the
# wake-up, so a status in the payload would save no query.
DECIDED_CHANNEL = "bet_decided"


class Waiter:
    """One request waiting for one bet: woken by its decision, or to read the bet again."""

    __slots__ = ("_woken",)

    def __init__(self) -> None:
        self._woken = asyncio.Event()

    def wake(self) -> None:
        self._woken.set()

    async def woken(self, deadline: float) -> bool:
        """True once woken (then read the bet again), False when the loop-time ``deadline``
        passes first. A wake-up between two calls is kept for the next one, never lost."""
        try:
            async with asyncio.timeout_at(deadline):
                await self._woken.wait()
        except TimeoutError:
            return False
        self._woken.clear()
        return True


class DecisionListener:
    def __init__(
        self,
        database_url: str,
        *,
        max_waiters: int,
        heartbeat_s: float = 10.0,
        max_backoff_s: float = 5.0,
    ) -> None:
        self.max_waiters = max_waiters
        self.heartbeat_s = heartbeat_s
        self.max_backoff_s = max_backoff_s
        self._dsn = libpq_url(database_url)
        self._waiters: dict[str, set[Waiter]] = {}
        self._count = 0
        self._conn: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        # How many times a LISTEN has started: a test (or an operator) sees a reconnect.
        self.generation = 0
        self.listening = asyncio.Event()

    # waiting ------------------------------------------------------------------------------
    @property
    def waiter_count(self) -> int:
        return self._count

    def bets_waited_for(self) -> int:
        return len(self._waiters)

    @contextlib.contextmanager
    def waiting(self, bet_id: uuid.UUID) -> Iterator[Waiter | None]:
        """Register before reading the bet, so a decision committed in between still wakes
        the waiter; ``None`` when ``max_waiters`` already wait (answer without waiting)."""
        if self._count >= self.max_waiters:
            yield None
            return
        key = str(bet_id)
        waiter = Waiter()
        self._waiters.setdefault(key, set()).add(waiter)
        self._count += 1
        try:
            yield waiter
        finally:
            self._count -= 1
            others = self._waiters.get(key)
            if others is not None:
                others.discard(waiter)
                if not others:
                    del self._waiters[key]

    def _on_decided(self, _conn: object, _pid: int, _channel: str, payload: str) -> None:
        for waiter in self._waiters.get(payload, ()):
            waiter.wake()

    def _wake_everyone(self) -> None:
        for waiters in self._waiters.values():
            for waiter in waiters:
                waiter.wake()

    # lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._listen(), name="bets-decision-listener")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        self._wake_everyone()  # nobody will be told any more: let them answer now

    def backend_pid(self) -> int | None:
        """The listening connection's server process (tests terminate it to test reconnects)."""
        return None if self._conn is None else self._conn.get_server_pid()

    async def _listen(self) -> None:
        backoff = 0.2
        while True:
            try:
                conn = await asyncpg.connect(self._dsn, timeout=5)
            except Exception as exc:  # down, refused, timed out: waiters time out meanwhile
                log.warning("bets.decisions.connect_failed", error=repr(exc), retry_in_s=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff_s)
                continue
            backoff = 0.2
            try:
                await self._listen_on(conn)
            except Exception as exc:  # terminated, network gone: listen again
                log.warning("bets.decisions.listen_failed", error=repr(exc))
            except asyncio.CancelledError as exc:
                if being_cancelled():
                    raise  # stop()
                # asyncpg cancels the futures of a connection that dies: listen again
                log.warning("bets.decisions.listen_failed", error=repr(exc))
            finally:
                self._conn = None
                self.listening.clear()
                # Not close(): on a dead connection it can raise CancelledError out of this
                # loop and end the listener for good (seen under the chaos run's faults).
                conn.terminate()

    async def _listen_on(self, conn: asyncpg.Connection) -> None:
        """Listen until the connection is lost (noticed at once, or by the heartbeat when the
        network fails silently)."""
        lost = asyncio.Event()
        conn.add_termination_listener(lambda _c: lost.set())
        await conn.add_listener(DECIDED_CHANNEL, self._on_decided)
        self._conn = conn
        self.generation += 1
        self.listening.set()
        log.info("bets.decisions.listening", generation=self.generation)
        self._wake_everyone()  # decisions announced while nobody listened: read them again
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.heartbeat_s):
                    await lost.wait()
            if not lost.is_set():
                await conn.fetchval("SELECT 1", timeout=self.heartbeat_s)
        log.warning("bets.decisions.connection_lost", generation=self.generation)
