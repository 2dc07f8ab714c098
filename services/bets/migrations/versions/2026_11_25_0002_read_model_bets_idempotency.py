"""read model of events, markets and selections; bets and their legs; idempotency keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from common.idempotency import create_idempotency_table_v1, drop_idempotency_table_v1

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "bets"
COEFFICIENT = sa.Numeric(8, 3)
UUID = postgresql.UUID(as_uuid=True)


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("id", UUID, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("event_name", sa.Text()),
        sa.Column("sport", sa.Text()),
        sa.Column("league", sa.Text()),
        sa.Column("home_team", sa.Text()),
        sa.Column("away_team", sa.Text()),
        sa.Column("starts_at", sa.DateTime(timezone=True)),
        sa.Column("status", sa.Text()),
        sa.Column("settlement_version", sa.Integer()),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("id", name="pk_event"),
        schema=SCHEMA,
    )
    op.create_table(
        "market",
        sa.Column("id", UUID, nullable=False),
        sa.Column("event_id", UUID, nullable=False),
        sa.Column("market", sa.Text(), nullable=False),
        sa.Column("market_type", sa.Text()),
        sa.Column("status", sa.Text(), nullable=False, server_default="open"),
        sa.PrimaryKeyConstraint("id", name="pk_market"),
        schema=SCHEMA,
    )
    op.create_table(
        "selection",
        sa.Column("odds_id", UUID, nullable=False),
        sa.Column("event_id", UUID, nullable=False),
        sa.Column("market_id", UUID, nullable=False),
        sa.Column("market", sa.Text(), nullable=False),
        sa.Column("selection", sa.Text(), nullable=False),
        sa.Column("coefficient", COEFFICIENT, nullable=False),
        sa.Column("odds_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("odds_id", name="pk_selection"),
        schema=SCHEMA,
    )
    op.create_index("ix_market_event_id", "market", ["event_id"], schema=SCHEMA)
    op.create_index("ix_selection_event_id", "selection", ["event_id"], schema=SCHEMA)
    op.create_table(
        "bet",
        sa.Column("id", UUID, nullable=False),
        sa.Column("user_id", UUID, nullable=False),
        sa.Column("bet_type", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("stake_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("coefficient", sa.Numeric(14, 3), nullable=False),
        sa.Column("potential_win_minor", sa.BigInteger(), nullable=False),
        sa.Column("accept_odds_change", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("result", sa.Text()),
        sa.Column("payout_minor", sa.BigInteger()),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("settled_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_bet"),
        sa.CheckConstraint(
            "status IN ('pending', 'open', 'rejected', 'won', 'lost', 'void', 'cancelled')",
            name="ck_bet_status",
        ),
        sa.CheckConstraint("stake_minor > 0", name="ck_bet_stake_positive"),
        schema=SCHEMA,
    )
    op.create_index("ix_bet_user_id_created_at", "bet", ["user_id", "created_at"], schema=SCHEMA)
    op.create_table(
        "bet_leg",
        sa.Column("bet_id", UUID, nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("event_id", UUID, nullable=False),
        sa.Column("market_id", UUID, nullable=False),
        sa.Column("odds_id", UUID, nullable=False),
        sa.Column("event_name", sa.Text(), nullable=False),
        sa.Column("market", sa.Text(), nullable=False),
        sa.Column("selection", sa.Text(), nullable=False),
        sa.Column("coefficient", COEFFICIENT, nullable=False),
        sa.Column("outcome", sa.Text()),
        sa.PrimaryKeyConstraint("bet_id", "position", name="pk_bet_leg"),
        sa.ForeignKeyConstraint(
            ["bet_id"], [f"{SCHEMA}.bet.id"], name="fk_bet_leg_bet_id_bet", ondelete="CASCADE"
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_bet_leg_event_id", "bet_leg", ["event_id"], schema=SCHEMA)
    create_idempotency_table_v1(op, SCHEMA)


def downgrade() -> None:
    drop_idempotency_table_v1(op, SCHEMA)
    op.drop_table("bet_leg", schema=SCHEMA)
    op.drop_table("bet", schema=SCHEMA)
    op.drop_table("selection", schema=SCHEMA)
    op.drop_table("market", schema=SCHEMA)
    op.drop_table("event", schema=SCHEMA)
