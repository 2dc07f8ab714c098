"""prepaid packages of units with an expiry (issue 22, seed 004, ADR 0012)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

- ``package`` (admin-defined: units, price, validity, active; a free-bet package's unit is a
  bet of ``stake_minor``);
- ``package_order``: seed 004's payment transaction log — one row per attempt to buy, by balance
  or by card (``operation_id``: the card deposit's), ``pending`` until paid, then ``paid`` once;
- ``package_purchase``: the units a paid order bought, with their own expiry; created once per
  payment (``payment_reference`` unique), never before the payment is confirmed;
- ``package_usage`` (once per user and usage id) and ``package_usage_item`` (which purchase
  gave how many units);
- ``package_notice``: each notice once per purchase and kind.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = [
    """
    CREATE TABLE wallet.package (
        id uuid PRIMARY KEY,
        name text NOT NULL CONSTRAINT ck_package_name CHECK (length(name) BETWEEN 1 AND 100),
        description text NOT NULL DEFAULT '',
        kind text NOT NULL CONSTRAINT ck_package_kind CHECK (kind IN ('units', 'free_bet')),
        units integer NOT NULL CONSTRAINT ck_package_units CHECK (units > 0),
        price_minor bigint NOT NULL CONSTRAINT ck_package_price CHECK (price_minor > 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        validity_days integer NOT NULL CONSTRAINT ck_package_validity CHECK (validity_days > 0),
        stake_minor bigint,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        created_by uuid,
        CONSTRAINT ck_package_free_bet_stake CHECK (
            (kind = 'free_bet') = (stake_minor IS NOT NULL AND stake_minor > 0))
    )
    """,
    """
    CREATE TABLE wallet.package_order (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES wallet.wallet (user_id),
        package_id uuid NOT NULL REFERENCES wallet.package (id),
        amount_minor bigint NOT NULL CONSTRAINT ck_package_order_positive CHECK (amount_minor > 0),
        currency text NOT NULL,
        method text NOT NULL CONSTRAINT ck_package_order_method CHECK (method IN ('balance', 'card')),
        operation_id uuid CONSTRAINT uq_package_order_operation_id UNIQUE,
        status text NOT NULL CONSTRAINT ck_package_order_status
            CHECK (status IN ('pending', 'paid', 'failed')),
        failure_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        paid_at timestamptz,
        CONSTRAINT ck_package_order_card_has_operation
            CHECK (method = 'balance' OR operation_id IS NOT NULL),
        CONSTRAINT ck_package_order_paid CHECK ((status = 'paid') = (paid_at IS NOT NULL))
    )
    """,
    "CREATE INDEX ix_package_order_user ON wallet.package_order (user_id, created_at DESC)",
    "CREATE INDEX ix_package_order_created ON wallet.package_order (created_at DESC)",
    """
    CREATE TABLE wallet.package_purchase (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES wallet.wallet (user_id),
        package_id uuid NOT NULL REFERENCES wallet.package (id),
        order_id uuid NOT NULL REFERENCES wallet.package_order (id),
        payment_reference text NOT NULL
            CONSTRAINT uq_package_purchase_payment_reference UNIQUE,
        units_total integer NOT NULL CONSTRAINT ck_package_purchase_total CHECK (units_total > 0),
        units_left integer NOT NULL,
        paid_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        lapsed_units integer NOT NULL DEFAULT 0,
        lapsed_at timestamptz,
        transfer_id uuid REFERENCES wallet.transfer (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ck_package_purchase_left
            CHECK (units_left >= 0 AND units_left + lapsed_units <= units_total),
        CONSTRAINT ck_package_purchase_expiry CHECK (paid_at < expires_at)
    )
    """,
    # A user's usable units, earliest expiry first (the usage's spending order).
    """
    CREATE INDEX ix_package_purchase_usable ON wallet.package_purchase
        (user_id, package_id, expires_at, paid_at, id) WHERE units_left > 0
    """,
    # The lapse job's scan.
    """
    CREATE INDEX ix_package_purchase_lapsing ON wallet.package_purchase (expires_at)
        WHERE units_left > 0
    """,
    """
    CREATE TABLE wallet.package_usage (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id uuid NOT NULL,
        usage_id text NOT NULL CONSTRAINT ck_package_usage_id CHECK (length(usage_id) BETWEEN 1 AND 100),
        package_kind text NOT NULL,
        units integer NOT NULL CONSTRAINT ck_package_usage_units CHECK (units > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_package_usage_user_usage UNIQUE (user_id, usage_id)
    )
    """,
    """
    CREATE TABLE wallet.package_usage_item (
        usage_row_id bigint NOT NULL REFERENCES wallet.package_usage (id),
        purchase_id uuid NOT NULL REFERENCES wallet.package_purchase (id),
        units integer NOT NULL CONSTRAINT ck_package_usage_item_units CHECK (units > 0),
        PRIMARY KEY (usage_row_id, purchase_id)
    )
    """,
    """
    CREATE TABLE wallet.package_notice (
        purchase_id uuid NOT NULL REFERENCES wallet.package_purchase (id),
        kind text NOT NULL CONSTRAINT ck_package_notice_kind
            CHECK (kind IN ('expiring_soon', 'running_out')),
        user_id uuid NOT NULL,
        sent_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (purchase_id, kind)
    )
    """,
]


def upgrade() -> None:
    for statement in TABLES:
        op.execute(statement)


def downgrade() -> None:
    for table in (
        "package_notice",
        "package_usage_item",
        "package_usage",
        "package_purchase",
        "package_order",
        "package",
    ):
        op.execute(f"DROP TABLE IF EXISTS wallet.{table}")
