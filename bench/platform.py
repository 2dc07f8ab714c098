"""The platform under load beside the machine's floor (``python -m bench``, ``make bench``).

Starts the whole platform on free local ports (``tests/e2e/harness.py``: a fresh database, broker
namespace and Redis prefix, one process of each service unless ``--replicas``) and the floor app
on the same server settings; seeds users, events and deposits; then, each figure beside its floor
measured at the same concurrency in the same run, loads it from a separate process
(``bench.loadgen``). Writes ``bench-results/platform.json``, ``platform.md`` (also printed)
and ``platform.svg``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from tests.e2e.client import Bettor, Platform
from tests.e2e.harness import running_platform
from tests.e2e.processes import STRIPE_WEBHOOK_SECRET, Process, free_ports, wait_ready

from bench import floor_app, report, seeding
from common.db import create_engine
from common.testing.infra import Infrastructure, discover
from stripe_simulator import signature_header
from wallet.service_layer.reconciliation import reconcile

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("auth", "events", "bets", "wallet")
# The services' own default pools (common.settings), not the e2e suite's small ones: the
# floor gets the same, so neither side has a pool the other lacks.
POOL_SIZE, MAX_OVERFLOW = 20, 0


@dataclass
class BenchConfig:
    """Sizes of one run; ``smoke()`` is the tiny one ``make test`` runs."""

    in_flight: tuple[int, ...] = (1, 16, 64, 256)
    step_s: float = 10.0  # each load step's duration
    users: int = 1000
    events: int = 50
    read_connections: int = 64
    settlement_users: int = 10_000
    settlement_sizes: tuple[int, ...] = (10_000, 100_000)
    settlement_timeout_s: float = 900.0
    sse_clients: int = 1000
    sse_changes: int = 5
    replicas: int = 1
    output_dir: Path = field(default_factory=lambda: ROOT / "bench-results")

    @classmethod
    def smoke(cls, output_dir: Path) -> BenchConfig:
        return cls(
            in_flight=(1, 4),
            step_s=0.3,
            users=4,
            events=3,
            read_connections=4,
            settlement_users=20,
            settlement_sizes=(200,),
            settlement_timeout_s=40.0,
            sse_clients=0,
            output_dir=output_dir,
        )


def bench_env() -> dict[str, str]:
    """Settings of the bench's platform on top of the e2e layout's (see the module docstring)."""
    env = {
        # Setup signs up to 1 000 bettors: no measured figure hashes a password.
        "AUTH_ARGON2_TIME_COST": "1",
        "AUTH_ARGON2_MEMORY_KIB": "1024",
        "AUTH_ACCESS_TTL_S": "7200",  # tokens outlive the run
        "GATEWAY_RATE_LIMIT_PER_IP": "100000000",
        "GATEWAY_RATE_LIMIT_PER_USER": "100000000",
        "GATEWAY_RATE_LIMIT_STRICT": "100000000",
        "LOG_LEVEL": "WARNING",
    }
    for service in SERVICES:
        env[f"{service.upper()}_DB_POOL_SIZE"] = str(POOL_SIZE)
        env[f"{service.upper()}_DB_MAX_OVERFLOW"] = str(MAX_OVERFLOW)
    return env


class LogDirs:
    """The harness's log directories under the results directory (pytest's factory's shape)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def mktemp(self, basename: str, numbered: bool = True) -> Path:
        path = self.root / (f"{basename}-{uuid.uuid4().hex[:6]}" if numbered else basename)
        path.mkdir(parents=True, exist_ok=True)
        return path


async def start_loadgen(spec: dict[str, Any]) -> asyncio.subprocess.Process:
    """``bench.loadgen`` in a process of its own, its spec already sent."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.loadgen",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdin is not None
    child.stdin.write((json.dumps(spec) + "\n").encode())
    await child.stdin.drain()
    return child


async def loadgen_answer(child: asyncio.subprocess.Process, spec: dict[str, Any]) -> Any:
    """What the load generator printed last, once it has exited."""
    out, _ = await child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"load generator failed ({child.returncode}) on {spec['mode']}")
    return json.loads(out.decode().strip().splitlines()[-1])


async def load(spec: dict[str, Any]) -> dict[str, Any]:
    """One load step, run by ``bench.loadgen`` in a process of its own; its figures."""
    return dict(await loadgen_answer(await start_loadgen(spec), spec))


def plan(method: str, path: str, who: Bettor | None = None, body: Any = None) -> dict[str, Any]:
    headers = who.auth if who is not None else {}
    return {
        "method": method,
        "path": path,
        "headers": headers,
        "body": None if body is None else json.dumps(body),
    }


class Bench:
    """One run: the platform and the floor up, everything measured in turn."""

    def __init__(self, config: BenchConfig, platform: Platform, floor_url: str) -> None:
        self.config = config
        self.platform = platform
        self.floor_url = floor_url
        self.gateway_url = platform.layout.gateway_urls[0]
        self.figures: list[dict[str, Any]] = []
        self.floors: dict[str, dict[int, dict[str, Any]]] = {"hello": {}, "tx": {}}
        self.observer: AsyncEngine = create_engine(
            platform.database.admin_dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
            pool_size=2,
        )

    async def quiet(self, timeout_s: float = 120.0) -> float:
        """Wait until the platform has digested the last step (no bet pending, every outbox
        published), so a step's backlog is not charged to the next one; seconds waited."""
        started = time.monotonic()
        backlog = " + ".join(
            [
                "(SELECT count(*) FROM bets.bet WHERE status = 'pending')",
                *(
                    f"(SELECT count(*) FROM {s}.outbox WHERE published_at IS NULL)"  # noqa: S608
                    for s in SERVICES
                ),
            ]
        )
        while time.monotonic() - started < timeout_s:
            async with self.observer.connect() as conn:
                if not await conn.scalar(text(f"SELECT {backlog}")):
                    break
            await asyncio.sleep(0.2)
        else:
            print(f"  (the platform was still busy after {timeout_s:.0f} s)", flush=True)
        return time.monotonic() - started

    async def floor(self, kind: str, concurrency: int) -> dict[str, Any]:
        """The floor at this concurrency, measured once per run and reused."""
        if concurrency not in self.floors[kind]:
            method, path = ("GET", "/hello") if kind == "hello" else ("POST", "/tx")
            spec = self._spec("http", self.floor_url, concurrency, [plan(method, path)])
            self.floors[kind][concurrency] = await load(spec)
        return self.floors[kind][concurrency]

    def _spec(
        self, mode: str, url: str, concurrency: int, plans: list[dict[str, Any]], **extra: Any
    ) -> dict[str, Any]:
        spec = {"mode": mode, "base_url": url, "concurrency": concurrency, "requests": plans}
        spec.setdefault("duration_s", self.config.step_s)
        spec.update(extra)
        return spec

    async def record(
        self, name: str, measured: dict[str, Any], floor_kind: str, concurrency: int, **notes: Any
    ) -> None:
        waited_s = await self.quiet()  # before any floor: a floor never shares the machine
        floor = await self.floor(floor_kind, concurrency)
        rate, floor_rate = measured["rate_per_s"], floor["rate_per_s"]
        self.figures.append(
            {
                "measure": name,
                "in_flight": concurrency,
                "rate_per_s": rate,
                "latency_ms": measured.get("latency_ms"),
                "floor": f"{floor_kind} @ {concurrency}",
                "floor_rate_per_s": floor_rate,
                "ratio": round(rate / floor_rate, 4) if floor_rate else None,
                "server_errors": measured.get("server_errors", 0),
                "accepted_202": measured.get("accepted_202", 0),
                "raw": measured,
                "backlog_after_s": round(waited_s, 1),
                **notes,
            }
        )
        print(f"  {name} @ {concurrency}: {rate}/s ({floor_kind} floor {floor_rate}/s)", flush=True)

    # --- the measures ------------------------------------------------------------------------

    async def bets_by_in_flight(self, people: list[Bettor], offered: list[dict[str, Any]]) -> None:
        singles = [
            plan("POST", "/api/bets/place", who, _single(offered[i % len(offered)]))
            for i, who in enumerate(people)
        ]
        for concurrency in self.config.in_flight:
            await self.floor("tx", concurrency)  # the floor first, in the same sitting
            measured = await load(self._spec("bets", self.gateway_url, concurrency, singles))
            await self.record("saga-complete bets (single 1.00)", measured, "tx", concurrency)

    async def mix(self, people: list[Bettor], offered: list[dict[str, Any]]) -> None:
        """Two singles to one 3-leg coupon, every bettor in turn."""
        plans = []
        for i, who in enumerate(people):
            if i % 3 == 2 and len(offered) >= 3:
                legs = [offered[(i + k) % len(offered)] for k in range(3)]
                body = {
                    "bets": [
                        {"event_id": e["event_id"], "odds_id": seeding.odds_id(e)} for e in legs
                    ],
                    "bet_amount": "1.00",
                }
                plans.append(plan("POST", "/api/bets/place-coupon", who, body))
            else:
                plans.append(
                    plan("POST", "/api/bets/place", who, _single(offered[i % len(offered)]))
                )
        concurrency = self.config.read_connections
        measured = await load(self._spec("bets", self.gateway_url, concurrency, plans))
        await self.record(
            f"mix: singles + 3-leg coupons, {len(people)} users", measured, "tx", concurrency
        )

    async def reads(self, people: list[Bettor]) -> None:
        concurrency = self.config.read_connections
        balance = [plan("GET", "/api/wallet/balance", who) for who in people]
        measured = await load(self._spec("http", self.gateway_url, concurrency, balance))
        await self.record("GET /api/wallet/balance", measured, "tx", concurrency)
        await self._beside_hello(concurrency)
        listing = [plan("GET", f"/api/events/?limit={self.config.events}")]
        measured = await load(self._spec("http", self.gateway_url, concurrency, listing))
        await self.record(
            f"GET /api/events?limit={self.config.events}", measured, "tx", concurrency
        )
        await self._beside_hello(concurrency)

    async def _beside_hello(self, concurrency: int) -> None:
        """The last figure's ratio to hello too (the issue's table states both)."""
        hello = await self.floor("hello", concurrency)
        last = self.figures[-1]
        last["ratio_to_hello"] = round(last["rate_per_s"] / hello["rate_per_s"], 4)

    async def webhooks(self, deposits: seeding.Deposits) -> None:
        """Each held-back ``payment_intent.succeeded``, signed as the simulator signs, once."""
        plans = [
            {
                "method": "POST",
                "path": "/api/webhook/stripe",
                "headers": {"stripe-signature": signature_header(p, STRIPE_WEBHOOK_SECRET)},
                "body": p,
            }
            for p in deposits.payloads
        ]
        concurrency = min(self.config.read_connections, len(plans))
        spec = self._spec(
            "http", self.gateway_url, concurrency, plans, duration_s=None, count=len(plans)
        )
        measured = await load(spec)
        if measured["statuses"] != {"200": len(plans)}:
            await self._redeliver(plans)
        await self.record("Stripe webhooks (payment_intent.succeeded)", measured, "tx", concurrency)

    async def _redeliver(self, plans: list[dict[str, Any]]) -> None:
        """Every webhook again, as Stripe retries a failed one (not timed): the ones applied
        answer 200 and change nothing, the failed ones credit their deposit now."""

        async def send(p: dict[str, Any]) -> None:
            headers = {"stripe-signature": signature_header(p["body"], STRIPE_WEBHOOK_SECRET)}
            answer = await self.platform.call("POST", p["path"], headers=headers, content=p["body"])
            assert answer.status_code == 200, answer.text

        await seeding.gather_limited((send(p) for p in plans), 4)

    async def settlement(self, boss: Bettor, users: list[uuid.UUID], size: int) -> None:
        """Seconds from the admin's settle to the wallet's last credit; then reconciliation."""
        bets_url = self.platform.database.url_for("bets")
        book = await seeding.open_book(
            self.platform,
            boss,
            bets_url,
            self.observer,
            users,
            size,
            # Opening a book goes through bets' per-message StakeReserved handler (~150/s
            # here): 100 000 bets need longer than the settlement itself may take.
            timeout_s=max(self.config.settlement_timeout_s, size / 50),
        )
        print(f"  {size} open bets ready in {book.setup_s:.1f} s (setup)", flush=True)
        event_id = str(book.event["event_id"])
        await self.platform.ok("POST", f"/api/events/{event_id}/start", boss)
        started = time.time()
        body = {"home_score": 2, "away_score": 1}
        await self.platform.ok("POST", f"/api/events/{event_id}/settle", boss, json=body)
        timing = await self._until_paid(book, started)
        report_ = await reconcile(self.observer)
        # The wallet settles from its queue, not per request: compared with the floor at the
        # concurrency the reads use (64 in the full run).
        concurrency = self.config.read_connections
        floor = await self.floor("tx", concurrency)
        wallet_rate = size / timing["wallet_s"] if timing["wallet_s"] > 0 else 0.0
        self.figures.append(
            {
                "measure": f"settle one event with {size} open bets ({len(users)} users)",
                "in_flight": None,
                "rate_per_s": round(size / timing["total_s"], 2),
                "seconds": round(timing["total_s"], 2),
                "bets_part_s": round(timing["bets_s"], 2),
                "wallet_part_s": round(timing["wallet_s"], 2),
                "wallet_rate_per_s": round(wallet_rate, 2),
                "floor": f"tx @ {concurrency}",
                "floor_rate_per_s": floor["rate_per_s"],
                "ratio": round(wallet_rate / floor["rate_per_s"], 4),
                "reconciled": report_.ok,
                "server_errors": 0,
            }
        )
        print(f"  settled {size}: {timing} reconciled={report_.ok}", flush=True)

    async def _until_paid(self, book: seeding.Book, started: float) -> dict[str, float]:
        """Poll until every bet is settled and every hold finished, then read the times from
        the databases' own clocks: bets' part ends at its last ``settled_at``; the wallet's
        part runs from bets' first ``settled_at`` (the first BetSettled committed) to the
        holds' newest ``finished_at`` (the last credit): relay, broker and wallet."""
        deadline = time.monotonic() + self.config.settlement_timeout_s
        while time.monotonic() < deadline:
            async with self.observer.connect() as conn:
                bets = (
                    await conn.execute(
                        text(
                            "SELECT count(*) FILTER (WHERE settled_at IS NULL) AS unsettled,"
                            " extract(epoch FROM min(settled_at)) AS first_at,"
                            " extract(epoch FROM max(settled_at)) AS last_at"
                            " FROM bets.bet WHERE id = ANY(:ids)"
                        ),
                        {"ids": book.bet_ids},
                    )
                ).one()
                wallet = (
                    await conn.execute(
                        text(
                            "SELECT count(*) FILTER (WHERE status = 'pending') AS pending,"
                            " extract(epoch FROM max(finished_at)) AS last_at"
                            " FROM wallet.hold WHERE bet_id = ANY(:ids)"
                        ),
                        {"ids": book.bet_ids},
                    )
                ).one()
            if bets.unsettled == 0 and wallet.pending == 0:
                last = float(wallet.last_at)
                return {
                    "total_s": last - started,
                    "bets_s": float(bets.last_at) - started,
                    "wallet_s": last - float(bets.first_at),
                }
            await asyncio.sleep(0.25)
        raise TimeoutError(f"{len(book.bet_ids)} bets not all paid in time")

    async def sse(self, boss: Bettor, event: dict[str, Any]) -> None:
        """K public live-stream clients on one gateway; admin price changes → every client."""
        odds = seeding.odds_id(event, "X")
        spec = {
            "mode": "sse",
            "base_url": self.gateway_url,
            "path": "/api/stream",
            "clients": self.config.sse_clients,
            "changes": self.config.sse_changes,
            "event": "OddsChanged",
            "odds_id": odds,
            "key": "new_coefficient",
            "timeout_s": 60,
        }
        child = await start_loadgen(spec)
        assert child.stdout is not None
        ready = json.loads(await child.stdout.readline())["ready"]
        changed_at: dict[str, float] = {}
        for i in range(self.config.sse_changes):
            coefficient = Decimal("3.41") + Decimal(i) / 100
            changed_at[_key(coefficient)] = time.time()
            await self.platform.ok(
                "PUT",
                f"/api/events/{event['event_id']}/odds/{odds}",
                boss,
                json={"coefficient": str(coefficient)},
            )
            await asyncio.sleep(1.0)
        result = await loadgen_answer(child, spec)
        delays = sorted(
            t - changed_at[_key(Decimal(k))]
            for client in result["arrivals"]
            for k, t in client
            if _key(Decimal(k)) in changed_at
        )
        got_all = sum(len(client) >= self.config.sse_changes for client in result["arrivals"])
        self.figures.append(
            {
                "measure": f"SSE: live-stream clients held by one gateway (of {spec['clients']})",
                "in_flight": spec["clients"],
                "clients_connected": ready,
                "clients_got_every_change": got_all,
                "rate_per_s": None,
                "latency_ms": {
                    "p50": round(_at(delays, 0.5) * 1000, 1),
                    "p99": round(_at(delays, 0.99) * 1000, 1),
                    "max": round(_at(delays, 1.0) * 1000, 1),
                },
                "floor": None,
                "floor_rate_per_s": None,
                "ratio": None,
                "server_errors": 0,
            }
        )
        print(f"  SSE: {ready} connected, {got_all} got every change", flush=True)


def _single(event: dict[str, Any]) -> dict[str, Any]:
    return {"event_id": event["event_id"], "odds_id": seeding.odds_id(event), "bet_amount": "1.00"}


def _key(coefficient: Decimal) -> str:
    return f"{coefficient:.2f}"


def _at(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] if ordered else 0.0


async def start_floor(platform: Platform, log_dir: Path) -> Process:
    """The floor app, started exactly as processes.py starts a service (uvicorn, one process)."""
    dsn = platform.database.admin_dsn
    await floor_app.prepare(dsn, accounts=1000)
    [port] = free_ports(1)
    env = platform.layout.shared_env()
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "FLOOR_DATABASE_URL": dsn,
            "FLOOR_POOL_SIZE": str(POOL_SIZE),
            "FLOOR_MAX_OVERFLOW": str(MAX_OVERFLOW),
        }
    )
    argv = ["-m", "uvicorn", "bench.floor_app:create_app", "--factory", "--host", "127.0.0.1"]
    argv += ["--port", str(port), "--no-access-log", "--no-proxy-headers"]
    process = Process(
        "floor", argv, env, f"http://127.0.0.1:{port}/health/ready", log_dir / "floor.log"
    )
    process.start()
    await wait_ready([process], 30)
    return process


async def run(config: BenchConfig, infrastructure: Infrastructure) -> dict[str, Any]:
    """The whole bench; the results (also written to ``config.output_dir``)."""
    config.output_dir.mkdir(parents=True, exist_ok=True)
    machine = await report.machine(infrastructure)
    started = time.time()
    logs = LogDirs(config.output_dir / "logs")
    failure: BaseException | None = None
    async with running_platform(infrastructure, logs, config.replicas, bench_env()) as platform:
        floor = await start_floor(platform, platform.layout.log_dir)
        bench = Bench(config, platform, floor.ready_url.removesuffix("/health/ready"))
        try:
            await measure(bench, config, platform)
        except (Exception, KeyboardInterrupt) as exc:  # what was measured is still written
            failure = exc
        finally:
            floor.terminate()
            floor.wait_or_kill(time.monotonic() + 5)
            await bench.observer.dispose()
    results = {
        "machine": machine,
        "config": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(config).items()},
        "started_at": started,
        "duration_s": round(time.time() - started, 1),
        "floors": bench.floors,
        "figures": bench.figures,
        "failed": None if failure is None else repr(failure),
    }
    report.write(results, config.output_dir)
    if failure is not None:
        raise failure
    return results


async def measure(bench: Bench, config: BenchConfig, platform: Platform) -> None:
    print("setup: admin, events, bettors, deposits (not timed)", flush=True)
    boss = await seeding.admin(platform)
    offered = await seeding.events(platform, boss, config.events)
    people = await seeding.bettors(platform, config.users)
    deposits = await seeding.card_deposits(platform, people, "5000.00")
    print("Stripe webhooks", flush=True)
    await bench.webhooks(deposits)
    await seeding.bets_take(platform, people[0], offered[-1])
    print("bets by in-flight requests", flush=True)
    await bench.bets_by_in_flight(people, offered)
    print("mix of singles and coupons", flush=True)
    await bench.mix(people, offered)
    print("reads", flush=True)
    await bench.reads(people)
    if config.sse_clients:
        print("live stream", flush=True)
        await bench.sse(boss, offered[0])
    if config.settlement_sizes:
        print(f"settlement: funding {config.settlement_users} wallets (not timed)", flush=True)
        users = await seeding.fund_wallets(
            platform.database.url_for("wallet"), config.settlement_users
        )
        for size in config.settlement_sizes:
            await bench.settlement(boss, users, size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--step-s", type=float, default=10.0, help="each load step's duration")
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--replicas", type=int, default=1)
    parser.add_argument(
        "--settle",
        default="10000,100000",
        help="open bets per settled event, comma-separated (e.g. 10000 to skip the 100 000 case)",
    )
    parser.add_argument("--settlement-users", type=int, default=10_000)
    parser.add_argument("--sse-clients", type=int, default=1000, help="0: no live-stream measure")
    parser.add_argument("--output-dir", type=Path, default=ROOT / "bench-results")
    args = parser.parse_args()
    config = BenchConfig(
        step_s=args.step_s,
        users=args.users,
        replicas=args.replicas,
        sse_clients=args.sse_clients,
        settlement_users=args.settlement_users,
        settlement_sizes=tuple(int(n) for n in args.settle.split(",") if n.strip()),
        output_dir=args.output_dir,
    )

    def stop(signum: int, _: object) -> None:
        # As a Ctrl-C: the harness's teardown stops every process and drops the database.
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # also when started in the background (SIGINT ignored)

    async def go() -> None:
        infrastructure = await discover()
        try:
            await run(config, infrastructure)
        finally:
            infrastructure.stop()

    asyncio.run(go())
