"""What every service's Alembic ``env.py`` runs: async, one schema, version table inside it.

The URL comes from ``config.attributes["url"]`` (tests, programmatic runs), ``-x url=…``, or
the service's settings (``<SVC>_DATABASE_URL``). Migrations run as the service's own role,
so the tables they create belong to it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool


def _include_name(schema: str) -> Callable[..., bool]:
    def include(name: str | None, type_: str, parent_names: object) -> bool:
        if type_ == "schema":
            return name == schema
        return True

    return include


def run_migrations(*, schema: str, metadata: MetaData, default_url: Callable[[], str]) -> None:
    config = context.config
    if config.config_file_name and not config.attributes.get("url"):
        # CLI runs log what they apply; programmatic runs (tests) keep the caller's logging.
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    url = (
        config.attributes.get("url")
        or context.get_x_argument(as_dictionary=True).get("url")
        or default_url()
    )
    options: dict[str, Any] = {
        "target_metadata": metadata,
        "version_table_schema": schema,
        "include_schemas": True,
        "include_name": _include_name(schema),
        "compare_type": True,
    }

    if context.is_offline_mode():
        context.configure(url=url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return

    def run(connection: Connection) -> None:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(url, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(run)
                await connection.commit()
        finally:
            await engine.dispose()

    asyncio.run(run_async())
