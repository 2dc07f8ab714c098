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
DEV_JWKS_URL = "http://127.0.0.1:8001/api/auth/.well-known/jwks.json"


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
    # Start of every Redis key (tests use a unique one to share a Redis safely).
    redis_prefix: str = Field("looseline:", validation_alias="REDIS_PREFIX")
    ready_timeout_s: float = Field(2.0, validation_alias="READY_TIMEOUT_S")
    # Access tokens, checked by every process with common.auth (ARCHITECTURE.md §5).
    jwt_issuer: str = Field("looseline-auth", validation_alias="JWT_ISSUER")
    jwt_audience: str = Field("looseline", validation_alias="JWT_AUDIENCE")
    jwt_jwks_url: str = Field(DEV_JWKS_URL, validation_alias="JWT_JWKS_URL")
    # Inline JWKS JSON, trusted instead of fetching JWT_JWKS_URL (tests pin their issuer's key).
    jwt_jwks: str | None = Field(None, validation_alias="JWT_JWKS")
    jwt_algorithms: str = Field("EdDSA,RS256", validation_alias="JWT_ALGORITHMS")
    # Bounded: clock skew must not quietly lengthen every token's life.
    jwt_leeway_s: float = Field(30.0, ge=0, le=120, validation_alias="JWT_LEEWAY_S")
    jwt_jwks_cache_s: float = Field(300.0, gt=0, validation_alias="JWT_JWKS_CACHE_S")

    # the process's own (prefixed)
    port: int = 8000

    @property
    def jwt_algorithm_list(self) -> tuple[str, ...]:
        return tuple(a.strip() for a in self.jwt_algorithms.split(",") if a.strip())

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
