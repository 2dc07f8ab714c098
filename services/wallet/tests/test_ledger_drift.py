"""The periodic ledger reconciliation (ledger_drift.py) sets the gauges the alerts read."""

from __future__ import annotations

from typing import Any

from prometheus_client import REGISTRY
from services.wallet.tests.support.ledger import WalletDb, make_wallet, reserve_on_new_wallet
from sqlalchemy import text

from wallet.bootstrap import build
from wallet.service_layer.ledger_drift import INTERVAL_S, check_ledger, count_open_holds
from wallet.settings import Settings


def gauge(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


async def test_gauges_read_zero_on_a_sound_ledger_and_show_a_tampered_balance(
    wallet_db: WalletDb,
) -> None:
    user = await make_wallet(wallet_db, balance_minor=4_200)
    report = await check_ledger(wallet_db.engine)
    assert report.ok
    assert gauge("looseline_ledger_drift_minor") == 0
    assert gauge("looseline_ledger_balance_total_minor") == 0
    assert gauge("looseline_ledger_reconciliation_mismatches", check="account_balance") == 0
    first_run = gauge("looseline_ledger_reconciliation_last_success_timestamp_seconds")
    assert first_run is not None
    assert first_run > 0

    # 7 cents appear in a held balance with no entry behind them
    tamper = text(
        "UPDATE wallet.account SET balance_minor = balance_minor + :d"
        " WHERE user_id = :u AND kind = 'held'"
    )
    async with wallet_db.engine.begin() as conn:
        await conn.execute(tamper, {"d": 7, "u": user})
    try:
        report = await check_ledger(wallet_db.engine)
        assert not report.ok
        assert gauge("looseline_ledger_balance_total_minor") == 7
        assert gauge("looseline_ledger_drift_minor") == 0  # the postings themselves still sum to 0
        assert gauge("looseline_ledger_reconciliation_mismatches", check="account_balance") == 1
        assert gauge("looseline_ledger_reconciliation_mismatches", check="held_balance") == 1
        assert gauge("looseline_ledger_reconciliation_mismatches", check="history") == 0
    finally:
        async with wallet_db.engine.begin() as conn:
            await conn.execute(tamper, {"d": -7, "u": user})
    await check_ledger(wallet_db.engine)
    assert gauge("looseline_ledger_balance_total_minor") == 0
    assert gauge("looseline_ledger_reconciliation_mismatches", check="account_balance") == 0


def test_the_wallet_runtime_runs_the_job(make_settings: Any) -> None:
    runtime = build(make_settings(Settings))
    jobs = {job.name: job.interval_s for job in runtime.periodic}
    assert jobs["wallet.ledger-reconciliation"] == INTERVAL_S == 900.0
    assert jobs["wallet.holds-open"] == 60.0


async def test_open_holds_are_counted_to_the_cent(wallet_db: WalletDb) -> None:
    before_n, before_minor = await count_open_holds(wallet_db.engine)
    await reserve_on_new_wallet(wallet_db, balance_minor=10_000, stake_minor=1_234)
    await reserve_on_new_wallet(wallet_db, balance_minor=10_000, stake_minor=99)
    assert await count_open_holds(wallet_db.engine) == (before_n + 2, before_minor + 1_333)
    assert gauge("looseline_wallet_holds_open") == before_n + 2
    assert gauge("looseline_wallet_holds_open_minor") == before_minor + 1_333
