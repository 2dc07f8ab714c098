"""Settings: OWASP argon2 defaults, production refuses development secrets."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from auth.adapters.crypto import SecretBox, new_key_encryption_key
from auth.settings import Settings


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


def test_production_refuses_development_secrets() -> None:
    good_db = "postgresql+asyncpg://looseline_auth:s3cret-pw@db:5432/looseline"
    with pytest.raises(ValidationError) as refused:
        Settings(
            environment="production",
            rabbitmq_url="amqp://app:s3cret@mq:5672/",
            database_url=good_db,
        )
    assert "AUTH_CODE_PEPPER" in str(refused.value)
    assert "AUTH_KEY_ENCRYPTION_KEY" in str(refused.value)
    accepted = Settings(
        environment="production",
        rabbitmq_url="amqp://app:s3cret@mq:5672/",
        database_url=good_db,
        code_pepper="a-long-random-production-pepper",
        key_encryption_key=new_key_encryption_key(),
    )
    assert accepted.weak_secrets() == []


def test_secret_box_binds_ciphertext_to_its_context() -> None:
    box = SecretBox(new_key_encryption_key())
    sealed = box.seal(b"totp-secret", context="totp:user-1")
    assert box.open(sealed, context="totp:user-1") == b"totp-secret"
    with pytest.raises(Exception):  # noqa: B017 - cryptography's InvalidTag
        box.open(sealed, context="totp:user-2")
    with pytest.raises(ValueError):
        SecretBox("too-short")
