"""responsible gambling: restrictions from auth, deposit limits (issue 23)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

- ``account_restriction``: the read model of auth's ``UserTimedOut`` / ``UserSelfExcluded``, one
  row per user, the latest ``until`` heard (no foreign key: the message may come before the
  wallet is opened);
- ``deposit_limit``: the user's limit per period (day / week / month) in force, and a pending
  increase or removal with the time it takes effect (cooling-off);
- ``deposit_limit_change``: every change asked for, as decided (applied at once or scheduled).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATEMENTS = [
    """
    CREATE TABLE wallet.account_restriction (
        user_id uuid PRIMARY KEY,
        kind text NOT NULL CONSTRAINT ck_account_restriction_kind
            CHECK (kind IN ('time_out', 'self_exclusion')),
        until timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE wallet.deposit_limit (
        user_id uuid NOT NULL,
        period text NOT NULL CONSTRAINT ck_deposit_limit_period
            CHECK (period IN ('day', 'week', 'month')),
        amount_minor bigint CONSTRAINT ck_deposit_limit_amount CHECK (amount_minor > 0),
        pending boolean NOT NULL DEFAULT false,
        pending_amount_minor bigint
            CONSTRAINT ck_deposit_limit_pending_amount CHECK (pending_amount_minor > 0),
        pending_effective_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, period),
        CONSTRAINT ck_deposit_limit_pending CHECK (
            pending = (pending_effective_at IS NOT NULL)
            AND (pending OR pending_amount_minor IS NULL))
    )
    """,
    """
    CREATE TABLE wallet.deposit_limit_change (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL,
        period text NOT NULL,
        previous_minor bigint,
        requested_minor bigint,
        outcome text NOT NULL CONSTRAINT ck_deposit_limit_change_outcome
            CHECK (outcome IN ('applied', 'scheduled')),
        effective_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX ix_deposit_limit_change_user ON wallet.deposit_limit_change (user_id, id DESC)",
]


def upgrade() -> None:
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    op.execute(
        "DROP TABLE IF EXISTS wallet.deposit_limit_change, wallet.deposit_limit, "
        "wallet.account_restriction"
    )
