"""a default withdrawal method; the admin's queue of methods to verify (issue 25, items 5, 8)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

- ``withdrawal_method.is_default`` (seed 001): at most one per user, only on an active method.
  A method verified while its owner has no default becomes the default; existing users get
  their oldest active verified method as default here. Deleting the default leaves none.
- ``ix_withdrawal_method_unverified``: the admin's list of active methods awaiting
  verification, oldest first.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = [
    """
    ALTER TABLE wallet.withdrawal_method
        ADD COLUMN is_default boolean NOT NULL DEFAULT false,
        ADD CONSTRAINT ck_withdrawal_method_default_is_active CHECK (NOT is_default OR is_active)
    """,
    """
    CREATE UNIQUE INDEX uq_withdrawal_method_one_default ON wallet.withdrawal_method (user_id)
        WHERE is_default
    """,
    """
    UPDATE wallet.withdrawal_method m SET is_default = true
    FROM (
        SELECT DISTINCT ON (user_id) id FROM wallet.withdrawal_method
        WHERE is_active AND is_verified
        ORDER BY user_id, created_at, id
    ) first
    WHERE m.id = first.id
    """,
    """
    CREATE INDEX ix_withdrawal_method_unverified ON wallet.withdrawal_method (created_at, id)
        WHERE is_active AND NOT is_verified
    """,
]

DOWNGRADE = [
    "DROP INDEX wallet.ix_withdrawal_method_unverified",
    "DROP INDEX wallet.uq_withdrawal_method_one_default",
    """
    ALTER TABLE wallet.withdrawal_method
        DROP CONSTRAINT ck_withdrawal_method_default_is_active,
        DROP COLUMN is_default
    """,
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
