"""withdrawal methods: bank account + bank code (countries without IBAN) and crypto addresses

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

Rows of 0002 (bank transfers by IBAN) stay valid: ``destination_masked`` is backfilled from
``iban_masked``. Exactly one destination per row, enforced by ``ck_withdrawal_method_destination``:
- bank_transfer by IBAN: iban_ciphertext + iban_masked, nothing else;
- bank_transfer by account: account_number_ciphertext + bank_code + country, no IBAN;
- crypto: crypto_network + crypto_address_ciphertext, no bank fields.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UPGRADE = [
    """
    ALTER TABLE wallet.withdrawal_method
        ADD COLUMN account_number_ciphertext bytea,
        ADD COLUMN bank_code text,
        ADD COLUMN country text CONSTRAINT ck_withdrawal_method_country
            CHECK (country ~ '^[A-Z]{2}$'),
        ADD COLUMN crypto_network text CONSTRAINT ck_withdrawal_method_crypto_network
            CHECK (crypto_network IN ('bitcoin', 'ethereum', 'tron')),
        ADD COLUMN crypto_address_ciphertext bytea,
        ADD COLUMN destination_masked text
    """,
    "UPDATE wallet.withdrawal_method SET destination_masked = iban_masked",
    """
    ALTER TABLE wallet.withdrawal_method
        ALTER COLUMN destination_masked SET NOT NULL,
        ALTER COLUMN iban_ciphertext DROP NOT NULL,
        ALTER COLUMN iban_masked DROP NOT NULL,
        ALTER COLUMN account_holder_name DROP NOT NULL,
        DROP CONSTRAINT ck_withdrawal_method_type,
        ADD CONSTRAINT ck_withdrawal_method_type
            CHECK (withdrawal_type IN ('bank_transfer', 'crypto')),
        ADD CONSTRAINT ck_withdrawal_method_destination CHECK (
            (withdrawal_type = 'bank_transfer'
                AND account_holder_name IS NOT NULL
                AND crypto_network IS NULL AND crypto_address_ciphertext IS NULL
                AND (
                    (iban_ciphertext IS NOT NULL AND iban_masked IS NOT NULL
                        AND account_number_ciphertext IS NULL AND bank_code IS NULL
                        AND country IS NULL)
                    OR (iban_ciphertext IS NULL AND iban_masked IS NULL
                        AND account_number_ciphertext IS NOT NULL AND bank_code IS NOT NULL
                        AND country IS NOT NULL)
                ))
            OR (withdrawal_type = 'crypto'
                AND crypto_network IS NOT NULL AND crypto_address_ciphertext IS NOT NULL
                AND iban_ciphertext IS NULL AND iban_masked IS NULL AND swift_code IS NULL
                AND account_number_ciphertext IS NULL AND bank_code IS NULL)
        )
    """,
]

DOWNGRADE = [
    # 0002 knows only IBAN rows: refuse rather than silently drop money destinations.
    """
    DO $$
    BEGIN
        IF EXISTS (SELECT 1 FROM wallet.withdrawal_method WHERE iban_ciphertext IS NULL) THEN
            RAISE EXCEPTION 'withdrawal methods without IBAN exist: cannot downgrade to 0002';
        END IF;
    END
    $$
    """,
    """
    ALTER TABLE wallet.withdrawal_method
        DROP CONSTRAINT ck_withdrawal_method_destination,
        DROP CONSTRAINT ck_withdrawal_method_type,
        ADD CONSTRAINT ck_withdrawal_method_type CHECK (withdrawal_type IN ('bank_transfer')),
        ALTER COLUMN iban_ciphertext SET NOT NULL,
        ALTER COLUMN iban_masked SET NOT NULL,
        ALTER COLUMN account_holder_name SET NOT NULL,
        DROP COLUMN account_number_ciphertext,
        DROP COLUMN bank_code,
        DROP COLUMN country,
        DROP COLUMN crypto_network,
        DROP COLUMN crypto_address_ciphertext,
        DROP COLUMN destination_masked
    """,
]


def upgrade() -> None:
    for statement in UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    for statement in DOWNGRADE:
        op.execute(statement)
