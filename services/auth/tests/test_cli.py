"""Operator commands: rotate the signing key, create the first admin."""

from __future__ import annotations

import pytest

from auth.entrypoints import cli
from auth.settings import Settings


@pytest.fixture
def auth_env(auth_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The CLI reads its settings from the environment, as in production."""
    for name, value in {
        "ENVIRONMENT": "test",
        "AUTH_DATABASE_URL": auth_settings.database_url,
        "AUTH_RABBITMQ_URL": auth_settings.rabbitmq_url,
        "REDIS_URL": auth_settings.redis_url,
        "REDIS_PREFIX": auth_settings.redis_prefix,
        "AUTH_KEY_ENCRYPTION_KEY": auth_settings.key_encryption_key,
        "AUTH_ARGON2_MEMORY_KIB": "64",
        "AUTH_ARGON2_TIME_COST": "1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    return auth_settings


def test_rotate_signing_key_and_create_admin(
    auth_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["rotate-signing-key"]) == 0
    assert "new signing key: " in capsys.readouterr().out

    email = "cli-admin@example.com"
    assert cli.main(["create-admin", "--email", email, "--password", "cli-admin-pass-42"]) == 0
    assert "admin created" in capsys.readouterr().out
    assert cli.main(["create-admin", "--email", email]) == 0  # idempotent
    assert "admin ensured" in capsys.readouterr().out
    assert cli.main(["create-admin", "--email", "x@example.com", "--password", "password"]) == 2
    assert "auth.password_too_common" in capsys.readouterr().err

    assert cli.main(["new-key-encryption-key"]) == 0
    assert len(capsys.readouterr().out.strip()) == 44
