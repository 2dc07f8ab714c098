"""The fault injector: a seeded schedule of faults, run against the live platform during the load.

- ``kill9``: SIGKILL one service or gateway process, restarted (same argv and env) after a
  delay. Exercises the outbox (a commit whose publish never happened), the inbox (a batch
  redelivered) and idempotency (an answer lost with the process; the client's retry).
- ``rabbit_restart``: ``rabbitmqctl stop_app``, a wait, ``start_app`` (the real broker, every
  service at once): relay confirms and reconnects, unacked deliveries redelivered.
- ``pg_terminate``: ``pg_terminate_backend`` on every connection of one service's role:
  transactions rolled back mid-way, the pool's pre-ping and reconnects.
- ``proxy_partition``: the proxy in front of one service's database or broker refuses (or
  blackholes) new connections and holds every byte for a while: timeouts, 503s, the bus's retry.
- ``proxy_drop``: every connection through that proxy cut at once (a server restart, seen from
  one service).
- ``proxy_delay``: every chunk through that proxy delayed for a while: pool timeouts
  (503 ``service_busy``), slow confirms.
- ``pause_wallet``: SIGSTOP both wallet processes past the bets saga's pending timeout, then
  SIGCONT: the watchdog's re-sends and release, the wallet's release-before-reserve tombstone.
- ``webhook_reorder``: the simulator holds its webhooks, then sends them newest first: deposit
  idempotency per Stripe event and intent, in any order.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from tests.chaos.proxy import FaultyProxy
from tests.e2e.client import Platform
from tests.e2e.processes import Process, wait_ready

from common.db import libpq_url
from common.testing.database import TestDatabase

ALREADY_DOWN = "already down"
KILLABLE = ("auth", "events", "bets", "wallet", "gateway")
# Killed more often: where the money moves.
KILL_WEIGHTS = {"auth": 1, "events": 1, "bets": 3, "wallet": 3, "gateway": 2}
RANDOM_KINDS = (
    ("kill9", 6),
    ("pg_terminate", 2),
    ("proxy_partition", 2),
    ("proxy_drop", 2),
    ("proxy_delay", 1),
    ("webhook_reorder", 1),
)


@dataclass
class Fault:
    kind: str
    target: str
    gap_s: float  # waited before it starts
    duration_s: float = 0.0  # how long it lasts (restart delay for kill9)
    at_s: float | None = None  # when it started, from the load's start
    note: str = ""

    @property
    def effective(self) -> bool:
        """It happened (not a kill of a process already down, not an injection that failed)."""
        return self.note != ALREADY_DOWN and not self.note.startswith("failed")

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "at_s": None if self.at_s is None else round(self.at_s, 2),
            "duration_s": round(self.duration_s, 2),
            "note": self.note,
        }


@dataclass
class FaultPlan:
    """How many of each fault must happen, and the pace."""

    kill9: int = 4
    rabbit_restart: int = 0
    pg_terminate: int = 1
    proxy_partition: int = 1
    proxy_drop: int = 1
    proxy_delay: int = 1
    pause_wallet: int = 1
    webhook_reorder: int = 1
    gap_s: tuple[float, float] = (2.0, 6.0)
    pause_s: float = 12.0
    rabbit_down_s: tuple[float, float] = (4.0, 8.0)
    proxies: tuple[str, ...] = field(default_factory=tuple)

    def schedule(self, rng: random.Random, processes: list[Process]) -> list[Fault]:
        """The mandatory faults in a seeded order; ``more()`` draws the ones after them."""
        kinds = [kind for kind in self.counts() for _ in range(self.counts()[kind])]
        rng.shuffle(kinds)
        return [self.draw(rng, kind, processes) for kind in kinds]

    def counts(self) -> dict[str, int]:
        return {
            "kill9": self.kill9,
            "rabbit_restart": self.rabbit_restart,
            "pg_terminate": self.pg_terminate,
            "proxy_partition": self.proxy_partition if self.proxies else 0,
            "proxy_drop": self.proxy_drop if self.proxies else 0,
            "proxy_delay": self.proxy_delay if self.proxies else 0,
            "pause_wallet": self.pause_wallet,
            "webhook_reorder": self.webhook_reorder,
        }

    def more(self, rng: random.Random, processes: list[Process]) -> Fault:
        kinds, weights = zip(*RANDOM_KINDS, strict=True)
        kind = rng.choices(kinds, weights)[0]
        if kind.startswith("proxy") and not self.proxies:
            kind = "kill9"
        return self.draw(rng, kind, processes)

    def draw(self, rng: random.Random, kind: str, processes: list[Process]) -> Fault:
        gap = rng.uniform(*self.gap_s)
        if kind == "kill9":
            service = rng.choices(KILLABLE, [KILL_WEIGHTS[s] for s in KILLABLE])[0]
            replicas = sorted(p.name for p in processes if p.name.split("-")[0] == service)
            return Fault(kind, rng.choice(replicas), gap, rng.uniform(0.5, 6.0))
        if kind == "rabbit_restart":
            return Fault(kind, "rabbitmq", gap, rng.uniform(*self.rabbit_down_s))
        if kind == "pg_terminate":
            return Fault(kind, rng.choice(("auth", "events", "bets", "wallet")), gap)
        if kind == "proxy_partition":
            return Fault(kind, rng.choice(self.proxies), gap, rng.uniform(2.0, 7.0))
        if kind == "proxy_delay":
            return Fault(kind, rng.choice(self.proxies), gap, rng.uniform(3.0, 8.0))
        if kind == "proxy_drop":
            return Fault(kind, rng.choice(self.proxies), gap)
        if kind == "pause_wallet":
            return Fault(kind, "wallet-*", gap, self.pause_s)
        if kind == "webhook_reorder":
            return Fault(kind, "stripe-simulator", gap, rng.uniform(1.0, 4.0))
        raise ValueError(kind)


class Injector:
    """Runs a schedule while the load runs; ``heal()`` undoes whatever is still broken."""

    def __init__(
        self,
        platform: Platform,
        proxies: dict[str, FaultyProxy],
        plan: FaultPlan,
        seed: int,
        clock: Callable[[], float],
    ) -> None:
        self.platform = platform
        self.proxies = proxies
        self.plan = plan
        self.rng = random.Random(f"faults:{seed}")
        self.clock = clock
        self.done: list[Fault] = []
        self.restarts: set[asyncio.Task[None]] = set()
        self.stopped: list[Process] = []
        self.rabbit_down = False
        self.errors: list[str] = []
        self.planned_done = asyncio.Event()  # every fault of the plan has happened

    def process(self, name: str) -> Process:
        return next(p for p in self.platform.processes if p.name == name)

    async def run(self, stop: asyncio.Event) -> None:
        """The planned faults first, then more drawn from the same seed, until the load ends."""
        schedule = self.plan.schedule(self.rng, self.platform.processes)
        while not stop.is_set():
            if not schedule:
                self.planned_done.set()
            fault = (
                schedule.pop(0) if schedule else self.plan.more(self.rng, self.platform.processes)
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), fault.gap_s)
                return  # the load ended first: faults only ever happen under load
            fault.at_s = self.clock()
            try:
                await self.inject(fault)
            except Exception as exc:
                fault.note = f"failed: {exc!r}"
                self.errors.append(f"{fault.kind} {fault.target}: {exc!r}")
            self.done.append(fault)

    async def inject(self, fault: Fault) -> None:
        actions: dict[str, Callable[[Fault], Awaitable[None]]] = {
            "kill9": self.kill9,
            "rabbit_restart": self.rabbit_restart,
            "pg_terminate": self.pg_terminate,
            "proxy_partition": self.proxy_partition,
            "proxy_drop": self.proxy_drop,
            "proxy_delay": self.proxy_delay,
            "pause_wallet": self.pause_wallet,
            "webhook_reorder": self.webhook_reorder,
        }
        await actions[fault.kind](fault)

    # --- each fault --------------------------------------------------------------------------

    async def kill9(self, fault: Fault) -> None:
        process = self.process(fault.target)
        if process.popen is None or process.popen.poll() is not None:
            fault.note = ALREADY_DOWN
            return
        process.popen.send_signal(signal.SIGKILL)
        process.popen.wait()
        fault.note = f"pid {process.popen.pid}"
        task = asyncio.create_task(self._restart(process, fault.duration_s))
        self.restarts.add(task)
        task.add_done_callback(self.restarts.discard)

    async def _restart(self, process: Process, delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        if process.popen is not None and process.popen.poll() is not None:
            process.start(append=True)

    async def rabbit_restart(self, fault: Fault) -> None:
        self.rabbit_down = True
        try:
            await rabbitmqctl("stop_app")
            await asyncio.sleep(fault.duration_s)
        finally:
            await rabbitmqctl("start_app")
            self.rabbit_down = False

    async def pg_terminate(self, fault: Fault) -> None:
        database = self.platform.database
        killed = await terminate_backends(database, fault.target)
        fault.note = f"{killed} connections"

    async def proxy_partition(self, fault: Fault) -> None:
        blackhole = self.rng.random() < 0.5
        self.proxies[fault.target].partition(fault.duration_s, blackhole=blackhole)
        fault.note = "blackhole" if blackhole else "refuse"
        await asyncio.sleep(fault.duration_s)

    async def proxy_drop(self, fault: Fault) -> None:
        fault.note = f"{self.proxies[fault.target].drop()} connections"

    async def proxy_delay(self, fault: Fault) -> None:
        per_chunk = self.rng.uniform(0.05, 0.3)
        self.proxies[fault.target].delay(per_chunk, fault.duration_s)
        fault.note = f"{per_chunk * 1000:.0f} ms per chunk"
        await asyncio.sleep(fault.duration_s)

    async def pause_wallet(self, fault: Fault) -> None:
        """Both wallets frozen (HTTP, relay, consumers) past bets' pending timeout."""
        wallets = [p for p in self.platform.processes if p.name.startswith("wallet-")]
        frozen = [p for p in wallets if p.popen is not None and p.popen.poll() is None]
        for process in frozen:
            assert process.popen is not None
            process.popen.send_signal(signal.SIGSTOP)
            self.stopped.append(process)
        try:
            await asyncio.sleep(fault.duration_s)
        finally:
            self._thaw()
        fault.note = f"{len(frozen)} processes"

    def _thaw(self) -> None:
        for process in self.stopped:
            if process.popen is not None and process.popen.poll() is None:
                process.popen.send_signal(signal.SIGCONT)
        self.stopped.clear()

    async def webhook_reorder(self, fault: Fault) -> None:
        sim = f"{self.platform.layout.simulator_url}/_sim/webhooks"
        await self.platform.outside.post(f"{sim}/pause")
        try:
            await asyncio.sleep(fault.duration_s)
        finally:
            released = await self.platform.outside.post(
                f"{sim}/resume", params={"order": "reverse"}
            )
        fault.note = f"{released.json().get('released')} webhooks newest first"

    # --- after the load ----------------------------------------------------------------------

    async def heal(self, ready_timeout_s: float = 90.0) -> None:
        """Everything back: broker up, processes thawed and restarted, proxies clear, ready."""
        if self.rabbit_down:
            await rabbitmqctl("start_app")
        self._thaw()
        for task in list(self.restarts):
            task.cancel()
        await asyncio.gather(*self.restarts, return_exceptions=True)
        for proxy in self.proxies.values():
            proxy.partition(0)
            proxy.delay(0, 0)
        down = [p for p in self.platform.processes if p.exited and p.required]
        for process in down:
            process.start(append=True)
        await wait_ready([p for p in self.platform.processes if p.required], ready_timeout_s)


async def rabbitmqctl(command: str) -> None:
    child = await asyncio.create_subprocess_exec(
        "rabbitmqctl",
        command,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {command}: {err.decode(errors='replace')[-500:]}")


async def terminate_backends(database: TestDatabase, service: str) -> int:
    """Terminate every connection of ``service``'s role to the run's database; how many."""
    conn = await asyncpg.connect(libpq_url(database.admin_dsn))
    try:
        rows = await conn.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND usename = $2",
            database.name,
            database.role_for(service),
        )
    finally:
        await conn.close()
    return len(rows)
