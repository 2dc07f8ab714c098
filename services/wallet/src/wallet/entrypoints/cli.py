"""Operator commands: ``python -m wallet.entrypoints.cli reconcile``.

``reconcile`` prints the report as JSON and exits 1 when anything drifted (for cron/alerts).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from common.db import create_engine
from wallet.service_layer.reconciliation import reconcile
from wallet.settings import Settings


async def _reconcile(settings: Settings) -> int:
    engine = create_engine(settings.database_url, pool_size=1, application_name="wallet-cli")
    try:
        report = await reconcile(engine)
    finally:
        await engine.dispose()
    print(json.dumps(report.as_dict(), default=str, indent=2))
    return 0 if report.ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wallet.entrypoints.cli")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("reconcile", help="recompute balances from entries, report drift")
    args = parser.parse_args(argv)
    if args.command == "reconcile":
        return asyncio.run(_reconcile(Settings()))
    return 2  # pragma: no cover - argparse refuses unknown commands


if __name__ == "__main__":
    sys.exit(main())
