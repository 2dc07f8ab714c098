"""release tombstones: a ReleaseStake that came before its ReserveStake

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

- ``release_tombstone``: a bet the wallet was told to release before it ever saw (or held) the
  stake — the bets watchdog gave up on it. A ``ReserveStake`` arriving later for that bet is
  rejected (``wallet.bet_released``) and holds nothing.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = [
    """
    CREATE TABLE wallet.release_tombstone (
        bet_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
]

DOWNGRADE = [
    "DROP TABLE IF EXISTS wallet.release_tombstone",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
