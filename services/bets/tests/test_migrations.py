"""The migrations build exactly the tables the code declares (Alembic finds nothing to add)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from bets.adapters.tables import metadata
from common.db import create_engine


async def test_migrated_schema_matches_the_tables(test_database: Any) -> None:
    await test_database.migrate("bets")
    # As the superuser (default schema "public"), so "bets" is compared as a named schema.
    url = test_database.admin_dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
    engine = create_engine(url, pool_size=1)

    def diff(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(
            conn,
            opts={
                "include_schemas": True,
                "include_name": lambda name, type_, _: type_ != "schema" or name == "bets",
                "compare_type": True,
                "version_table_schema": "bets",
            },
        )
        return list(compare_metadata(context, metadata))

    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(diff) == []
    finally:
        await engine.dispose()
