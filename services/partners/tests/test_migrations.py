"""The migrations build exactly the tables the code declares (Alembic finds nothing to add)."""

from __future__ import annotations

from typing import Any

from partners.adapters.tables import metadata


async def test_migrated_schema_matches_the_tables(test_database: Any, partners_app: Any) -> None:
    assert await test_database.schema_drift("partners", metadata) == []
