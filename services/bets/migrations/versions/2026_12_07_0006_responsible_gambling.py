"""responsible gambling: auth's restrictions, loss limits and their changes (issue 23)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

- ``restriction``: the read model of auth's ``UserTimedOut`` / ``UserSelfExcluded``, the latest
  ``until`` per user (placement refuses before it).
- ``loss_limit``: per user and period (day, week, month), the amount in force and a pending
  increase or removal with the time it takes effect (24 h of cooling-off).
- ``limit_change``: every accepted change of a loss limit (the audit the admins read).
- ``ix_bet_user_id_settled_at``: a user's bets settled in a window (the payouts the loss sums).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "bets"


def _updated_at() -> sa.Column[object]:
    return sa.Column(
        "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
    )


def upgrade() -> None:
    op.create_table(
        "restriction",
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        _updated_at(),
        sa.PrimaryKeyConstraint("user_id", name="pk_restriction"),
        schema=SCHEMA,
    )
    op.create_table(
        "loss_limit",
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger()),
        sa.Column("pending_amount_minor", sa.BigInteger()),
        sa.Column("pending_effective_at", sa.DateTime(timezone=True)),
        _updated_at(),
        sa.PrimaryKeyConstraint("user_id", "period", name="pk_loss_limit"),
        sa.CheckConstraint("period IN ('day', 'week', 'month')", name="ck_loss_limit_period"),
        sa.CheckConstraint("amount_minor > 0", name="ck_loss_limit_amount_positive"),
        sa.CheckConstraint(
            "pending_amount_minor > 0", name="ck_loss_limit_pending_amount_positive"
        ),
        schema=SCHEMA,
    )
    op.create_table(
        "limit_change",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("old_amount_minor", sa.BigInteger()),
        sa.Column("new_amount_minor", sa.BigInteger()),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.PrimaryKeyConstraint("id", name="pk_limit_change"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_limit_change_user_id_created_at",
        "limit_change",
        ["user_id", "created_at"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_bet_user_id_settled_at",
        "bet",
        ["user_id", "settled_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("settled_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_bet_user_id_settled_at", "bet", schema=SCHEMA)
    op.drop_index("ix_limit_change_user_id_created_at", "limit_change", schema=SCHEMA)
    op.drop_table("limit_change", schema=SCHEMA)
    op.drop_table("loss_limit", schema=SCHEMA)
    op.drop_table("restriction", schema=SCHEMA)
