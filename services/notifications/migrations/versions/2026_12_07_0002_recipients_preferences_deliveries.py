"""notifications: recipients (read model), preferences, deliveries

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "notifications"


def _now(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "recipient",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("email", sa.Text()),
        sa.Column("name", sa.Text()),
        sa.Column("language", sa.Text(), nullable=False, server_default="en"),
        sa.Column("language_changed_at", sa.DateTime(timezone=True)),
        sa.Column("telegram_chat_id", sa.Text()),
        _now("created_at"),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("user_id", name="pk_recipient"),
        sa.CheckConstraint("language IN ('en', 'ru')", name="ck_recipient_language"),
        schema=SCHEMA,
    )
    op.create_table(
        "preference",
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("telegram", sa.Boolean(), nullable=False),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("user_id", "kind", name="pk_preference"),
        schema=SCHEMA,
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("event_id", sa.UUID(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("template", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        _now("next_attempt_at"),
        _now("due_since"),
        sa.Column("last_error", sa.Text()),
        _now("created_at"),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_delivery"),
        sa.UniqueConstraint("event_id", "channel", name="uq_delivery_event_id_channel"),
        sa.CheckConstraint("channel IN ('email', 'telegram')", name="ck_delivery_channel"),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="ck_delivery_status"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_delivery_due",
        "delivery",
        ["next_attempt_at"],
        schema=SCHEMA,
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index(
        "ix_delivery_user_recent", "delivery", ["user_id", "created_at", "id"], schema=SCHEMA
    )
    op.create_index("ix_delivery_recent", "delivery", ["created_at", "id"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("delivery", schema=SCHEMA)
    op.drop_table("preference", schema=SCHEMA)
    op.drop_table("recipient", schema=SCHEMA)
