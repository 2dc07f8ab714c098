"""Stripe deposits (issue 8): customers, payment methods, deposit operations, processed webhook events

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

Frozen DDL (tables mirrored in ``wallet.adapters.stripe_tables``). What the database enforces:
- one Stripe customer per user; a Stripe id (customer, PaymentMethod, PaymentIntent, Checkout
  Session, event, dispute) appears once;
- one default saved card per user; a card's last4 is 4 digits (no card number ever stored);
- a deposit's status is one of pending / succeeded / failed / canceled / expired, a succeeded
  one has its credited amount and time.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = [
    """
    CREATE TABLE wallet.stripe_customer (
        user_id uuid PRIMARY KEY REFERENCES wallet.wallet (user_id),
        stripe_customer_id text NOT NULL CONSTRAINT uq_stripe_customer_stripe_customer_id UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE wallet.payment_method (
        method_id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES wallet.wallet (user_id),
        stripe_payment_method_id text NOT NULL
            CONSTRAINT uq_payment_method_stripe_payment_method_id UNIQUE,
        payment_type text NOT NULL CONSTRAINT ck_payment_method_payment_type
            CHECK (payment_type IN ('card', 'bank_account')),
        card_brand text,
        card_last4 text CONSTRAINT ck_payment_method_card_last4 CHECK (card_last4 ~ '^[0-9]{4}$'),
        card_exp_month integer CONSTRAINT ck_payment_method_card_exp_month
            CHECK (card_exp_month BETWEEN 1 AND 12),
        card_exp_year integer,
        is_default boolean NOT NULL DEFAULT false,
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        detached_at timestamptz,
        CONSTRAINT ck_payment_method_default_is_active CHECK (NOT is_default OR is_active)
    )
    """,
    "CREATE INDEX ix_payment_method_user_id ON wallet.payment_method (user_id, created_at)",
    """
    CREATE UNIQUE INDEX uq_payment_method_one_default ON wallet.payment_method (user_id)
        WHERE is_default
    """,
    """
    CREATE TABLE wallet.card_setup (
        setup_intent_id text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES wallet.wallet (user_id),
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    "CREATE INDEX ix_card_setup_user_id ON wallet.card_setup (user_id, created_at)",
    """
    CREATE TABLE wallet.card_deposit (
        operation_id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES wallet.wallet (user_id),
        kind text NOT NULL CONSTRAINT ck_card_deposit_kind
            CHECK (kind IN ('new_card', 'saved_card', 'checkout')),
        intent_id text CONSTRAINT uq_card_deposit_intent_id UNIQUE,
        checkout_session_id text CONSTRAINT uq_card_deposit_checkout_session_id UNIQUE,
        amount_minor bigint NOT NULL CONSTRAINT ck_card_deposit_amount_positive
            CHECK (amount_minor > 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CONSTRAINT ck_card_deposit_status
            CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled', 'expired')),
        stripe_status text,
        credited_minor bigint,
        refunded_minor bigint NOT NULL DEFAULT 0
            CONSTRAINT ck_card_deposit_refunded_not_negative CHECK (refunded_minor >= 0),
        charge_id text,
        method_id uuid REFERENCES wallet.payment_method (method_id),
        save_method boolean NOT NULL DEFAULT false,
        decline_code text,
        failure_message text,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CONSTRAINT ck_card_deposit_credited CHECK (
            (status = 'succeeded') = (credited_minor IS NOT NULL AND completed_at IS NOT NULL))
    )
    """,
    "CREATE INDEX ix_card_deposit_user_id ON wallet.card_deposit (user_id, created_at DESC)",
    "CREATE INDEX ix_card_deposit_charge_id ON wallet.card_deposit (charge_id)",
    """
    CREATE INDEX ix_card_deposit_pending ON wallet.card_deposit (created_at)
        WHERE status = 'pending'
    """,
    """
    CREATE TABLE wallet.stripe_event (
        event_id text PRIMARY KEY,
        type text NOT NULL,
        outcome text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
    )
    """,
    """
    CREATE TABLE wallet.card_dispute (
        dispute_id text PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES wallet.wallet (user_id),
        operation_id uuid REFERENCES wallet.card_deposit (operation_id),
        charge_id text,
        amount_minor bigint NOT NULL CONSTRAINT ck_card_dispute_amount_positive
            CHECK (amount_minor > 0),
        currency text NOT NULL,
        status text NOT NULL CONSTRAINT ck_card_dispute_status
            CHECK (status IN ('open', 'won', 'lost')),
        stripe_status text,
        reason text,
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        closed_at timestamptz,
        CONSTRAINT ck_card_dispute_closed CHECK ((status = 'open') = (closed_at IS NULL))
    )
    """,
    """
    CREATE INDEX ix_card_dispute_open ON wallet.card_dispute (user_id) WHERE status = 'open'
    """,
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    op.execute(
        """
        DROP TABLE IF EXISTS wallet.card_dispute, wallet.stripe_event, wallet.card_deposit,
            wallet.card_setup, wallet.payment_method, wallet.stripe_customer
        """
    )
