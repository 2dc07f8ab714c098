"""security: four eyes on money out, payout caps, per-user caps on Stripe work (issue 20)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

- ``hold.max_payout_minor``: the bet's potential win, from its ``ReserveStake`` (null for a
  command sent before the field existed: the configured maximum applies). ``hold.paid_minor``:
  what the bet has put back into the available balance so far (payout or stake returned, plus
  every resettlement delta), kept under the hold's row lock; backfilled from the ledger here.
- ``audit_log``: one ``payout_refused`` row per refused message (unique on its ``event_id``),
  however often the bus redelivers it before it is dead-lettered.
- ``withdrawal_approval``: who approved a pending withdrawal and when (two different admins
  above ``WALLET_WITHDRAWAL_SECOND_APPROVAL_ABOVE_MINOR``).
- ``card_deposit.rechecked_at``, ``card_setup.rechecked_at``: when Stripe was last asked about
  it, so a status poll or the job asks at most once per interval.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = [
    """
    ALTER TABLE wallet.hold
        ADD COLUMN max_payout_minor bigint
            CONSTRAINT ck_hold_max_payout_positive CHECK (max_payout_minor > 0),
        ADD COLUMN paid_minor bigint NOT NULL DEFAULT 0
    """,
    # Holds settled before this migration: what their bets paid, from the ledger's transfers
    # keyed by bet (payout and stake_void by bet id, resettlement by "<bet id>:<version>").
    """
    UPDATE wallet.hold h SET paid_minor = paid.amount
    FROM (
        SELECT split_part(t.reference, ':', 1) AS bet_id, sum(e.amount_minor) AS amount
        FROM wallet.transfer t
        JOIN wallet.entry e ON e.transfer_id = t.id
        JOIN wallet.account a ON a.id = e.account_id AND a.kind = 'available'
        WHERE t.kind IN ('payout', 'stake_void', 'resettlement')
        GROUP BY 1
    ) paid
    WHERE h.bet_id::text = paid.bet_id AND h.status <> 'pending'
    """,
    """
    CREATE UNIQUE INDEX uq_audit_log_payout_refused_event_id
        ON wallet.audit_log ((details ->> 'event_id'))
        WHERE action = 'payout_refused'
    """,
    """
    CREATE TABLE wallet.withdrawal_approval (
        operation_id uuid NOT NULL REFERENCES wallet.withdrawal (operation_id),
        admin_id uuid NOT NULL,
        approved_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_withdrawal_approval PRIMARY KEY (operation_id, admin_id)
    )
    """,
    "ALTER TABLE wallet.card_deposit ADD COLUMN rechecked_at timestamptz",
    "ALTER TABLE wallet.card_setup ADD COLUMN rechecked_at timestamptz",
    """
    CREATE INDEX ix_card_setup_unfinished ON wallet.card_setup (created_at)
        WHERE status NOT IN ('succeeded', 'canceled')
    """,
]

DOWNGRADE = [
    "DROP INDEX IF EXISTS wallet.ix_card_setup_unfinished",
    "ALTER TABLE wallet.card_setup DROP COLUMN IF EXISTS rechecked_at",
    "ALTER TABLE wallet.card_deposit DROP COLUMN IF EXISTS rechecked_at",
    "DROP TABLE IF EXISTS wallet.withdrawal_approval",
    "DROP INDEX IF EXISTS wallet.uq_audit_log_payout_refused_event_id",
    "ALTER TABLE wallet.hold DROP COLUMN IF EXISTS paid_minor",
    "ALTER TABLE wallet.hold DROP COLUMN IF EXISTS max_payout_minor",
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
