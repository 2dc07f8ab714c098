"""The notifications service boots on real PostgreSQL and RabbitMQ as its own role and schema."""

from __future__ import annotations

from typing import Any

from common.testing.service_checks import assert_service_boots
from notifications.entrypoints.api.app import create_app
from notifications.settings import Settings


async def test_notifications_boots_ready_with_metrics_as_its_own_role_and_schema(
    test_database: Any, make_settings: Any, app_client: Any
) -> None:
    await test_database.migrate("notifications")
    app = create_app(make_settings(Settings))
    await assert_service_boots(app, app_client, service="notifications")
