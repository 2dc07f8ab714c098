"""Settings: environment only, prefixed per service, production refuses development secrets and
unsafe settings (no password, plain http, a gateway network left at its default)."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from common.settings import DEV_JWKS_URL, CommonSettings, ServiceSettings, dev_database_url
from common.testing.settings import refused_settings


class DemoSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_")
    service_name: ClassVar[str] = "demo"
    database_url: str = dev_database_url("demo")


def test_shared_variables_are_unprefixed_and_own_ones_prefixed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXCHANGE_NAME", "bus")
    monkeypatch.setenv("DEMO_RABBITMQ_URL", "amqp://demo:p@mq:5672/")
    monkeypatch.setenv("RABBITMQ_URL", "amqp://u:p@mq:5672/")  # each logs in as itself
    monkeypatch.setenv("DEMO_PORT", "9123")
    monkeypatch.setenv("PORT", "1")  # another process's unprefixed PORT is not ours
    settings = DemoSettings()
    assert settings.exchange_name == "bus"
    assert settings.rabbitmq_url == "amqp://demo:p@mq:5672/"
    assert settings.port == 9123
    assert settings.db_schema == "demo"


def test_production_refuses_development_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    with pytest.raises(ValidationError, match=r"RABBITMQ_URL.*DEMO_DATABASE_URL"):
        DemoSettings()


def test_production_starts_with_real_secrets(production: pytest.MonkeyPatch) -> None:
    assert DemoSettings().environment == "production"


# --- production refusals (issue 20) -------------------------------------------------------------

STRONG = {
    "ENVIRONMENT": "production",
    "DEMO_RABBITMQ_URL": "amqps://demo:s3cret-mq@mq:5671/",
    "DEMO_DATABASE_URL": "postgresql+asyncpg://looseline_demo:Zq9-long@db/looseline",
    "REDIS_URL": "rediss://:s3cret-redis@redis:6380/0",
    "JWT_JWKS_URL": "http://auth:8000/api/auth/.well-known/jwks.json",
    "TRUSTED_GATEWAY_NETWORKS": "10.42.0.0/16",
}


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The environment of a production deployment with every setting safe."""
    for name, value in STRONG.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


def refused(settings: type[CommonSettings]) -> set[str]:
    """The settings production refuses, by name."""
    return refused_settings(settings)


def test_production_starts_with_every_setting_safe(production: pytest.MonkeyPatch) -> None:
    assert DemoSettings().weak_secrets() == []


def test_production_refuses_the_development_jwks_url(production: pytest.MonkeyPatch) -> None:
    production.setenv("JWT_JWKS_URL", DEV_JWKS_URL)
    assert refused(DemoSettings) == {"JWT_JWKS_URL"}
    # Inline keys (JWT_JWKS) are trusted instead of the URL: the URL is not used then.
    production.setenv("JWT_JWKS", '{"keys": []}')
    assert DemoSettings().weak_secrets() == []


@pytest.mark.parametrize(
    "url", ["redis://redis:6379/0", "rediss://redis:6380/0", "redis://user@redis:6379/0"]
)
def test_production_refuses_redis_without_a_password(
    production: pytest.MonkeyPatch, url: str
) -> None:
    production.setenv("REDIS_URL", url)
    assert refused(DemoSettings) == {"REDIS_URL"}


def test_a_redis_password_may_be_a_query_parameter(production: pytest.MonkeyPatch) -> None:
    production.setenv("REDIS_URL", "unix:///run/redis.sock?password=s3cret-redis")
    assert DemoSettings().weak_secrets() == []


def test_production_refuses_trusted_gateway_networks_unset(
    production: pytest.MonkeyPatch,
) -> None:
    production.delenv("TRUSTED_GATEWAY_NETWORKS")
    with pytest.raises(ValidationError, match=r"TRUSTED_GATEWAY_NETWORKS \(not set"):
        DemoSettings()


@pytest.mark.parametrize("everyone", ["10.0.0.0/8, 0.0.0.0/0", "::/0"])
def test_production_refuses_trusting_every_address_as_the_gateway(
    production: pytest.MonkeyPatch, everyone: str
) -> None:
    production.setenv("TRUSTED_GATEWAY_NETWORKS", everyone)
    assert refused(DemoSettings) == {"TRUSTED_GATEWAY_NETWORKS"}


def test_development_keeps_loopback_as_the_gateway_network() -> None:
    settings = DemoSettings()
    assert settings.trusted_gateway_networks == "127.0.0.1/32,::1/128"
    assert {n.split(" ", 1)[0] for n in settings.weak_secrets()} >= {
        "JWT_JWKS_URL",
        "REDIS_URL",
        "TRUSTED_GATEWAY_NETWORKS",
    }


def test_not_https_names_each_plain_url_setting() -> None:
    class Public(DemoSettings):
        public_url: str = "http://looseline.example"
        callback_url: str = "https://looseline.example/cb"

    assert Public().not_https("public_url", "callback_url") == ["DEMO_PUBLIC_URL (not https)"]


# --- one currency per deployment (issue 25) -----------------------------------------------------


def test_every_process_reads_the_one_unprefixed_currency(monkeypatch: pytest.MonkeyPatch) -> None:
    assert DemoSettings().currency == "USD"  # the default
    monkeypatch.setenv("CURRENCY", "RUB")
    monkeypatch.setenv("DEMO_CURRENCY", "RUB")  # an old own variable, equal: tolerated
    assert DemoSettings().currency == "RUB"
    assert DemoSettings().env_name("currency") == "CURRENCY"


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("JPY", "JPY has 0 decimal places"),
        ("KWD", "KWD has 3 decimal places"),
        ("XAU", "no minor unit"),
        ("ABC", "not an ISO 4217 currency code"),
        ("usd", "three upper-case letters"),
        ("USDT", "three upper-case letters"),
    ],
)
def test_currency_is_iso_4217_with_two_decimal_places(
    monkeypatch: pytest.MonkeyPatch, code: str, why: str
) -> None:
    monkeypatch.setenv("CURRENCY", code)
    with pytest.raises(ValidationError, match=rf"CURRENCY: .*{why}"):
        DemoSettings()


def test_an_old_own_currency_that_differs_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """BETS_CURRENCY=EUR left next to CURRENCY=USD: two currencies, so no start at all."""
    monkeypatch.setenv("DEMO_CURRENCY", "EUR")
    with pytest.raises(ValidationError, match=r"DEMO_CURRENCY=EUR is no longer read.*CURRENCY"):
        DemoSettings()  # CURRENCY unset: USD
    monkeypatch.setenv("CURRENCY", "USD")
    with pytest.raises(ValidationError, match=r"set CURRENCY \(now USD\)"):
        DemoSettings()
    monkeypatch.setenv("CURRENCY", "EUR")
    assert DemoSettings().currency == "EUR"
