"""The one settings pattern: pydantic-settings, environment only.

Shared variables (``RABBITMQ_URL``, ``LOG_LEVEL`` …) are read unprefixed; a service's own
variables carry its prefix (``BETS_DATABASE_URL``, ``BETS_PORT``) so one ``.env`` serves
every process. Production refuses to start with the development defaults.
"""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar, Self
from urllib.parse import urlsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


DEV_RABBITMQ_URL = "amqp://guest:guest@127.0.0.1:5672/"


def dev_database_url(service: str) -> str:
    """Local default: role ``looseline_<service>`` whose password is its name (dev only)."""
    role = f"looseline_{service}"
    return f"postgresql+asyncpg://{role}:{role}@127.0.0.1:5432/looseline"


class CommonSettings(BaseSettings):
    """Base for every service's ``Settings``; subclasses set ``service_name`` and ``env_prefix``."""

    model_config = SettingsConfigDict(
        extra="ignore", validate_by_name=True, validate_by_alias=True, frozen=True
    )

    service_name: ClassVar[str] = "service"

    # shared, unprefixed
    environment: Environment = Field(Environment.development, validation_alias="ENVIRONMENT")
    log_level: str = Field("INFO", validation_alias="LOG_LEVEL")
    log_json: bool = Field(True, validation_alias="LOG_JSON")
    rabbitmq_url: str = Field(DEV_RABBITMQ_URL, validation_alias="RABBITMQ_URL")
    exchange_name: str = Field("looseline", validation_alias="EXCHANGE_NAME")
    # Tests isolate themselves on a shared broker with a unique prefix on every queue name.
    queue_prefix: str = Field("", validation_alias="QUEUE_PREFIX")
    redis_url: str = Field("redis://127.0.0.1:6379/0", validation_alias="REDIS_URL")
    ready_timeout_s: float = Field(2.0, validation_alias="READY_TIMEOUT_S")

    # the process's own (prefixed)
    port: int = 8000

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self) -> Self:
        if self.environment is not Environment.production:
            return self
        weak = self.weak_secrets()
        if weak:
            raise ValueError(f"production refuses development defaults for: {', '.join(weak)}")
        return self

    def weak_secrets(self) -> list[str]:
        """Names of secrets still at a development default (subclasses add their own)."""
        weak = []
        if self.rabbitmq_url == DEV_RABBITMQ_URL or "guest:guest@" in self.rabbitmq_url:
            weak.append("RABBITMQ_URL")
        return weak


class ServiceSettings(CommonSettings):
    """A domain service: its own database role and schema, outbox relay and consumers."""

    database_url: str = ""
    db_pool_size: int = 10
    db_max_overflow: int = 10
    run_workers: bool = True  # outbox relay + consumers inside the API process
    outbox_batch_size: int = 200
    outbox_poll_interval_s: float = 2.0
    outbox_retention_h: int = 72
    consumer_prefetch: int = 200
    consumer_batch_size: int = 100
    consumer_concurrency: int = 2
    consumer_max_attempts: int = 5
    consumer_retry_delay_ms: int = 2000

    @property
    def db_schema(self) -> str:
        return self.service_name

    def weak_secrets(self) -> list[str]:
        weak = super().weak_secrets()
        parts = urlsplit(self.database_url)
        if not parts.password or parts.password == parts.username:
            weak.append(f"{self.model_config.get('env_prefix', '')}DATABASE_URL")
        return weak
