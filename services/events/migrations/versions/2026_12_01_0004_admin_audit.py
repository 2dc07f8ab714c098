"""events.admin_audit: the events administrators' (and the feed's) changes, who and what

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "events"


def upgrade() -> None:
    op.create_table(
        "admin_audit",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("event_id", sa.UUID()),
        sa.Column("market_id", sa.UUID()),
        sa.Column("odds_id", sa.UUID()),
        sa.Column("before", postgresql.JSONB()),
        sa.Column("after", postgresql.JSONB()),
        sa.Column("details", postgresql.JSONB()),
        sa.Column("request_id", sa.Text()),
        sa.Column("ip", sa.Text()),
        sa.Column("user_agent", sa.Text()),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_admin_audit"),
        schema=SCHEMA,
    )
    op.create_index("ix_admin_audit_at", "admin_audit", ["at"], schema=SCHEMA)
    op.create_index("ix_admin_audit_event_id_at", "admin_audit", ["event_id", "at"], schema=SCHEMA)
    op.create_index("ix_admin_audit_actor_at", "admin_audit", ["actor", "at"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("admin_audit", schema=SCHEMA)
