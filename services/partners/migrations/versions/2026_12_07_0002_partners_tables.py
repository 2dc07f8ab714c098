"""partners, attributed users, deposits, outbound postbacks and attempts, win throttle, inbound
postbacks, the admin's Idempotency-Keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
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

SCHEMA = "partners"
TS = sa.DateTime(timezone=True)


def _now(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, TS, nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "partner",
        sa.Column("partner_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column(
            "urls", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")
        ),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        _now("created_at"),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("partner_id", name="pk_partner"),
        schema=SCHEMA,
    )
    op.create_table(
        "attributed_user",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Text(), nullable=False),
        sa.Column("click_id", sa.Text()),
        sa.Column("partner_player_id", sa.Text()),
        sa.Column("registered_at", TS, nullable=False),
        sa.Column("first_deposit_at", TS),
        sa.Column("partner_first_deposit_at", TS),
        sa.Column("partner_deposit_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("partner_deposit_sum", sa.Numeric(18, 2), nullable=False, server_default="0"),
        sa.Column("last_win_notice_at", TS),
        sa.PrimaryKeyConstraint("user_id", name="pk_attributed_user"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_attributed_user_partner_id_registered_at",
        "attributed_user",
        ["partner_id", "registered_at", "user_id"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_attributed_user_partner_id_click_id",
        "attributed_user",
        ["partner_id", "click_id"],
        schema=SCHEMA,
    )
    op.create_index(
        "ux_attributed_user_partner_id_partner_player_id",
        "attributed_user",
        ["partner_id", "partner_player_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("partner_player_id IS NOT NULL"),
    )
    op.create_table(
        "deposit",
        sa.Column("operation_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.Text(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("operation_id", name="pk_deposit"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_deposit_partner_id_currency", "deposit", ["partner_id", "currency"], schema=SCHEMA
    )
    op.create_index("ix_deposit_user_id", "deposit", ["user_id"], schema=SCHEMA)
    op.create_table(
        "postback",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("source_event_id", sa.Uuid(), nullable=False),
        sa.Column("click_id", sa.Text()),
        sa.Column("amount_minor", sa.BigInteger()),
        sa.Column("currency", sa.Text()),
        sa.Column("transaction_id", sa.Text()),
        sa.Column("win_count", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("status", sa.Text(), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_status_code", sa.Integer()),
        sa.Column("delivered_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'failed')", name="ck_postback_status"
        ),
        sa.CheckConstraint(
            "event IN ('registration', 'first_deposit', 'deposit', 'withdrawal', 'win')",
            name="ck_postback_event",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_postback"),
        sa.UniqueConstraint(
            "source_event_id",
            "partner_id",
            "event",
            name="uq_postback_source_event_id_partner_id_event",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_postback_due",
        "postback",
        ["next_attempt_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_postback_partner_id_created_at",
        "postback",
        ["partner_id", "created_at"],
        schema=SCHEMA,
    )
    op.create_table(
        "postback_attempt",
        sa.Column("postback_id", sa.Uuid(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer()),
        sa.Column("error", sa.Text()),
        sa.Column("latency_ms", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("postback_id", "attempt", name="pk_postback_attempt"),
        sa.ForeignKeyConstraint(
            ["postback_id"],
            [f"{SCHEMA}.postback.id"],
            name="fk_postback_attempt_postback_id_postback",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "win_throttle",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Text(), nullable=False),
        sa.Column("next_free_at", TS),
        sa.Column("waiting_postback_id", sa.Uuid()),
        sa.PrimaryKeyConstraint("user_id", "partner_id", name="pk_win_throttle"),
        schema=SCHEMA,
    )
    op.create_table(
        "inbound_postback",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("partner_id", sa.Text(), nullable=False),
        sa.Column("event", sa.Text()),
        sa.Column("params", postgresql.JSONB(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("error_code", sa.Text()),
        sa.Column("dedupe_key", sa.Text()),
        sa.Column("user_id", sa.Uuid()),
        sa.Column("throttled", sa.Boolean()),
        sa.Column("received_at", TS, nullable=False),
        sa.CheckConstraint(
            "outcome IN ('accepted', 'rejected')", name="ck_inbound_postback_outcome"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_inbound_postback"),
        schema=SCHEMA,
    )
    op.create_index(
        "ux_inbound_postback_partner_id_dedupe_key",
        "inbound_postback",
        ["partner_id", "dedupe_key"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("outcome = 'accepted'"),
    )
    op.create_index(
        "ix_inbound_postback_partner_id_received_at",
        "inbound_postback",
        ["partner_id", "received_at"],
        schema=SCHEMA,
    )
    create_idempotency_table_v1(op, SCHEMA)


def downgrade() -> None:
    drop_idempotency_table_v1(op, SCHEMA)
    for table in (
        "inbound_postback",
        "win_throttle",
        "postback_attempt",
        "postback",
        "deposit",
        "attributed_user",
        "partner",
    ):
        op.drop_table(table, schema=SCHEMA)
