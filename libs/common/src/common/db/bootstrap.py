"""Create/update the database, one login role and one schema per service (idempotent).

Run as a superuser (``DB_ADMIN_URL``). Each service's role owns its schema and has no
rights on any other: the only way across is an HTTP call or a message.

    looseline-db-bootstrap            # services from DB_SERVICES, URLs from <SVC>_DATABASE_URL
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from dataclasses import dataclass

import asyncpg
from sqlalchemy.engine import make_url

from common.db import libpq_url
from common.settings import dev_database_url

DEFAULT_SERVICES = ("auth", "events", "bets", "wallet", "notifications", "partners")
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class ServiceDatabase:
    schema: str
    role: str
    password: str
    database: str

    @classmethod
    def from_url(cls, schema: str, url: str) -> ServiceDatabase:
        parsed = make_url(url)
        if not parsed.username or not parsed.database:
            raise ValueError(f"{schema}: database URL needs a user and a database name")
        for ident in (schema, parsed.username, parsed.database):
            if not _IDENT.match(ident):
                raise ValueError(f"{ident!r} is not a plain lower-case identifier")
        return cls(schema, parsed.username, parsed.password or "", parsed.database)


async def _execute_formatted(conn: asyncpg.Connection, template: str, *args: str) -> None:
    # Identifiers and literals are quoted by PostgreSQL's own format(%I, %L).
    statement = await conn.fetchval("SELECT format($1, VARIADIC $2::text[])", template, list(args))
    await conn.execute(statement)


async def ensure_database(admin_url: str, database: str) -> None:
    if not _IDENT.match(database):
        raise ValueError(f"{database!r} is not a plain lower-case identifier")
    conn = await asyncpg.connect(libpq_url(admin_url))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        if not exists:
            await _execute_formatted(conn, "CREATE DATABASE %I", database)
    finally:
        await conn.close()


_LOCK = "SELECT pg_advisory_lock(hashtext('looseline-bootstrap'))"
_UNLOCK = "SELECT pg_advisory_unlock(hashtext('looseline-bootstrap'))"


async def ensure_role(admin_url: str, svc: ServiceDatabase) -> None:
    conn = await asyncpg.connect(libpq_url(admin_url))
    try:
        # Parallel bootstraps (replicas, test sessions) never race CREATE ROLE.
        await conn.execute(_LOCK)
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", svc.role)
            if not exists:
                await _execute_formatted(conn, "CREATE ROLE %I LOGIN", svc.role)
            await _execute_formatted(
                conn,
                "ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L",
                svc.role,
                svc.password,
            )
        finally:
            await conn.execute(_UNLOCK)
    finally:
        await conn.close()


async def ensure_schema(admin_url: str, svc: ServiceDatabase) -> None:
    url = make_url(libpq_url(admin_url)).set(database=svc.database)
    conn = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        # Advisory locks are per database: take it here too.
        await conn.execute(_LOCK)
        try:
            await _own_schema_only(conn, svc)
        finally:
            await conn.execute(_UNLOCK)
    finally:
        await conn.close()


async def _own_schema_only(conn: asyncpg.Connection, svc: ServiceDatabase) -> None:
    await _execute_formatted(conn, "REVOKE ALL ON DATABASE %I FROM PUBLIC", svc.database)
    await _execute_formatted(
        conn, "GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I", svc.database, svc.role
    )
    # Nobody creates in public; USAGE stays so extensions installed there remain usable.
    await conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    await _execute_formatted(
        conn, "CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I", svc.schema, svc.role
    )
    await _execute_formatted(conn, "ALTER SCHEMA %I OWNER TO %I", svc.schema, svc.role)
    await _execute_formatted(conn, "REVOKE ALL ON SCHEMA %I FROM PUBLIC", svc.schema)
    await _execute_formatted(conn, "REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM PUBLIC", svc.schema)
    # Repair drift: any grant on this schema or its tables to a role other than the owner.
    intruders = await conn.fetch(
        """
        SELECT r.rolname FROM pg_roles r WHERE r.oid IN (
            SELECT a.grantee FROM pg_namespace n, aclexplode(n.nspacl) a
            WHERE n.nspname = $1 AND a.grantee <> n.nspowner
            UNION
            SELECT a.grantee FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
                aclexplode(c.relacl) a
            WHERE n.nspname = $1 AND a.grantee <> c.relowner)
        """,
        svc.schema,
    )
    for (intruder,) in intruders:
        await _execute_formatted(conn, "REVOKE ALL ON SCHEMA %I FROM %I", svc.schema, intruder)
        await _execute_formatted(
            conn, "REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I", svc.schema, intruder
        )
    await _execute_formatted(
        conn,
        "ALTER ROLE %I IN DATABASE %I SET search_path = %I",
        svc.role,
        svc.database,
        svc.schema,
    )


async def bootstrap(admin_url: str, services: list[ServiceDatabase]) -> None:
    for database in sorted({s.database for s in services}):
        await ensure_database(admin_url, database)
    for svc in services:
        await ensure_role(admin_url, svc)
        await ensure_schema(admin_url, svc)


def services_from_env(env: dict[str, str] | None = None) -> list[ServiceDatabase]:
    env = dict(os.environ if env is None else env)
    names = [n.strip() for n in env.get("DB_SERVICES", ",".join(DEFAULT_SERVICES)).split(",")]
    return [
        ServiceDatabase.from_url(n, env.get(f"{n.upper()}_DATABASE_URL") or dev_database_url(n))
        for n in names
        if n
    ]


def main() -> None:
    admin_url = os.environ.get("DB_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    services = services_from_env()
    asyncio.run(bootstrap(admin_url, services))
    for svc in services:
        sys.stdout.write(f"bootstrap: schema {svc.schema} owned by {svc.role} in {svc.database}\n")


if __name__ == "__main__":
    main()
