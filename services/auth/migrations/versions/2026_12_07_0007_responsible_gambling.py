"""time-out and self-exclusion; Idempotency-Key for auth (issue 23)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

- ``restriction``: every time-out or self-exclusion the user took (kind, until), never updated
  or deleted; the one in force is the row of the user ending last (``ix_restriction_user_id_until``
  makes that one index read).
- ``idempotency_key``: the two ``POST /api/auth/responsible-gambling/…`` honour
  ``Idempotency-Key`` (common.idempotency, the frozen v1 table).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from common.idempotency import create_idempotency_table_v1, drop_idempotency_table_v1

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "auth"


def upgrade() -> None:
    op.create_table(
        "restriction",
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("user_id", UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.CheckConstraint("kind IN ('time_out', 'self_exclusion')", name="ck_restriction_kind"),
        sa.PrimaryKeyConstraint("id", name="pk_restriction"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            [f"{SCHEMA}.user.id"],
            name="fk_restriction_user_id_user",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_restriction_user_id_until", "restriction", ["user_id", "until"], schema=SCHEMA
    )
    create_idempotency_table_v1(op, SCHEMA)


def downgrade() -> None:
    drop_idempotency_table_v1(op, SCHEMA)
    op.drop_index("ix_restriction_user_id_until", "restriction", schema=SCHEMA)
    op.drop_table("restriction", schema=SCHEMA)
