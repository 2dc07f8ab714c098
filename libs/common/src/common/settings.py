"""The one settings pattern: pydantic-settings, environment only.

Shared variables (``EXCHANGE_NAME``, ``LOG_LEVEL`` …) are read unprefixed; a service's own
variables carry its prefix (``BETS_DATABASE_URL``, ``BETS_RABBITMQ_URL``, ``BETS_PORT``) so one
``.env`` serves every process. Production refuses to start with the development defaults.
"""

from __future__ import annotations

import os
from enum import StrEnum
from typing import ClassVar, Self
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from common.client_address import parse_networks
from common.currency import check_currency


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


DEV_JWKS_URL = "http://127.0.0.1:8001/api/auth/.well-known/jwks.json"
# Where the gateway connects from in development: this machine.
DEV_GATEWAY_NETWORKS = "127.0.0.1/32,::1/128"


def dev_database_url(service: str) -> str:
    """Local default: role ``looseline_<service>`` whose password is its name (dev only)."""
    role = f"looseline_{service}"
    return f"postgresql+asyncpg://{role}:{role}@127.0.0.1:5432/looseline"


def dev_rabbitmq_url(service: str) -> str:
    """Local default: the broker user named as the service, its password its name (dev only).

    Consumers trust a message only from the user named as its producer (ARCHITECTURE.md §9),
    so each process logs in as its own user; ``python -m common.messaging.users`` creates them.
    """
    return f"amqp://{service}:{service}@127.0.0.1:5672/"


def weak_rabbitmq_url(url: str, service: str) -> str | None:
    """Why ``url`` is not fit for production as ``service``'s broker login, or ``None``."""
    parts = urlsplit(url)
    user, password = unquote(parts.username or "guest"), unquote(parts.password or "")
    if user != service:  # its messages would all be dead-lettered as forged
        return f"logs in as {user!r}, not as the service's own user {service!r}"
    if password in ("", user, "guest"):  # the dev convention, or RabbitMQ's default
        return "has a development password"
    return None


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
    exchange_name: str = Field("looseline", validation_alias="EXCHANGE_NAME")
    # The deployment's one currency (ARCHITECTURE.md §4): ISO 4217 with two decimal places,
    # on every wallet and every amount; the same for every process (common.currency).
    currency: str = Field("USD", validation_alias="CURRENCY")
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
    # Where the gateway connects from (IPs and CIDRs): only these peers' X-Real-IP is believed
    # (common.client_address); production sets it to the cluster's pod network.
    trusted_gateway_networks: str = Field(
        DEV_GATEWAY_NETWORKS, validation_alias="TRUSTED_GATEWAY_NETWORKS"
    )
    # Traces (common.tracing, docs/observability.md): off unless the base URL of an OTLP/HTTP
    # collector is set (e.g. http://otel-collector:4318; spans go to its /v1/traces). The
    # standard OTel names; OTEL_EXPORTER_OTLP_HEADERS/_TIMEOUT are read by the exporter itself.
    otel_exporter_otlp_endpoint: str | None = Field(
        None, validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT"
    )
    # The share of new traces recorded (a trace begun upstream keeps its caller's decision).
    otel_sample_ratio: float = Field(1.0, ge=0, le=1, validation_alias="OTEL_TRACES_SAMPLER_ARG")

    # the process's own (prefixed)
    port: int = 8000
    # The broker login, as the process's own user (``<PREFIX>RABBITMQ_URL``; each service's
    # settings give its dev default, ``dev_rabbitmq_url``).
    rabbitmq_url: str = ""

    @property
    def jwt_algorithm_list(self) -> tuple[str, ...]:
        return tuple(a.strip() for a in self.jwt_algorithms.split(",") if a.strip())

    @field_validator("trusted_gateway_networks")
    @classmethod
    def _networks_parse(cls, value: str) -> str:
        try:
            parse_networks(value)
        except ValueError as exc:
            raise ValueError(f"TRUSTED_GATEWAY_NETWORKS: {exc}") from None
        return value

    @field_validator("currency")
    @classmethod
    def _currency_is_two_decimal_iso_4217(cls, value: str) -> str:
        try:
            return check_currency(value)
        except ValueError as exc:
            raise ValueError(f"CURRENCY: {exc}") from None

    @model_validator(mode="after")
    def _one_currency(self) -> Self:
        """A service's old own currency variable (``BETS_CURRENCY``, ``WALLET_CURRENCY``) left
        with a value other than CURRENCY's: the process refuses to start rather than run in
        another currency than the rest of the deployment (equal, it is tolerated)."""
        legacy = f"{self.model_config.get('env_prefix', '')}CURRENCY".upper()
        value = os.environ.get(legacy)
        shared = os.environ.get("CURRENCY", type(self).model_fields["currency"].default)
        if legacy != "CURRENCY" and value is not None and value != shared:
            raise ValueError(
                f"{legacy}={value} is no longer read: the deployment has one currency, set"
                f" CURRENCY (now {shared}) for every service and remove {legacy}"
            )
        return self

    @model_validator(mode="after")
    def _refuse_dev_secrets_in_production(self) -> Self:
        if self.environment is not Environment.production:
            return self
        weak = self.weak_secrets()
        if weak:
            raise ValueError(
                "production refuses development defaults and unsafe settings for: "
                + ", ".join(weak)
            )
        return self

    def env_name(self, field: str) -> str:
        """The environment variable that sets ``field`` (its alias, or prefix + name)."""
        alias = type(self).model_fields[field].validation_alias
        if isinstance(alias, str):
            return alias
        return f"{self.model_config.get('env_prefix', '')}{field}".upper()

    def not_https(self, *fields: str) -> list[str]:
        """``weak_secrets`` entries for the URL settings among ``fields`` that are not https."""
        return [
            f"{self.env_name(f)} (not https)"
            for f in fields
            if urlsplit(str(getattr(self, f))).scheme.lower() != "https"
        ]

    def weak_secrets(self) -> list[str]:
        """Names of secrets still at a development default (subclasses add their own)."""
        weak = []
        broker_login = weak_rabbitmq_url(self.rabbitmq_url, self.service_name)
        if broker_login is not None:
            weak.append(f"{self.model_config.get('env_prefix', '')}RABBITMQ_URL ({broker_login})")
        if self.jwt_jwks_url == DEV_JWKS_URL and not self.jwt_jwks:
            weak.append("JWT_JWKS_URL (the development default)")
        if not _redis_password(self.redis_url):
            weak.append("REDIS_URL (no password)")
        return weak


class ServiceSettings(CommonSettings):
    """A domain service: its own database role and schema, outbox relay and consumers."""

    database_url: str = ""
    # A fixed pool: every connection stays open. Overflow connections are closed again as soon
    # as the pool is full, so under load they were opened and closed all the time (a backend
    # fork, the TLS probe and asyncpg's type set-up each time) — profiled at 64 bets in flight.
    db_pool_size: int = 20
    db_max_overflow: int = 0
    # How long a request waits for a pooled connection before it is answered 503 with
    # Retry-After (common.backpressure) instead of queueing until the gateway gives up.
    db_pool_timeout_s: float = Field(2.0, gt=0, le=30)
    run_workers: bool = True  # outbox relay + consumers inside the API process
    outbox_batch_size: int = 200
    outbox_poll_interval_s: float = 2.0
    outbox_retention_h: int = 72
    consumer_prefetch: int = 200
    consumer_batch_size: int = 100
    consumer_concurrency: int = 2
    consumer_max_attempts: int = 5
    consumer_retry_delay_ms: int = 2000
    # How long a message that came before its predecessor (EarlierMessagePending) keeps being
    # retried past consumer_max_attempts before it is dead-lettered.
    consumer_wait_for_earlier_s: float = Field(3600.0, gt=0)

    @property
    def db_schema(self) -> str:
        return self.service_name

    def weak_secrets(self) -> list[str]:
        weak = super().weak_secrets()
        parts = urlsplit(self.database_url)
        if not parts.password or parts.password == parts.username:
            weak.append(f"{self.model_config.get('env_prefix', '')}DATABASE_URL")
        weak.extend(_gateway_networks_refusals(self))
        return weak


def _redis_password(url: str) -> str:
    """The password in a Redis URL (``redis[s]://[user]:pw@…`` or ``?password=``), or ''."""
    parts = urlsplit(url)
    return parts.password or "".join(parse_qs(parts.query).get("password", []))


def _gateway_networks_refusals(settings: CommonSettings) -> list[str]:
    """A service believes X-Real-IP from these networks: production names them on purpose, and
    never as "everyone" (anyone could then choose the address audits and lock-outs see)."""
    if "trusted_gateway_networks" not in settings.model_fields_set:
        return ["TRUSTED_GATEWAY_NETWORKS (not set: the cluster's pod network)"]
    if any(n.prefixlen == 0 for n in parse_networks(settings.trusted_gateway_networks)):
        return ["TRUSTED_GATEWAY_NETWORKS (trusts every address)"]
    return []
