"""The migrations build the tables and columns the code declares, with their types: the
ledger's, the Stripe deposits', the reports', the saga's tombstones (one metadata).

The wallet declares its indexes, unique constraints and foreign keys in the migrations only
(queries do not need them in the metadata), so Alembic's wish to "remove" those is expected;
anything else — a table or column missing on either side, a type that differs — is drift.
"""

from __future__ import annotations

from typing import Any

import wallet.adapters.report_tables
import wallet.adapters.saga_tables
import wallet.adapters.stripe_tables
from wallet.adapters.tables import metadata

# Importing these modules adds their tables to the one wallet metadata.
TABLE_MODULES = (
    wallet.adapters.report_tables,
    wallet.adapters.saga_tables,
    wallet.adapters.stripe_tables,
)
DECLARED_IN_MIGRATIONS_ONLY = {"remove_index", "remove_constraint", "remove_fk"}


async def test_migrated_schema_has_every_declared_table_column_and_type(test_database: Any) -> None:
    drift = await test_database.schema_drift("wallet", metadata)
    unexpected = [
        d for d in drift if not (isinstance(d, tuple) and d[0] in DECLARED_IN_MIGRATIONS_ONLY)
    ]
    assert unexpected == []
    assert {t.name for t in metadata.sorted_tables} >= {
        "card_deposit",
        "payment_method",
        "stripe_event",
        "report",
        "monthly_statement",
        "release_tombstone",
    }
