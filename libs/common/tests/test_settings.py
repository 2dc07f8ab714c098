"""Settings: environment only, prefixed per service, production refuses development secrets."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from common.settings import ServiceSettings, dev_database_url


class DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_")
    service_name: ClassVar[str] = "demo"
    database_url: str = dev_database_url("demo")


def test_shared_variables_are_unprefixed_and_own_ones_prefixed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RABBITMQ_URL", "amqp://u:p@mq:5672/")
    monkeypatch.setenv("DEMO_PORT", "9123")
    monkeypatch.setenv("PORT", "1")  # another process's unprefixed PORT is not ours
    settings = DemoSettings()
    assert settings.rabbitmq_url == "amqp://u:p@mq:5672/"
    assert settings.port == 9123
    assert settings.db_schema == "demo"


def test_production_refuses_development_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match=r"RABBITMQ_URL.*DEMO_DATABASE_URL"):
        DemoSettings()


def test_production_starts_with_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("RABBITMQ_URL", "amqps://looseline:s3cret-mq@mq:5671/")
    monkeypatch.setenv(
        "DEMO_DATABASE_URL", "postgresql+asyncpg://looseline_demo:Zq9-long@db/looseline"
    )
    assert DemoSettings().environment == "production"
