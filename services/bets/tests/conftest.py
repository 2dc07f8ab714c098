"""Bets test fixtures: the migrated schema and an engine as the bets role; the wallet's schema
(its real handlers answer the saga)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from services.bets.tests.builders import BetsDb
from services.wallet.tests.support.ledger import WalletDb
from sqlalchemy import text

from bets.settings import Settings
from common.db import create_engine, create_sessionmaker


@pytest.fixture(scope="session")
async def bets_db(test_database: Any) -> AsyncIterator[BetsDb]:
    await test_database.migrate("bets")
    # Few idle connections kept for the whole session (the e2e suite runs later and needs room).
    engine = create_engine(test_database.url_for("bets"), pool_size=2, max_overflow=30)
    yield BetsDb(engine, create_sessionmaker(engine))
    await engine.dispose()


@pytest.fixture(scope="module")
async def leaves_no_pending_bets(bets_db: BetsDb) -> AsyncIterator[None]:
    """For a module that drives the saga's steps by hand and may leave bets ``pending``: at its
    end they are rejected, so a later module's pending-bet watchdog sees only its own bets."""
    query = text("SELECT id FROM bets.bet WHERE status = 'pending'")
    async with bets_db.sessionmaker() as session:
        before = set(await session.scalars(query))
    yield
    async with bets_db.sessionmaker.begin() as session:
        left = set(await session.scalars(query)) - before
        await session.execute(
            text(
                "UPDATE bets.bet SET status = 'rejected', reason = 'test.left_pending',"
                " decided_at = now() WHERE id = ANY(:ids)"
            ),
            {"ids": list(left)},
        )


@pytest.fixture(scope="session")
async def wallet_db(test_database: Any) -> AsyncIterator[WalletDb]:
    """The wallet's schema and engine: its real handlers answer the saga."""
    await test_database.migrate("wallet")
    engine = create_engine(test_database.url_for("wallet"), pool_size=2, max_overflow=30)
    yield WalletDb(engine, create_sessionmaker(engine))
    await engine.dispose()


@pytest.fixture(scope="session")
def bets_settings(make_settings: Any) -> Any:
    """Settings for a bets app with its workers (the session's shared test values)."""

    def build(**overrides: Any) -> Settings:
        settings: Settings = make_settings(Settings, **overrides)
        return settings

    return build
