"""account closure and unblocking (issue 25, items 1 and 10)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

- ``wallet.block_changed_at``: the ``occurred_at`` of the newest ``auth.UserBlocked`` /
  ``auth.UserUnblocked`` applied; an older one arriving late changes nothing.
- ``wallet.closure_requested_at``: the user asked to close the account (``auth.AccountClosure
  Requested``): deposits and bets are refused, withdrawals still allowed.
- ``wallet.closure_settled_at``: when nothing was left (available, held, pending withdrawals
  all zero) and ``wallet.AccountSettledForClosure`` went out (once).
Nothing is deleted: the ledger, history and statements of a closed account stay.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = [
    """
    ALTER TABLE wallet.wallet
        ADD COLUMN block_changed_at timestamptz,
        ADD COLUMN closure_requested_at timestamptz,
        ADD COLUMN closure_settled_at timestamptz
    """,
    # The closure sweep reads the wallets still waiting to be emptied.
    """
    CREATE INDEX ix_wallet_closure_waiting ON wallet.wallet (closure_requested_at)
        WHERE closure_requested_at IS NOT NULL AND closure_settled_at IS NULL
    """,
]

DOWNGRADE = [
    "DROP INDEX IF EXISTS wallet.ix_wallet_closure_waiting",
    """
    ALTER TABLE wallet.wallet
        DROP COLUMN IF EXISTS closure_settled_at,
        DROP COLUMN IF EXISTS closure_requested_at,
        DROP COLUMN IF EXISTS block_changed_at
    """,
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
