"""Wallet test fixtures: the migrated schema, an engine as the wallet role, and a reconciliation
after every test (zero drift, all accounts sum to zero)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from services.wallet.tests.support.ledger import Api, WalletDb

from common.db import create_engine, create_sessionmaker
from common.testing.database import TestDatabase
from wallet.entrypoints.api.app import create_app
from wallet.service_layer.reconciliation import reconcile
from wallet.settings import Settings


@pytest.fixture(scope="session")
async def wallet_db(test_database: Any) -> AsyncIterator[WalletDb]:
    await test_database.migrate("wallet")
    # Room for 50 truly concurrent sessions (the concurrency tests), but only two kept idle for
    # the rest of the session: PostgreSQL's 100 slots are shared with the e2e suite's processes.
    engine = create_engine(test_database.url_for("wallet"), pool_size=2, max_overflow=58)
    yield WalletDb(engine, create_sessionmaker(engine))
    await engine.dispose()


@pytest.fixture
async def scratch(infrastructure: Any) -> AsyncIterator[TestDatabase]:
    """An empty database of its own, for a test that runs the migrations up and down."""
    database = TestDatabase(infrastructure.postgres_admin_url, services=("wallet",))
    await database.create()
    yield database
    await database.drop()


@pytest.fixture(autouse=True)
async def reconciled(wallet_db: WalletDb) -> AsyncIterator[None]:
    yield
    report = await reconcile(wallet_db.engine)
    assert report.ok, report.as_dict()


@pytest.fixture
async def api(
    make_settings: Any, app_client: Any, wallet_db: WalletDb, token_issuer: Any
) -> AsyncIterator[Api]:
    """The wallet HTTP API over ASGI (no background workers: tests drive the handlers)."""
    app = create_app(make_settings(Settings, run_workers=False))
    async with app_client(app) as http:
        yield Api(http, token_issuer)


@pytest.fixture
def make_api(make_settings: Any, app_client: Any, wallet_db: WalletDb, token_issuer: Any) -> Any:
    """An API with settings of the test's own: ``async with make_api(**overrides) as api``."""

    @asynccontextmanager
    async def build(**overrides: Any) -> AsyncIterator[Api]:
        app = create_app(make_settings(Settings, run_workers=False, **overrides))
        async with app_client(app) as http:
            yield Api(http, token_issuer)

    return build
