"""A fresh PostgreSQL database per test session: roles and schemas bootstrapped, migrated."""

from __future__ import annotations

import asyncio
import importlib.util
import uuid
from pathlib import Path
from typing import Any

import asyncpg
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection, make_url

from common.db import create_engine, libpq_url
from common.db.bootstrap import DEFAULT_SERVICES, ServiceDatabase, bootstrap
from common.settings import dev_database_url


def alembic_ini_for(service: str) -> Path:
    spec = importlib.util.find_spec(service)
    if spec is None or spec.origin is None:
        raise LookupError(f"service package {service!r} is not installed")
    # services/<svc>/src/<svc>/__init__.py → services/<svc>/alembic.ini
    return Path(spec.origin).resolve().parents[2] / "alembic.ini"


class TestDatabase:
    __test__ = False  # not a test class

    def __init__(self, admin_url: str, services: tuple[str, ...] = DEFAULT_SERVICES) -> None:
        self.admin_url = admin_url
        self.name = f"looseline_test_{uuid.uuid4().hex[:10]}"
        self.services = services
        self._migrated: set[str] = set()
        self._lock = asyncio.Lock()

    @staticmethod
    def role_for(service: str) -> str:
        """Tests log in as roles of their own, so they never reset a deployment's passwords."""
        return f"looseline_test_{service}"

    def url_for(self, service: str) -> str:
        """The service's own-role URL (asyncpg driver) pointed at this test database."""
        admin = make_url(self.admin_url)
        role = self.role_for(service)
        own = make_url(dev_database_url(service)).set(username=role, password=role)
        return own.set(host=admin.host, port=admin.port, database=self.name).render_as_string(
            hide_password=False
        )

    @property
    def admin_dsn(self) -> str:
        """Superuser libpq DSN on the test database (for assertions and scratch schemas)."""
        return (
            make_url(libpq_url(self.admin_url))
            .set(database=self.name)
            .render_as_string(hide_password=False)
        )

    async def create(self) -> None:
        await bootstrap(
            self.admin_url,
            [ServiceDatabase.from_url(s, self.url_for(s)) for s in self.services],
        )

    async def migrate(self, service: str) -> None:
        """Alembic upgrade head for one service, as its own role, once per session."""
        async with self._lock:
            if service in self._migrated:
                return
            config = Config(str(alembic_ini_for(service)))
            config.attributes["url"] = self.url_for(service)
            # Alembic's env.py runs its own event loop: give it a thread.
            await asyncio.to_thread(command.upgrade, config, "head")
            self._migrated.add(service)

    async def schema_drift(self, service: str, metadata: MetaData) -> list[Any]:
        """What Alembic would change to make ``service``'s migrated schema match ``metadata``.

        Empty when the migrations build exactly the tables the code declares. Compared as the
        superuser (default schema ``public``), so the service's schema is a named one.
        """
        await self.migrate(service)
        url = self.admin_dsn.replace("postgresql://", "postgresql+asyncpg://", 1)
        engine = create_engine(url, pool_size=1)

        def diff(conn: Connection) -> list[Any]:
            context = MigrationContext.configure(
                conn,
                opts={
                    "include_schemas": True,
                    "include_name": lambda name, type_, _: type_ != "schema" or name == service,
                    "compare_type": True,
                    "version_table_schema": service,
                },
            )
            return list(compare_metadata(context, metadata))

        try:
            async with engine.connect() as conn:
                return await conn.run_sync(diff)
        finally:
            await engine.dispose()

    async def drop(self) -> None:
        conn = await asyncpg.connect(libpq_url(self.admin_url))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            await conn.close()
