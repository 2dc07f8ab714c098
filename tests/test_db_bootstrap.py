"""The bootstrap command: idempotent on a brand-new database, repairs drift, refuses bad names."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from common.db import libpq_url
from common.db.bootstrap import (
    DEFAULT_SERVICES,
    ServiceDatabase,
    bootstrap,
    ensure_database,
    services_from_env,
)
from common.settings import dev_database_url


@dataclass
class Scratch:
    admin_url: str
    name: str
    services: list[ServiceDatabase]

    @property
    def admin_dsn(self) -> str:
        url = make_url(libpq_url(self.admin_url)).set(database=self.name)
        return url.render_as_string(hide_password=False)

    async def run(self) -> None:
        await bootstrap(self.admin_url, self.services)

    def role(self, service: str) -> str:
        return next(s.role for s in self.services if s.schema == service)


@pytest.fixture
async def scratch(infrastructure: Any, test_database: Any) -> AsyncIterator[Scratch]:
    """A database name nobody has used: bootstrap must create it; dropped WITH (FORCE) after."""
    name = f"looseline_boot_{uuid.uuid4().hex[:10]}"
    services = [
        ServiceDatabase.from_url(
            svc,
            make_url(test_database.url_for(svc))
            .set(database=name)
            .render_as_string(hide_password=False),
        )
        for svc in DEFAULT_SERVICES
    ]
    admin_url = infrastructure.postgres_admin_url
    yield Scratch(admin_url, name, services)
    conn = await asyncpg.connect(libpq_url(admin_url))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _assert_bootstrapped(scratch: Scratch) -> None:
    conn = await asyncpg.connect(scratch.admin_dsn)
    try:
        assert not await conn.fetchval(
            "SELECT has_database_privilege('public', $1, 'CONNECT')", scratch.name
        )
        assert not await conn.fetchval("SELECT has_schema_privilege('public', 'public', 'CREATE')")
        for svc in scratch.services:
            role = await conn.fetchrow(
                "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole "
                "FROM pg_roles WHERE rolname = $1",
                svc.role,
            )
            assert role is not None, svc.role
            assert tuple(role) == (True, False, False, False), (svc.role, tuple(role))
            owner = await conn.fetchval(
                "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = $1",
                svc.schema,
            )
            assert owner == svc.role
            assert not await conn.fetchval(
                "SELECT has_schema_privilege('public', $1, 'USAGE')", svc.schema
            )
            assert await conn.fetchval(
                "SELECT has_database_privilege($1, $2, 'CONNECT')", svc.role, scratch.name
            )
            assert not await conn.fetchval(
                "SELECT has_database_privilege($1, $2, 'CREATE')", svc.role, scratch.name
            )
            settings = await conn.fetchval(
                "SELECT s.setconfig FROM pg_db_role_setting s "
                "JOIN pg_database d ON d.oid = s.setdatabase "
                "WHERE d.datname = $1 AND s.setrole = $2::regrole",
                scratch.name,
                svc.role,
            )
            assert settings == [f"search_path={svc.schema}"]
    finally:
        await conn.close()


async def test_bootstrap_creates_a_new_database_and_is_idempotent(scratch: Scratch) -> None:
    admin = await asyncpg.connect(libpq_url(scratch.admin_url))
    try:
        assert not await admin.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", scratch.name
        )
    finally:
        await admin.close()

    await scratch.run()
    await _assert_bootstrapped(scratch)
    await scratch.run()  # second run in a row: no error, same state
    await _assert_bootstrapped(scratch)

    # Each role lands in its own schema on the new database.
    for svc in scratch.services:
        dsn = make_url(scratch.admin_dsn).set(username=svc.role, password=svc.password)
        conn = await asyncpg.connect(dsn.render_as_string(hide_password=False))
        try:
            row = await conn.fetchrow("SELECT current_user, current_schema()")
            assert row is not None
            assert tuple(row) == (svc.role, svc.schema)
        finally:
            await conn.close()


async def test_bootstrap_repairs_drift_of_owner_public_grants_search_path_and_role(
    scratch: Scratch,
) -> None:
    await scratch.run()
    conn = await asyncpg.connect(scratch.admin_dsn)
    try:
        await conn.execute("ALTER SCHEMA wallet OWNER TO postgres")
        await conn.execute("GRANT USAGE, CREATE ON SCHEMA bets TO PUBLIC")
        await conn.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")
        await conn.execute(f'GRANT CONNECT, CREATE ON DATABASE "{scratch.name}" TO PUBLIC')
        await conn.execute(
            f'ALTER ROLE {scratch.role("events")} IN DATABASE "{scratch.name}" '
            "SET search_path = public"
        )
        # Roles are cluster-wide: restored by the bootstrap below (and in `finally`).
        await conn.execute(f"ALTER ROLE {scratch.role('auth')} CREATEDB")
        await scratch.run()
    finally:
        await conn.execute(f"ALTER ROLE {scratch.role('auth')} NOCREATEDB")
        await conn.close()
    await _assert_bootstrapped(scratch)


async def test_bootstrap_revokes_a_cross_service_schema_grant(scratch: Scratch) -> None:
    await scratch.run()
    conn = await asyncpg.connect(scratch.admin_dsn)
    bets, wallet = scratch.role("bets"), scratch.role("wallet")
    try:
        await conn.execute("CREATE TABLE wallet.ledger_probe (x int)")
        await conn.execute(f"GRANT USAGE ON SCHEMA wallet TO {bets}")
        await conn.execute(f"GRANT SELECT ON wallet.ledger_probe TO {bets}")
        assert await conn.fetchval(f"SELECT has_schema_privilege('{bets}', 'wallet', 'USAGE')")
        await scratch.run()
        assert not await conn.fetchval(f"SELECT has_schema_privilege('{bets}', 'wallet', 'USAGE')")
        assert not await conn.fetchval(
            f"SELECT has_table_privilege('{bets}', 'wallet.ledger_probe', 'SELECT')"
        )
        assert wallet != bets
    finally:
        await conn.close()


def test_services_from_env_reads_db_services_and_service_urls() -> None:
    env = {
        "DB_SERVICES": " bets , wallet ,",
        "BETS_DATABASE_URL": "postgresql+asyncpg://bets_role:s3cret@db.internal:5433/sportsbook",
    }
    services = services_from_env(env)
    assert services == [
        ServiceDatabase("bets", "bets_role", "s3cret", "sportsbook"),
        ServiceDatabase.from_url("wallet", dev_database_url("wallet")),
    ]
    assert services[1] == ServiceDatabase(
        "wallet", "looseline_wallet", "looseline_wallet", "looseline"
    )


def test_services_from_env_defaults_to_the_four_services() -> None:
    services = services_from_env({})
    assert [s.schema for s in services] == list(DEFAULT_SERVICES)
    assert [s.role for s in services] == [f"looseline_{s}" for s in DEFAULT_SERVICES]


@pytest.mark.parametrize(
    ("schema", "url"),
    [
        ("bets; drop", "postgresql://looseline_bets:x@127.0.0.1/looseline"),
        ('bets"', "postgresql://looseline_bets:x@127.0.0.1/looseline"),
        ("Bets", "postgresql://looseline_bets:x@127.0.0.1/looseline"),
        ("bets", "postgresql://bets%3B%20drop:x@127.0.0.1/looseline"),
        ("bets", "postgresql://looseline_bets:x@127.0.0.1/looseline%3B%20drop"),
        ("bets", "postgresql://127.0.0.1/looseline"),
        ("bets", "postgresql://looseline_bets:x@127.0.0.1/"),
    ],
    ids=["schema", "schema-quote", "schema-upper", "role", "database", "no-user", "no-db"],
)
def test_non_identifier_or_missing_names_raise_value_error(schema: str, url: str) -> None:
    with pytest.raises(ValueError):
        ServiceDatabase.from_url(schema, url)


def test_services_from_env_rejects_a_non_identifier_service() -> None:
    with pytest.raises(ValueError, match="not a plain lower-case identifier"):
        services_from_env({"DB_SERVICES": "bets; drop"})


async def test_ensure_database_rejects_a_non_identifier_name(infrastructure: Any) -> None:
    with pytest.raises(ValueError, match="not a plain lower-case identifier"):
        await ensure_database(infrastructure.postgres_admin_url, "looseline; drop")
