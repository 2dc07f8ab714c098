"""Revision 0005 on a database of its own: up, down, up again; the statement CHECK holds."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from services.wallet.tests.support.migrations import alembic

from common.testing.database import TestDatabase

TABLES = "SELECT count(*) FROM pg_tables WHERE schemaname = 'wallet' AND tablename = ANY($1)"
NEW = ["account_holder", "report", "monthly_statement"]


STATEMENT = """
INSERT INTO wallet.monthly_statement (user_id, year, month, currency, opening_balance_minor,
    closing_balance_minor, deposits_minor, withdrawals_minor, stakes_minor, winnings_minor,
    refunds_minor, adjustments_minor, total_bet_minor, total_won_minor, net_profit_minor,
    roi_percent, win_rate_percent, bets_placed, bets_won, bets_lost, transaction_count)
VALUES ($1, 2026, 10, 'USD', 1000, $2, 500, 0, 200, 300, 0, 0, 200, 300, 100, 50, 100, 1, 1, 0, 3)
"""


async def test_0005_upgrades_downgrades_and_checks_statements_add_up(
    scratch: TestDatabase,
) -> None:
    await alembic(scratch, "upgrade", "0005")
    conn = await asyncpg.connect(scratch.admin_dsn)
    try:
        assert await conn.fetchval(TABLES, NEW) == 3
        user = uuid.uuid4()
        # 1 000 + 500 - 200 + 300 = 1 600; anything else is refused
        with pytest.raises(asyncpg.CheckViolationError):
            await conn.execute(STATEMENT, user, 1_500)
        await conn.execute(STATEMENT, user, 1_600)
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute(STATEMENT, user, 1_600)
        await alembic(scratch, "downgrade", "0004")
        assert await conn.fetchval(TABLES, NEW) == 0
        await alembic(scratch, "upgrade", "0005")
        assert await conn.fetchval(TABLES, NEW) == 3
    finally:
        await conn.close()
