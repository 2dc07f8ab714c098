"""events.idempotency_key: the admin's Idempotency-Keys and their first answers (issue 21)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

from common.idempotency import create_idempotency_table_v1, drop_idempotency_table_v1

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "events"


def upgrade() -> None:
    create_idempotency_table_v1(op, SCHEMA)


def downgrade() -> None:
    drop_idempotency_table_v1(op, SCHEMA)
