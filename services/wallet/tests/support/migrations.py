"""Running the wallet's Alembic migrations on a scratch database (the ``scratch`` fixture)."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.config import Config

from common.testing.database import TestDatabase, alembic_ini_for


async def alembic(database: TestDatabase, action: str, revision: str) -> None:
    config = Config(str(alembic_ini_for("wallet")))
    config.attributes["url"] = database.url_for("wallet")
    await asyncio.to_thread(getattr(command, action), config, revision)
