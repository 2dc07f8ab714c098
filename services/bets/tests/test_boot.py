"""The bets service boots on real PostgreSQL and RabbitMQ as its own role, in its own schema."""

from __future__ import annotations

from typing import Any

from bets.entrypoints.api.app import create_app
from common.testing.service_checks import assert_service_boots


async def test_bets_boots_ready_with_metrics_as_its_own_role_and_schema(
    test_database: Any, bets_settings: Any, app_client: Any
) -> None:
    await test_database.migrate("bets")
    app = create_app(bets_settings())
    await assert_service_boots(app, app_client, service="bets")
