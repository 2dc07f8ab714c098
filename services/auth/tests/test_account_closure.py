"""Unblocking announces itself (auth.UserUnblocked); account closure as the user asks it:
closing (re-authenticated, AccountClosureRequested) → the wallet's AccountSettledForClosure →
closed (anonymised, every session ended, sign-in impossible, the address free again)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from auth.domain.closure import anonymised, closed_email, completes_now, status_after_unblock
from auth.domain.model import Role, User, UserStatus
from auth.service_layer.closure import ClosureCompletion
from common.contracts.wallet import AccountSettledForClosure
from common.messaging.consumer import MessageContext
from common.messaging.envelope import wrap

from .conftest import PASSWORD

NOW = datetime(2026, 12, 6, tzinfo=UTC)


def a_user(**values: Any) -> User:
    base: dict[str, Any] = {
        "id": uuid.uuid4(),
        "email": "ivan@example.com",
        "name": "Ivan",
        "role": Role.user,
        "status": UserStatus.active,
        "password_hash": "x",
        "email_verified_at": NOW,
        "telegram_id": 42,
        "partner_id": None,
        "click_id": None,
        "avatar_path": "a/b.webp",
        "totp_secret": b"s",
        "totp_enabled_at": NOW,
        "totp_last_step": 1,
        "blocked_reason": None,
        "created_at": NOW,
        "updated_at": NOW,
        "preferences": {"language": "ru"},
    }
    return User(**{**base, **values})


# --- rules -------------------------------------------------------------------------------------


def test_unblock_returns_a_closing_account_to_closing() -> None:
    assert status_after_unblock(a_user(status=UserStatus.blocked)) is UserStatus.active
    closing = a_user(status=UserStatus.blocked, closure_requested_at=NOW)
    assert status_after_unblock(closing) is UserStatus.closing


def test_closure_completes_only_once_settled_and_not_blocked() -> None:
    asked = {"closure_requested_at": NOW}
    assert not completes_now(a_user(status=UserStatus.closing, **asked))
    settled = {**asked, "closure_settled_at": NOW}
    assert completes_now(a_user(status=UserStatus.closing, **settled))
    assert not completes_now(a_user(status=UserStatus.blocked, **settled))
    assert not completes_now(a_user(status=UserStatus.closed, **settled))


def test_anonymised_keeps_nothing_that_identifies_the_person() -> None:
    user = a_user()
    values = anonymised(user)
    assert values["email"] == closed_email(user.id) == f"closed-{user.id}@invalid"
    assert values["name"] == "Closed account"
    for key in ("password_hash", "telegram_id", "avatar_path", "totp_secret", "totp_enabled_at"):
        assert values[key] is None
    assert values["preferences"] == {}
    assert values["status"] == "closed"


# --- unblock -----------------------------------------------------------------------------------


async def test_unblock_emits_user_unblocked_once(api: Any) -> None:
    admin = await api.admin()
    user = await api.new_user()
    await api.post(f"/admin/users/{user.user_id}/block", {"reason": "fraud"}, headers=admin.auth)
    for _ in range(2):  # the second unblock finds the user active: nothing more
        response = await api.post(f"/admin/users/{user.user_id}/unblock", headers=admin.auth)
        assert response.status_code == 200, response.text
        assert response.json()["user"]["status"] == "active"
    assert await api.outbox_for("UserUnblocked", user_id=str(user.user_id)) == [
        {"user_id": str(user.user_id)}
    ]


# --- closure -----------------------------------------------------------------------------------


async def settled(api: Any, user_id: uuid.UUID) -> None:
    """The wallet's reply, handled as auth's consumer would (its own transaction)."""
    handler = ClosureCompletion(access_ttl_s=api.services.settings.access_ttl_s)
    handler.attach(api.runtime.revocations)
    payload = AccountSettledForClosure(user_id=user_id)
    async with api.runtime.sessionmaker.begin() as session:
        await handler(payload, MessageContext(session, wrap(payload), "auth"))


async def test_closure_needs_the_password_then_waits_for_the_wallet(api: Any) -> None:
    user = await api.new_user()
    wrong = await api.post("/account/close", {"password": "not-it"}, headers=user.auth)
    assert wrong.status_code == 400, wrong.text
    assert wrong.json()["error"]["code"] == "auth.password_incorrect"
    for _ in range(2):  # asking again answers the same, one message
        response = await api.post("/account/close", {"password": PASSWORD}, headers=user.auth)
        assert response.status_code == 202, response.text
        assert response.json()["user"]["status"] == "closing"
    assert await api.outbox_for("AccountClosureRequested", user_id=str(user.user_id)) == [
        {"user_id": str(user.user_id)}
    ]
    # Still signed in, and signs in again: the money left must be withdrawn.
    assert (await api.get("/session", headers=user.auth)).status_code == 200
    await api.sign_in(user.email)
    assert "account_closure_requested" in await api.audit_actions(user.user_id)


async def test_the_wallet_reply_anonymises_and_ends_every_session(api: Any) -> None:
    user = await api.new_user()
    phone = await api.signed_in(user.email)
    await api.put("/user", json={"preferences": {"language": "ru"}}, headers=user.auth)
    await api.post("/account/close", {"password": PASSWORD}, headers=user.auth)
    await settled(api, user.user_id)
    await settled(api, user.user_id)  # redelivered: nothing more

    for session in (user, phone):
        assert await api.runtime.revocations.is_revoked(session.session_id)
        assert (await api.get("/session", headers=session.auth)).status_code == 401
    assert len(await api.outbox_for("SessionRevoked", user_id=str(user.user_id))) == 2
    [row] = await api.sql(
        "SELECT email, name, status, password_hash, preferences, closed_at"
        " FROM auth.user WHERE id = :id",
        id=user.user_id,
    )
    assert (row.email, row.name, row.status, row.password_hash, row.preferences) == (
        f"closed-{user.user_id}@invalid",
        "Closed account",
        "closed",
        None,
        {},
    )
    assert row.closed_at is not None
    assert (await api.sign_in(user.email, expect=401)).json()["error"][
        "code"
    ] == "auth.invalid_credentials"
    assert (await api.audit_actions(user.user_id)).count("account_closed") == 1
    # The address is free: a new account, with a new id (and a new wallet).
    again = await api.sign_up(user.email)
    assert again["id"] != str(user.user_id)


async def test_a_closure_settled_while_blocked_completes_on_unblock(api: Any) -> None:
    admin = await api.admin()
    user = await api.new_user()
    await api.post("/account/close", {"password": PASSWORD}, headers=user.auth)
    await api.post(f"/admin/users/{user.user_id}/block", {"reason": "check"}, headers=admin.auth)
    await settled(api, user.user_id)
    [row] = await api.sql("SELECT status FROM auth.user WHERE id = :id", id=user.user_id)
    assert row.status == "blocked"
    response = await api.post(f"/admin/users/{user.user_id}/unblock", headers=admin.auth)
    assert response.json()["user"]["status"] == "closed", response.text
    assert response.json()["user"]["email"] == f"closed-{user.user_id}@invalid"


async def test_an_admin_cannot_close_the_account(api: Any) -> None:
    admin = await api.admin()
    response = await api.post("/account/close", {"password": "whatever"}, headers=admin.auth)
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == "account.admin_cannot_close"
