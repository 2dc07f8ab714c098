"""free bets: a hold staked with a unit of a free-bet package (issue 22, ADR 0012)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

- ``hold.free_bet``: the bet was staked with a free-bet unit; no money sits in ``held`` for it
  (reconciliation's "held = Σ pending holds" counts only the others), a win pays only the
  winnings from ``promotions``;
- ``package_usage.reversed_at``: the unit a voided or cancelled free bet took is given back once;
- ``bet.free_bet`` (the read model, from BetPlaced): statistics count a free bet's winnings, not
  its stake.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE wallet.hold ADD COLUMN free_bet boolean NOT NULL DEFAULT false")
    op.execute("ALTER TABLE wallet.package_usage ADD COLUMN reversed_at timestamptz")
    op.execute("ALTER TABLE wallet.bet ADD COLUMN free_bet boolean NOT NULL DEFAULT false")


def downgrade() -> None:
    op.execute("ALTER TABLE wallet.bet DROP COLUMN free_bet")
    op.execute("ALTER TABLE wallet.package_usage DROP COLUMN reversed_at")
    op.execute("ALTER TABLE wallet.hold DROP COLUMN free_bet")
