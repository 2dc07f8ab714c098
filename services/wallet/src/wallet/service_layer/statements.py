"""Monthly statements: generated for every wallet at once by one set-based statement, once per
user and month (UNIQUE + ON CONFLICT DO NOTHING), and read back by their owner.

Rows of a month are a user's history rows after the last row created before the month and up
to the last row created before the next month, **by id** (the order the rows chain in): so
``closing - opening`` is exactly the sum of the month's rows, and each month opens where the
previous one closed, even when a transaction that started before midnight commits after it.
"""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.logging import get_logger
from common.periodic import advisory_key
from wallet.adapters.report_csv import CsvReportWriter
from wallet.adapters.report_pdf import PdfReport, render_pdf
from wallet.adapters.report_tables import monthly_statement
from wallet.domain.statements import Month, Statement, StatementNotFound, month_due
from wallet.service_layer.reports import balance_points, report_header
from wallet.service_layer.unit_of_work import WalletUnitOfWork

log = get_logger(__name__)

# Not the periodic job's own leader key ("wallet.monthly-statements"): its runner holds that
# one on another connection for as long as it leads, so taking it here would always fail.
LOCK_KEY = advisory_key("wallet.monthly-statements.generate")

_GENERATE = text(
    """
    WITH edges AS (
        SELECT w.user_id, w.currency,
               (SELECT t.id FROM wallet.balance_transaction t
                 WHERE t.user_id = w.user_id AND t.created_at < :start
                 ORDER BY t.id DESC LIMIT 1) AS start_id,
               (SELECT t.id FROM wallet.balance_transaction t
                 WHERE t.user_id = w.user_id AND t.created_at < :end
                 ORDER BY t.id DESC LIMIT 1) AS end_id
        FROM wallet.wallet w
        WHERE w.created_at < :end
          AND NOT EXISTS (SELECT 1 FROM wallet.monthly_statement s
                          WHERE s.user_id = w.user_id AND s.year = :year AND s.month = :month)
    ), money AS (
        SELECT e.user_id, e.currency,
               COALESCE((SELECT balance_after_minor FROM wallet.balance_transaction
                         WHERE id = e.start_id), 0) AS opening,
               (SELECT balance_after_minor FROM wallet.balance_transaction
                 WHERE id = e.end_id) AS closing,
               m.*
        FROM edges e
        CROSS JOIN LATERAL (
            SELECT count(*) AS n_tx,
                   COALESCE(sum(amount_minor) FILTER (WHERE type = 'deposit'), 0) AS deposits,
                   COALESCE(-sum(amount_minor) FILTER (WHERE type = 'withdrawal'), 0)
                     AS withdrawals,
                   COALESCE(-sum(amount_minor) FILTER (WHERE type = 'bet_placed'), 0) AS stakes,
                   COALESCE(sum(amount_minor) FILTER (WHERE type IN ('bet_won', 'coupon_won')), 0)
                     AS winnings,
                   -- money given back to the user (void bets, returned withdrawals)
                   COALESCE(sum(amount_minor)
                            FILTER (WHERE type = 'refund' AND amount_minor > 0), 0) AS refunds,
                   -- the rest: resettlements, card refunds and chargebacks (negative refund
                   -- rows), bonuses, fees
                   COALESCE(sum(amount_minor) FILTER (WHERE NOT (
                     type IN ('deposit', 'withdrawal', 'bet_placed', 'bet_won', 'coupon_won')
                     OR (type = 'refund' AND amount_minor > 0))), 0) AS adjustments
            FROM wallet.balance_transaction t
            WHERE t.user_id = e.user_id AND t.id > COALESCE(e.start_id, 0) AND t.id <= e.end_id
        ) m
        WHERE e.end_id IS NOT NULL
    ), bets AS (
        SELECT user_id,
               count(*) FILTER (WHERE COALESCE(placed_at, created_at) >= :start
                                  AND COALESCE(placed_at, created_at) < :end) AS placed,
               count(*) FILTER (WHERE status = 'won' AND settled_at >= :start
                                  AND settled_at < :end) AS wins,
               count(*) FILTER (WHERE status = 'lost' AND settled_at >= :start
                                  AND settled_at < :end) AS losses,
               COALESCE(sum(stake_minor) FILTER (WHERE status IN ('won', 'lost')
                        AND settled_at >= :start AND settled_at < :end), 0) AS total_bet,
               COALESCE(sum(payout_minor) FILTER (WHERE status = 'won'
                        AND settled_at >= :start AND settled_at < :end), 0) AS total_won
        FROM wallet.bet
        WHERE (COALESCE(placed_at, created_at) >= :start AND COALESCE(placed_at, created_at) < :end)
           OR (settled_at >= :start AND settled_at < :end)
        GROUP BY user_id
    ), figures AS (
        SELECT m.*, COALESCE(b.placed, 0) AS placed, COALESCE(b.wins, 0) AS wins,
               COALESCE(b.losses, 0) AS losses, COALESCE(b.total_bet, 0) AS total_bet,
               COALESCE(b.total_won, 0) AS total_won
        FROM money m LEFT JOIN bets b ON b.user_id = m.user_id
    )
    INSERT INTO wallet.monthly_statement (
        user_id, year, month, currency, opening_balance_minor, closing_balance_minor,
        deposits_minor, withdrawals_minor, stakes_minor, winnings_minor, refunds_minor,
        adjustments_minor, total_bet_minor, total_won_minor, net_profit_minor, roi_percent,
        win_rate_percent, bets_placed, bets_won, bets_lost, transaction_count)
    SELECT user_id, :year, :month, currency, opening, closing,
           deposits, withdrawals, stakes, winnings, refunds, adjustments,
           total_bet, total_won, total_won - total_bet,
           -- §4: half-up to 2 decimals (PostgreSQL rounds numeric ties away from zero)
           COALESCE(round((total_won - total_bet)::numeric * 100 / NULLIF(total_bet, 0), 2), 0),
           COALESCE(round(wins::numeric * 100 / NULLIF(wins + losses, 0), 2), 0),
           placed, wins, losses, n_tx
    FROM figures
    ON CONFLICT (user_id, year, month) DO NOTHING
    RETURNING user_id
    """
)


async def generate_statements(engine: AsyncEngine, month: Month) -> int:
    """Every wallet's statement for ``month`` (those not generated yet); how many were new.

    Under a transaction-level advisory lock so two runners never compute the same month at
    once (the unique key would keep one row anyway; the lock saves the duplicate work).
    """
    async with engine.begin() as conn:
        got = await conn.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
        if not got:
            return 0
        rows = await conn.execute(
            _GENERATE,
            {"year": month.year, "month": month.month, "start": month.start(), "end": month.end()},
        )
        created = len(rows.all())
    log.info("statements.generated", year=month.year, month=month.month, created=created)
    return created


async def generate_due_statements(
    engine: AsyncEngine, *, grace: timedelta, now: datetime | None = None
) -> int:
    return await generate_statements(engine, month_due(now or datetime.now(UTC), grace))


def _statement(row: Any) -> Statement:
    m = row._mapping
    return Statement(
        month=Month(m["year"], m["month"]),
        **{k: m[k] for k in Statement.__dataclass_fields__ if k != "month"},
    )


async def list_statements(
    uow: WalletUnitOfWork, user_id: uuid.UUID, *, limit: int, offset: int
) -> list[Statement]:
    rows = await uow.db.execute(
        select(monthly_statement)
        .where(monthly_statement.c.user_id == user_id)
        .order_by(monthly_statement.c.year.desc(), monthly_statement.c.month.desc())
        .limit(limit)
        .offset(offset)
    )
    return [_statement(r) for r in rows]


async def get_statement(uow: WalletUnitOfWork, user_id: uuid.UUID, month: Month) -> Statement:
    row = (
        await uow.db.execute(
            select(monthly_statement).where(
                monthly_statement.c.user_id == user_id,
                monthly_statement.c.year == month.year,
                monthly_statement.c.month == month.month,
            )
        )
    ).one_or_none()
    if row is None:
        raise StatementNotFound()
    return _statement(row)


async def statement_pdf(uow: WalletUnitOfWork, statement: Statement) -> bytes:
    """The statement as a PDF: header, figures and the month's balance chart (small: in memory)."""
    month = statement.month
    conn = await uow.db.connection()
    header = await report_header(
        conn,
        statement.user_id,
        title=f"Monthly statement — {month.label}",
        date_from=month.first_day,
        date_to=month.last_day,
        generated_at=statement.generated_at,
    )
    points = await balance_points(
        conn,
        statement.user_id,
        month.first_day,
        month.last_day,
        opening_minor=statement.opening_balance_minor,
        closing_minor=statement.closing_balance_minor,
    )
    buffer = io.BytesIO()
    render_pdf(
        buffer,
        PdfReport(header=header, metrics=statement.metrics(), balance_points=points),
        max_rows=0,
    )
    return buffer.getvalue()


async def statement_csv(uow: WalletUnitOfWork, statement: Statement) -> str:
    month = statement.month
    header = await report_header(
        await uow.db.connection(),
        statement.user_id,
        title=f"Monthly statement {month.year}-{month.month:02d}",
        date_from=month.first_day,
        date_to=month.last_day,
        generated_at=statement.generated_at,
    )
    buffer = io.StringIO()
    writer = CsvReportWriter(buffer)
    writer.header(header)
    writer.statistics(statement.metrics())
    return buffer.getvalue()
