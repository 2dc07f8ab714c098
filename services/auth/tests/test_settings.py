"""Settings: OWASP argon2 defaults, production refuses development secrets, plain-http URLs and
mail without TLS."""

from __future__ import annotations

from typing import Any

import pytest

from auth.adapters.crypto import SecretBox, new_key_encryption_key
from auth.settings import DEV_CODE_PEPPER, DEV_KEY_ENCRYPTION_KEY, Settings
from common.testing.settings import refused_settings


def test_defaults_are_owasp_argon2id_and_short_lived_tokens() -> None:
    settings = Settings()
    assert (settings.argon2_memory_kib, settings.argon2_time_cost, settings.argon2_parallelism) == (
        19456,
        2,
        1,
    )
    assert settings.access_ttl_s == 900
    assert settings.session_ttl_s == 24 * 3600
    assert settings.remember_me_session_ttl_s == 30 * 24 * 3600
    assert (settings.code_ttl_s, settings.code_max_attempts) == (900, 5)


# Every shared and auth setting production checks, at a safe value.
SAFE: dict[str, Any] = {
    "environment": "production",
    "rabbitmq_url": "amqps://auth:s3cret-broker@mq:5671/",
    "database_url": "postgresql+asyncpg://looseline_auth:s3cret-pw@db:5432/looseline",
    "redis_url": "rediss://:s3cret-redis@redis:6380/0",
    "jwt_jwks_url": "http://auth:8000/api/auth/.well-known/jwks.json",
    "trusted_gateway_networks": "10.42.0.0/16",
    "public_url": "https://looseline.example",
    "smtp_starttls": True,
    "code_pepper": "a-long-random-production-pepper",
}


def refused(**overrides: Any) -> set[str]:
    """The settings production refuses (by name) with ``overrides`` on top of SAFE."""
    return refused_settings(
        lambda: Settings(**{**SAFE, "key_encryption_key": new_key_encryption_key(), **overrides})
    )


def test_production_refuses_development_secrets() -> None:
    assert refused(code_pepper=DEV_CODE_PEPPER, key_encryption_key=DEV_KEY_ENCRYPTION_KEY) == {
        "AUTH_CODE_PEPPER",
        "AUTH_KEY_ENCRYPTION_KEY",
    }
    accepted = Settings(**SAFE, key_encryption_key=new_key_encryption_key())
    assert accepted.weak_secrets() == []


def test_production_refuses_a_plain_http_public_url() -> None:
    # OAuth redirect URIs are built from it: codes would come back over plain http.
    assert refused(public_url="http://looseline.example") == {"AUTH_PUBLIC_URL"}


@pytest.mark.parametrize("field", ["google_token_url", "github_authorize_url", "github_user_url"])
def test_production_refuses_plain_http_oauth_provider_endpoints(field: str) -> None:
    assert refused(**{field: "http://provider.example/x"}) == {f"AUTH_{field.upper()}"}


def test_production_refuses_mail_without_tls() -> None:
    assert refused(smtp_starttls=False) == {"AUTH_SMTP_STARTTLS/AUTH_SMTP_USE_TLS"}
    implicit = Settings(
        **{**SAFE, "smtp_starttls": False},
        smtp_use_tls=True,
        key_encryption_key=new_key_encryption_key(),
    )
    assert implicit.weak_secrets() == []


def test_the_client_address_setting_is_gone() -> None:
    # X-Forwarded-For is never read: TRUSTED_GATEWAY_NETWORKS decides whose X-Real-IP counts.
    assert "trust_forwarded_for" not in Settings.model_fields


def test_secret_box_binds_ciphertext_to_its_context() -> None:
    box = SecretBox(new_key_encryption_key())
    sealed = box.seal(b"totp-secret", context="totp:user-1")
    assert box.open(sealed, context="totp:user-1") == b"totp-secret"
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        box.open(sealed, context="totp:user-2")
    with pytest.raises(ValueError):
        SecretBox("too-short")
