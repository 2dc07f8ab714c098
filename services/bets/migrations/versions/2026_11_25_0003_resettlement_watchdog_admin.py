"""bet settlement version and reservation attempts; indexes for the watchdog and the admin views;
an exact product aggregate for open liabilities

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "bets"


def upgrade() -> None:
    op.add_column("bet", sa.Column("settlement_version", sa.Integer()), schema=SCHEMA)
    op.add_column(
        "bet",
        sa.Column("reserve_attempts", sa.SmallInteger(), nullable=False, server_default="0"),
        schema=SCHEMA,
    )
    op.add_column("bet", sa.Column("reserve_sent_at", sa.DateTime(timezone=True)), schema=SCHEMA)
    op.execute("UPDATE bets.bet SET settlement_version = 1 WHERE status IN ('won', 'lost', 'void')")
    op.create_index(
        "ix_bet_pending_created_at",
        "bet",
        ["created_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index("ix_bet_created_at", "bet", ["created_at"], schema=SCHEMA)
    op.create_index(
        "ix_bet_open", "bet", ["id"], schema=SCHEMA, postgresql_where=sa.text("status = 'open'")
    )
    # Exact NUMERIC product (no ln/exp rounding): a coupon's combined odds in SQL.
    op.execute(
        "CREATE AGGREGATE bets.numeric_product(numeric)"
        " (SFUNC = numeric_mul, STYPE = numeric, INITCOND = '1')"
    )


def downgrade() -> None:
    op.execute("DROP AGGREGATE bets.numeric_product(numeric)")
    op.drop_index("ix_bet_open", table_name="bet", schema=SCHEMA)
    op.drop_index("ix_bet_created_at", table_name="bet", schema=SCHEMA)
    op.drop_index("ix_bet_pending_created_at", table_name="bet", schema=SCHEMA)
    op.drop_column("bet", "reserve_sent_at", schema=SCHEMA)
    op.drop_column("bet", "reserve_attempts", schema=SCHEMA)
    op.drop_column("bet", "settlement_version", schema=SCHEMA)
