"""Production refuses a wallet that would talk to anything but Stripe, or send payers back over
plain http."""

from __future__ import annotations

import secrets
from typing import Any

import pytest

from common.testing.settings import refused_settings
from wallet.settings import Settings

# Every shared and wallet setting production checks, at a safe value (keys made up per run).
SAFE: dict[str, Any] = {
    "environment": "production",
    "rabbitmq_url": "amqps://wallet:s3cret-broker@mq:5671/",
    "database_url": "postgresql+asyncpg://looseline_wallet:s3cret-pw@db:5432/looseline",
    "redis_url": "rediss://:s3cret-redis@redis:6380/0",
    "jwt_jwks_url": "http://auth:8000/api/auth/.well-known/jwks.json",
    "trusted_gateway_networks": "10.42.0.0/16",
    "data_encryption_key": "cHJvZHVjdGlvbi13YWxsZXQtZGF0YS1rZXktMzJieXQ=",
    "report_link_key": "r" * 40,
    "STRIPE_SECRET_KEY": f"sk_live_{secrets.token_hex(12)}",
    "STRIPE_WEBHOOK_SECRET": f"whsec_{secrets.token_hex(12)}",
    "checkout_success_url": "https://looseline.example/wallet/deposit/done",
    "checkout_cancel_url": "https://looseline.example/wallet/deposit/cancelled",
}


def refused(**overrides: Any) -> set[str]:
    """The settings production refuses (by name) with ``overrides`` on top of SAFE."""
    return refused_settings(lambda: Settings(**{**SAFE, **overrides}))


def test_production_starts_with_every_setting_safe() -> None:
    assert Settings(**SAFE).weak_secrets() == []
    assert Settings(**SAFE, STRIPE_API_BASE="https://api.stripe.com/").weak_secrets() == []


@pytest.mark.parametrize(
    "base", ["http://127.0.0.1:12111", "https://stripe-proxy.example", "http://api.stripe.com"]
)
def test_production_refuses_a_stripe_api_base_that_is_not_stripe(base: str) -> None:
    assert refused(STRIPE_API_BASE=base) == {"STRIPE_API_BASE"}


def test_the_browsers_stripe_api_base_follows_stripe_api_base_unless_set() -> None:
    """Null is Stripe itself (Stripe.js knows its own); else the simulator as browsers reach it."""
    assert Settings().stripe_browser_api_base is None
    assert Settings(STRIPE_API_BASE="https://api.stripe.com/").stripe_browser_api_base is None
    sim = "http://127.0.0.1:12111"
    assert Settings(STRIPE_API_BASE=sim + "/").stripe_browser_api_base == sim
    assert Settings(STRIPE_API_BASE=sim, STRIPE_BROWSER_API_BASE="").stripe_browser_api_base == sim
    public = Settings(STRIPE_API_BASE="http://stripe-sim:12111", STRIPE_BROWSER_API_BASE=sim)
    assert public.stripe_browser_api_base == sim


def test_production_refuses_a_browser_stripe_api_base_that_is_not_stripe() -> None:
    assert refused(STRIPE_BROWSER_API_BASE="http://127.0.0.1:12111") == {"STRIPE_BROWSER_API_BASE"}
    safe = Settings(**SAFE, STRIPE_BROWSER_API_BASE="https://api.stripe.com")
    assert safe.weak_secrets() == []


@pytest.mark.parametrize("field", ["checkout_success_url", "checkout_cancel_url"])
def test_production_refuses_plain_http_checkout_return_urls(field: str) -> None:
    assert refused(**{field: "http://looseline.example/wallet"}) == {f"WALLET_{field.upper()}"}


def test_checkout_returns_to_the_apps_pages_by_default() -> None:
    """ARCHITECTURE.md §9: Checkout lands on app routes; Stripe fills in the session id."""
    settings = Settings()
    assert settings.checkout_success_url.endswith(
        "/wallet/deposit/done?session_id={CHECKOUT_SESSION_ID}"
    )
    assert settings.checkout_cancel_url.endswith("/wallet/deposit/cancelled")
