"""``python -m tests.chaos`` (``make chaos``): the full chaos run, its report in chaos-results/.

    uv run --no-sync python -m tests.chaos --ops 10000 --bettors 40 --seed 7

Exits 1 when the checker found a violation (the report says which).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from pathlib import Path

from tests.chaos.faults import FaultPlan
from tests.chaos.run import ChaosConfig, ResultDirs, run_chaos

from common.testing.infra import discover

ROOT = Path(__file__).resolve().parents[2]


def parse(argv: list[str] | None) -> tuple[ChaosConfig, Path]:
    parser = argparse.ArgumentParser(prog="python -m tests.chaos", description=__doc__)
    parser.add_argument("--ops", type=int, default=10_000, help="money operations of the load")
    parser.add_argument("--bettors", type=int, default=40)
    parser.add_argument("--events", type=int, default=12)
    parser.add_argument("--seed", type=int, default=None, help="default: a random one, printed")
    parser.add_argument("--kills", type=int, default=24, help="kill -9 at least this many")
    parser.add_argument("--rabbit-restarts", type=int, default=2)
    parser.add_argument("--pg-terminates", type=int, default=3)
    parser.add_argument("--proxy-faults", type=int, default=3, help="each of partition/drop/delay")
    parser.add_argument("--pauses", type=int, default=2, help="wallet paused past the saga timeout")
    parser.add_argument("--gap", type=float, nargs=2, default=(3.0, 8.0), metavar=("MIN", "MAX"))
    parser.add_argument("--output", type=Path, default=ROOT / "chaos-results")
    parser.add_argument(
        "--patch",
        type=Path,
        default=None,
        help="a diff applied to the run's copy of the code (try a fix without editing the tree)",
    )
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1_000_000)
    plan = FaultPlan(
        kill9=args.kills,
        rabbit_restart=args.rabbit_restarts,
        pg_terminate=args.pg_terminates,
        proxy_partition=args.proxy_faults,
        proxy_drop=args.proxy_faults,
        proxy_delay=args.proxy_faults,
        pause_wallet=args.pauses,
        webhook_reorder=2,
        gap_s=(args.gap[0], args.gap[1]),
    )
    config = ChaosConfig(
        ops=args.ops,
        bettors=args.bettors,
        events=args.events,
        seed=seed,
        plan=plan,
        patch=args.patch.resolve() if args.patch else None,
    )
    return config, args.output


async def main(argv: list[str] | None = None) -> int:
    config, output = parse(argv)
    print(f"chaos: seed {config.seed}, {config.ops} money operations, {config.bettors} bettors")
    infrastructure = await discover()
    report = await run_chaos(config, infrastructure, ResultDirs(output / "logs"), progress=True)
    md, js = report.write(output)
    print(report.markdown())
    print(f"\nreport: {md} and {js}; process logs under {report.log_dir}")
    return 1 if report.violations else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
