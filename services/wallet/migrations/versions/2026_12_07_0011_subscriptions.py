"""subscriptions with recurring billing by plan (issue 22, seed 002, ADR 0012)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

- the system accounts of the paid products: ``subscription_revenue``, ``package_revenue`` and
  ``promotions`` (free bets' winnings), sharded like the others;
- the history types ``subscription``, ``subscription_refund``, ``package_purchase``,
  ``free_bet_won``;
- ``subscription_plan`` (admin-managed; price and period never change, a retired plan takes no
  new subscribers), ``subscription`` (at most one active or suspended per user) and
  ``subscription_charge`` / ``subscription_refund``: the payment log, one row per
  (subscription, period number), beside the ledger's unique (kind, reference).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHARDS = 16
NEW_SYSTEM_KINDS = ("subscription_revenue", "package_revenue", "promotions")
OLD_SYSTEM_KINDS = ("house", "clearing", "withdrawals_payable")
OLD_HISTORY_TYPES = (
    "deposit",
    "withdrawal",
    "bet_placed",
    "bet_won",
    "bet_lost",
    "bet_cancelled",
    "coupon_won",
    "coupon_lost",
    "bonus_added",
    "fee_charged",
    "refund",
    "bet_resettled",
)
NEW_HISTORY_TYPES = ("subscription", "subscription_refund", "package_purchase", "free_bet_won")


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _owner_check(system_kinds: Sequence[str]) -> str:
    return f"""
    ALTER TABLE wallet.account DROP CONSTRAINT ck_account_owner,
        ADD CONSTRAINT ck_account_owner CHECK (
            (kind IN ('available', 'held') AND user_id IS NOT NULL AND shard IS NULL)
            OR (kind IN ({_quoted(system_kinds)}) AND user_id IS NULL AND shard IS NOT NULL))
    """


def _history_check(types: Sequence[str]) -> str:
    return f"""
    ALTER TABLE wallet.balance_transaction DROP CONSTRAINT ck_balance_transaction_type,
        ADD CONSTRAINT ck_balance_transaction_type CHECK (type IN ({_quoted(types)}))
    """


TABLES = [
    """
    CREATE TABLE wallet.subscription_plan (
        id uuid PRIMARY KEY,
        name text NOT NULL CONSTRAINT ck_subscription_plan_name CHECK (length(name) BETWEEN 1 AND 100),
        description text NOT NULL DEFAULT '',
        price_minor bigint NOT NULL CONSTRAINT ck_subscription_plan_price CHECK (price_minor > 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        period interval NOT NULL CONSTRAINT ck_subscription_plan_period
            CHECK (period >= interval '1 minute'),
        features jsonb NOT NULL DEFAULT '[]',
        retired_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid
    )
    """,
    """
    CREATE TABLE wallet.subscription (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES wallet.wallet (user_id),
        plan_id uuid NOT NULL REFERENCES wallet.subscription_plan (id),
        status text NOT NULL CONSTRAINT ck_subscription_status
            CHECK (status IN ('active', 'suspended', 'cancelled')),
        paid_from timestamptz NOT NULL,
        period_start timestamptz NOT NULL,
        paid_through timestamptz NOT NULL,
        period_number integer NOT NULL CONSTRAINT ck_subscription_period_number
            CHECK (period_number >= 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        suspended_at timestamptz,
        cancelled_at timestamptz,
        CONSTRAINT ck_subscription_paid_order
            CHECK (paid_from <= period_start AND period_start < paid_through)
    )
    """,
    # One live subscription per user; cancelled ones stay as history (and keep their paid time).
    """
    CREATE UNIQUE INDEX uq_subscription_live_per_user ON wallet.subscription (user_id)
        WHERE status IN ('active', 'suspended')
    """,
    # The renewal job's scan: active subscriptions by the end of their paid time.
    """
    CREATE INDEX ix_subscription_due ON wallet.subscription (paid_through)
        WHERE status = 'active'
    """,
    """
    CREATE TABLE wallet.subscription_charge (
        id uuid PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES wallet.subscription (id),
        user_id uuid NOT NULL,
        plan_id uuid NOT NULL REFERENCES wallet.subscription_plan (id),
        period_number integer NOT NULL,
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL,
        amount_minor bigint NOT NULL CONSTRAINT ck_subscription_charge_positive
            CHECK (amount_minor > 0),
        currency text NOT NULL,
        transfer_id uuid NOT NULL REFERENCES wallet.transfer (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_subscription_charge_period UNIQUE (subscription_id, period_number),
        CONSTRAINT ck_subscription_charge_period CHECK (period_start < period_end)
    )
    """,
    "CREATE INDEX ix_subscription_charge_user ON wallet.subscription_charge (user_id, created_at)",
    "CREATE INDEX ix_subscription_charge_created ON wallet.subscription_charge (created_at)",
    """
    CREATE TABLE wallet.subscription_refund (
        id uuid PRIMARY KEY,
        subscription_id uuid NOT NULL REFERENCES wallet.subscription (id),
        user_id uuid NOT NULL,
        period_number integer NOT NULL,
        amount_minor bigint NOT NULL CONSTRAINT ck_subscription_refund_positive
            CHECK (amount_minor > 0),
        currency text NOT NULL,
        changed_at timestamptz NOT NULL,
        transfer_id uuid NOT NULL REFERENCES wallet.transfer (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_subscription_refund_period UNIQUE (subscription_id, period_number)
    )
    """,
]


def upgrade() -> None:
    op.execute(_owner_check(OLD_SYSTEM_KINDS + NEW_SYSTEM_KINDS))
    values = ", ".join(
        f"('{kind}', {shard}, 'XXX')" for kind in NEW_SYSTEM_KINDS for shard in range(SHARDS)
    )
    op.execute(f"INSERT INTO wallet.account (kind, shard, currency) VALUES {values}")  # noqa: S608
    op.execute(_history_check(OLD_HISTORY_TYPES + NEW_HISTORY_TYPES))
    for statement in TABLES:
        op.execute(statement)


def downgrade() -> None:
    for table in (
        "subscription_refund",
        "subscription_charge",
        "subscription",
        "subscription_plan",
    ):
        op.execute(f"DROP TABLE IF EXISTS wallet.{table}")
    op.execute(
        "DELETE FROM wallet.balance_transaction WHERE type IN "  # noqa: S608
        f"({_quoted(NEW_HISTORY_TYPES)})"
    )
    op.execute(_history_check(OLD_HISTORY_TYPES))
    op.execute(
        f"DELETE FROM wallet.account WHERE kind IN ({_quoted(NEW_SYSTEM_KINDS)})"  # noqa: S608
    )
    op.execute(_owner_check(OLD_SYSTEM_KINDS))
