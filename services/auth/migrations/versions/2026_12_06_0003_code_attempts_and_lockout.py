"""security: email-code attempts counted per account across re-issued codes

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "auth"


def upgrade() -> None:
    # One row per address (HMAC of the normalised email): wrong codes in the current window and
    # the pause they caused (docs/auth.md, "Emailed codes").
    op.create_table(
        "code_attempt",
        sa.Column("subject", sa.LargeBinary(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("subject", name="pk_code_attempt"),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("code_attempt", schema=SCHEMA)
