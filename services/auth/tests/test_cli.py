"""Operator commands: rotate the signing key, create the first admin."""

from __future__ import annotations

import pytest

from auth.entrypoints import cli
from auth.settings import Settings


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
