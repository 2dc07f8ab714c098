"""One chaos run: the platform with two of everything, the load, the faults, the drain, the check.

``run_chaos(config, infrastructure, log_dirs)`` returns the ``Report``; ``python -m tests.chaos``
(``make chaos``) and ``tests/chaos/test_chaos.py`` (the short one, in ``make test``) call it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
from tests.chaos import checker
from tests.chaos.faults import FaultPlan, Injector, rabbitmqctl
from tests.chaos.journal import Journal
from tests.chaos.proxy import FaultyProxy
from tests.chaos.report import Report
from tests.chaos.workload import Workload
from tests.e2e.client import Platform
from tests.e2e.harness import LogDirs, running_platform
from tests.e2e.processes import PlatformLayout

from common.db import libpq_url
from common.testing.infra import Infrastructure

ROOT = Path(__file__).resolve().parents[2]
# Services whose database and broker connections go through a faulty proxy.
PROXIED = ("bets", "wallet")


@dataclass
class ChaosConfig:
    ops: int = 300  # money operations of the load
    bettors: int = 12
    events: int = 8
    seed: int = 0
    plan: FaultPlan = field(default_factory=FaultPlan)
    # The saga's clock, short so that a pause of the wallet outlasts it (bets' settings).
    pending_timeout_s: float = 5.0
    watchdog_interval_s: float = 1.0
    reserve_resends: int = 1
    duplicate_webhooks: float = 0.2
    give_up_s: float = 90.0  # a client retries an operation this long before "unknown"
    drain_timeout_s: float = 120.0
    log_level: str = "WARNING"
    # A unified diff (paths from the repository root) applied to the run's copy of the code:
    # to try a proposed fix under the same faults without touching the working tree.
    patch: Path | None = None

    def env(self) -> dict[str, str]:
        return {
            # Bettors sign up before the load: no figure here involves a password hash.
            "AUTH_ARGON2_TIME_COST": "1",
            "AUTH_ARGON2_MEMORY_KIB": "1024",
            "AUTH_ACCESS_TTL_S": "7200",  # tokens outlive the run
            "BETS_PENDING_TIMEOUT_S": str(self.pending_timeout_s),
            "BETS_WATCHDOG_INTERVAL_S": str(self.watchdog_interval_s),
            "BETS_RESERVE_RESENDS": str(self.reserve_resends),
            "WALLET_WITHDRAWAL_DAILY_LIMIT_MINOR": str(10**12),
            "WALLET_CARD_DEPOSITS_PENDING_MAX": "100000",
            "LOG_LEVEL": self.log_level,
            # Pools a little above the e2e suite's (5 + 3): 40 bettors at once, and still far
            # under PostgreSQL's connection slots with two replicas of four services.
            **{f"{s.upper()}_DB_POOL_SIZE": "8" for s in ("auth", "events", "bets", "wallet")},
        }


class ResultDirs:
    """The harness's log directories under one directory (pytest's factory's shape)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, basename: str, numbered: bool = True) -> Path:
        path = self.root / (f"{basename}-{uuid.uuid4().hex[:6]}" if numbered else basename)
        path.mkdir(parents=True, exist_ok=True)
        return path


def _through(url: str, port: int) -> str:
    """``url`` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    login, _, _ = parts.netloc.rpartition("@")
    netloc = f"{login}@127.0.0.1:{port}" if login else f"127.0.0.1:{port}"
    return parts._replace(netloc=netloc).geturl()


async def start_proxies(infrastructure: Infrastructure) -> dict[str, FaultyProxy]:
    postgres = urlsplit(infrastructure.postgres_admin_url)
    rabbitmq = urlsplit(infrastructure.rabbitmq_url)
    proxies: dict[str, FaultyProxy] = {}
    for service in PROXIED:
        for kind, target in (("db", postgres), ("amqp", rabbitmq)):
            name = f"{service}-{kind}"
            proxies[name] = FaultyProxy(name, target.hostname or "127.0.0.1", target.port or 0)
            await proxies[name].start()
    return proxies


def snapshot_sources(into: Path) -> list[str]:
    """A copy of every package's source the processes import, first on their ``PYTHONPATH``.

    A process restarted after a kill -9 must run the code the run started with, not whatever
    the working tree holds by then (an edit half-way in another terminal would make it fail to
    import: a fault of the run, not of the platform)."""
    found = []
    for src in sorted(ROOT.glob("*/*/src")):
        copy = into / src.relative_to(ROOT)
        shutil.copytree(src, copy, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        found.append(str(copy))
    return found


def rewiring(
    proxies: dict[str, FaultyProxy], config: ChaosConfig
) -> Callable[[PlatformLayout], None]:
    def rewire(layout: PlatformLayout) -> None:
        code = layout.log_dir / "code"
        sources = snapshot_sources(code)
        if config.patch is not None:
            patch = ["patch", "--quiet", "-p1", "-d", str(code), "-i", str(config.patch)]
            subprocess.run(patch, check=True)
        layout.extra_env["PYTHONPATH"] = os.pathsep.join(sources)
        for service in PROXIED:
            db, amqp = proxies[f"{service}-db"], proxies[f"{service}-amqp"]
            layout.database_urls[service] = _through(layout.database_urls[service], db.port)
            layout.rabbitmq_urls[service] = _through(layout.rabbitmq_urls[service], amqp.port)
        layout.simulator_args += ["--duplicate-webhooks", str(config.duplicate_webhooks)]

    return rewire


async def check(
    conn: asyncpg.Connection,
    journal: Journal,
    admin_user_id: str,
    platform: Platform,
    infrastructure: Infrastructure,
) -> checker.Verdict:
    """The checker's verdict on a drained run, with what it compares against from outside:
    the Stripe simulator's succeeded payments, the dead letters, the wallet's reconciliation."""
    return await checker.Checker(conn, journal, admin_user_id).run(
        stripe_succeeded=await checker.stripe_succeeded(
            platform.outside, platform.layout.simulator_url
        ),
        dead_letters=(
            await checker.dead_letters(
                infrastructure.rabbitmq_admin_url, platform.layout.exchange_name
            )
        )[0],
        reconciliation=await checker.wallet_reconciliation(platform.database.admin_dsn),
    )


async def run_chaos(
    config: ChaosConfig, infrastructure: Infrastructure, log_dirs: LogDirs, progress: bool = False
) -> Report:
    proxies = await start_proxies(infrastructure)
    config.plan.proxies = tuple(sorted(proxies))
    rewire = rewiring(proxies, config)
    injector: Injector | None = None
    try:
        async with running_platform(
            infrastructure,
            log_dirs,
            2,
            extra_env=config.env(),
            rewire=rewire,
        ) as platform:
            journal = Journal()
            workload = Workload(platform, journal, config.seed, give_up_s=config.give_up_s)
            await workload.setup(config.bettors, config.events)
            journal.ops.clear()
            journal.started = time.monotonic()
            injector = Injector(platform, proxies, config.plan, config.seed, journal.now)
            stop = asyncio.Event()
            faults = asyncio.create_task(injector.run(stop))
            reporter = asyncio.create_task(_progress(journal, config.ops)) if progress else None
            try:
                await workload.run(config.ops, injector.planned_done)
            finally:
                stop.set()
                await faults
                if reporter is not None:
                    reporter.cancel()
            load_s = journal.now()
            await injector.heal()
            conn = await asyncpg.connect(libpq_url(platform.database.admin_dsn))
            try:
                drained_s = await _drain(conn, workload, config.drain_timeout_s)
                verdict = await check(
                    conn, journal, workload.admin.user_id, platform, infrastructure
                )
            finally:
                await conn.close()
            return Report(
                seed=config.seed,
                config=config,
                journal=journal,
                faults=injector.done,
                fault_errors=injector.errors,
                verdict=verdict,
                load_s=load_s,
                drain_s=drained_s,
                log_dir=str(platform.layout.log_dir),
            )
    finally:
        if injector is not None and injector.rabbit_down:
            await rabbitmqctl("start_app")
        for proxy in proxies.values():
            await proxy.stop()


async def _drain(conn: asyncpg.Connection, workload: Workload, timeout_s: float) -> float:
    """The admin's last pass over withdrawals, the app's look at unconfirmed deposits, then
    wait until the platform has nothing left to do; the seconds it took."""
    started = time.monotonic()
    await workload.settle_the_books(timeout_s)
    pending = {
        str(r["intent_id"])
        for r in await conn.fetch(
            "SELECT intent_id FROM wallet.card_deposit WHERE status = 'pending'"
        )
    }
    await workload.poll_deposits(pending)
    await checker.wait_drained(conn, timeout_s)
    await workload.settle_the_books(timeout_s)  # a withdrawal answered late
    await checker.wait_drained(conn, timeout_s)
    return time.monotonic() - started


async def _progress(journal: Journal, target: int) -> None:
    while True:
        await asyncio.sleep(15)
        rate = journal.money_ops / max(journal.now(), 0.001)
        print(
            f"  {journal.now():6.0f} s  {journal.money_ops}/{target} ops  {rate:.1f}/s", flush=True
        )
