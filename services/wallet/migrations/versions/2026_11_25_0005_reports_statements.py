"""reports and monthly statements (issue 9)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

- ``account_holder``: the user's name and email from ``UserRegistered`` (for report headers);
- ``report``: an export request and its file (pending → ready | failed; expired after 7 days);
- ``monthly_statement``: one per user and month (UNIQUE), generated once by a periodic job.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = [
    """
    CREATE TABLE wallet.account_holder (
        user_id uuid PRIMARY KEY,
        email text NOT NULL,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE wallet.report (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        format text NOT NULL CONSTRAINT ck_report_format CHECK (format IN ('csv', 'pdf')),
        status text NOT NULL CONSTRAINT ck_report_status
            CHECK (status IN ('pending', 'ready', 'failed', 'expired')),
        date_from date NOT NULL,
        date_to date NOT NULL,
        include_bets boolean NOT NULL,
        include_transactions boolean NOT NULL,
        include_statistics boolean NOT NULL,
        filename text NOT NULL,
        storage_key text NOT NULL,
        file_size_bytes bigint,
        row_count integer,
        error text,
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        ready_at timestamptz,
        expires_at timestamptz NOT NULL,
        CONSTRAINT ck_report_period CHECK (date_from <= date_to),
        CONSTRAINT ck_report_ready_has_file
            CHECK (status <> 'ready' OR (file_size_bytes IS NOT NULL AND ready_at IS NOT NULL))
    )
    """,
    "CREATE INDEX ix_report_user_id_created_at ON wallet.report (user_id, created_at DESC)",
    # The background workers' queue, and the retention sweep.
    "CREATE INDEX ix_report_pending ON wallet.report (created_at) WHERE status = 'pending'",
    """
    CREATE INDEX ix_report_expires_at ON wallet.report (expires_at)
        WHERE status IN ('ready', 'failed', 'pending')
    """,
    """
    CREATE TABLE wallet.monthly_statement (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id uuid NOT NULL,
        year integer NOT NULL CONSTRAINT ck_monthly_statement_year CHECK (year >= 2000),
        month integer NOT NULL CONSTRAINT ck_monthly_statement_month
            CHECK (month BETWEEN 1 AND 12),
        currency text NOT NULL,
        opening_balance_minor bigint NOT NULL,
        closing_balance_minor bigint NOT NULL,
        deposits_minor bigint NOT NULL,
        withdrawals_minor bigint NOT NULL,
        stakes_minor bigint NOT NULL,
        winnings_minor bigint NOT NULL,
        refunds_minor bigint NOT NULL,
        adjustments_minor bigint NOT NULL,
        total_bet_minor bigint NOT NULL,
        total_won_minor bigint NOT NULL,
        net_profit_minor bigint NOT NULL,
        roi_percent numeric(12, 2) NOT NULL,
        win_rate_percent numeric(5, 2) NOT NULL,
        bets_placed integer NOT NULL,
        bets_won integer NOT NULL,
        bets_lost integer NOT NULL,
        transaction_count integer NOT NULL,
        generated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_monthly_statement_user_id_year_month UNIQUE (user_id, year, month),
        -- the month's history rows add up: nothing is lost between opening and closing
        CONSTRAINT ck_monthly_statement_adds_up CHECK (
            closing_balance_minor = opening_balance_minor + deposits_minor - withdrawals_minor
                - stakes_minor + winnings_minor + refunds_minor + adjustments_minor)
    )
    """,
]

DOWNGRADE = [
    "DROP TABLE IF EXISTS wallet.monthly_statement, wallet.report, wallet.account_holder",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
