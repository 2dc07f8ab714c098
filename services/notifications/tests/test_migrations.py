"""The migrations build exactly the tables the code declares (Alembic finds nothing to add)."""

from __future__ import annotations

from typing import Any

from notifications.adapters.tables import metadata


async def test_migrated_schema_matches_the_tables(test_database: Any) -> None:
    await test_database.migrate("notifications")
    assert await test_database.schema_drift("notifications", metadata) == []
