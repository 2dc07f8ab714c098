"""Creating an admin must not hand the role to whoever registered that email first.

Issue #20 (2): ``ensure_admin`` used to promote an existing account, even an unverified one,
without looking at the password the operator gave. Now an existing account is promoted only
when its email is verified and the given password is its own — or when the operator says so
explicitly — and a promotion ends every session the account had.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from typing import Any

import pytest
import structlog

from auth.domain.audit import RequestOrigin
from auth.entrypoints import cli
from auth.service_layer.accounts import ensure_admin
from auth.service_layer.startup import on_startup
from auth.settings import Settings
from common.errors import DomainError

PASSWORD = "correct-horse-battery-9"
OPERATOR_PASSWORD = "operator-chosen-Pa55phrase"
ORIGIN = RequestOrigin(user_agent="test-security-admin")


async def _role_of(api: Any, user_id: uuid.UUID) -> str:
    rows = await api.sql("SELECT role FROM auth.user WHERE id = :u", u=user_id)
    return str(rows[0][0])


async def _refused(api: Any, email: str, password: str | None) -> DomainError:
    with pytest.raises(DomainError) as refused:
        await ensure_admin(api.services, email=email, password=password, origin=ORIGIN)
    return refused.value


async def test_an_unverified_account_is_not_promoted(api: Any) -> None:
    # The attacker registers the address the operator will later make admin.
    squatter = await api.new_user(verified=False)
    error = await _refused(api, squatter.email, OPERATOR_PASSWORD)
    assert error.code == "auth.admin_promotion_refused"
    assert error.details["reason"] == "unverified"
    # Knowing their own password does not help an unverified squatter either.
    error = await _refused(api, squatter.email, PASSWORD)
    assert error.details["reason"] == "unverified"
    assert await _role_of(api, squatter.user_id) == "user"
    assert "role_changed" not in await api.audit_actions(squatter.user_id)


async def test_an_account_whose_password_differs_is_not_promoted(api: Any) -> None:
    someone = await api.new_user()
    error = await _refused(api, someone.email, OPERATOR_PASSWORD)
    assert error.code == "auth.admin_promotion_refused"
    assert error.details["reason"] == "password_mismatch"
    error = await _refused(api, someone.email, None)
    assert error.details["reason"] == "password_required"
    assert await _role_of(api, someone.user_id) == "user"


async def test_promotion_with_the_accounts_password_ends_every_session(api: Any) -> None:
    owner = await api.new_user()
    phone = await api.signed_in(owner.email)
    ensured = await ensure_admin(api.services, email=owner.email, password=PASSWORD, origin=ORIGIN)
    assert ensured.outcome == "promoted"
    assert ensured.user.role.value == "admin"
    assert ensured.sessions_ended == 2
    # Both sessions are over: their tokens and refresh tokens are dead at once.
    for signed in (owner, phone):
        response = await api.get("/session", headers=signed.auth)
        assert response.status_code == 401, response.text
        assert response.json()["error"]["code"] == "auth.session_revoked"
        assert await api.outbox_for("SessionRevoked", session_id=str(signed.session_id))
    refreshed = await api.post("/refresh", {"refresh_token": owner.refresh_token})
    assert refreshed.status_code == 401
    assert await api.outbox_for("UserRoleChanged", user_id=str(owner.user_id), new_role="admin")
    rows = await api.sql(
        "SELECT details FROM auth.audit_event WHERE user_id = :u AND action = 'role_changed'",
        u=owner.user_id,
    )
    assert len(rows) == 1
    assert rows[0][0]["forced"] is False
    assert rows[0][0]["sessions_ended"] == 2
    assert rows[0][0]["new_role"] == "admin"
    # Signing in again gives an admin token; a second call changes nothing.
    again = await api.signed_in(owner.email)
    assert again.body["user"]["role"] == "admin"
    repeat = await ensure_admin(api.services, email=owner.email, password=PASSWORD, origin=ORIGIN)
    assert (repeat.outcome, repeat.sessions_ended) == ("unchanged", 0)
    assert (await api.get("/session", headers=again.auth)).status_code == 200


async def test_forced_promotion_is_explicit_audited_and_ends_sessions(api: Any) -> None:
    squatter = await api.new_user(verified=False)
    ensured = await ensure_admin(
        api.services,
        email=squatter.email,
        password=OPERATOR_PASSWORD,
        origin=ORIGIN,
        promote_existing=True,
    )
    assert (ensured.outcome, ensured.sessions_ended) == ("promoted", 1)
    assert await _role_of(api, squatter.user_id) == "admin"
    assert (await api.get("/session", headers=squatter.auth)).status_code == 401
    rows = await api.sql(
        "SELECT details FROM auth.audit_event WHERE user_id = :u AND action = 'role_changed'",
        u=squatter.user_id,
    )
    assert rows[0][0]["forced"] is True


async def _startup_with(api: Any, **settings: Any) -> None:
    changed = api.services.settings.model_copy(update=settings)
    await on_startup(dataclasses.replace(api.services, settings=changed))


async def test_startup_refuses_loudly_and_keeps_running(api: Any) -> None:
    squatter = await api.new_user(verified=False)
    with structlog.testing.capture_logs() as logs:
        await _startup_with(api, admin_email=squatter.email, admin_password=OPERATOR_PASSWORD)
    refused = [e for e in logs if e["event"] == "auth.admin_promotion_refused"]
    assert len(refused) == 1
    assert refused[0]["log_level"] == "error"
    assert refused[0]["reason"] == "unverified"
    assert await _role_of(api, squatter.user_id) == "user"
    assert (await api.get("/session", headers=squatter.auth)).status_code == 200


async def test_startup_creates_the_first_admin_then_is_idempotent(api: Any) -> None:
    email = api.new_email("first-admin")
    await _startup_with(api, admin_email=email, admin_password=OPERATOR_PASSWORD)
    admin = await api.signed_in(email, OPERATOR_PASSWORD)
    assert admin.body["user"]["role"] == "admin"
    assert admin.body["user"]["is_verified"] is True
    # A second start (or another replica) finds the admin with that password: nothing changes.
    with structlog.testing.capture_logs() as logs:
        await _startup_with(api, admin_email=email.upper(), admin_password=OPERATOR_PASSWORD)
    assert [e["outcome"] for e in logs if e["event"] == "auth.admin_ensured"] == ["unchanged"]
    assert (await api.get("/session", headers=admin.auth)).status_code == 200


async def test_startup_promotes_an_existing_account_only_when_told_to(api: Any) -> None:
    squatter = await api.new_user(verified=False)
    await _startup_with(
        api,
        admin_email=squatter.email,
        admin_password=OPERATOR_PASSWORD,
        admin_promote_existing=True,
    )
    assert await _role_of(api, squatter.user_id) == "admin"
    assert (await api.get("/session", headers=squatter.auth)).status_code == 401


# the create-admin command -----------------------------------------------------------------------


async def _run_cli(*argv: str) -> int:
    # The command runs its own event loop (asyncio.run): give it a thread of its own.
    return await asyncio.to_thread(cli.main, list(argv))


async def test_create_admin_refuses_an_unverified_account_unless_forced(
    api: Any, auth_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    squatter = await api.new_user(verified=False)
    code = await _run_cli("create-admin", "--email", squatter.email, "--password", PASSWORD)
    assert code != 0
    err = capsys.readouterr().err
    assert "auth.admin_promotion_refused" in err
    assert "--force-promote-existing" in err
    assert await _role_of(api, squatter.user_id) == "user"

    code = await _run_cli(
        "create-admin",
        "--email",
        squatter.email,
        "--password",
        OPERATOR_PASSWORD,
        "--force-promote-existing",
    )
    assert code == 0
    out = capsys.readouterr().out
    assert f"admin promoted: {squatter.user_id}" in out
    assert "1 session(s) ended" in out
    assert await _role_of(api, squatter.user_id) == "admin"
    assert (await api.get("/session", headers=squatter.auth)).status_code == 401


async def test_create_admin_promotes_a_verified_account_with_its_password(
    api: Any, auth_env: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    owner = await api.new_user()
    wrong = await _run_cli("create-admin", "--email", owner.email, "--password", OPERATOR_PASSWORD)
    assert wrong != 0
    assert "password_mismatch" in capsys.readouterr().err
    right = await _run_cli("create-admin", "--email", owner.email, "--password", PASSWORD)
    assert right == 0
    assert f"admin promoted: {owner.user_id}" in capsys.readouterr().out
    assert await _role_of(api, owner.user_id) == "admin"
