"""`python -m wallet.entrypoints.cli reconcile`: prints the report, exit 1 on drift."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from typing import Any

from services.wallet.tests.support.ledger import WalletDb, make_wallet
from sqlalchemy import text


async def run_reconcile(test_database: Any) -> tuple[int, dict[str, Any]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "wallet.entrypoints.cli",
        "reconcile",
        env={
            **os.environ,
            "WALLET_DATABASE_URL": test_database.url_for("wallet"),
            "ENVIRONMENT": "test",
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode is not None
    return process.returncode, json.loads(out or b"{}") if out else {"stderr": err.decode()}


async def test_reconcile_command_reports_ok_then_drift(
    test_database: Any, wallet_db: WalletDb
) -> None:
    user = await make_wallet(wallet_db, balance_minor=4_200)
    code, report = await run_reconcile(test_database)
    assert (code, report["ok"], report["total_balance_minor"]) == (0, True, 0)
    assert report["accounts_checked"] >= 48 + 2

    drift = text(
        "UPDATE wallet.account SET balance_minor = balance_minor + :d"
        " WHERE user_id = :u AND kind = 'held'"
    )
    async with wallet_db.engine.begin() as conn:
        await conn.execute(drift, {"d": 7, "u": user})
    try:
        code, report = await run_reconcile(test_database)
        assert (code, report["ok"]) == (1, False)
        [found] = report["drift"]
        assert (found["user_id"], found["balance_minor"], found["entries_minor"]) == (
            str(user),
            7,
            0,
        )
        assert report["hold_mismatches"] == [
            {"user_id": str(user), "held_minor": 7, "pending_holds_minor": 0}
        ]
    finally:
        async with wallet_db.engine.begin() as conn:
            await conn.execute(drift, {"d": -7, "u": user})
