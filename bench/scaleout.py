"""Scale-out: replicas killed under load (``python -m bench.scaleout``, ``make bench-scaleout``).

Three replicas of bets and wallet and two gateways (one of everything else) as local processes
(``tests/e2e/harness.py``, ``replicas_of``), the gateways behind a local round-robin load balancer
(``tests/chaos/balancer.py``) that every client request and the Stripe simulator's webhooks go
through; each gateway spreads over the bets and wallet replicas itself (``GATEWAY_<SVC>_URL``
lists them all). The floor app (``bench/floor_app.py``) is measured in the same run, by
``bench.loadgen`` at the same concurrency, before the load.

The load: ``concurrency`` bettors (``tests/chaos/workload.py``'s, each funded by a card deposit),
each placing singles and coupons, reading its balance and history and depositing by its saved
card, one request after another, for ``duration_s``; every request carries an Idempotency-Key
and is retried by ``tests/chaos/client.py``'s ``RetryingClient`` (5xx, 429, connection errors,
``idempotency.in_progress``), each completion counted in the second it ended. At ``kill_at_s``
one bets, one wallet and one gateway replica get SIGKILL (``tests/chaos/faults.py``) and stay
down until the load ends. Then every killed process is restarted, every event settled, the
platform drained and the money checked by the chaos run's checker (bank invariant, every hold
settled or released, Σ postings 0, each stake charged once, the wallet's own reconciliation).

Writes ``bench-results/scaleout.json`` and ``scaleout.md`` (also printed); process logs under
``bench-results/logs/``. Exits non-zero if a request was lost after its retries or the ledger
does not reconcile.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy import text
from tests.chaos import checker
from tests.chaos.balancer import RoundRobinProxy
from tests.chaos.faults import Fault, FaultPlan, Injector
from tests.chaos.journal import OK, REFUSED, UNKNOWN, Journal, Op
from tests.chaos.run import check
from tests.chaos.workload import Punter, Workload
from tests.e2e.client import Platform, eventually
from tests.e2e.harness import running_platform
from tests.e2e.processes import PlatformLayout

from bench import report, seeding
from bench.platform import ROOT, Bench, BenchConfig, LogDirs, bench_env, start_floor
from common.db import libpq_url
from common.testing.infra import Infrastructure, discover

REPLICAS = {"bets": 3, "wallet": 3, "gateway": 2}
KILLED = ("bets", "wallet", "gateway")
# A bettor's next request, by weight: the money path, reads, deposits.
MIX = (
    ("place_single", 35),
    ("place_coupon", 10),
    ("read_balance", 25),
    ("read_history", 15),
    ("deposit_saved_card", 15),
)
READS = {"read_balance": "/api/wallet/balance", "read_history": "/api/wallet/history?limit=20"}
RECOVERED_AT = 0.9  # a second is "back" at 90 % of the rate before the kill
NEVER_S = 10.0**6  # a killed replica's restart, cancelled when the load ends


@dataclass
class ScaleoutConfig:
    duration_s: float = 60.0
    kill_at_s: float = 20.0
    warmup_s: float = 5.0  # not part of the rate before the kill (connections, caches)
    concurrency: int = 16  # bettors at work at once, one request in flight each
    events: int = 6
    # A request retried this long counts as lost: beyond the idempotency lease (60 s), which a
    # key claimed by a killed replica holds (its retries answer 409 idempotency.in_progress).
    give_up_s: float = 90.0
    floor_s: float = 10.0
    pool_size: int = 10  # each bets/wallet/auth/events replica's database pool
    drain_timeout_s: float = 180.0
    seed: int = 0
    replicas_of: dict[str, int] = field(default_factory=lambda: dict(REPLICAS))
    output_dir: Path = field(default_factory=lambda: ROOT / "bench-results")

    def env(self) -> dict[str, str]:
        env = bench_env()
        for service in ("auth", "events", "bets", "wallet"):
            env[f"{service.upper()}_DB_POOL_SIZE"] = str(self.pool_size)
        env["WALLET_CARD_DEPOSITS_PENDING_MAX"] = "100000"
        return env


class Balanced(Platform):
    """The running platform seen from outside: every request to the one load balancer."""

    def __init__(self, platform: Platform, url: str) -> None:
        super().__init__(platform.layout, platform.processes, platform.database)
        self.url = url

    async def open(self) -> None:
        self._gateways = [httpx.AsyncClient(base_url=self.url, timeout=30)]


class Mix(Workload):
    """The chaos run's bettors, each making one request after another from ``MIX``; every
    operation's end time noted (its ``Op`` has its start)."""

    def __init__(self, platform: Platform, journal: Journal, seed: int, give_up_s: float) -> None:
        super().__init__(platform, journal, seed, give_up_s=give_up_s)
        self.last: dict[str, Op] = {}  # a bettor's latest operation (one at a time each)
        self.ended: list[tuple[float, Op]] = []

    def begin(self, kind: str, punter: Punter | None) -> Op:
        op = super().begin(kind, punter)
        if punter is not None:
            self.last[punter.who.user_id] = op
        return op

    async def read(self, punter: Punter, kind: str) -> None:
        op = self.begin(kind, punter)
        await self.client.send(op, "GET", READS[kind], punter.who)

    async def next_request(self, punter: Punter) -> None:
        kind = punter.rng.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        self.last.pop(punter.who.user_id, None)
        if kind in READS:
            await self.read(punter, kind)
        elif kind == "place_single":
            await self.place_single(punter)
        elif kind == "place_coupon":
            await self.place_coupon(punter)
        else:
            await self.deposit_saved_card(punter)
        op = self.last.pop(punter.who.user_id, None)
        if op is not None:
            self.ended.append((self.journal.now(), op))

    async def work(self, until_s: float) -> None:
        async def bettor(punter: Punter) -> None:
            while self.journal.now() < until_s:
                await self.next_request(punter)

        await asyncio.gather(*(bettor(p) for p in self.punters))

    async def settle_every_event(self) -> None:
        """The bookmaker, after the load: every open event started and settled."""
        while self.catalogue.open:
            event_id = str(self.catalogue.open.pop(0)["event_id"])
            for kind, path, body in (
                ("start_event", f"/api/events/{event_id}/start", None),
                (
                    "settle_event",
                    f"/api/events/{event_id}/settle",
                    {"home_score": 2, "away_score": 1},
                ),
            ):
                op = self.begin(kind, None)
                op.refs["event_id"] = event_id
                await self.client.send(op, "POST", path, self.admin, json=body)


# --- the figures -----------------------------------------------------------------------------


def timeline(ended: list[tuple[float, Op]], duration_s: float) -> list[dict[str, int]]:
    """Per second of the load: operations answered ok, refused, lost, and failed attempts
    (each retry follows one), by the second the operation ended."""
    seconds = [
        {"second": s, "ok": 0, "refused": 0, "lost": 0, "failed_attempts": 0}
        for s in range(int(duration_s))
    ]
    for at_s, op in ended:
        second = int(at_s)
        if second >= len(seconds):
            continue  # ended after the load's last whole second: in the totals only
        row = seconds[second]
        row[{OK: "ok", REFUSED: "refused", UNKNOWN: "lost"}[op.outcome]] += 1
        row["failed_attempts"] += max(op.attempts - 1, 0)
    return seconds


def _mean(values: list[int]) -> float:
    return round(sum(values) / len(values), 2) if values else 0.0


def recovery(
    seconds: list[dict[str, int]], kill_s: float, warmup_s: float, floor_rate: float
) -> dict[str, Any]:
    """Rates before the kill, in the dip, after recovery; when it recovered."""
    ok = [row["ok"] for row in seconds]
    killed = int(kill_s)
    before = _mean(ok[int(warmup_s) : killed])
    back_at = next(
        (s for s in range(killed + 1, len(ok)) if before and ok[s] >= RECOVERED_AT * before),
        None,
    )
    dip = ok[killed : (back_at if back_at is not None else len(ok))] or [ok[killed]]
    after = ok[back_at:] if back_at is not None else []

    def ratios(rate: float) -> dict[str, float | None]:
        return {
            "rate_per_s": rate,
            "to_floor": round(rate / floor_rate, 4) if floor_rate else None,
            "to_before": round(rate / before, 4) if before else None,
        }

    return {
        "before_kill": ratios(before),
        "dip_mean": ratios(_mean(dip)),
        "dip_lowest_second": ratios(float(min(dip))),
        "after_recovery": ratios(_mean(after)),
        "kill_second": killed,
        "recovered_second": back_at,
        # From the kill to the start of the first whole second back (1 s resolution).
        "time_to_recover_s": None if back_at is None else round(back_at - kill_s, 1),
    }


# --- the run ---------------------------------------------------------------------------------


async def run(config: ScaleoutConfig, infrastructure: Infrastructure) -> dict[str, Any]:
    config.output_dir.mkdir(parents=True, exist_ok=True)
    machine = await report.machine(infrastructure)
    started = time.time()
    logs = LogDirs(config.output_dir / "logs")
    balancer = RoundRobinProxy("gateways")
    await balancer.start()

    def rewire(layout: PlatformLayout) -> None:
        balancer.backends = [("127.0.0.1", port) for port in layout.gateway_ports]
        # Stripe's webhooks reach the gateways as the clients do: through the balancer.
        layout.simulator_args += ["--webhook-url", f"{balancer.url}/api/webhook/stripe"]

    results: dict[str, Any] = {"machine": machine, "config": _plain(asdict(config))}
    try:
        async with running_platform(
            infrastructure,
            logs,
            1,
            config.env(),
            rewire=rewire,
            replicas_of=config.replicas_of,
        ) as platform:
            results["processes"] = sorted(p.name for p in platform.processes)
            floor = await start_floor(platform, platform.layout.log_dir)
            bench = Bench(
                BenchConfig(step_s=config.floor_s, output_dir=config.output_dir),
                platform,
                floor.ready_url.removesuffix("/health/ready"),
            )
            outside = Balanced(platform, balancer.url)
            await outside.open()
            try:
                results.update(await measure(config, outside, bench, balancer, infrastructure))
            except (Exception, KeyboardInterrupt) as exc:  # what was measured is still written
                results["failed"] = repr(exc)
                raise
            finally:
                await outside.close()
                floor.terminate()
                floor.wait_or_kill(time.monotonic() + 5)
                await bench.observer.dispose()
    finally:
        await balancer.stop()
        results["duration_s"] = round(time.time() - started, 1)
        results["started_at"] = started
        write(results, config.output_dir)
    return results


async def measure(
    config: ScaleoutConfig,
    platform: Balanced,
    bench: Bench,
    balancer: RoundRobinProxy,
    infrastructure: Infrastructure,
) -> dict[str, Any]:
    journal = Journal()
    mix = Mix(platform, journal, config.seed, config.give_up_s)
    print(f"setup: {config.concurrency} bettors, {config.events} events, deposits", flush=True)
    await mix.setup(config.concurrency, config.events)
    # A new card each, saved: the mix's deposits charge it.
    await seeding.gather_limited((mix.deposit_card(p) for p in mix.punters), 8)
    await _until_ready(bench, mix)
    await bench.quiet()
    print("floor (bench.loadgen, same concurrency)", flush=True)
    floor_tx = await bench.floor("tx", config.concurrency)
    floor_hello = await bench.floor("hello", config.concurrency)
    setup_ops = len(journal.ops)

    print(f"load: {config.duration_s:.0f} s, kill at {config.kill_at_s:.0f} s", flush=True)
    mix.ended.clear()
    journal.ops.clear()
    journal.started = time.monotonic()
    injector = Injector(platform, {}, FaultPlan(), config.seed, journal.now)
    kills = asyncio.create_task(_kill_one_of_each(injector, config, random.Random(config.seed)))
    progress = asyncio.create_task(_progress(mix, config.duration_s))
    try:
        await mix.work(config.duration_s)
    finally:
        progress.cancel()
        await kills
    load_s = journal.now()
    in_load = list(mix.ended)
    names = {
        ("127.0.0.1", port): f"gateway-{i}"
        for i, port in enumerate(platform.layout.gateway_ports, start=1)
    }
    spread = {  # the balancer's connections during the load (not the restart's, nor teardown's)
        "served": {names[b]: n for b, n in sorted(balancer.served.items())},
        "refused": {names[b]: n for b, n in sorted(balancer.refused.items())},
        "unplaced": balancer.unplaced,
    }

    print("after the load: restart, settle every event, drain, check", flush=True)
    await injector.heal()
    await mix.settle_every_event()
    conn = await asyncpg.connect(libpq_url(platform.database.admin_dsn))
    try:
        pending = {
            str(r["intent_id"])
            for r in await conn.fetch(
                "SELECT intent_id FROM wallet.card_deposit WHERE status = 'pending'"
            )
        }
        await mix.poll_deposits(pending)
        drained_s, left = await checker.wait_drained(conn, config.drain_timeout_s)
        verdict = await check(conn, journal, mix.admin.user_id, platform, infrastructure)
        holds = dict(await conn.fetch("SELECT status, count(*) FROM wallet.hold GROUP BY status"))
        bets = dict(await conn.fetch("SELECT status, count(*) FROM bets.bet GROUP BY status"))
    finally:
        await conn.close()
    if holds.get("pending"):
        verdict.fail(f"{holds['pending']} holds neither settled nor released after the drain")

    seconds = timeline(in_load, config.duration_s)
    kill_s = min((f.at_s or 0.0) for f in injector.done) if injector.done else config.kill_at_s
    outcomes = Counter(op.outcome for _, op in in_load)
    retried = [(at, op) for at, op in in_load if op.retried]
    summary = {
        **recovery(seconds, kill_s, config.warmup_s, floor_tx["rate_per_s"]),
        "operations": len(in_load),
        "answered_ok": outcomes[OK],
        "refused_4xx": outcomes[REFUSED],
        "lost_after_retry": outcomes[UNKNOWN],
        "retried_operations": sum(op.retried for _, op in in_load),
        "failed_attempts": sum(max(op.attempts - 1, 0) for _, op in in_load),
        "longest_retried_s": max((round(at - op.at_s, 1) for at, op in retried), default=0.0),
        "ledger_ok": not verdict.violations,
        "drain_s": round(drained_s, 1),
    }
    return {
        "floors": {"tx": floor_tx, "hello": floor_hello},
        "summary": summary,
        "per_second": seconds,
        "kills": [f.as_json() for f in injector.done],
        "kill_errors": injector.errors,
        "balancer": spread,
        "retried": [
            {
                "kind": op.kind,
                "started_s": round(op.at_s, 2),
                "answered_s": round(at, 2),
                "attempts": op.attempts,
                "status": op.status,
                "code": op.code,
                "outcome": op.outcome,
            }
            for at, op in retried
        ],
        "by_kind": journal.by_kind(),
        "refusals": journal.refusals(),
        "setup_operations": setup_ops,
        "load_s": round(load_s, 1),
        "left_after_drain": left,
        "holds": holds,
        "bets": bets,
        "verdict": asdict(verdict),
    }


async def _until_ready(bench: Bench, mix: Mix) -> None:
    """Every seeded deposit credited and every event's prices known to bets (both arrive over
    the bus): a bet placed earlier would be refused for a reason of the setup's making."""
    event_ids = [str(e["event_id"]) for e in mix.catalogue.open]

    async def probe() -> bool | None:
        async with bench.observer.connect() as conn:
            credited = await conn.scalar(
                text("SELECT count(*) FROM wallet.card_deposit WHERE status = 'succeeded'")
            )
            priced = await conn.scalar(
                text(
                    "SELECT count(DISTINCT event_id) FROM bets.selection"
                    " WHERE event_id::text = ANY(:ids)"
                ),
                {"ids": event_ids},
            )
        return True if credited >= len(mix.punters) and priced == len(event_ids) else None

    await eventually(probe, "deposits credited and events known to bets", timeout_s=120)


async def _kill_one_of_each(injector: Injector, config: ScaleoutConfig, rng: random.Random) -> None:
    """At ``kill_at_s``: SIGKILL one replica of each of ``KILLED``, all in the same moment."""
    await asyncio.sleep(max(config.kill_at_s - injector.clock(), 0))
    for service in KILLED:
        names = sorted(p.name for p in injector.platform.processes if p.name.startswith(service))
        fault = Fault("kill9", rng.choice(names), 0.0, NEVER_S, at_s=injector.clock())
        await injector.kill9(fault)
        injector.done.append(fault)
        print(f"  {fault.at_s:5.1f} s  kill -9 {fault.target} ({fault.note})", flush=True)


async def _progress(mix: Mix, duration_s: float) -> None:
    shown = 0.0
    while True:
        await asyncio.sleep(5)
        now = mix.journal.now()
        done = [op for at, op in mix.ended if shown <= at < now]
        shown = now
        print(f"  {now:5.1f}/{duration_s:.0f} s  {len(done)} ops in the last 5 s", flush=True)


# --- the outputs -----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def markdown(results: dict[str, Any]) -> str:
    s = results.get("summary")
    if not s:
        return f"# Scale-out: replicas killed under load\n\nno figures: {results.get('failed')}\n"
    c = results["config"]
    floor = results["floors"]["tx"]["rate_per_s"]
    lines = [
        "# Scale-out: replicas killed under load",
        "",
        f"{c['replicas_of']}, others 1, behind one round-robin balancer; {c['concurrency']}"
        f" bettors for {c['duration_s']:.0f} s; kill -9 at {s['kill_second']} s: "
        + ", ".join(k["target"] for k in results["kills"])
        + f". Floor (1-tx @ {c['concurrency']}): {floor}/s.",
        "",
        "| window | ops/s | ÷ floor | ÷ before the kill |",
        "|---|---|---|---|",
    ]
    for name, key in (
        ("before the kill", "before_kill"),
        ("dip (kill → recovered), mean", "dip_mean"),
        ("dip, lowest second", "dip_lowest_second"),
        ("after recovery", "after_recovery"),
    ):
        row = s[key]
        lines.append(f"| {name} | {row['rate_per_s']} | {row['to_floor']} | {row['to_before']} |")
    lines += [
        "",
        f"- time to recover (the kill → the first whole second ≥ {RECOVERED_AT:.0%} of before): "
        f"{s['time_to_recover_s']} s",
        f"- balancer, client connections during the load: {results['balancer']}",
        f"- operations: {s['operations']} ({s['answered_ok']} ok, {s['refused_4xx']} refused 4xx);"
        f" retried: {s['retried_operations']} ({s['failed_attempts']} failed attempts, the"
        f" longest answered after {s['longest_retried_s']} s);"
        f" **lost after retry: {s['lost_after_retry']}**",
        f"- ledger: {'**ok**' if s['ledger_ok'] else '**VIOLATIONS**'} (drained in"
        f" {s['drain_s']} s; holds {results['holds']}; bets {results['bets']})",
        "",
        "ops/s per second (`|` marks the kill):",
        "",
        "```",
        " ".join(
            ("| " if row["second"] == s["kill_second"] else "") + str(row["ok"])
            for row in results["per_second"]
        ),
        "```",
    ]
    for violation in results["verdict"]["violations"]:
        lines.append(f"- violation: {violation}")
    return "\n".join(lines) + "\n"


def write(results: dict[str, Any], directory: Path) -> None:
    (directory / "scaleout.json").write_text(json.dumps(results, indent=2, default=str))
    table = markdown(results)
    (directory / "scaleout.md").write_text(table)
    print(table)


def passed(results: dict[str, Any]) -> bool:
    summary = results.get("summary") or {}
    return bool(summary.get("ledger_ok")) and summary.get("lost_after_retry") == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    defaults = ScaleoutConfig()
    parser.add_argument("--duration-s", type=float, default=defaults.duration_s)
    parser.add_argument("--kill-at-s", type=float, default=defaults.kill_at_s)
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)
    parser.add_argument("--events", type=int, default=defaults.events)
    parser.add_argument("--seed", type=int, default=None, help="which replicas die (default: any)")
    parser.add_argument("--output-dir", type=Path, default=defaults.output_dir)
    args = parser.parse_args()
    config = ScaleoutConfig(
        duration_s=args.duration_s,
        kill_at_s=args.kill_at_s,
        concurrency=args.concurrency,
        events=args.events,
        seed=args.seed if args.seed is not None else uuid.uuid4().int % 1_000_000,
        output_dir=args.output_dir,
    )

    def stop(signum: int, _: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    async def go() -> dict[str, Any]:
        infrastructure = await discover()
        try:
            return await run(config, infrastructure)
        finally:
            infrastructure.stop()

    if not passed(asyncio.run(go())):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
