"""The ledger's reconciliation as a periodic job, its result as gauges for alerting.

Every ``INTERVAL_S`` the wallet's leader (the job runs under the periodic jobs' advisory lock,
``common.periodic``: one replica at a time) runs the same reconciliation as
``python -m wallet.entrypoints.cli reconcile`` (``reconciliation.reconcile``: one REPEATABLE READ
read-only snapshot, aggregates over the entries) and sets:

- ``looseline_ledger_drift_minor``: the sum of all postings (entries), in minor units of
  CURRENCY — double entry makes it 0, always; anything else is money created or lost;
- ``looseline_ledger_balance_total_minor``: the sum of all account balances (also 0);
- ``looseline_ledger_reconciliation_mismatches{check}``: how many accounts / transfers / users
  fail each check (``account_balance``, ``unbalanced_transfer``, ``empty_transfer``,
  ``held_balance``, ``history``);
- ``looseline_ledger_reconciliation_last_success_timestamp_seconds``: when it last completed.

And every ``HOLDS_INTERVAL_S`` (one indexed count: ``ix_hold_user_id_pending``) the stakes held
right now: ``looseline_wallet_holds_open`` and ``looseline_wallet_holds_open_minor`` (money-path
dashboard; a number that only grows means releases or captures stopped).

Replicas that are not the leader keep reporting 0 (their gauges never move): an alert on
``!= 0`` / ``> 0`` fires on the leader's series, and ``max()`` of the timestamp is the last run.
"""

from __future__ import annotations

import time

from prometheus_client import Gauge
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.logging import get_logger
from common.runtime import PeriodicSpec
from wallet.service_layer.reconciliation import ReconciliationReport, reconcile

log = get_logger(__name__)

# Aggregates over every entry: cheap enough every 15 minutes, not every few seconds.
INTERVAL_S = 900.0
HOLDS_INTERVAL_S = 60.0

drift_minor = Gauge(
    "looseline_ledger_drift_minor",
    "Sum of all ledger postings in minor units (double entry: must be 0), last reconciliation",
)
balance_total_minor = Gauge(
    "looseline_ledger_balance_total_minor",
    "Sum of all account balances in minor units (must be 0), last reconciliation",
)
mismatches = Gauge(
    "looseline_ledger_reconciliation_mismatches",
    "Accounts, transfers or users failing a reconciliation check (must be 0)",
    ["check"],
)
last_success = Gauge(
    "looseline_ledger_reconciliation_last_success_timestamp_seconds",
    "Unix time the last ledger reconciliation completed",
)

holds_open = Gauge("looseline_wallet_holds_open", "Stake holds pending right now")
holds_open_minor = Gauge(
    "looseline_wallet_holds_open_minor", "Money in pending stake holds right now (minor units)"
)
_OPEN_HOLDS = text(
    "SELECT count(*) AS n, COALESCE(sum(amount_minor), 0) AS total"
    " FROM wallet.hold WHERE status = 'pending'"
)

CHECKS = (
    "account_balance",
    "unbalanced_transfer",
    "empty_transfer",
    "held_balance",
    "history",
)


def record(report: ReconciliationReport) -> None:
    """Set the gauges from one reconciliation report."""
    drift_minor.set(report.total_entries_minor)
    balance_total_minor.set(report.total_balance_minor)
    counts = {
        "account_balance": len(report.drift),
        "unbalanced_transfer": len(report.unbalanced_transfers),
        "empty_transfer": len(report.empty_transfers),
        "held_balance": len(report.hold_mismatches),
        "history": len(report.history_mismatches),
    }
    for check, n in counts.items():
        mismatches.labels(check).set(n)
    last_success.set(time.time())


async def check_ledger(engine: AsyncEngine) -> ReconciliationReport:
    report = await reconcile(engine)
    record(report)
    if not report.ok:
        # The figures only: the report names accounts and users (the CLI prints it whole).
        log.error(
            "ledger.drift",
            drift_minor=report.total_entries_minor,
            balance_total_minor=report.total_balance_minor,
            accounts=len(report.drift),
            unbalanced_transfers=len(report.unbalanced_transfers),
            empty_transfers=len(report.empty_transfers),
            hold_mismatches=len(report.hold_mismatches),
            history_mismatches=len(report.history_mismatches),
        )
    return report


async def count_open_holds(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.connect() as conn:
        row = (await conn.execute(_OPEN_HOLDS)).one()
    holds_open.set(int(row.n))
    holds_open_minor.set(int(row.total))
    return int(row.n), int(row.total)


def ledger_drift_periodic_jobs(interval_s: float = INTERVAL_S) -> list[PeriodicSpec]:
    async def job(engine: AsyncEngine) -> None:
        await check_ledger(engine)

    async def holds(engine: AsyncEngine) -> None:
        await count_open_holds(engine)

    return [
        PeriodicSpec("ledger-reconciliation", interval_s, job),
        PeriodicSpec("holds-open", HOLDS_INTERVAL_S, holds),
    ]
