"""Revision 0003 on a database of its own: rows written under 0002 stay valid, the new kinds
need exactly one destination, and the downgrade refuses while non-IBAN methods exist."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from services.wallet.tests.support.migrations import alembic

from common.testing.database import TestDatabase

INSERT_0002 = """
INSERT INTO wallet.withdrawal_method
    (id, user_id, withdrawal_type, iban_ciphertext, iban_masked, account_holder_name)
VALUES ($1, $2, 'bank_transfer', '\\x01'::bytea, 'DE89 **** **** 3000', 'Ivan')
"""


async def test_upgrade_keeps_old_rows_and_checks_one_destination(scratch: TestDatabase) -> None:
    await alembic(scratch, "upgrade", "0002")
    conn = await asyncpg.connect(scratch.admin_dsn)
    try:
        old = uuid.uuid4()
        await conn.execute(INSERT_0002, old, uuid.uuid4())
        await alembic(scratch, "upgrade", "0003")
        row = await conn.fetchrow(
            "SELECT destination_masked, withdrawal_type FROM wallet.withdrawal_method"
            " WHERE id = $1",
            old,
        )
        assert tuple(row) == ("DE89 **** **** 3000", "bank_transfer")

        crypto = """
            INSERT INTO wallet.withdrawal_method (id, user_id, withdrawal_type, crypto_network,
                crypto_address_ciphertext, destination_masked, iban_ciphertext, iban_masked)
            VALUES ($1, $2, 'crypto', 'bitcoin', '\\x01'::bytea, '1A1z...vfNa', $3, $4)
        """
        with pytest.raises(asyncpg.CheckViolationError):  # crypto with an IBAN too
            await conn.execute(crypto, uuid.uuid4(), uuid.uuid4(), b"\x01", "DE89")
        with pytest.raises(asyncpg.CheckViolationError):  # an unknown network
            await conn.execute(
                crypto.replace("'bitcoin'", "'dogecoin'"), uuid.uuid4(), uuid.uuid4(), None, None
            )
        new = uuid.uuid4()
        await conn.execute(crypto, new, uuid.uuid4(), None, None)
        with pytest.raises(asyncpg.CheckViolationError):  # account without bank code
            await conn.execute(
                """INSERT INTO wallet.withdrawal_method (id, user_id, withdrawal_type,
                    account_number_ciphertext, country, destination_masked, account_holder_name)
                   VALUES ($1, $2, 'bank_transfer', '\\x01'::bytea, 'US', '**** 6789', 'J')""",
                uuid.uuid4(),
                uuid.uuid4(),
            )

        with pytest.raises(Exception, match="cannot downgrade"):
            await alembic(scratch, "downgrade", "0002")
        await conn.execute("DELETE FROM wallet.withdrawal_method WHERE id = $1", new)
        await alembic(scratch, "downgrade", "0002")
        assert await conn.fetchval("SELECT count(*) FROM wallet.withdrawal_method") == 1
        await alembic(scratch, "upgrade", "head")
    finally:
        await conn.close()
