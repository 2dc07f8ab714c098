"""bet.free_bet: staked with a unit of a free-bet package (issue 22)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "bets"


def upgrade() -> None:
    op.add_column(
        "bet",
        sa.Column("free_bet", sa.Boolean(), nullable=False, server_default=sa.false()),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_column("bet", "free_bet", schema=SCHEMA)
