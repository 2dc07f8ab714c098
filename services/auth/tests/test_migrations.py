"""The migrations build exactly the tables the code describes."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine

from auth.adapters.tables import metadata


async def test_migrated_schema_matches_the_tables(api: Any) -> None:
    def diff(connection: Any) -> list[Any]:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_schemas": True,
                "include_name": lambda name, type_, _parents: type_ != "schema" or name == "auth",
                "compare_type": True,
                "version_table_schema": "auth",
            },
        )
        return list(compare_metadata(context, metadata))

    # With `auth` on the role's search path, reflection would call it the default schema
    # (None) and see none of the metadata's `auth.` tables: look from `public` instead.
    engine = create_async_engine(
        api.services.settings.database_url,
        connect_args={"server_settings": {"search_path": "public"}},
    )
    try:
        async with engine.connect() as conn:
            differences = await conn.run_sync(diff)
    finally:
        await engine.dispose()
    assert differences == []
